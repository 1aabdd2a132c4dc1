"""On PostgreSQL, a clerk's search (无差别受理) is read from the search keys' index: with tens of thousands of cases,
the plan never touches the cases table, and an address search walks only the cases with its rarest pair.

Checked on the plan PostgreSQL actually runs (EXPLAIN ANALYZE, JSON), as tests/test_scope_plans.py does.
"""

import hashlib
import json
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases import search
from tests import bulk
from tests.harness import BACKEND
from tests.test_scope_plans import _nodes, _plan

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="query plans are PostgreSQL's")

CASES = 20_000
PEOPLE = CASES // 4  # each phone on four cases
STREET = "开封市鼓楼区书店街"

# Search keys as a hub would write them, with md5 standing in for the keyed hash (the plan does not depend on it)
KEYS = [
    """INSERT INTO case_search_keys (case_id, kind, digest, submitted_at)
       SELECT md5('case' || i)::uuid, 'PHONE', md5('phone' || i % :people), timestamp '2020-01-01' + i * interval '1 minute'
       FROM generate_series(1, :n) AS i""",
    f"""INSERT INTO case_search_keys (case_id, kind, digest, submitted_at)
        SELECT DISTINCT md5('case' || i)::uuid, 'ADDRESS', md5(substr(a.t, k, 2)),
               timestamp '2020-01-01' + i * interval '1 minute'
        FROM generate_series(1, :n) AS i,
             LATERAL (SELECT '{STREET}' || i || '号' AS t) AS a,
             LATERAL generate_series(1, length(a.t) - 1) AS k""",
]


def _md5(value: str) -> str:
    return hashlib.md5(value.encode()).hexdigest()


@pytest.fixture(scope="module")
async def filled(tmp_path_factory):  # type: ignore[no-untyped-def]
    async with bulk.filled_database(tmp_path_factory.mktemp("search"), CASES, *KEYS, "ANALYZE case_search_keys",
                                    n=CASES, people=PEOPLE) as engine:
        yield engine


def _touched(plan: dict) -> dict[str, int]:
    """Rows each relation's nodes touched (returned or removed by a filter, over all loops)."""
    touched: dict[str, int] = {}
    for node in _nodes(plan):
        if "Relation Name" in node:
            rows = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
            touched[node["Relation Name"]] = touched.get(node["Relation Name"], 0) + rows
    return touched


async def _term(engine, address: str) -> search.Term:  # type: ignore[no-untyped-def]
    grams = search.bigrams(search.address_text(address))
    term = search.Term("address", search.ADDRESS, tuple(_md5(g) for g in grams))
    async with engine.connect() as conn:
        return await search.rarest_first(AsyncSession(bind=conn), term)


@pytest.mark.parametrize("after", [False, True], ids=["first page", "next page"])
async def test_a_phone_search_reads_only_the_keys_index(filled, after):
    term = search.Term("phone", search.PHONE, (_md5(f"phone{1234}"),))
    cursor = uuid.UUID(_md5(f"case{CASES - 2 * PEOPLE + 1234}")) if after else None
    plan = await _plan(filled, search.page_query(term, first=20, after=cursor))
    touched = _touched(plan)
    assert not any(n["Node Type"] == "Seq Scan" for n in _nodes(plan)), json.dumps(plan, indent=1)
    assert touched.get("cases", 0) <= 1, touched  # at most the cursor's own row, by primary key
    assert touched["case_search_keys"] <= 4 and plan["Actual Rows"] == (2 if after else 4), json.dumps(plan, indent=1)


async def test_an_address_search_walks_its_rarest_pair_not_the_table(filled):
    term = await _term(filled, "书店街 12345 号")
    plan = await _plan(filled, search.page_query(term, first=20, after=None))
    touched = _touched(plan)
    assert not any(n["Node Type"] == "Seq Scan" for n in _nodes(plan)), json.dumps(plan, indent=1)
    assert "cases" not in touched
    assert plan["Actual Rows"] == 1, json.dumps(plan, indent=1)
    # the table holds ~14 pairs per case (~280,000 rows); the rarest pair of this street's numbers ("34", "45")
    # is on about one case in sixteen, and the walk reads those and probes each for the other pairs
    assert touched["case_search_keys"] <= CASES // 10, f"{touched}\n{json.dumps(plan, indent=1)}"
