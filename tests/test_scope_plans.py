"""On PostgreSQL, every role's page of `cases` is read from indexes: with tens of thousands of cases, the plan
neither scans the cases table nor walks the submitted-at index testing each row against the scope.

Checked on the plan PostgreSQL actually runs (EXPLAIN ANALYZE, JSON): no Seq Scan on cases, and the cases rows
the plan touches — returned or removed by a filter, over all loops — stay a small part of the table.
"""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from hub.auth.principal import Principal
from hub.cases import repository
from hub.enums import CaseStatus, Role
from hub.policy.access import role_scope, union
from tests import bulk
from tests.harness import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="query plans are PostgreSQL's")

CASES = 30_000
TOUCH_AT_MOST = CASES // 4  # the old applicant scope read every row: CASES

CALLERS = {  # name → (roles, organisation, subject); bulk.fill's mix decides how many cases each sees
    "applicant": ([Role.APPLICANT], None, "person-70"),
    "clerk": ([Role.CLERK], "KF-CGJ", "clerk-1"),
    "platform": ([Role.PLATFORM], "KF-DATA", "platform"),
    "utility with most cases": ([Role.UTILITY], "KF-WATER", "water"),
    "utility with few cases": ([Role.UTILITY], "KF-TELECOM", "telecom"),
    "supervisor": ([Role.SUPERVISOR], None, "supervisor"),
    "applicant who is also a utility": ([Role.APPLICANT, Role.UTILITY], "KF-TELECOM", "person-70"),
}


@pytest.fixture(scope="module")
async def filled(tmp_path_factory):  # type: ignore[no-untyped-def]
    async with bulk.filled_database(tmp_path_factory.mktemp("plans"), CASES) as engine:
        yield engine


def _scope(name: str):  # type: ignore[no-untyped-def]
    roles, organisation, subject = CALLERS[name]
    principal = Principal(subject=subject, organisation=organisation, roles=frozenset(roles))
    return union([role_scope(principal, role) for role in roles])


def _nodes(node: dict):  # type: ignore[no-untyped-def]
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


async def _plan(engine, stmt) -> dict:  # type: ignore[no-untyped-def]
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    async with engine.connect() as conn:
        plan = (await conn.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))).scalar_one()
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _cases_touched(plan: dict) -> tuple[list[str], int]:
    on_cases = [n for n in _nodes(plan) if n.get("Relation Name") == "cases"]
    touched = sum((n["Actual Rows"] + n.get("Rows Removed by Filter", 0)) * n["Actual Loops"] for n in on_cases)
    return [n["Node Type"] for n in on_cases], touched


@pytest.mark.parametrize("name", list(CALLERS))
@pytest.mark.parametrize("statuses", [(), (CaseStatus.IN_PROGRESS.value,)], ids=["all", "status filter"])
async def test_page_is_read_from_indexes(filled, name, statuses):
    scope = _scope(name)
    flt = repository.CaseFilter(statuses=statuses)
    plan = await _plan(filled, repository.page_query(scope, (), flt, first=20, after=None))
    kinds, touched = _cases_touched(plan)
    assert "Seq Scan" not in kinds, json.dumps(plan, indent=1)
    assert touched <= TOUCH_AT_MOST, f"{name}: {touched} rows of cases read\n{json.dumps(plan, indent=1)}"
    assert plan["Actual Rows"] > 0, f"{name} sees no case: the fill no longer matches CALLERS"


async def test_applicant_page_finds_exactly_their_cases(filled):
    """The index-driven form keeps its meaning: as applicant or as agent, and no one else's."""
    async with filled.connect() as conn:
        expected = set((await conn.execute(text(
            "SELECT case_id FROM applicants WHERE subject = 'person-70' "
            "UNION SELECT case_id FROM agents WHERE subject = 'person-70'"))).scalars())
        stmt = repository.page_query(_scope("applicant"), (), repository.CaseFilter(), first=1000, after=None)
        found = set((await conn.execute(stmt.with_only_columns(repository.Case.id))).scalars())
    assert found == expected and len(expected) >= 5  # two as applicant, three as agent
