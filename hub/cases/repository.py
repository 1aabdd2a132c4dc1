"""Every query over cases. Reads always go through `visible()`, the caller's row scope."""

import base64
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, exists, false, or_, select, true, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload, selectinload

from hub.assignments.models import Assignment
from hub.cases.models import Agent, Applicant, Case, Site
from hub.enums import Role
from hub.policy.access import CaseScope
from hub.policy.filters import EVERYWHERE, Readable
from hub.policy.plan import Lane


def scope_clause(scope: CaseScope, case=Case):  # type: ignore[no-untyped-def]
    """The SQL condition for the cases a scope allows (`case` may be an alias of Case).

    Shaped so that PostgreSQL drives it from an index rather than testing every case it walks: a submitter's
    cases alone are a plain condition on `case` (ix_cases_submitter also gives the page order); anything else
    is `case.id IN (…)` over the case ids of each condition, which the planner turns into a join from the
    smaller side (an OR of EXISTS cannot be, and made it filter the whole submitted-at index).
    """
    if scope.everything:
        return true()
    submitted = [and_(case.submitted_by_role == role, case.submitted_by_organisation == organisation)
                 for role, organisation in scope.submitted_by]
    if not (scope.applicant_subject or scope.assigned_to):
        return or_(false(), *submitted)
    return case.id.in_(scope_case_ids(scope))


def in_scope(scope: CaseScope, case: Case) -> bool:
    """Whether a case held in memory with its applicant, agent and assignments (one just written) is in the scope:
    exactly what scope_clause asks the database."""
    if scope.everything:
        return True
    if (case.submitted_by_role, case.submitted_by_organisation) in scope.submitted_by:
        return True
    subject = scope.applicant_subject
    if subject and (case.applicant.subject == subject or (case.agent is not None and case.agent.subject == subject)):
        return True
    return bool(scope.assigned_to) and any(a.organisation_code == scope.assigned_to for a in case.assignments)


def scope_case_ids(scope: CaseScope):  # type: ignore[no-untyped-def]
    """The ids of the cases a scope that is neither `everything` nor empty allows, as one subquery: each condition read from its
    own index (applicants/agents by subject, cases by submitter, assignments by organisation).

    Uncorrelated on purpose: the set does not depend on the row it is tested against, so it cannot be
    correlated by mistake with an outer query over the same tables (it is tied to the outer case by `IN`)."""
    branches = []
    if scope.applicant_subject:
        branches.append(select(Applicant.case_id).where(Applicant.subject == scope.applicant_subject))
        branches.append(select(Agent.case_id).where(Agent.subject == scope.applicant_subject))
    for role, organisation in scope.submitted_by:
        branches.append(select(Case.id).where(Case.submitted_by_role == role,
                                              Case.submitted_by_organisation == organisation))
    if scope.assigned_to:
        branches.append(select(Assignment.case_id).where(Assignment.organisation_code == scope.assigned_to))
    if len(branches) == 1:
        return branches[0].correlate(None)
    return union_all(*(branch.correlate(None) for branch in branches))


def lane_clause(lane: Lane, case=Case, assignment=None, *, whole_case: bool = False):  # type: ignore[no-untyped-def]
    """SQL for "the lane covers this record" (mirrors Lane.covers). The record is `assignment` if given, unless
    `whole_case`: then the case itself. The case is `case`, or with `case=None` the one `assignment.case_id` names."""
    own = lane.own_assignments_of if assignment is not None and not whole_case else None
    if own and lane.rows.assigned_to == own:
        return assignment.organisation_code == own  # its case is assigned to the organisation by definition
    if case is None:
        in_rows = true() if lane.rows.everything else assignment.case_id.in_(scope_case_ids(lane.rows))
    else:
        in_rows = scope_clause(lane.rows, case)
    return and_(in_rows, assignment.organisation_code == own) if own else in_rows


def assignment_visible(lanes: Iterable[Lane], assignment=Assignment, case=None):  # type: ignore[no-untyped-def]
    """Assignments the caller may see: some lane covers them (a utility's: its own, in cases assigned to it)."""
    return or_(false(), *(lane_clause(lane, case, assignment) for lane in lanes if not lane.rows.empty))


