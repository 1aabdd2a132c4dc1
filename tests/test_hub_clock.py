"""The served hub put at a chosen time (HUB_CLOCK_START, setClock) for demonstrations and acceptance; never in production."""

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from hub.auth import keys
from hub.clock import LOCAL
from hub.config import Settings
from hub.enums import Role
from tests.harness import ENGLISH, GraphQLClient, RunningHub, create_database, drop_database
from tests.steps import by_service, submit
from tests.test_calendar_corrections import scan
from tests.test_calendar_import import run_hub
from tests.test_time_limits import _clock_of, iso, water_connection

SET_CLOCK = """mutation ($input: SetClockInput!) { setClock(input: $input) { now frozen errors { field code message } } }"""


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture
def clock(hub):  # type: ignore[no-untyped-def]
    yield hub.app.state.clock
    hub.app.state.clock.reset()


async def _set(client: GraphQLClient, at: str, frozen: bool = False) -> dict:
    return (await client.run(SET_CLOCK, {"input": {"at": at, "frozen": frozen}}))["setClock"]


async def test_governance_puts_the_served_hub_at_a_chosen_time(hub, clock, clerk, utilities, as_role):
    governance, supervisor = as_role(Role.GOVERNANCE, "KF-DATA"), as_role(Role.SUPERVISOR, "KF-CGJ")
    assert [e["code"] for e in (await _set(clerk, "2017-01-02T09:00:00+08:00"))["errors"]] == ["FORBIDDEN"]
    naive = await _set(governance, "2017-01-02T09:00:00")
    assert [(e["field"], e["code"]) for e in naive["errors"]] == [("at", "INVALID")]
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)  # neither moved it

    moved = await _set(governance, "2017-01-02T09:00:00+08:00", frozen=True)
    assert moved["errors"] == [] and moved["frozen"] is True and parse(moved["now"]) == local(2017, 1, 2, 9, 0)
    case = await submit(clerk, water_connection())
    assert parse(case["submittedAt"]) == local(2017, 1, 2, 9, 0)
    water = by_service(case)["WATER"]
    timer = await _clock_of(utilities["WATER"], water)
    assert timer["startedAt"] == iso(local(2017, 1, 2, 9, 0)) and timer["deadline"] == iso(local(2017, 1, 9, 9, 0))

    # The scheduler reads the same clock: past the deadline, it raises OVERDUE at the hub's time.
    await _set(governance, "2017-01-09T09:30:00+08:00", frozen=True)
    await scan(hub)
    assert (await _clock_of(utilities["WATER"], water))["overdueRaisedAt"] == iso(local(2017, 1, 9, 9, 30))
    overdue = await supervisor.run("{ overdueAssignments(first: 100) { edges { node { id } } } }")
    assert water["id"] in {e["node"]["id"] for e in overdue["overdueAssignments"]["edges"]}

    running = await _set(governance, "2017-01-10T08:00:00+08:00")
    assert running["frozen"] is False
    later = parse((await submit(clerk, water_connection()))["submittedAt"])
    assert local(2017, 1, 10, 8, 0) <= later < local(2017, 1, 10, 8, 1)  # runs on from the chosen time


async def test_hub_clock_start_and_its_refusal_in_production(tmp_path):
    url = await create_database(tmp_path)
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    keys.generate(data_dir / "signing-key.json")
    try:
        demo = RunningHub(Settings(environment="embedded", database_url=url, data_dir=data_dir,
                                   clock_start="2035-03-05T09:00:00")).start()  # no offset: Kaifeng local time
        try:
            async with httpx.AsyncClient(headers=ENGLISH, base_url=demo.url, timeout=30) as http:
                clerk = GraphQLClient(http, demo.token(Role.CLERK, "KF-DATA", "clerk-li"))
                submitted = parse((await submit(clerk, water_connection()))["submittedAt"])
        finally:
            demo.stop()
        assert local(2035, 3, 5, 9, 0) <= submitted < local(2035, 3, 5, 9, 1)

        production = RunningHub(Settings(environment="production", database_url=url, data_dir=data_dir,
                                          signing_key_file=data_dir / "signing-key.json")).start()
        try:
            async with httpx.AsyncClient(headers=ENGLISH, base_url=production.url, timeout=30) as http:
                governance = GraphQLClient(http, production.token(Role.GOVERNANCE, "KF-DATA"))
                refused = await _set(governance, "2035-03-05T09:00:00+08:00")
        finally:
            production.stop()
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"] and refused["now"] is None

        env = {"HUB_ENVIRONMENT": "production", "HUB_CLOCK_START": "2035-03-05T09:00:00+08:00",
               "HUB_SIGNING_KEY_FILE": str(data_dir / "signing-key.json")}
        for command in (["serve"], ["calendar", "import", str(tmp_path / "any.yaml")]):
            done = run_hub(url, *command, env=env, cwd=tmp_path)
            assert done.returncode == 1 and "Traceback" not in done.stderr, done
            assert done.stderr.strip().splitlines()[-1].startswith("hub: refused to start: HUB_CLOCK_START")
    finally:
        await drop_database(url)

