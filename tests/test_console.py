"""The console (/console/) in a real browser (the system's Chromium, driven by Playwright): governance revokes a grant
and a utility loses the field, approves a utility's request, imports a calendar year; a supervisor reads the
statistics and downloads the export, whose figures are the API's. Every file the page loads comes from the hub;
in production the console is off unless turned on, and then signs people in at the OIDC issuer (code + PKCE)."""

import base64
import hashlib
import io
import secrets
import shutil
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import httpx
import pytest

from hub.auth import keys
from hub.clock import LOCAL
from hub.config import Settings
from hub.enums import Role
from tests import factories
from tests import operations as ops
from tests.harness import ENGLISH, ExternalIssuer, GraphQLClient, RunningHub, ServerThread, create_database, drop_database
from tests.steps import by_service, finish, move, submit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EXAMPLE_YEAR = Path(__file__).resolve().parent.parent / "docs" / "calendar-2027.example.yaml"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on this machine (.ci/run installs Debian's `chromium` package)")

PHONE = "query ($id: ID!) { case(id: $id) { applicant { phone idNumber } } }"
STATISTICS = """query ($from: DateTime!, $before: DateTime!) { timeLimitStatistics(groupBy: UTILITY,
  submittedFrom: $from, submittedBefore: $before) { key total finished onTime correctionRounds } }"""
OVERDUE = "{ overdueAssignments(first: 50) { edges { node { case { number } } } } }"
YEARS = "{ calendarYears { year source holidays workdays } }"


@pytest.fixture(scope="module")
async def console_hub(tmp_path_factory):  # type: ignore[no-untyped-def]
    """An embedded hub of the module's own, started for the first time (so it offers demo identities); its clock
    is moved to file cases in the past, which no other test may see."""
    tmp = tmp_path_factory.mktemp("console")
    url = await create_database(tmp)
    running = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp / "var")).start()
    async with httpx.AsyncClient(headers=ENGLISH, base_url=running.url, timeout=30) as http:
        running.http = http
        yield running
    running.stop()
    await drop_database(url)


@pytest.fixture(scope="module")
async def history(console_hub):  # type: ignore[no-untyped-def]
    """Two weeks of work: cases filed 20 and 19 days ago; some finished days later, one 补正 round, the rest late."""
    clerk = console_hub.client(Role.CLERK, "KF-DATA", "clerk-console")
    utility = {s: console_hub.client(Role.UTILITY, org, f"op-{org}") for s, org in
               (("WATER", "KF-WATER"), ("ELECTRICITY", "KF-POWER"), ("GAS", "KF-GAS"), ("HEATING", "KF-HEAT"))}
    clock = console_hub.app.state.clock
    start = datetime.now(LOCAL).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=20)
    try:
        clock.freeze_at(start)
        first = by_service(await submit(clerk, factories.individual_transfer()))
        second = by_service(await submit(clerk, factories.individual_transfer(heating=None)))
        await finish(utility["WATER"], first["WATER"], "W-200001")
        gas = await move(utility["GAS"], ops.ACKNOWLEDGE, first["GAS"])
        await move(utility["GAS"], ops.REQUEST_MATERIALS, gas, reason="请补充燃气安全检查记录")
        clock.freeze_at(start + timedelta(days=3))
        await finish(utility["WATER"], second["WATER"], "W-200002")
        await finish(utility["ELECTRICITY"], first["ELECTRICITY"], "E-300001")
    finally:
        clock.reset()
    return {"utility": utility, "clerk": clerk}


@pytest.fixture(scope="module")
async def browser():  # type: ignore[no-untyped-def]
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


class Tab:
    """A browser tab that may reach the hub (and the origins named) and nothing else; the rest is aborted and
    recorded, as are the page's errors."""

    def __init__(self, origin: str, *also: str):
        self.allowed = {urlsplit(o).netloc for o in (origin, *also)}
        self.elsewhere: list[str] = []
        self.errors: list[str] = []

    async def open(self, browser, **options):  # type: ignore[no-untyped-def]
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True, **options)
        await context.route("**/*", self._guard)
        page = await context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page

    async def _guard(self, route) -> None:  # type: ignore[no-untyped-def]
        scheme, netloc = urlsplit(route.request.url)[:2]
        if scheme in ("data", "blob") or netloc in self.allowed:
            await route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            await route.abort()

    def clean(self) -> bool:
        return self.elsewhere == [] and self.errors == []


async def sign_in(page, hub, organisation: str, role: str):  # type: ignore[no-untyped-def]
    """Pick a demo identity on the sign-in page, as a newcomer on the embedded default would."""
    await page.goto(f"{hub.url}/console")  # redirected to /console/
    await page.locator("button.choice", has_text=role).filter(has_text=organisation).click()
    await page.get_by_role("status").filter(has_text=f"demo-").wait_for()