def assignment_visible_within_case(lanes: tuple[Lane, ...], assignment=Assignment,  # type: ignore[no-untyped-def]
                                   case=None) -> list:
    """The same, for assignments of a case already known to be visible (as conditions, none if all are): with
    one lane that covers rows, that lane scopes the case, so only its organisation rule is left."""
    row_lanes = [lane for lane in lanes if not lane.rows.empty]
    if len(row_lanes) == 1:
        own = row_lanes[0].own_assignments_of
        return [assignment.organisation_code == own] if own else []
    return [assignment_visible(row_lanes, assignment, case)]


def readable_clauses(where: Readable, case=Case, assignment=None) -> list:  # type: ignore[no-untyped-def]
    """SQL conditions for the rows on which a filter argument may look (see hub.policy.filters); none when it
    may look at every row the caller sees."""
    parts = [or_(*(lane_clause(lane, case, assignment, whole_case=True) for lane in lanes))
             for lanes in where.case_items]
    parts += [or_(*(lane_clause(lane, case, assignment) for lane in lanes)) for lanes in where.assignment_items]
    return parts


async def scoped_by(session: AsyncSession, scopes: Mapping[Role, CaseScope],
                    case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, frozenset[Role]]:
    """For each case, the roles whose scope includes it (one query for all; none for scopes that need no data)."""
    ids = list(dict.fromkeys(case_ids))
    always = {role for role, scope in scopes.items() if scope.everything}
    asked = [(role, scope) for role, scope in scopes.items() if not scope.everything and not scope.empty]
    found: dict[uuid.UUID, set[Role]] = {case_id: set(always) for case_id in ids}
    if asked and ids:
        stmt = select(Case.id, *(scope_clause(scope).label(f"s{i}") for i, (_, scope) in enumerate(asked)))
        for row in (await session.execute(stmt.where(Case.id.in_(ids)))).all():
            found[row[0]].update(role for (role, _), hit in zip(asked, row[1:], strict=True) if hit)
    return {case_id: frozenset(roles) for case_id, roles in found.items()}


def visible(scope: CaseScope) -> Select:
    return select(Case).where(scope_clause(scope))


async def get(session: AsyncSession, scope: CaseScope, case_id: uuid.UUID) -> Case | None:
    return (await session.scalars(visible(scope).where(Case.id == case_id))).one_or_none()


async def get_by_number(session: AsyncSession, scope: CaseScope, number: str,
                        readable: Readable = EVERYWHERE) -> Case | None:
    """`readable`: where the caller reads the number in full (a lookup is a filter too)."""
    return (await session.scalars(by_number_query(scope, number, readable))).one_or_none()


def by_number_query(scope: CaseScope, number: str, readable: Readable = EVERYWHERE) -> Select:
    return visible(scope).where(Case.number == number, *readable_clauses(readable))


async def lock_for_write(session: AsyncSession, scope: CaseScope, case_id: uuid.UUID, *,
                         materials: bool = True) -> Case | None:
    """The current case row with its parties (and materials unless not needed), locked until commit (case
    first, then its assignments: one lock order). The parties come in the same query (one row each)."""
    options = [joinedload(Case.applicant), joinedload(Case.agent)]
    if materials:
        options.append(selectinload(Case.materials))
    stmt = (
        visible(scope)
        .where(Case.id == case_id)
        .options(*options)
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).unique().one_or_none()


async def number_taken(session: AsyncSession, number: str) -> bool:
    return (await session.scalar(select(Case.id).where(Case.number == number))) is not None


@dataclass(frozen=True)
class CaseFilter:
    """Values to match, and for each argument given (by its API name) where it may look."""

    statuses: tuple[str, ...] = ()
    case_type: str | None = None
    service: str | None = None
    district_code: str | None = None
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None
    readable: Mapping[str, Readable] = field(default_factory=dict)

    def looks(self, argument: str, assignment=None) -> list:  # type: ignore[no-untyped-def]
        """SQL: where the argument may look (none: every case the caller sees)."""
        return readable_clauses(self.readable.get(argument, EVERYWHERE), Case, assignment)


