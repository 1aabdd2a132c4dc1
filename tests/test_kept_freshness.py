"""The time-limit rules and the working-day calendar are kept in memory (no query per submission or
write-back), yet a change reaches every instance: at once when announced, within the poll interval when not."""

import asyncio
import contextlib
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from hub.clock import LOCAL
from hub.enums import Role
from tests.faults import execute
from tests.harness import BACKEND, GraphQLClient
from tests.steps import by_service, submit
from tests.test_policy_freshness import second_instance
from tests.test_time_limits import water_connection

postgres_only = pytest.mark.skipif(BACKEND != "postgresql", reason="NOTIFY is PostgreSQL's")
CLOCK = "query ($id: ID!) { node(id: $id) { ... on Assignment { timeLimit { deadline workingDaysUsed } } } }"
SET_RULE = """mutation ($input: SetTimeLimitRuleInput!) { setTimeLimitRule(input: $input) {
  rule { unit amount } errors { field code message } } }"""
IMPORT = """mutation ($input: ImportCalendarYearInput!) { importCalendarYear(input: $input) {
  year errors { field code message } } }"""
WATER_CONNECTION = {"caseType": "CONNECTION", "service": "WATER", "variant": "DEFAULT"}
BY_HAND = ("INSERT INTO time_limit_rules (case_type, service, variant, unit, amount, source, created_at, created_by) "
           "VALUES ('CONNECTION', 'WATER', 'DEFAULT', 'WORKING_DAYS', {amount}, '手工', CURRENT_TIMESTAMP, 'dba')")


async def deadline_in_days(client: GraphQLClient, clerk: GraphQLClient) -> float:
    """A new water connection's deadline, in days from now (its clock starts at once: the materials are complete)."""
    water = by_service(await submit(clerk, water_connection()))["WATER"]
    deadline = (await client.run(CLOCK, {"id": water["id"]}))["node"]["timeLimit"]["deadline"]
    return (datetime.fromisoformat(deadline) - datetime.now(timezone.utc)) / timedelta(days=1)


async def seconds_until_far(there: GraphQLClient, clerk: GraphQLClient, limit: float) -> float:
    """How long until a new assignment on `there` gets the 300-working-day rule (5 working days: under a month)."""
    started = time.monotonic()
    while await deadline_in_days(there, clerk) < 200:
        assert time.monotonic() - started < limit, f"the old rule still applied after {limit} s"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


@contextlib.asynccontextmanager
async def clerk_and_water_on_another_instance(own_hub, poll_seconds: float):  # type: ignore[no-untyped-def]
    """A second hub on the same database (its fallback poll every `poll_seconds`), and a clerk and the water
    utility calling it."""
    other = second_instance(own_hub, policy_poll_seconds=poll_seconds)
    try:
        async with httpx.AsyncClient(base_url=other.url, timeout=30) as http:
            yield (GraphQLClient(http, own_hub.token(Role.CLERK, "KF-DATA")),
                   GraphQLClient(http, own_hub.token(Role.UTILITY, "KF-WATER")))
    finally:
        other.stop()


async def test_a_rule_set_through_one_instance_applies_on_another_at_once(own_hub):
    """Announced at commit: the other instance does not wait for its poll (set to ten minutes here)."""
    async with clerk_and_water_on_another_instance(own_hub, 600) as (clerk_there, water_there):
        assert await deadline_in_days(water_there, clerk_there) < 31  # instance B keeps the rules in memory
        payload = (await own_hub.client(Role.GOVERNANCE, "KF-DATA").run(SET_RULE, {"input": {
            **WATER_CONNECTION, "unit": "WORKING_DAYS", "amount": 300, "source": "测试"}}))["setTimeLimitRule"]
        assert payload["errors"] == [] and payload["rule"] == {"unit": "WORKING_DAYS", "amount": 300.0}
        await seconds_until_far(water_there, clerk_there, limit=5)


async def test_a_rule_added_by_hand_is_found_by_the_fallback_poll(own_hub):
    """Nobody announced it: each instance finds it within its poll interval (HUB_POLICY_POLL_SECONDS, 0.5 s here;
    each probe files a case, which takes a while on a busy machine)."""
    async with clerk_and_water_on_another_instance(own_hub, 0.5) as (clerk_there, water_there):
        assert await deadline_in_days(water_there, clerk_there) < 31
        await execute(own_hub.settings.database_url, BY_HAND.format(amount=300))
        await seconds_until_far(water_there, clerk_there, limit=5)


@postgres_only
async def test_an_announced_change_reaches_an_instance_that_polls_rarely_at_once(own_hub):
    """NOTIFY hub_kept (what a change through the hub sends at commit) is heard on every instance's LISTEN."""
    async with clerk_and_water_on_another_instance(own_hub, 600) as (clerk_there, water_there):
        assert await deadline_in_days(water_there, clerk_there) < 31
        await execute(own_hub.settings.database_url, "BEGIN", BY_HAND.format(amount=300),
                      "SELECT pg_notify('hub_kept', 'time_limit_rules')", "COMMIT")
        await seconds_until_far(water_there, clerk_there, limit=5)


async def test_a_calendar_year_imported_through_one_instance_counts_on_another_at_once(own_hub):
    """The weekdays of the coming two weeks made holidays through instance A: the next deadline set on instance
    B moves past them at once (not at its poll: set to ten minutes here)."""
    today = datetime.now(LOCAL).date()
    days = [day for day in (today + timedelta(days=n) for n in range(15)) if day.weekday() < 5 and day.year == today.year]
    if len(days) < 4:
        pytest.skip("the year ends within days: too few to move a deadline by")
    async with clerk_and_water_on_another_instance(own_hub, 600) as (clerk_there, water_there):
        before = await deadline_in_days(water_there, clerk_there)  # instance B keeps the calendar in memory
        payload = (await own_hub.client(Role.GOVERNANCE, "KF-DATA").run(IMPORT, {"input": {
            "year": today.year, "holidays": [day.isoformat() for day in days], "workdays": [],
            "source": "测试"}}))["importCalendarYear"]
        assert payload["errors"] == []
        started = time.monotonic()
        while await deadline_in_days(water_there, clerk_there) < before + len(days) - 2:
            assert time.monotonic() - started < 5, "instance B still set deadlines by the old calendar"
            await asyncio.sleep(0.05)
