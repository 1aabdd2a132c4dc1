"""Every query over cases. Reads always go through `visible()`, the caller's row scope."""

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, false, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from hub.assignments.models import Assignment
from hub.cases.models import Agent, Applicant, Case, Site
from hub.policy.access import CaseScope


def scope_clause(scope: CaseScope, case=Case):  # type: ignore[no-untyped-def]
    """The SQL condition for the cases a scope allows (`case` may be an alias of Case)."""
    if scope.everything:
        return true()
    conditions = []
    if scope.applicant_subject:
        conditions.append(exists().where(Applicant.case_id == case.id, Applicant.subject == scope.applicant_subject))
        conditions.append(exists().where(Agent.case_id == case.id, Agent.subject == scope.applicant_subject))
    if scope.submitted_by:
        role, organisation = scope.submitted_by
        conditions.append(and_(case.submitted_by_role == role, case.submitted_by_organisation == organisation))
    if scope.assigned_to:
        owned = aliased(Assignment)  # never correlated with an outer query over assignments
        conditions.append(
            exists().where(owned.case_id == case.id, owned.organisation_code == scope.assigned_to).correlate(case)
        )
    return or_(*conditions) if conditions else false()


def visible(scope: CaseScope) -> Select:
    return select(Case).where(scope_clause(scope))


async def get(session: AsyncSession, scope: CaseScope, case_id: uuid.UUID) -> Case | None:
    return (await session.scalars(visible(scope).where(Case.id == case_id))).one_or_none()


async def get_by_number(session: AsyncSession, scope: CaseScope, number: str) -> Case | None:
    return (await session.scalars(visible(scope).where(Case.number == number))).one_or_none()


async def lock_for_write(session: AsyncSession, scope: CaseScope, case_id: uuid.UUID) -> Case | None:
    """The current case row, locked until commit (case first, then its assignments: one lock order)."""
    stmt = (
        visible(scope)
        .where(Case.id == case_id)
        .options(selectinload(Case.applicant), selectinload(Case.agent), selectinload(Case.materials))
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one_or_none()


async def number_taken(session: AsyncSession, number: str) -> bool:
    return (await session.scalar(select(Case.id).where(Case.number == number))) is not None


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[str, ...] = ()
    case_type: str | None = None
    service: str | None = None
    district_code: str | None = None
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None


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


async def page(
    session: AsyncSession, scope: CaseScope, flt: CaseFilter, *, first: int, after: uuid.UUID | None
) -> Page:
    """Newest first, by (submitted_at, id): a keyset that new submissions cannot shift."""
    stmt = visible(scope)
    if flt.statuses:
        stmt = stmt.where(Case.status.in_(flt.statuses))
    if flt.case_type:
        stmt = stmt.where(Case.case_type == flt.case_type)
    if flt.service:
        stmt = stmt.where(exists().where(Assignment.case_id == Case.id, Assignment.service == flt.service))
    if flt.district_code:
        stmt = stmt.where(exists().where(Site.case_id == Case.id, Site.district_code == flt.district_code))
    if flt.submitted_from:
        stmt = stmt.where(Case.submitted_at >= flt.submitted_from)
    if flt.submitted_before:
        stmt = stmt.where(Case.submitted_at < flt.submitted_before)
    if after:
        stmt = stmt.where(_after(scope, after))
    stmt = stmt.order_by(Case.submitted_at.desc(), Case.id.desc()).limit(first + 1)
    rows = list((await session.scalars(stmt)).all())
    return Page(items=rows[:first], has_next=len(rows) > first)
