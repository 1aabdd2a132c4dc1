"""The agent's plan, its exactly-once bookkeeping and its command line, against the fake hub."""

import json
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fakehub import MOVES, FakeHub
from kaifeng_hub_client import CursorStore, HandState, HubClient, StaticToken
from kaifeng_hub_client.agent import Agent, CannotApply, next_write, parse_args
from kaifeng_hub_client.company import Decision, DecisionError
from kaifeng_hub_client.subscribe import SubscriptionEvent

HUB_AGENT = str(Path(sys.executable).parent / "hub-agent")
COMPLETE = Decision("complete", account_number="W-200377", remarks="已过户")


@pytest.mark.parametrize(("status", "action", "write"), [
    ("PENDING", "complete", "acknowledge"),
    ("RECEIVED", "complete", "accept"),
    ("ACCEPTED", "complete", "complete"),
    ("COMPLETED", "complete", None),
    ("PENDING", "reject", "acknowledge"),
    ("ACCEPTED", "reject", "reject"),
    ("NEEDS_MATERIALS", "reject", "reject"),
    ("RECEIVED", "request_materials", "request_materials"),
    ("NEEDS_MATERIALS", "request_materials", None),
    ("RECEIVED", "accept", "accept"),
    ("ACCEPTED", "accept", None),
    ("PENDING", "skip", None),
])
def test_plan_follows_the_state_machine(status, action, write):
    assert next_write(status, action) == write


@pytest.mark.parametrize(("status", "action"), [("REJECTED", "complete"), ("NEEDS_MATERIALS", "complete"),
                                                ("COMPLETED", "reject"), ("NEEDS_MATERIALS", "accept")])
def test_plan_refuses_what_cannot_be_reached(status, action):
    with pytest.raises(CannotApply):
        next_write(status, action)


def test_command_line_needs_credentials_and_one_company_system(monkeypatch, capsys):
    monkeypatch.delenv("HUB_TOKEN", raising=False)
    monkeypatch.delenv("HUB_CLIENT_SECRET", raising=False)
    base = ["--hub", "http://127.0.0.1:8000", "--state", "s.sqlite3"]
    with pytest.raises(SystemExit):
        parse_args([*base, "--command", "decide"])
    with pytest.raises(SystemExit):
        parse_args([*base, "--client-id", "hub-x", "--command", "decide"])
    with pytest.raises(SystemExit):
        parse_args([*base, "--token", "t", "--command", "decide", "--webhook", "http://erp/hub"])
    monkeypatch.setenv("HUB_CLIENT_SECRET", "from-env")
    args = parse_args([*base, "--client-id", "hub-x", "--webhook", "http://erp/hub", "--once-idle", "5"])
    assert (args.client_secret, args.token, args.webhook, args.once_idle) == ("from-env", None, "http://erp/hub", 5.0)


class Company:
    """The company's system: answers from a list (an exception is raised), and remembers what it was given."""

    def __init__(self, *answers: Decision | Exception, during: Callable[[], None] | None = None):
        self.answers = list(answers)
        self.requests: list[dict] = []
        self.during = during

    async def decide(self, request: dict) -> Decision:
        self.requests.append(request)
        if self.during:
            self.during()
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Crash(Exception):
    """The agent's process dying at this point."""


def hub_client(fake: FakeHub, before: dict[str, Callable[[], None]] | None = None,
               lose: set[str] | None = None) -> HubClient:
    """A client of the fake hub; `before[m]` runs before mutation m, and mutations in `lose` lose their answer once."""
    before, lose = dict(before or {}), set(lose or ())

    def handle(request: httpx.Request) -> httpx.Response:
        mutation = next((m for m in MOVES if f"{m}(" in json.loads(request.content)["query"]), None)
        if mutation in before:
            before.pop(mutation)()
        response = fake.handle(request)
        if mutation in lose:
            lose.discard(mutation)
            raise httpx.ReadError("connection reset", request=request)
        return response

    return HubClient("http://hub", StaticToken("good"), transport=httpx.MockTransport(handle))


def event(fake: FakeHub, store: CursorStore, cursor: str) -> SubscriptionEvent:
    e = fake.event(cursor)
    return SubscriptionEvent(cursor=cursor, kind=e["kind"], occurred_at=datetime.fromisoformat(e["occurredAt"]),
                             assignment=e["assignment"], case=None, name="assignments", store=store)


@pytest.fixture
def store(tmp_path):
    with CursorStore(tmp_path / "agent.sqlite3") as s:
        yield s


