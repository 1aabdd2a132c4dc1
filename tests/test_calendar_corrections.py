"""A corrected calendar year: open clocks are recounted, moved deadlines announced, warnings kept consistent."""

import asyncio
from datetime import datetime

import pytest

from hub.clock import LOCAL
from hub.db import Database
from hub.enums import Role
from hub.timelimits.scheduler import TimeLimitScheduler
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import GraphQLClient
from tests.steps import by_service, move, submit, write
from tests.test_time_limits import _clock_of, iso, water_connection
from tests.ws import Subscription

IMPORT = """mutation ($input: ImportCalendarYearInput!) { importCalendarYear(input: $input) {
  year recomputedDeadlines movedDeadlines errors { field code message } } }"""
ASSIGNMENT_EVENTS = """subscription ($after: String) { assignmentEvents(after: $after) {
  cursor kind assignment { id timeLimit { deadline } } } }"""
CASE_EVENTS = "subscription ($id: ID!, $after: String) { caseEvents(caseId: $id, after: $after) { cursor kind } }"
LATE = """query ($after: String) { %s(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }"""


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


@pytest.fixture
def clock(hub):  # type: ignore[no-untyped-def]
    yield hub.app.state.clock
    hub.app.state.clock.reset()


async def _import(governance: GraphQLClient, year: int, holidays: list[str], workdays: list[str] = ()) -> dict:  # type: ignore[assignment]
    payload = (await governance.run(IMPORT, {"input": {"year": year, "holidays": holidays, "workdays": list(workdays),
                                                       "source": "测试"}}))["importCalendarYear"]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def _events(hub, token: str, query: str, variables: dict, key: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Everything the subscription replays (it goes quiet once the replay is done)."""
    sub = await Subscription.open(hub.port, token, query, variables)
    received = []
    try:
        while True:
            received.append((await sub.next(timeout=2))[key])
    except asyncio.TimeoutError:
        return received
    finally:
        await sub.close()


async def scan(hub) -> None:  # type: ignore[no-untyped-def]
    """One pass of the time-limit scheduler on the hub's clock (its own connections: this is the test's loop)."""
    db = Database(hub.settings.database_url)
    try:
        await TimeLimitScheduler(db, hub.app.state.clock.now).run_once()
    finally:
        await db.dispose()


async def _late_ids(supervisor: GraphQLClient, field: str) -> set[str]:
    ids, after = set(), None
    while True:
        page = (await supervisor.run(LATE % field, {"after": after}))[field]
        ids |= {edge["node"]["id"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def test_a_corrected_day_moves_open_deadlines_announces_them_and_withdraws_flags(hub, clock, clerk, utilities, as_role):
    governance, supervisor = as_role(Role.GOVERNANCE, "KF-DATA"), as_role(Role.SUPERVISOR, "KF-CGJ")
    await _import(governance, 2013, ["2013-01-01"])
    clock.freeze_at(local(2013, 3, 7, 10, 0))  # Thursday: a transfer is due by the end of the working day
    case = await submit(clerk, individual_transfer(electricity=None, heating=None))
    water, gas = by_service(case)["WATER"], by_service(case)["GAS"]
    assert (await _clock_of(utilities["WATER"], water))["deadline"] == iso(local(2013, 3, 8, 0, 0))
    start = (await _events(hub, hub.token(Role.CLERK, "KF-DATA"), CASE_EVENTS, {"id": case["id"], "after": "0"},
                           "caseEvents"))[0]["cursor"]  # CASE_SUBMITTED

    clock.freeze_at(local(2013, 3, 8, 1, 0))
    await scan(hub)
    raised = await _clock_of(utilities["WATER"], water)
    assert raised["warningRaisedAt"] == raised["overdueRaisedAt"] == iso(local(2013, 3, 8, 1, 0))
    assert water["id"] in await _late_ids(supervisor, "overdueAssignments")

    # The State Council's correction makes that Thursday a holiday: the clock started on a rest day, so the
    # transfer has all of the next working day; neither the warning (18:00) nor the deadline has come yet.
    loaded = await _import(governance, 2013, ["2013-01-01", "2013-03-07"])
    assert (loaded["recomputedDeadlines"], loaded["movedDeadlines"]) == (2, 2)
    moved = await _clock_of(utilities["WATER"], water)
    assert moved["deadline"] == iso(local(2013, 3, 9, 0, 0)) and moved["warningAt"] == iso(local(2013, 3, 8, 18, 0))
    assert moved["overdueRaisedAt"] is None and moved["warningRaisedAt"] is None
    assert water["id"] not in await _late_ids(supervisor, "overdueAssignments")
    assert water["id"] not in await _late_ids(supervisor, "atRiskAssignments")

    # The owning utility hears of its own moved deadline, with the new deadline readable; never of another's.
    for service, org, mine in (("WATER", "KF-WATER", water), ("GAS", "KF-GAS", gas)):
        heard = await _events(hub, hub.token(Role.UTILITY, org), ASSIGNMENT_EVENTS, {"after": start}, "assignmentEvents")
        changed = [e for e in heard if e["kind"] == "DEADLINE_CHANGED"]
        assert [e["assignment"]["id"] for e in changed] == [mine["id"]], service
        assert changed[0]["assignment"]["timeLimit"]["deadline"] == iso(local(2013, 3, 9, 0, 0))
    # On the case's events: the clerk sees both, a utility only its own assignment's.
    kinds = {role_org: [e["kind"] for e in await _events(hub, hub.token(*role_org), CASE_EVENTS,
                                                          {"id": case["id"], "after": start}, "caseEvents")]
             for role_org in ((Role.CLERK, "KF-DATA"), (Role.UTILITY, "KF-WATER"))}
    assert kinds[(Role.CLERK, "KF-DATA")].count("DEADLINE_CHANGED") == 2
    assert kinds[(Role.UTILITY, "KF-WATER")].count("DEADLINE_CHANGED") == 1

    # The withdrawn overdue is raised again once the new deadline passes, once.
    clock.freeze_at(local(2013, 3, 9, 1, 0))
    await scan(hub)
    await scan(hub)
    again = await _clock_of(utilities["WATER"], water)
    assert again["overdueRaisedAt"] == iso(local(2013, 3, 9, 1, 0))
    kinds = [e["kind"] for e in await _events(hub, hub.token(Role.UTILITY, "KF-WATER"), ASSIGNMENT_EVENTS,
                                              {"after": start}, "assignmentEvents") if e["assignment"]["id"] == water["id"]]
    assert kinds.count("TIME_LIMIT_OVERDUE") == 2 and kinds.count("TIME_LIMIT_WARNING") == 2

    # Corrected back: the deadline moves earlier, still in the past — the overdue stays as raised.
    loaded = await _import(governance, 2013, ["2013-01-01"])
    assert loaded["movedDeadlines"] == 2
    back = await _clock_of(utilities["WATER"], water)
    assert back["deadline"] == iso(local(2013, 3, 8, 0, 0)) and back["overdueRaisedAt"] == iso(local(2013, 3, 9, 1, 0))
    assert water["id"] in await _late_ids(supervisor, "overdueAssignments")


async def test_time_used_before_a_pause_is_recounted_and_finished_or_unaffected_clocks_are_left(hub, clock, clerk, utilities,
                                                                                               as_role):
    governance, operator = as_role(Role.GOVERNANCE, "KF-DATA"), utilities["WATER"]
    await _import(governance, 2014, ["2014-01-01"])
    clock.freeze_at(local(2014, 3, 3, 9, 0))  # Monday
    paused_case = await submit(clerk, water_connection())
    paused = by_service(paused_case)["WATER"]
    finished = by_service(await submit(clerk, water_connection()))["WATER"]
    same_day = by_service(await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None)))["WATER"]

    clock.freeze_at(local(2014, 3, 6, 9, 0))  # Thursday: three working days used
    paused = await move(operator, ops.ACKNOWLEDGE, paused)
    paused = await move(operator, ops.REQUEST_MATERIALS, paused, reason="补充产权证明原件")
    for operation, extra in ((ops.ACKNOWLEDGE, {}), (ops.ACCEPT, {}), (ops.COMPLETE, {"result": {"accountNumber": "W-1"}})):
        finished = await move(operator, operation, finished, **extra)
    assert (await _clock_of(operator, paused))["workingDaysUsed"] == 3.0
    await scan(hub)  # the transfer is overdue: raised now, not during the comparison
    fixed = ("deadline", "warningAt", "provisional", "warningRaisedAt", "overdueRaisedAt")
    finished_before, same_day_before = await _clock_of(operator, finished), await _clock_of(operator, same_day)

    # Tuesday becomes a holiday: the paused clock used two working days; the finished one keeps its record and
    # the transfer (due at the end of Monday) never depended on Tuesday.
    loaded = await _import(governance, 2014, ["2014-01-01", "2014-03-04"])
    assert (loaded["recomputedDeadlines"], loaded["movedDeadlines"]) == (1, 0)  # a paused clock has no deadline to move
    assert (await _clock_of(operator, paused))["workingDaysUsed"] == 2.0
    assert await _clock_of(operator, finished) == finished_before
    same_day_after = await _clock_of(operator, same_day)
    assert {k: same_day_after[k] for k in fixed} == {k: same_day_before[k] for k in fixed}

    clock.freeze_at(local(2014, 3, 7, 9, 0))  # Friday: materials arrive; three working days are left
    current = (await clerk.run(ops.CASE, {"id": paused_case["id"]}))["case"]
    added = await write(clerk, ops.ADD_MATERIALS, caseId=paused_case["id"], expectedVersion=current["version"],
                        materials=[{"typeCode": "PURCHASE_INVOICE", "verified": True}])
    assert added["errors"] == []
    resumed = await _clock_of(operator, paused)
    assert resumed["paused"] is False and resumed["deadline"] == iso(local(2014, 3, 12, 9, 0))  # Fri, Mon, Tue → Wed 09:00
