"""Time limits against the official calendar, with the hub's clock moved to the dates under test."""

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from strawberry.relay import from_base64

from hub.clock import LOCAL
from hub.db import Database
from hub.enums import Role
from hub.events.models import Event
from hub.timelimits.scheduler import TimeLimitScheduler
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import GraphQLClient
from tests.steps import by_service, move, submit, write

CLOCK = """query ($id: ID!) { node(id: $id) { ... on Assignment { status timeLimit {
  startedAt deadline warningAt paused provisional onTime workingDaysUsed correctionRounds warningRaisedAt overdueRaisedAt } } } }"""


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def water_connection(**changes) -> dict:  # type: ignore[no-untyped-def]
    data = individual_transfer(caseType="CONNECTION", previousHolder=None, vatInvoiceWanted=False,
                               electricity=None, gas=None, heating=None,
                               water={"nature": "RESIDENTIAL", "category": "NEW"}, **changes)
    data["materials"] = [{"typeCode": "RESIDENT_ID_CARD", "verified": True},
                         {"typeCode": "PROPERTY_CERTIFICATE", "verified": True}]
    return data


@pytest.fixture
def clock(hub):  # type: ignore[no-untyped-def]
    """The running hub's clock; put back to real time afterwards."""
    yield hub.app.state.clock
    hub.app.state.clock.reset()


async def _clock_of(client, assignment: dict) -> dict:  # type: ignore[no-untyped-def]
    return (await client.run(CLOCK, {"id": assignment["id"]}))["node"]["timeLimit"]


async def test_deadline_across_national_day_and_a_make_up_saturday(clock, clerk, utilities):
    clock.freeze_at(local(2026, 9, 30, 10, 0))  # the day before the National Day holiday
    water = by_service(await submit(clerk, water_connection()))["WATER"]
    timer = await _clock_of(utilities["WATER"], water)
    # 5 working days: rest of 30 Sep, 8 and 9 Oct, Sat 10 Oct (调休 working day), 12 Oct, until 10:00 on 13 Oct.
    assert timer["deadline"] == iso(local(2026, 10, 13, 10, 0))
    assert timer["provisional"] is False and timer["paused"] is False
    assert timer["warningAt"] == iso(local(2026, 10, 12, 4, 0))  # 75 % of 120 working hours


async def test_same_working_day_for_transfers(clock, clerk, utilities):
    clock.freeze_at(local(2026, 10, 3, 11, 0))  # a holiday: the clock runs out at the end of the next working day
    water = by_service(await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None)))["WATER"]
    assert (await _clock_of(utilities["WATER"], water))["deadline"] == iso(local(2026, 10, 9, 0, 0))


async def test_a_deadline_in_an_unpublished_year_is_provisional_until_the_year_is_loaded(clock, clerk, utilities, as_role):
    clock.freeze_at(local(2026, 12, 28, 10, 0))
    water = by_service(await submit(clerk, water_connection()))["WATER"]
    before = await _clock_of(utilities["WATER"], water)
    assert before["provisional"] is True and before["deadline"] == iso(local(2027, 1, 4, 10, 0))  # 1 Jan counted

    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    loaded = (await governance.run("""mutation ($input: ImportCalendarYearInput!) { importCalendarYear(input: $input) {
      year recomputedDeadlines errors { field message } } }""", {"input": {
        "year": 2027, "holidays": ["2027-01-01"], "workdays": [], "source": "测试用安排"}}))["importCalendarYear"]
    assert loaded["errors"] == [] and loaded["recomputedDeadlines"] >= 1
    after = await _clock_of(utilities["WATER"], water)
    assert after["provisional"] is False and after["deadline"] == iso(local(2027, 1, 5, 10, 0))

    bad = (await governance.run("""mutation ($input: ImportCalendarYearInput!) { importCalendarYear(input: $input) {
      errors { field message } } }""", {"input": {"year": 2027, "holidays": ["2027-01-02"], "workdays": ["2028-01-01"]}}))
    assert {e["field"] for e in bad["importCalendarYear"]["errors"]} == {"holidays[0]", "workdays[0]"}