@dataclass(frozen=True)
class Page:
    items: list[Case]
    has_next: bool

    def cursor(self, case: Case) -> str:
        return encode_cursor(case.id)


def encode_cursor(case_id: uuid.UUID) -> str:
    """Only the case id: the cursor reveals nothing the caller may not read (such as submittedAt)."""
    return base64.urlsafe_b64encode(f"case:{case_id}".encode()).decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    """Raises ValueError on anything that is not a cursor this hub issued."""
    prefix, _, case_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    if prefix != "case":
        raise ValueError("not a case cursor")
    return uuid.UUID(case_id)


def _after(scope: CaseScope, case_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """Rows after the cursor's case, which must itself be visible (else the page is empty)."""
    anchor = aliased(Case)
    position = select(anchor.submitted_at).where(anchor.id == case_id, scope_clause(scope, anchor)).scalar_subquery()
    return tuple_(Case.submitted_at, Case.id) < tuple_(position, case_id)


def _filtered(stmt: Select, lanes: tuple[Lane, ...], flt: CaseFilter) -> Select:
    """Each argument only where the caller reads what it compares; `service` only among the assignments the
    caller sees (a utility: its own), so no filter tells whether a hidden assignment exists."""
    if flt.statuses:
        stmt = stmt.where(Case.status.in_(flt.statuses), *flt.looks("statuses"))
    if flt.case_type:
        stmt = stmt.where(Case.case_type == flt.case_type, *flt.looks("caseType"))
    if flt.service:
        seen = aliased(Assignment)
        stmt = stmt.where(exists().where(
            seen.case_id == Case.id, seen.service == flt.service, *assignment_visible_within_case(lanes, seen, Case),
            *flt.looks("service", seen),
        ).correlate(Case))
    if flt.district_code:
        stmt = stmt.where(exists().where(Site.case_id == Case.id, Site.district_code == flt.district_code),
                          *flt.looks("districtCode"))
    if flt.submitted_from:
        stmt = stmt.where(Case.submitted_at >= flt.submitted_from, *flt.looks("submittedFrom"))
    if flt.submitted_before:
        stmt = stmt.where(Case.submitted_at < flt.submitted_before, *flt.looks("submittedBefore"))
    return stmt


def page_query(scope: CaseScope, lanes: tuple[Lane, ...], flt: CaseFilter, *, first: int,
               after: uuid.UUID | None) -> Select:
    """Newest first, by (submitted_at, id): a keyset that new submissions cannot shift. `lanes`: the caller's
    roles (hub.policy.plan), for what it sees inside a case. One row more than `first`, to tell if more follow.

    A scope of several conditions (a caller with several roles) is read as the newest rows of each condition,
    merged: each of those is read from its own index, where their union would be matched row by row or in full."""
    parts = scope.parts()
    if len(parts) < 2:
        return _newest(select(Case), scope, scope, lanes, flt, first=first, after=after)
    newest = [_newest(select(Case.id), part, scope, lanes, flt, first=first, after=after).subquery()
              for part in parts]
    merged = union_all(*(select(part.c.id) for part in newest))
    return _ordered(select(Case).where(Case.id.in_(merged)), first)


def _newest(stmt: Select, part: CaseScope, scope: CaseScope, lanes: tuple[Lane, ...], flt: CaseFilter, *,
            first: int, after: uuid.UUID | None) -> Select:
    """The first rows of `part` of the caller's `scope` that pass the filter, after the cursor."""
    stmt = _filtered(stmt.where(scope_clause(part)), lanes, flt)
    if after:
        stmt = stmt.where(_after(scope, after))
    return _ordered(stmt, first)


def _ordered(stmt: Select, first: int) -> Select:
    return stmt.order_by(Case.submitted_at.desc(), Case.id.desc()).limit(first + 1)


async def page(
    session: AsyncSession, scope: CaseScope, lanes: tuple[Lane, ...], flt: CaseFilter, *, first: int,
    after: uuid.UUID | None,
) -> Page:
    rows = list((await session.scalars(page_query(scope, lanes, flt, first=first, after=after))).all())
    return Page(items=rows[:first], has_next=len(rows) > first)
