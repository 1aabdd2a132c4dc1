"""GraphiQL in a real browser (the system's Chromium, driven by Playwright): the page and everything it loads come
from the hub itself, a demo role or a pasted token runs queries and subscriptions, a reload with `?query=` shows the
page again, and a production hub without GraphiQL serves no page."""

import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

from hub.auth import keys
from hub.config import Settings
from hub.enums import Role
from tests import factories
from tests.harness import ENGLISH, GraphQLClient, RunningHub, create_database, drop_database
from tests.steps import submit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # what a browser sends
VIEWER = "{ viewer { subject organisation roles } }"

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on this machine (.ci/run installs Debian's `chromium` package)")


@pytest.fixture
async def first_start(tmp_path):  # type: ignore[no-untyped-def]
    """An embedded hub started for the first time: it mints and saves the demo tokens."""
    url = await create_database(tmp_path)
    running = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp_path / "var")).start()
    yield running
    running.stop()
    await drop_database(url)


@pytest.fixture
def production(hub, database_url, tmp_path):  # type: ignore[no-untyped-def]
    """A production hub (on the suite's migrated database); `production(graphiql=True)` turns GraphiQL on."""
    started = []

    def start(**settings) -> RunningHub:  # type: ignore[no-untyped-def]
        keys.generate(tmp_path / f"key-{len(started)}.json")
        running = RunningHub(Settings(environment="production", database_url=database_url, data_dir=tmp_path,
                                      signing_key_file=tmp_path / f"key-{len(started)}.json", **settings)).start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
async def browser():  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (.ci/run installs Debian's `chromium` package)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


class OwnOriginOnly:
    """A browser tab that may reach the hub's origin and nothing else: other requests are aborted and recorded."""

    def __init__(self, origin: str):
        self.netloc = urlsplit(origin).netloc
        self.elsewhere: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []  # responses of 400 and above, to say which request a console error is about

    async def open(self, browser):  # type: ignore[no-untyped-def]
        context = await browser.new_context(viewport={"width": 1400, "height": 900})
        await context.route("**/*", self._guard)
        page = await context.new_page()
        page.on("websocket", lambda ws: self._check(ws.url))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.request.method} {r.url} "
                                                                          f"{r.request.post_data or ''}"[:400]))
        return page

    def _check(self, url: str) -> bool:
        scheme, netloc = urlsplit(url)[:2]
        if scheme in ("data", "blob") or netloc == self.netloc:
            return True
        self.elsewhere.append(url)
        return False

    async def _guard(self, route) -> None:  # type: ignore[no-untyped-def]
        if self._check(route.request.url):
            await route.continue_()
        else:
            await route.abort()