async def test_the_clock_pauses_while_waiting_for_materials(clock, clerk, utilities):
    clock.freeze_at(local(2026, 11, 2, 9, 0))  # Monday
    case = await submit(clerk, water_connection())
    water = by_service(case)["WATER"]
    assert (await _clock_of(utilities["WATER"], water))["deadline"] == iso(local(2026, 11, 9, 9, 0))

    clock.freeze_at(local(2026, 11, 3, 9, 0))  # one working day used
    water = await move(utilities["WATER"], ops.ACKNOWLEDGE, water)
    water = await move(utilities["WATER"], ops.REQUEST_MATERIALS, water, reason="补充产权证明原件")
    paused = await _clock_of(utilities["WATER"], water)
    assert paused["paused"] is True and paused["deadline"] is None and paused["correctionRounds"] == 1
    assert paused["workingDaysUsed"] == 1.0

    clock.freeze_at(local(2026, 11, 5, 9, 0))  # two working days waiting on the applicant do not count
    current = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]
    added = await write(clerk, ops.ADD_MATERIALS, caseId=case["id"], expectedVersion=current["version"],
                        materials=[{"typeCode": "PURCHASE_INVOICE", "verified": True}])
    assert added["errors"] == []
    resumed = await _clock_of(utilities["WATER"], water)
    assert resumed["paused"] is False and resumed["deadline"] == iso(local(2026, 11, 11, 9, 0))  # 4 days left

    clock.freeze_at(local(2026, 11, 6, 15, 0))
    water = by_service((await clerk.run(ops.CASE, {"id": case["id"]}))["case"])["WATER"]
    for operation, extra in ((ops.ACCEPT, {}), (ops.COMPLETE, {"result": {"accountNumber": "W-9"}})):
        water = await move(utilities["WATER"], operation, water, **extra)
    done = await _clock_of(utilities["WATER"], water)
    assert done["onTime"] is True and done["workingDaysUsed"] == 2.25 and done["deadline"] == iso(local(2026, 11, 11, 9, 0))


async def _count(url: str, assignment_global_id: str, kind: str) -> int:
    import uuid

    db = Database(url)
    async with db.read() as session:
        n = await session.scalar(select(func.count()).select_from(Event).where(
            Event.assignment_id == uuid.UUID(from_base64(assignment_global_id)[1]), Event.kind == kind))
    await db.dispose()
    return n


async def test_warning_and_overdue_are_raised_once_across_restarts_and_instances(hub, clock, clerk, utilities):
    """Each scheduler below stands for one hub process (its own connection pool) on the same database."""
    clock.freeze_at(local(2026, 11, 16, 9, 0))  # Monday
    water = by_service(await submit(clerk, water_connection()))["WATER"]
    url = hub.settings.database_url
    databases = [Database(url) for _ in range(3)]
    first, second, after_restart = (TimeLimitScheduler(db, clock.now, scan_seconds=3600) for db in databases)
    try:
        clock.freeze_at(local(2026, 11, 20, 10, 0))  # past the warning point (75 %: Fri 03:00), before the deadline
        for _ in range(2):
            await asyncio.gather(first.run_once(), second.run_once())
        assert await _count(url, water["id"], "TIME_LIMIT_WARNING") == 1
        assert await _count(url, water["id"], "TIME_LIMIT_OVERDUE") == 0
        timer = await _clock_of(utilities["WATER"], water)
        assert timer["warningRaisedAt"] == iso(local(2026, 11, 20, 10, 0)) and timer["overdueRaisedAt"] is None

        clock.freeze_at(local(2026, 11, 23, 9, 30))  # past the deadline (Mon 09:00)
        await asyncio.gather(first.run_once(), second.run_once())
        await after_restart.run_once()  # a process started later sees it done and does nothing
        assert await _count(url, water["id"], "TIME_LIMIT_OVERDUE") == 1
        assert await _count(url, water["id"], "TIME_LIMIT_WARNING") == 1
    finally:
        for db in databases:
            await db.dispose()

    supervisor = GraphQLClient(utilities["WATER"].http, hub.token(Role.SUPERVISOR, "KF-CGJ"))
    overdue = await supervisor.run("{ overdueAssignments(first: 100) { edges { node { id timeLimit { overdueRaisedAt } } } } }")
    assert water["id"] in {e["node"]["id"] for e in overdue["overdueAssignments"]["edges"]}
