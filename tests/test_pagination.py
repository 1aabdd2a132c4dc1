"""Cursor pagination over cases: stable order, no repeats or gaps while others keep submitting."""

import asyncio
from datetime import datetime, timezone

from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.steps import submit


async def _pages(client, variables: dict, *, first: int, during=None) -> list[list[str]]:  # type: ignore[no-untyped-def]
    pages, after = [], None
    while True:
        data = (await client.run(ops.CASES, {**variables, "first": first, "after": after}))["cases"]
        pages.append([edge["node"]["number"] for edge in data["edges"]])
        if during:
            await during()
        if not data["pageInfo"]["hasNextPage"]:
            return pages
        after = data["pageInfo"]["endCursor"]


async def test_pages_cover_every_case_once_despite_concurrent_inserts(clerk, as_role):
    since = datetime.now(timezone.utc).isoformat()
    seeded = [await submit(clerk, individual_transfer()) for _ in range(23)]
    expected = [c["number"] for c in reversed(seeded)]  # newest first

    async def others_submit() -> None:
        await asyncio.gather(*(submit(clerk, individual_transfer()) for _ in range(3)))

    supervisor = as_role(Role.SUPERVISOR, "KF-CGJ")
    pages = await _pages(supervisor, {"filter": {"submittedFrom": since}}, first=5, during=others_submit)
    seen = [number for page in pages for number in page]
    assert seen == expected
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]

    # A fresh walk now sees the inserts too, at the front.
    again = [n for p in await _pages(supervisor, {"filter": {"submittedFrom": since}}, first=7) for n in p]
    assert len(again) == 23 + 5 * 3 and again[-23:] == expected


async def test_filters_combine(clerk, utilities, as_role):
    since = datetime.now(timezone.utc).isoformat()
    gas_only = await submit(clerk, individual_transfer(water=None, electricity=None, heating=None))
    elsewhere = individual_transfer(gas=None)
    elsewhere["site"]["districtCode"] = "410225"
    in_lankao = await submit(clerk, elsewhere)
    supervisor = as_role(Role.SUPERVISOR, "KF-CGJ")

    async def numbers(flt: dict) -> set[str]:
        data = (await supervisor.run(ops.CASES, {"filter": {"submittedFrom": since, **flt}, "first": 50}))["cases"]
        return {e["node"]["number"] for e in data["edges"]}

    assert await numbers({"service": "GAS"}) == {gas_only["number"]}
    assert await numbers({"districtCode": "410225"}) == {in_lankao["number"]}
    assert await numbers({"caseType": "CONNECTION"}) == set()
    assert await numbers({"statuses": ["SUBMITTED"], "service": "WATER"}) == {in_lankao["number"]}
    assert await numbers({"submittedBefore": since}) == set()


async def test_a_utility_lists_only_cases_it_has_a_part_in(clerk, utilities):
    since = datetime.now(timezone.utc).isoformat()
    await submit(clerk, individual_transfer(water=None, electricity=None, heating=None))  # gas only
    with_water = await submit(clerk, individual_transfer(gas=None))
    data = (await utilities["WATER"].run(ops.CASES, {"filter": {"submittedFrom": since}, "first": 50}))["cases"]
    assert [e["node"]["number"] for e in data["edges"]] == [with_water["number"]]


async def test_bad_cursor_and_page_size_are_refused_clearly(as_role):
    supervisor = as_role(Role.SUPERVISOR, "KF-CGJ")
    errors = await supervisor.errors(ops.CASES, {"first": 5, "after": "bm9wZQ=="})
    assert errors[0]["message"] == "after is not a cursor from this list"
    errors = await supervisor.errors(ops.CASES, {"first": 1000})
    assert "between 1 and 100" in errors[0]["message"]
