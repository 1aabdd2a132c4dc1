"""Every query over assignments; reads are confined to cases the caller may see."""

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, bindparam, select, tuple_
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.cases.models import Agent, Applicant, Case
from hub.cases.repository import assignment_visible, readable_clauses
from hub.db import changes, loaded, snapshot
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


# Write-back (hub.assignments.service): Core reads of the rows it locks, turned into objects no session tracks.
_CASES, _APPLICANTS, _AGENTS, _ASSIGNMENTS = Case.__table__, Applicant.__table__, Agent.__table__, Assignment.__table__
_TARGET = _ASSIGNMENTS.alias("target")
_CASE_LOCK = (
    select(_TARGET.c.organisation_code, *_CASES.c, *_APPLICANTS.c, *_AGENTS.c)
    .select_from(_TARGET.join(_CASES, _CASES.c.id == _TARGET.c.case_id)
                 .outerjoin(_APPLICANTS, _APPLICANTS.c.case_id == _CASES.c.id)
                 .outerjoin(_AGENTS, _AGENTS.c.case_id == _CASES.c.id))
    .with_for_update(of=_CASES)
)
_OWN_CASE_LOCK = _CASE_LOCK.where(_TARGET.c.id == bindparam("assignment_id"),
                                  _TARGET.c.organisation_code == bindparam("own"))
_ANY_CASE_LOCK = _CASE_LOCK.where(_TARGET.c.id == bindparam("assignment_id"))
_ASSIGNMENTS_LOCK = (select(*_ASSIGNMENTS.c).where(_ASSIGNMENTS.c.case_id == bindparam("case_id"))
                     .order_by(_ASSIGNMENTS.c.service).with_for_update())
_SPANS = [(Case, len(_CASES.c)), (Applicant, len(_APPLICANTS.c)), (Agent, len(_AGENTS.c))]


@dataclass
class Locked:
    """What a write-back changes, locked until commit (the case first, then its assignments: one lock order):
    the case with its applicant and agent, and every assignment of the case, by service. `organisation`: the
    organisation of the assignment written."""

    organisation: str
    case: Case
    assignments: list[Assignment]
    before: dict = field(default_factory=dict)  # id(object) → its columns as read (hub.db.snapshot)

    def changed_rows(self) -> list[tuple]:
        """(table, row) for each object the rules changed: its key and the columns that changed."""
        out = []
        for obj in (self.case, *self.assignments):
            if row := changes(obj, self.before[id(obj)]):
                out.append((type(obj).__table__, row))
        return out


def sole_own_organisation(lanes: tuple[Lane, ...]) -> str | None:
    """The organisation whose assignments alone the caller sees, when one utility lane is its only lane that
    covers rows (as lane_clause's first case: then "visible" is "of that organisation")."""
    row_lanes = [lane for lane in lanes if not lane.rows.empty]
    if len(row_lanes) == 1 and (own := row_lanes[0].own_assignments_of) and row_lanes[0].rows.assigned_to == own:
        return own
    return None


async def lock_for_write_back(session: AsyncSession, lanes: tuple[Lane, ...],
                              assignment_id: uuid.UUID) -> Locked | None:
    """The assignment's case and all its assignments, locked, if one of the caller's roles covers the
    assignment (None otherwise, and then nothing is locked). Two statements, no ORM unit of work: the objects
    are tracked by no session; `Locked.changed_rows` gives what to write (hub.db.queue_update)."""
    own = sole_own_organisation(lanes)
    if own is not None:  # a utility: its own assignments only, checked in the locking statement itself
        row = (await session.execute(_OWN_CASE_LOCK, {"assignment_id": assignment_id, "own": own})).first()
    elif await get(session, lanes, assignment_id) is not None:  # any other caller: its lanes, as for a read
        row = (await session.execute(_ANY_CASE_LOCK, {"assignment_id": assignment_id})).first()
    else:
        row = None
    if row is None:
        return None
    parts, start = [], 1
    for cls, width in _SPANS:
        parts.append(None if row[start] is None else
                     loaded(cls, dict(zip((c.key for c in cls.__table__.c), row[start:start + width]))))
        start += width
    case, applicant, agent = parts
    case.__dict__.update(applicant=applicant, agent=agent)
    keys = [c.key for c in _ASSIGNMENTS.c]
    assignments = [loaded(Assignment, dict(zip(keys, values)))
                   for values in (await session.execute(_ASSIGNMENTS_LOCK, {"case_id": case.id})).all()]
    locked = Locked(organisation=row[0], case=case, assignments=assignments)
    locked.before = {id(obj): snapshot(obj) for obj in (case, *assignments)}
    return locked