async def test_new_assignment_is_handed_over_and_completed(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company(COMPLETE)
    async with hub_client(fake) as hub:
        outcome = await Agent(hub, store, company).process(event(fake, store, "1"))
    assert outcome == "completed, 户号 W-200377"
    assert [m for m, _ in fake.writes] == ["acknowledgeAssignment", "acceptAssignment", "completeAssignment"]
    request = company.requests[0]
    assert (request["id"], request["event"]) == (assignment_id, "ASSIGNMENT_CREATED")
    assert request["idempotencyKey"] == f"{assignment_id}:1"
    assert request["case"]["applicant"]["name"] == "张伟"
    assert store.handoff(assignment_id).state is HandState.WRITTEN


async def test_a_write_whose_answer_was_lost_is_not_applied_twice(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company(COMPLETE)
    async with hub_client(fake, lose={"acceptAssignment"}) as hub:
        agent = Agent(hub, store, company)
        with pytest.raises(httpx.ReadError):
            await agent.process(event(fake, store, "1"))
        assert store.handoff(assignment_id).state is HandState.RESULT
        assert await agent.process(event(fake, store, "1")) == "completed, 户号 W-200377"
    assert len(company.requests) == 1  # the recorded decision was reused
    assert [m for m, _ in fake.writes] == ["acknowledgeAssignment", "acceptAssignment", "completeAssignment"]


async def test_a_crash_while_the_company_decides_asks_again_with_the_same_key(store):
    fake = FakeHub()
    fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company(Crash(), COMPLETE)
    async with hub_client(fake) as hub:
        with pytest.raises(Crash):
            await Agent(hub, store, company).process(event(fake, store, "1"))
        await Agent(hub, store, company).process(event(fake, store, "1"))
    assert company.requests[0]["idempotencyKey"] == company.requests[1]["idempotencyKey"]
    assert len(fake.writes) == 3


async def test_an_event_replayed_after_writing_is_not_handed_over_again(store):
    fake = FakeHub()
    fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company(COMPLETE)
    async with hub_client(fake) as hub:
        agent = Agent(hub, store, company)
        await agent.process(event(fake, store, "1"))
        assert await agent.process(event(fake, store, "1")) == "already written back"
    assert len(company.requests) == 1 and len(fake.writes) == 3


async def test_an_assignment_taken_on_elsewhere_is_left_alone(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company()
    async with hub_client(fake) as hub:
        created = event(fake, store, "1")
        await hub.acknowledge(assignment_id, 1)  # someone at the company's counter was quicker
        outcome = await Agent(hub, store, company).process(created)
    assert outcome == "skipped: RECEIVED by now"
    assert company.requests == [] and store.handoff(assignment_id) is None


async def test_replayed_history_is_skipped_without_looking_anything_up(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    async with hub_client(fake) as hub:
        await hub.reject(assignment_id, 1, "不在供水范围")
    lookups = []
    counting = httpx.MockTransport(lambda request: lookups.append(request) or fake.handle(request))
    async with HubClient("http://hub", StaticToken("good"), transport=counting) as hub:
        agent = Agent(hub, store, Company())
        assert await agent.process(event(fake, store, "1")) == "skipped: REJECTED by now"
    assert lookups == [] and agent.counts.skipped == 1


async def test_materials_supplied_start_a_second_round_with_a_new_key(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company(Decision("request_materials", reason="请补充不动产权证书"), COMPLETE)
    async with hub_client(fake) as hub:
        agent = Agent(hub, store, company)
        assert await agent.process(event(fake, store, "1")) == "needs materials: 请补充不动产权证书"
        fake.supply_materials(assignment_id)
        supplied = fake.events[-1]["cursor"]
        assert await agent.process(event(fake, store, supplied)) == "completed, 户号 W-200377"
    assert [r["idempotencyKey"] for r in company.requests] == [f"{assignment_id}:1", f"{assignment_id}:{supplied}"]
    assert [m for m, _ in fake.writes] == ["acknowledgeAssignment", "requestMaterials", "acceptAssignment",
                                           "completeAssignment"]


async def test_a_conflicting_write_is_planned_again_from_the_new_version(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    company = Company(COMPLETE)
    async with hub_client(fake, before={"acceptAssignment": lambda: fake.add_materials(assignment_id)}) as hub:
        assert await Agent(hub, store, company).process(event(fake, store, "1")) == "completed, 户号 W-200377"
    assert [(m, f["expectedVersion"]) for m, f in fake.writes] == [
        ("acknowledgeAssignment", 1), ("acceptAssignment", 3), ("completeAssignment", 4)]


async def test_skip_writes_nothing(store):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    async with hub_client(fake) as hub:
        agent = Agent(hub, store, Company(Decision("skip")))
        assert await agent.process(event(fake, store, "1")) == "left to people (skip)"
    assert fake.writes == [] and store.handoff(assignment_id).state is HandState.WRITTEN
    assert (agent.counts.handled, agent.counts.skipped) == (0, 1)


async def test_run_processes_the_stream_counts_failures_and_commits_the_cursor(serve, store):
    fake = FakeHub()
    failing = fake.add_assignment("KF20261127-AAAA0001")
    fake.add_assignment("KF20261127-AAAA0002")
    rejected = fake.add_assignment("KF20261127-AAAA0003")
    company = Company(DecisionError("no accountNumber"), COMPLETE, Decision("reject", reason="户号已销户"))
    async with HubClient(serve(fake.app()), StaticToken("good")) as hub:
        agent = Agent(hub, store, company)
        await agent.run(idle_exit=0.5)
    assert (agent.counts.handled, agent.counts.failed, agent.counts.skipped) == (2, 1, 0)
    assert store.cursor("assignments") == "3"
    assert fake.assignments[failing]["status"] == "PENDING"  # left in the work queue for people
    assert fake.assignments[rejected]["reason"] == "户号已销户"


def _decide_script(tmp_path: Path, delay: float = 0) -> str:
    script = tmp_path / "decide.py"
    script.write_text(textwrap.dedent(f"""
        import json, sys, time
        assignment = json.load(sys.stdin)
        with open({str(tmp_path / "asked.log")!r}, "a", encoding="utf-8") as log:
            log.write(assignment["idempotencyKey"] + "\\n")
        time.sleep({delay})
        print(json.dumps({{"action": "complete", "accountNumber": "W-" + assignment["case"]["number"][-4:]}}))
    """), encoding="utf-8")
    return f"{sys.executable} {script}"


def test_hub_agent_command_line_runs_until_idle_and_resumes(serve, tmp_path):
    fake = FakeHub()
    first = fake.add_assignment("KF20261127-AAAA0001")
    url = serve(fake.app())
    argv = [HUB_AGENT, "--hub", url, "--client-id", "hub-water", "--client-secret", "s3cret",
            "--state", str(tmp_path / "agent.sqlite3"), "--command", _decide_script(tmp_path), "--once-idle", "1"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "KF20261127-AAAA0001 WATER: completed, 户号 W-0001" in done.stderr
    assert fake.assignments[first]["result"]["accountNumber"] == "W-0001"
    assert fake.issued == 1  # one token from /oauth/token

    second = fake.add_assignment("KF20261127-AAAA0002")
    again = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert fake.subscribed_after == ["0", "1"]  # a first start replays the log: what waits is handed over
    assert fake.assignments[second]["status"] == "COMPLETED"
    assert (tmp_path / "asked.log").read_text().split() == [f"{first}:1", f"{second}:5"]


def test_sigterm_stops_after_the_current_assignment(serve, tmp_path):
    fake = FakeHub()
    first = fake.add_assignment("KF20261127-AAAA0001")
    second = fake.add_assignment("KF20261127-AAAA0002")
    state = tmp_path / "agent.sqlite3"
    agent = subprocess.Popen(
        [HUB_AGENT, "--hub", serve(fake.app()), "--token", "good", "--state", str(state),
         "--command", _decide_script(tmp_path, delay=1.5)],
        stderr=subprocess.PIPE, text=True,
    )
    asked = tmp_path / "asked.log"
    deadline = time.monotonic() + 30
    while not asked.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    agent.send_signal(signal.SIGTERM)  # while the company's system is deciding on the first
    _, stderr = agent.communicate(timeout=30)
    assert agent.returncode == 0, stderr
    assert fake.assignments[first]["status"] == "COMPLETED"
    assert fake.assignments[second]["status"] == "PENDING"
    assert asked.read_text().split() == [f"{first}:1"]
    with CursorStore(state) as store:
        assert store.cursor("assignments") == "1"


def test_hub_agent_asks_a_webhook(serve, tmp_path):
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-AAAA0001")
    received = []

    async def desk(request: Request) -> JSONResponse:
        received.append((request.headers["idempotency-key"], await request.json()))
        return JSONResponse({"action": "request_materials", "reason": "请补充不动产权证书"})

    webhook = serve(Starlette(routes=[Route("/hub", desk, methods=["POST"])]))
    argv = [HUB_AGENT, "--hub", serve(fake.app()), "--token", "good", "--state", str(tmp_path / "s.sqlite3"),
            "--webhook", f"{webhook}/hub", "--once-idle", "1"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert [(key, body["case"]["number"]) for key, body in received] == [(f"{assignment_id}:1", "KF20261127-AAAA0001")]
    assert fake.assignments[assignment_id]["status"] == "NEEDS_MATERIALS"
    assert fake.assignments[assignment_id]["reason"] == "请补充不动产权证书"
