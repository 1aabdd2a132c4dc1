"""The queries behind a printed form: one case with what the form shows, the assignments the caller sees."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from hub.assignments.models import Assignment
from hub.cases.models import Case
from hub.cases.repository import assignment_visible_within_case, readable_clauses, visible
from hub.materials.models import Material
from hub.policy.access import CaseScope
from hub.policy.filters import EVERYWHERE, Readable
from hub.policy.plan import Lane


async def case_to_print(session: AsyncSession, scope: CaseScope, *, case_id: uuid.UUID | None = None,
                        number: str | None = None, readable: Readable = EVERYWHERE) -> Case | None:
    """By id (a signed link) or by number (`readable`: where the caller reads numbers, as for caseByNumber)."""
    stmt = visible(scope).options(selectinload(Case.applicant), selectinload(Case.agent), selectinload(Case.site),
                                  selectinload(Case.commitment), selectinload(Case.previous_holder))
    stmt = stmt.where(Case.id == case_id) if case_id else stmt.where(Case.number == number, *readable_clauses(readable))
    return (await session.scalars(stmt)).one_or_none()


async def seen_assignments(session: AsyncSession, lanes: tuple[Lane, ...], case_id: uuid.UUID) -> list[Assignment]:
    stmt = (select(Assignment).where(Assignment.case_id == case_id, *assignment_visible_within_case(lanes))
            .order_by(Assignment.service))
    return list((await session.scalars(stmt)).all())


async def materials(session: AsyncSession, case_id: uuid.UUID) -> list[Material]:
    stmt = select(Material).where(Material.case_id == case_id).order_by(Material.added_at)
    return list((await session.scalars(stmt)).all())
