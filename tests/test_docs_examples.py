"""Every example of the README, docs/ and the Python client's README, followed verbatim on the embedded
default with the demo tokens it prints, gets the answer the page shows (tests/doc_examples.py says how the
pages mark their examples)."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from graphql import print_ast

from hub.config import Settings
from hub.demo import read_tokens
from tests import factories, steps
from tests import operations as ops
from tests.doc_examples import Example, Walk, commands, examples, operations, same_shape, without_errors_selected
from tests.harness import CHECKOUT, GraphQLClient, RunningHub, create_database, drop_database
from tests.ws import Subscription

PAGES = [CHECKOUT / "README.md", *sorted((CHECKOUT / "docs").glob("*.md")), CHECKOUT / "clients/python/README.md"]
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # a scanned page, as far as a type check sees
EXAMPLE_HOSTS = ("http://127.0.0.1:8000", "https://hub.example.cn")


class Reader:
    """One person following one page on a fresh `make run`: its hub, its demo tokens, a shell in a folder
    holding the hub's var/ (and the checkout's docs/, which the page's commands name)."""

    def __init__(self, hub: RunningHub, http: httpx.AsyncClient, workdir: Path):
        self.hub, self.http, self.workdir, self.walk = hub, http, workdir, Walk()
        self.defined: list[str] = []  # the shell variables the page's commands set so far
        self.tokens = {(t["organisation"] if t["role"] == "UTILITY" else t["role"]): t["token"]
                       for t in read_tokens(hub.settings)}

    def client(self, who: str) -> GraphQLClient:
        return GraphQLClient(self.http, self.tokens[who])

    async def graphql(self, example: Example, who: str) -> None:
        for operation in operations(example.text):
            assert not without_errors_selected(operation), (
                f"{example.where}: {without_errors_selected(operation)} selects no `errors`: a refusal answers a bare null")
            document = self.walk.fill(print_ast(operation), example.where)
            if operation.operation.value == "subscription":
                data = await self.first_event(who, document)
            else:
                response = await self.client(who).raw(document)
                assert response.status_code == 200, f"{example.where}: {response.text}"
                body = response.json()
                assert not body.get("errors"), f"{example.where}: {body['errors']}"
                data = body["data"]
            for name, value in data.items():
                assert value not in (None, [], {}), f"{example.where}: {name} answered {value!r}"
                assert not (isinstance(value, dict) and value.get("errors")), f"{example.where}: {value['errors']}"
                assert not (isinstance(value, dict) and value.get("edges") == []), f"{example.where}: {name} is empty"
            self.walk.learn(data, service=SERVICES.get(who))

    async def first_event(self, who: str, document: str) -> dict:
        subscription = await Subscription.open(self.hub.port, self.tokens[who], document, {"after": "0"})
        try:
            return await subscription.next(timeout=30)
        finally:
            await subscription.close()

    def shell(self, example: Example) -> None:
        for command, shown in commands(example.text):
            command = self.walk.fill_shell(command)
            for host in EXAMPLE_HOSTS:
                command = command.replace(host, self.hub.url)
            done = subprocess.run(["bash", "-c", "\n".join([*self.defined, command])], cwd=self.workdir, env=self.env(),
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"{example.where}: `{command}` exited {done.returncode}: {done.stderr}"
            if shown:
                assert same_shape(shown, done.stdout), f"{example.where}: `{command}` printed {done.stdout!r}, the page shows {shown}"
            if command.split("=")[0].isupper() and "=" in command.split()[0]:
                self.defined.append(command)
            for line in done.stdout.splitlines():
                self.walk.learn(_json(line))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update(PATH=f"{Path(sys.executable).parent}:{env['PATH']}", HUB_DATABASE_URL=self.hub.settings.database_url,
                   HUB_DATA_DIR=str(self.hub.settings.data_dir))
        env.update({_upper_snake(k): v for k, v in self.walk.facts.items()})
        return env


SERVICES = {"KF-WATER": "WATER", "KF-POWER": "ELECTRICITY", "KF-GAS": "GAS", "KF-HEAT": "HEATING", "KF-TELECOM": "TELECOM"}


def _json(line: str) -> object:
    import json
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _upper_snake(name: str) -> str:
    return "".join(f"_{c}" if c.isupper() else c.upper() for c in name)


async def accepted_gas(reader: Reader, data: dict | None = None, confirmed: bool = False) -> None:
    """A gas transfer its utility has accepted; `confirmed`: with its preconditions (safety check, fees) confirmed."""
    case = await steps.submit(reader.client("CLERK"), data or factories.individual_transfer())
    gas = steps.by_service(case)["GAS"]
    utility = reader.client("KF-GAS")
    gas = await steps.move(utility, ops.ACKNOWLEDGE, gas)
    gas = await steps.move(utility, ops.ACCEPT, gas)
    if confirmed:
        gas = await steps.confirm_preconditions(utility, gas)
    reader.walk.facts.update(assignmentId=gas["id"], caseId=case["id"], caseNumber=case["number"])
    reader.walk.versions[gas["id"]] = gas["version"]


def missing_materials() -> dict:
    return factories.individual_transfer(materials=[m for m in factories.individual_transfer()["materials"]
                                                    if m["typeCode"] == "RESIDENT_ID_CARD"])


async def finished(reader: Reader) -> dict:
    """A transfer whose every service is done."""
    case = await steps.submit(reader.client("CLERK"), factories.individual_transfer())
    for service, assignment in steps.by_service(case).items():
        org = next(o for o, s in SERVICES.items() if s == service)
        await steps.finish(reader.client(org), assignment, f"{service[0]}-1")
    reader.walk.facts.update(caseId=case["id"], caseNumber=case["number"])
    return case


async def set_clock(reader: Reader, at: datetime) -> None:
    moved = await reader.client("GOVERNANCE").run(
        "mutation ($at: DateTime!) { setClock(input: { at: $at }) { errors { message } } }", {"at": at.isoformat()})
    assert moved["setClock"]["errors"] == []


async def hub_now(reader: Reader) -> datetime:
    return reader.hub.app.state.clock.now()


async def finished_past_retention(reader: Reader) -> None:
    """A finished case, and the hub's clock moved past the retention period."""
    await finished(reader)
    await set_clock(reader, await hub_now(reader) + timedelta(days=reader.hub.settings.personal_data_retention_days + 1))


async def read_by_water(reader: Reader) -> None:
    case = await steps.submit(reader.client("CLERK"), factories.individual_transfer())
    await reader.client("KF-WATER").run(ops.CASE, {"id": case["id"]})
    reader.walk.facts.update(caseId=case["id"], caseNumber=case["number"])


async def overdue_and_at_risk(reader: Reader) -> None:
    """One case left far past its deadlines, a newer one just past its warning point."""
    await steps.submit(reader.client("CLERK"), factories.individual_transfer())
    await set_clock(reader, await hub_now(reader) + timedelta(days=90))
    case = await steps.submit(reader.client("CLERK"), factories.individual_transfer())
    warning = await reader.client("SUPERVISOR").run(
        "query ($id: ID!) { case(id: $id) { assignments { timeLimit { warningAt } } } }", {"id": case["id"]})
    at = min(datetime.fromisoformat(a["timeLimit"]["warningAt"]) for a in warning["case"]["assignments"])
    await set_clock(reader, at + timedelta(minutes=1))


async def pending_sharing_request(reader: Reader) -> None:
    filed = await reader.client("KF-GAS").run(
        'mutation { requestSharing(input: { itemCodes: ["Agent.idNumber"], purpose: "核验经办人身份" }) '
        "{ request { id } errors { message } } }")
    assert filed["requestSharing"]["errors"] == []
    reader.walk.facts["requestId"] = filed["requestSharing"]["request"]["id"]


GIVENS = {
    "accepted GAS": accepted_gas,
    "accepted GAS, preconditions confirmed": lambda reader: accepted_gas(reader, confirmed=True),
    "accepted GAS with missing materials, preconditions confirmed":
        lambda reader: accepted_gas(reader, missing_materials(), confirmed=True),
    "a finished case": finished,
    "a case finished past retention": finished_past_retention,
    "a case the water utility has read": read_by_water,
    "an overdue and an at-risk assignment": overdue_and_at_risk,
    "a pending sharing request": pending_sharing_request,
}


@pytest.fixture
async def reader(tmp_path):  # type: ignore[no-untyped-def]
    url = await create_database(tmp_path)
    hub = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp_path / "var")).start()
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    (workdir / "var").symlink_to(tmp_path / "var")
    (workdir / "docs").symlink_to(CHECKOUT / "docs")
    (workdir / "signed-form.pdf").write_bytes(SCAN)
    (workdir / "property-certificate.pdf").write_bytes((CHECKOUT / "clients/typescript/examples/property-certificate.pdf").read_bytes())
    async with httpx.AsyncClient(base_url=hub.url, timeout=60) as http:
        yield Reader(hub, http, workdir)
    hub.stop()
    await drop_database(url)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(CHECKOUT)))
async def test_every_example_of_the_page_runs_as_written(page, reader):
    for example in examples(page):
        how = example.how
        assert how, f"{example.where}: mark the example (<!-- example: as ROLE --> / shell / fragment / not run — why)"
        if how == "fragment" or how.startswith("not run — "):
            continue
        if how == "shell":
            reader.shell(example)
            continue
        assert how.startswith("as "), f"{example.where}: unknown marker {how!r}"
        who, _, given = how[3:].partition(", given ")
        assert who in reader.tokens, f"{example.where}: no demo token for {who!r}"
        if not given:
            await reader.graphql(example, who)
            continue
        # what a precondition sets up is that example's alone; the page's own case and ids carry on after it
        kept = dict(reader.walk.facts), dict(reader.walk.versions)
        await GIVENS[given](reader)
        await reader.graphql(example, who)
        reader.walk.facts, reader.walk.versions = kept


def test_every_page_with_examples_is_followed():
    pages = {p for p in CHECKOUT.glob("**/*.md") if ".venv" not in p.parts and "node_modules" not in p.parts
             and any(e.lang == "graphql" for e in examples(p))}
    assert pages <= set(PAGES) | {CHECKOUT / "clients/typescript/README.md"}, pages - set(PAGES)
