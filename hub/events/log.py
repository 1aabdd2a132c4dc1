"""Appending to the event log (and the audit chain) inside the writer's transaction.

Cursor guarantee: a reader that has seen every event up to cursor C and later
asks for events after C never misses one. Sequence numbers are handed out at
insert time but become visible at commit, so two writers could commit out of
number order and a reader between the two commits would skip the smaller
number. We close that window by making number assignment and commit one
critical section: events are inserted as the very last statement of the unit of
work, under a transaction-scoped lock held to commit. Hence cursor order is commit order.

The lock is the audit chain head's row lock (hub.audit.service), which every
append to the chain takes anyway: one lock, taken once, for both logs. On
PostgreSQL the critical section is two round trips and the commit — the head
read FOR UPDATE (with the NOTIFY that wakes every instance's feed at commit),
then one statement that inserts the audit records, moves the head and inserts
the events; everything else the unit of work wrote was flushed before the lock.
On SQLite the database write lock, held since BEGIN IMMEDIATE, is the lock.
"""

import uuid
from datetime import datetime

from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import service as audit
from hub.db import execute_together
from hub.events.models import Event

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
    session.info.setdefault("pending_events", []).append({
        "kind": kind, "case_id": case_id, "occurred_at": at, "actor_subject": actor_subject,
        "actor_organisation": actor_organisation, "assignment_id": assignment_id,
        "organisation_code": organisation_code, "payload": payload or {},
    })


async def append_pending(session: AsyncSession) -> int:
    """Insert the queued audit records and events under the lock; returns how many events."""
    events: list[dict] = session.info.pop("pending_events", [])
    records: list[dict] = session.info.pop("pending_audit", [])
    if not events and not records:
        return 0
    await session.flush()  # the record's own rows first, outside the lock (hub.db.insert_queued did the rest)
    postgres = session.bind.dialect.name == "postgresql"
    notify = [func.pg_notify(NOTIFY_CHANNEL, "")] if events and postgres else []
    head = (await session.execute(audit.head_lock(*notify))).first()
    if head is None:
        raise audit.ChainHeadMissing("the audit chain head is missing; run `hub audit verify`")
    statements = audit.writes(*audit.chained(head.last_id, head.last_hash, records)) if records else []
    if events:
        statements.append(insert(Event.__table__).values(events))
    await execute_together(session, statements)
    return len(events)