async def shot(page, name: str, tmp_path: Path) -> None:
    """Every page is photographed, to look at when a test fails."""
    await page.screenshot(path=tmp_path / f"{name}.png", full_page=True)


async def test_governance_revokes_a_grant_and_the_utility_loses_the_field(console_hub, history, browser, tmp_path):
    water = history["utility"]["WATER"]
    case = (await history["clerk"].run(ops.CASES, {"first": 5}))["cases"]["edges"][0]["node"]
    assert (await water.run(PHONE, {"id": case["id"]}))["case"]["applicant"]["phone"] == "13800138000"

    tab = Tab(console_hub.url)
    page = await tab.open(browser)
    await sign_in(page, console_hub, "KF-DATA", "数据治理")
    await page.get_by_role("heading", name="共享目录与授权").wait_for()
    await page.get_by_label("搜索信息项").fill("Applicant.phone")
    await page.get_by_role("button", name="Applicant.phone").click()
    await page.get_by_label("选择授权 公用企业（角色） 完整读取").check()
    await shot(page, "catalogue", tmp_path)
    await page.get_by_role("button", name="撤销所选授权").click()
    await page.get_by_label("撤销原因 Reason").fill("联系申请人改由窗口统一进行")
    await page.get_by_role("dialog").get_by_role("button", name="撤销").click()
    await page.get_by_role("status").filter(has_text="已撤销 1 项授权").wait_for()
    assert await page.get_by_label("选择授权 公用企业（角色） 完整读取").count() == 0

    assert (await water.run(PHONE, {"id": case["id"]}))["case"]["applicant"]["phone"] is None  # on the next request
    await page.get_by_role("link", name="变更历史").click()
    row = page.locator("tr", has_text="联系申请人改由窗口统一进行")
    await row.wait_for()
    assert "撤销" in await row.inner_text()
    await shot(page, "changes", tmp_path)
    assert tab.clean(), (tab.elsewhere, tab.errors)


async def test_a_utility_requests_an_item_and_governance_approves_it(console_hub, history, browser, tmp_path):
    gas = history["utility"]["GAS"]
    case = (await history["clerk"].run(ops.CASES, {"first": 5}))["cases"]["edges"][-1]["node"]
    assert (await gas.run(PHONE, {"id": case["id"]}))["case"]["applicant"]["idNumber"] != factories.PERSON_ID

    tab = Tab(console_hub.url)
    page = await tab.open(browser)
    await sign_in(page, console_hub, "KF-GAS", "公用企业")
    await page.get_by_label("申请 Applicant.idNumber").check()
    await page.get_by_label("用途 Purpose（必填）").fill("燃气过户时核验申请人身份")
    await page.get_by_role("button", name="提交申请 Submit request").click()
    await page.get_by_role("status").filter(has_text="申请已提交").wait_for()
    await page.locator("tr", has_text="燃气过户时核验申请人身份").filter(has_text="待审批").wait_for()
    await shot(page, "sharing", tmp_path)

    await page.get_by_role("button", name="退出 Sign out").click()
    await sign_in(page, console_hub, "KF-DATA", "数据治理")
    await page.get_by_role("link", name="有条件共享审批").click()
    await page.get_by_role("button", name="批准 开封新奥燃气有限公司 的申请").click()
    valid_until = (datetime.now(LOCAL) + timedelta(days=180)).date().isoformat()
    await page.get_by_label("截止日期 Valid until").fill(valid_until)
    await shot(page, "approve", tmp_path)
    await page.get_by_role("dialog").get_by_role("button", name="批准").click()
    await page.get_by_role("status").filter(has_text=f"授权至 {valid_until}").wait_for()
    await page.get_by_role("tab", name="已批准 Approved").click()
    await page.locator("tr", has_text="燃气过户时核验申请人身份").filter(has_text="已批准").wait_for()
    await shot(page, "requests", tmp_path)

    assert (await gas.run(PHONE, {"id": case["id"]}))["case"]["applicant"]["idNumber"] == factories.PERSON_ID
    assert tab.clean(), (tab.elsewhere, tab.errors)


