"""Every query over assignments; reads are confined to cases the caller may see."""

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.cases.repository import assignment_visible, readable_clauses
from hub.policy.filters import EVERYWHERE, Readable
from hub.policy.plan import Lane


async def get(session: AsyncSession, lanes: tuple[Lane, ...], assignment_id: uuid.UUID) -> Assignment | None:
    """The assignment if one of the caller's roles (`lanes`, hub.policy.plan) covers it."""
    stmt = select(Assignment).where(Assignment.id == assignment_id, assignment_visible(lanes))
    return (await session.scalars(stmt)).one_or_none()


async def lock(session: AsyncSession, assignment_id: uuid.UUID) -> Assignment:
    stmt = (
        select(Assignment).where(Assignment.id == assignment_id)
        .with_for_update().execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one()


async def for_cases(session: AsyncSession, case_ids: list[uuid.UUID]) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.case_id.in_(case_ids)).order_by(Assignment.case_id, Assignment.service)
    return list((await session.scalars(stmt)).all())


@dataclass(frozen=True)
class QueueFilter:
    """Values to match, and for each argument given (by its API name) where it may look."""

    organisation_code: str
    statuses: tuple[str, ...] = ()
    service: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    readable: Mapping[str, Readable] = field(default_factory=dict)

    def looks(self, argument: str) -> list:
        """SQL: where the argument may look (none: every assignment of the queue)."""
        return readable_clauses(self.readable.get(argument, EVERYWHERE), None, Assignment)


def encode_cursor(assignment_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"assignment:{assignment_id}".encode()).decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    prefix, _, assignment_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    if prefix != "assignment":
        raise ValueError("not an assignment cursor")
    return uuid.UUID(assignment_id)


async def queue_page(
    session: AsyncSession, flt: QueueFilter, *, first: int, after: uuid.UUID | None
) -> tuple[list[Assignment], bool]:
    """A utility's work queue, oldest first (first in, first handled), by keyset."""
    rows = list((await session.scalars(queue_query(flt, first=first, after=after))).all())
    return rows[:first], len(rows) > first


def queue_query(flt: QueueFilter, *, first: int, after: uuid.UUID | None) -> Select:
    """One row more than `first`, to tell if more follow."""
    stmt = select(Assignment).where(Assignment.organisation_code == flt.organisation_code)
    if flt.statuses:
        stmt = stmt.where(Assignment.status.in_(flt.statuses), *flt.looks("statuses"))
    if flt.service:
        stmt = stmt.where(Assignment.service == flt.service, *flt.looks("service"))
    if flt.created_from:
        stmt = stmt.where(Assignment.created_at >= flt.created_from, *flt.looks("createdFrom"))
    if flt.created_before:
        stmt = stmt.where(Assignment.created_at < flt.created_before, *flt.looks("createdBefore"))
    if after:
        anchor = aliased(Assignment)
        position = select(anchor.created_at).where(
            anchor.id == after, anchor.organisation_code == flt.organisation_code).scalar_subquery()
        stmt = stmt.where(tuple_(Assignment.created_at, Assignment.id) > tuple_(position, after))
    return stmt.order_by(Assignment.created_at, Assignment.id).limit(first + 1)