async def set_query(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Puts `text` in the query editor as a paste would (CodeMirror's own API; typing triggers autocompletion)."""
    await page.locator(".graphiql-query-editor .CodeMirror").first.wait_for()
    await page.evaluate("t => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(t)",
                        text)


async def run_and_read(page, expected: str) -> str:  # type: ignore[no-untyped-def]
    await page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response .CodeMirror-code")
    await response.filter(has_text=expected).wait_for(timeout=20_000)
    return await response.inner_text()


@needs_chromium
async def test_demo_role_runs_a_query_and_a_reload_keeps_the_page(first_start, browser, tmp_path):
    tab = OwnOriginOnly(first_start.url)
    page = await tab.open(browser)
    loaded = await page.goto(f"{first_start.url}/graphql")
    assert loaded.status == 200
    await page.get_by_role("status").filter(has_text="No token").wait_for()
    await page.screenshot(path=tmp_path / "graphiql-first-visit.png")
    role = page.get_by_label("Demo role")
    await role.locator("option", has_text="CLERK (KF-DATA)").wait_for(state="attached")
    await role.select_option(label="CLERK (KF-DATA)")
    await page.get_by_role("status").filter(has_text="demo-clerk · CLERK · KF-DATA").wait_for()
    await set_query(page, VIEWER)
    result = await run_and_read(page, "demo-clerk")
    assert '"organisation": "KF-DATA"' in result and '"CLERK"' in result
    await page.get_by_label("Show Documentation Explorer").click()  # the schema was fetched with the token
    await page.locator(".graphiql-doc-explorer").filter(has_text="subscription").wait_for()
    await page.screenshot(path=tmp_path / "graphiql-demo-role.png")

    assert "query=" in page.url  # GraphiQL keeps the query in the address …
    reloaded = await page.reload()  # … so a reload asks for /graphql?query=… with no Authorization header
    assert reloaded.status == 200 and "text/html" in reloaded.headers["content-type"]
    await page.get_by_role("status").filter(has_text="demo-clerk").wait_for()  # the token is kept for the tab
    result = await run_and_read(page, "demo-clerk")
    assert '"CLERK"' in result
    await page.screenshot(path=tmp_path / "graphiql-reloaded.png")
    assert tab.elsewhere == [] and tab.console_errors == [], tab.failed


async def run_until_shown(page, shown) -> None:  # type: ignore[no-untyped-def]
    """Run the editor's operation until `shown` appears; as a person would, run it once more if the first run
    shows nothing within half a minute (on a loaded machine the socket's first start can be slow)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        await page.locator(".graphiql-execute-button").click()
        try:
            await shown.wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            if attempt:
                raise
            label = await page.locator(".graphiql-execute-button").get_attribute("aria-label") or ""
            if label.startswith("Stop"):  # still subscribed: stop, then run again
                await page.locator(".graphiql-execute-button").click()


@needs_chromium
async def test_pasted_token_runs_a_subscription_over_the_websocket(hub, clerk, browser, tmp_path):
    case = await submit(clerk, factories.enterprise_connection())
    tab = OwnOriginOnly(hub.url)
    page = await tab.open(browser)
    await page.goto(f"{hub.url}/graphql")
    await page.get_by_label("Token").fill(clerk.token)
    await page.get_by_role("button", name="Use token").click()
    await page.get_by_role("status").filter(has_text="clerk-wang · CLERK · KF-DATA").wait_for()
    # Replayed from the start of the case's events: the browser must open the WebSocket with the token in
    # connection_init (a browser cannot put an Authorization header on the upgrade request).
    await set_query(page, 'subscription { caseEvents(caseId: "%s", after: "0") { kind case { number } } }' % case["id"])
    response = page.locator(".graphiql-response .CodeMirror-code")
    await run_until_shown(page, response.filter(has_text=case["number"]))
    assert '"kind": "' in await response.inner_text()
    await page.screenshot(path=tmp_path / "graphiql-subscription.png")
    assert tab.elsewhere == [] and tab.console_errors == [], tab.failed


@needs_chromium
async def test_production_with_graphiql_on_offers_no_demo_tokens(production, browser, tmp_path):
    running = production(graphiql=True)
    tab = OwnOriginOnly(running.url)
    page = await tab.open(browser)
    await page.goto(f"{running.url}/graphql?query={quote(VIEWER)}")
    await page.get_by_label("Token").wait_for()
    assert await page.get_by_label("Demo role").count() == 0
    await page.get_by_label("Token").fill(running.token(Role.SUPERVISOR, "KF-CGJ", "inspector-zhao"))
    await page.get_by_role("button", name="Use token").click()
    result = await run_and_read(page, "inspector-zhao")
    assert '"SUPERVISOR"' in result
    await page.screenshot(path=tmp_path / "graphiql-production.png")
    assert tab.elsewhere == [] and tab.console_errors == [], tab.failed


async def test_page_needs_no_token_but_the_api_does(hub):
    async with httpx.AsyncClient(headers=ENGLISH, base_url=hub.url, timeout=30) as http:
        for path in ("/graphql", f"/graphql?query={quote(VIEWER)}"):
            page = await http.get(path, headers=HTML)
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
            assert "graphiql.min.js" in page.text and "https://" not in page.text
            api = await http.get(path, headers={"Accept": "application/json"})
            assert api.status_code == 401
        asset = await http.get("/static/graphiql/graphiql.min.js")
        assert asset.status_code == 200 and len(asset.content) > 500_000


async def test_demo_tokens_are_offered_to_this_machine_only(first_start):
    async with httpx.AsyncClient(headers=ENGLISH, base_url=first_start.url, timeout=30) as http:
        offered = (await http.get("/graphiql/demo-tokens")).json()
        assert {(d["role"], d["organisation"]) for d in offered} >= {("CLERK", "KF-DATA"), ("APPLICANT", None)}
        clerk = next(d["token"] for d in offered if d["role"] == "CLERK")
        assert (await GraphQLClient(http, clerk).run(VIEWER))["viewer"]["subject"] == "demo-clerk"
        # A page of another site whose name resolves to this machine (DNS rebinding) is refused.
        rebound = await http.get("/graphiql/demo-tokens", headers={"Host": f"evil.example:{first_start.port}"})
        assert rebound.status_code == 404


async def test_production_serves_no_page_by_default(production):
    running = production()
    async with httpx.AsyncClient(headers=ENGLISH, base_url=running.url, timeout=30) as http:
        page = await http.get(f"/graphql?query={quote(VIEWER)}", headers=HTML)
        assert page.status_code == 404 and "graphiql.min.js" not in page.text
        assert (await http.get("/static/graphiql/graphiql.min.js")).status_code == 404
        assert (await http.get("/graphiql/demo-tokens")).status_code == 404
        assert (await http.get("/graphql", headers={"Accept": "application/json"})).status_code == 401


async def test_production_with_graphiql_on_has_no_demo_token_endpoint(production):
    running = production(graphiql=True)
    async with httpx.AsyncClient(headers=ENGLISH, base_url=running.url, timeout=30) as http:
        assert (await http.get("/graphql", headers=HTML)).status_code == 200
        assert (await http.get("/graphiql/demo-tokens")).status_code == 404