async def test_governance_imports_a_calendar_year_from_its_file(console_hub, browser, tmp_path):
    governance = console_hub.client(Role.GOVERNANCE, "KF-DATA")
    assert 2027 not in {y["year"] for y in (await governance.run(YEARS))["calendarYears"]}
    tab = Tab(console_hub.url)
    page = await tab.open(browser)
    await sign_in(page, console_hub, "KF-DATA", "数据治理")
    await page.get_by_role("link", name="时限规则与工作日历").click()
    await page.get_by_role("button", name="导入该年 Import year").wait_for()
    # A mistyped day is refused with the field named, and nothing is loaded.
    await page.get_by_label("年份 Year").fill("2027")
    await page.get_by_label("节假日 Holidays").fill("2027-02-30")
    await page.get_by_role("button", name="导入该年 Import year").click()
    await page.get_by_role("alert").filter(has_text="holidays[0]").wait_for()
    await page.get_by_role("alert").get_by_role("button", name="关闭").click()

    await page.get_by_label("从文件读取 From a file").set_input_files(EXAMPLE_YEAR)
    await page.get_by_role("status").filter(has_text="已读取 calendar-2027.example.yaml").wait_for()
    assert await page.get_by_label("年份 Year").input_value() == "2027"
    await page.get_by_role("button", name="导入该年 Import year").click()
    await page.get_by_role("status").filter(has_text="已导入 2027 年工作日历").wait_for()
    await page.get_by_role("heading", name="2027 年工作日历").wait_for()
    assert await page.locator(".month .holiday[title='2027-10-01']").count() == 1
    assert await page.locator(".month .workday[title='2027-02-20']").count() == 1
    await shot(page, "calendar", tmp_path)

    year = next(y for y in (await governance.run(YEARS))["calendarYears"] if y["year"] == 2027)
    assert year["source"].startswith("示例") and len(year["holidays"]) == 18 and "2027-02-20" in year["workdays"]
    assert tab.clean(), (tab.elsewhere, tab.errors)


def _sheets(content: bytes) -> dict[str, list[list[str]]]:
    """The cells of each sheet of an XLSX file, as text by column (empty cells are left out of the file), read
    with nothing but the standard library."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        found = {}
        for index, sheet in enumerate(book.find("m:sheets", ns), start=1):
            root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{index}.xml"))
            rows = []
            for row in root.iter(f"{{{ns['m']}}}row"):
                cells = {ord(c.get("r")[0]) - ord("A"): "".join(c.itertext()) for c in row.findall("m:c", ns)}
                rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
            found[sheet.get("name")] = rows
        return found


async def test_a_supervisor_reads_the_statistics_and_downloads_the_export(console_hub, history, browser, tmp_path):
    supervisor = console_hub.client(Role.SUPERVISOR, "KF-CGJ")
    today = datetime.now(LOCAL).date()
    period = {"from": f"{today - timedelta(days=29)}T00:00:00+08:00", "before": f"{today + timedelta(days=1)}T00:00:00+08:00"}
    expected = {g["key"]: g for g in (await supervisor.run(STATISTICS, period))["timeLimitStatistics"]}
    assert expected["KF-WATER"]["finished"] == 2 and expected["KF-GAS"]["correctionRounds"] == 1

    tab = Tab(console_hub.url)
    page = await tab.open(browser)
    await sign_in(page, console_hub, "KF-CGJ", "时限监管")
    await page.get_by_role("link", name="超期与预警").click()
    late = (await supervisor.run(OVERDUE))["overdueAssignments"]["edges"][0]["node"]["case"]["number"]
    await page.locator("tr", has_text=late).first.wait_for()
    await shot(page, "overdue", tmp_path)

    await page.get_by_role("link", name="统计分析").click()
    await page.get_by_role("img", name="按时办结率 On-time rate").wait_for()
    water_row = page.locator("tr", has_text="开封市城市水务集团有限公司")
    cells = await water_row.locator("td").all_inner_texts()
    assert cells[1:5] == ["KF-WATER", str(expected["KF-WATER"]["total"]), "2", str(expected["KF-WATER"]["onTime"])]
    await page.get_by_role("tab", name="按行政区域").click()
    await page.locator("tr", has_text="龙亭区").wait_for()  # the cases' site: 410202
    await page.get_by_role("tab", name="按公用企业").click()
    await water_row.wait_for()
    await shot(page, "statistics", tmp_path)

    async with page.expect_download() as started:
        await page.get_by_role("button", name="导出 Excel（督查报表）").click()
    download = await started.value
    assert download.suggested_filename.endswith(".xlsx") and download.suggested_filename.startswith("时限统计")
    sheets = _sheets(Path(await download.path()).read_bytes())
    assert list(sheets) == ["说明", "按公用企业", "按业务", "按事项类型", "按行政区域", "按受理渠道", "超期清单"]
    by_utility = {row[1]: row for row in sheets["按公用企业"][1:]}
    assert by_utility["KF-WATER"][:5] == ["开封市城市水务集团有限公司", "KF-WATER", str(expected["KF-WATER"]["total"]), "2",
                                          str(expected["KF-WATER"]["onTime"])]
    assert by_utility["KF-GAS"][8] == "1"  # 补正 rounds
    assert late in {row[0] for row in sheets["超期清单"][1:]}

    async with page.expect_download() as started:
        await page.get_by_role("button", name="导出 CSV").click()
    text = Path(await (await started.value).path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("公用企业,代码,分发事项,已办结,按时办结,按时办结率")
    assert any(line.startswith("开封市城市水务集团有限公司,KF-WATER,") for line in text.splitlines())
    assert tab.clean(), (tab.elsewhere, tab.errors)


class SignInIssuer(ExternalIssuer):
    """A stand-in single sign-on: its authorization endpoint signs in `next_user` at once and sends the browser back
    with a code; the token endpoint gives the access token only for the PKCE verifier of that code's challenge."""

    def __init__(self) -> None:
        super().__init__()
        self.next_user: dict = {}
        self.codes: dict[str, dict] = {}

    def app(self):  # type: ignore[no-untyped-def]
        from starlette.responses import JSONResponse, RedirectResponse
        from starlette.routing import Route

        app = super().app()

        async def authorize(request):  # type: ignore[no-untyped-def]
            q = request.query_params
            assert q["response_type"] == "code" and q["client_id"] == "hub-console" and q["code_challenge_method"] == "S256"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"], "user": self.next_user}
            return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", status_code=302)

        async def token(request):  # type: ignore[no-untyped-def]
            form = await request.form()
            grant = self.codes.pop(form["code"], None)
            digest = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=").decode()
            cors = {"Access-Control-Allow-Origin": "*"}
            if grant is None or digest != grant["challenge"] or form["redirect_uri"] != grant["redirect_uri"]:
                return JSONResponse({"error": "invalid_grant"}, status_code=400, headers=cors)
            return JSONResponse({"access_token": self.token(**grant["user"]), "token_type": "Bearer"}, headers=cors)

        app.router.routes.extend([Route("/authorize", authorize), Route("/token", token, methods=["POST"])])
        return app


