"""Appending to the event log inside the writer's transaction.

Cursor guarantee: a reader that has seen every event up to cursor C and later
asks for events after C never misses one. Sequence numbers are handed out at
insert time but become visible at commit, so two writers could commit out of
number order and a reader between the two commits would skip the smaller
number. We close that window by making number assignment and commit one
critical section: events are inserted as the very last statement of the unit of
work, under a transaction-scoped lock (PostgreSQL advisory lock; on SQLite the
database write lock held since BEGIN IMMEDIATE). Hence cursor order is commit
order. The lock is held only from the event insert to commit.
"""

import uuid
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.events.models import Event

EVENT_APPEND_LOCK = 0x4B46_4855_4201  # arbitrary, fixed key for pg_advisory_xact_lock
NOTIFY_CHANNEL = "hub_events"


def record(
    session: AsyncSession,
    *,
    kind: str,
    case_id: uuid.UUID,
    at: datetime,
    actor_subject: str,
    actor_organisation: str | None,
    assignment_id: uuid.UUID | None = None,
    organisation_code: str | None = None,
    payload: dict | None = None,
) -> None:
    """Queue an event; it is written with the unit of work's commit, or not at all."""
    session.info.setdefault("pending_events", []).append(
        Event(
            kind=kind,
            case_id=case_id,
            occurred_at=at,
            actor_subject=actor_subject,
            actor_organisation=actor_organisation,
            assignment_id=assignment_id,
            organisation_code=organisation_code,
            payload=payload or {},
        )
    )


async def append_pending(session: AsyncSession) -> int:
    """Insert the queued events; returns how many. On PostgreSQL also NOTIFY (delivered at commit)
    so that every instance's event feed wakes up."""
    pending: list[Event] = session.info.pop("pending_events", [])
    if not pending:
        return 0
    await session.flush()  # the record's own rows first, outside the lock
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_APPEND_LOCK})
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    session.add_all(pending)
    await session.flush()
    return len(pending)
