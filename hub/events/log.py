"""Appending to the event log (and the audit chain) inside the writer's transaction.

Cursor guarantee: a reader that has seen every event up to cursor C and later
asks for events after C never misses one. Sequence numbers are handed out at
insert time but become visible at commit, so two writers could commit out of
number order and a reader between the two commits would skip the smaller
number. We close that window by making number assignment and commit one
critical section: events are inserted as the very last statement of the unit of
work, under a transaction-scoped lock held to commit. Hence cursor order is commit order.

The lock is the audit chain head's row lock (hub.audit.service), which every
append to the chain takes anyway: one lock, taken once, for both logs, and only
for the final append and the commit. On PostgreSQL that is one call,
`hub_append_logs` (migrations 0014, 0016), which takes the lock, chains and inserts the
audit records, moves the head, inserts the events and NOTIFYs every instance's
feed (delivered at commit); then the commit. The rows the unit of work queued
(hub.db.queue_insert, queue_update) lead the same statement as data-modifying
CTEs, written before the call takes the lock. On SQLite the database write
lock, held since BEGIN IMMEDIATE, is the lock, and the hub appends itself.
"""

import uuid
from datetime import datetime

import asyncpg
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import service as audit
from hub.db import Database, as_json, insert_queued, queued_ctes
from hub.events.models import Event

NOTIFY_CHANNEL = "hub_events"
HEAD_MISSING = "HU001"  # the SQLSTATE hub_append_logs raises without the chain head


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
    """Write the unit of work's queued rows (hub.db.insert_queued), then insert the queued audit records and
    events under the lock; returns how many events. On PostgreSQL the rows and the append are one statement."""
    events: list[dict] = session.info.pop("pending_events", [])
    records: list[dict] = session.info.pop("pending_audit", [])
    if session.bind.dialect.name == "postgresql" and (events or records):
        await session.flush()  # what changed through the ORM first, outside the lock
        await _append_in_one_call(session, records, events, *queued_ctes(session))
        return len(events)
    await insert_queued(session)
    if not events and not records:
        return 0
    head = (await session.execute(audit.head_lock())).first()
    if head is None:
        raise audit.ChainHeadMissing("the audit chain head is missing; run `hub audit verify`")
    if records:
        await audit.write(session, *audit.chained(head.last_id, head.last_hash, records))
    if events:
        await session.execute(insert(Event.__table__), events)
    return len(events)


async def _append_in_one_call(session: AsyncSession, records: list[dict], events: list[dict], ctes: list[str],
                              params: dict) -> None:
    """PostgreSQL: the queued rows, then the lock, the chained audit records, the head, the events and the
    NOTIFY in one round trip (hub_append_logs, migration 0016), so that only the commit follows while the lock
    is held. The rows' CTEs are counted in the FROM clause and the call is made in the select list, so every
    row is written before the call takes the lock (a CTE nobody reads would run after it)."""
    sources = ", ".join(f"(SELECT count(*) AS n FROM {cte.split(' ', 1)[0]}) AS q{i}" for i, cte in enumerate(ctes))
    statement = "SELECT hub_append_logs(CAST(:records AS text[]), CAST(:events AS jsonb))"
    if ctes:
        statement = (f"WITH {', '.join(ctes)} {statement} FROM {sources} WHERE "
                     + " + ".join(f"q{i}.n" for i in range(len(ctes))) + " >= 0")
    try:
        await session.execute(text(statement), {**params, "records": _texts(records), "events": as_json(events)})
    except DBAPIError as error:
        _head_missing(getattr(error.orig, "sqlstate", None))
        raise


async def append_audit(db: Database, records: list[dict], texts: list[str] | None = None) -> None:
    """Audit records with nothing else to write (the READ records of reads): on PostgreSQL one autocommitted call
    on the driver's connection (the lock, the chain, the head, the commit: one round trip, durable when it
    returns), with the records' texts if the caller made them already; on SQLite a write unit of work."""
    if db.sqlite:
        async with db.write() as session:
            await audit.append(session, records)
        return
    async with db.driver_connection() as connection:
        try:
            await connection.execute("SELECT hub_append_logs($1::text[], '[]'::jsonb)",
                                     _texts(records) if texts is None else texts)
        except asyncpg.PostgresError as error:
            _head_missing(error.sqlstate)
            raise


def _texts(records: list[dict]) -> list[str]:
    return audit.canonical_texts(records)  # each record's columns are in its text


def _head_missing(sqlstate: str | None) -> None:
    if sqlstate == HEAD_MISSING:
        raise audit.ChainHeadMissing("the audit chain head is missing; run `hub audit verify`") from None