@pytest.fixture(scope="module")
def sign_in_issuer():  # type: ignore[no-untyped-def]
    issuer = SignInIssuer()
    server = ServerThread(issuer.app()).start()
    issuer.url = server.url
    yield issuer
    server.stop()


@pytest.fixture(scope="module")
def production(console_hub, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Production hubs on the module's database (migrated, the catalogue loaded)."""
    database_url = console_hub.settings.database_url
    tmp, started = tmp_path_factory.mktemp("production"), []

    def start(**settings) -> RunningHub:  # type: ignore[no-untyped-def]
        keys.generate(tmp / f"key-{len(started)}.json")
        running = RunningHub(Settings(environment="production", database_url=database_url, data_dir=tmp,
                                      signing_key_file=tmp / f"key-{len(started)}.json", **settings)).start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


async def test_production_signs_in_at_the_oidc_issuer_with_pkce(production, sign_in_issuer, browser, tmp_path):
    running = production(console=True, oidc_issuers=[{
        "issuer": sign_in_issuer.issuer, "jwks_url": f"{sign_in_issuer.url}/jwks", "name": "开封市统一身份认证",
        "console_client_id": "hub-console", "authorization_endpoint": f"{sign_in_issuer.url}/authorize",
        "token_endpoint": f"{sign_in_issuer.url}/token"}])
    sign_in_issuer.next_user = {"subject": "gov-li", "roles": ["GOVERNANCE"], "org": "KF-DATA"}
    tab = Tab(running.url, sign_in_issuer.url)
    page = await tab.open(browser)
    await page.goto(f"{running.url}/console/")
    assert await page.locator("button.choice").count() == 0  # no demo identities in production
    await page.get_by_role("button", name="通过 开封市统一身份认证 登录").click()
    await page.get_by_role("status").filter(has_text="gov-li").wait_for()
    await page.get_by_role("heading", name="共享目录与授权").wait_for()
    assert "code=" not in page.url  # the code is gone from the address and the history
    await shot(page, "signed-in", tmp_path)
    assert tab.clean(), (tab.elsewhere, tab.errors)


async def test_production_serves_no_console_by_default(production):
    running = production()
    async with httpx.AsyncClient(headers=ENGLISH, base_url=running.url, timeout=30) as http:
        for path in ("/console/", "/console", "/console/static/app.js", "/console/demo-tokens"):
            assert (await http.get(path)).status_code == 404


async def test_the_page_loads_only_the_hubs_own_files(console_hub):
    http = console_hub.http
    page = await http.get("/console/")
    assert page.status_code == 200 and "https://" not in page.text and "http://" not in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self';" in policy
    assert "javascript" in (await http.get("/console/static/lib/export.js")).headers["content-type"]
    offered = (await http.get("/console/demo-tokens")).json()
    governance = next(d["token"] for d in offered if d["role"] == "GOVERNANCE")
    assert (await GraphQLClient(http, governance).run("{ viewer { subject } }"))["viewer"]["subject"] == "demo-governance"
    rebound = await http.get("/console/demo-tokens", headers={"Host": f"evil.example:{console_hub.port}"})
    assert rebound.status_code == 404
