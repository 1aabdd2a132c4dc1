"""The event log: written with the change it records, and a cursor readers can resume from safely."""

import asyncio
import random
import uuid

import pytest
from sqlalchemy import select

from hub.clock import utcnow
from hub.db import Database
from hub.events import log
from hub.events.models import Event
from tests.factories import individual_transfer
from tests.steps import submit, submit_errors


@pytest.fixture
async def db(database_url):  # type: ignore[no-untyped-def]
    database = Database(database_url)
    yield database
    await database.dispose()


async def _events(db: Database, **where) -> list[Event]:
    async with db.read() as session:
        stmt = select(Event).order_by(Event.id)
        for column, value in where.items():
            stmt = stmt.where(getattr(Event, column) == value)
        return list((await session.scalars(stmt)).all())


async def _last_cursor(db: Database) -> int:
    events = await _events(db)
    return events[-1].id if events else 0


async def test_a_submission_appends_its_events_in_one_contiguous_run(clerk, db):
    case = await submit(clerk, individual_transfer())
    number = case["number"]
    events = [e for e in await _events(db) if e.payload.get("number") == number or e.payload.get("caseNumber") == number]
    assert [e.kind for e in events] == ["CASE_SUBMITTED"] + ["ASSIGNMENT_CREATED"] * 4
    assert [e.id for e in events] == list(range(events[0].id, events[0].id + 5))
    assert {e.organisation_code for e in events[1:]} == {"KF-WATER", "KF-POWER", "KF-GAS", "KF-HEAT"}
    assert all(e.actor_subject == "clerk-wang" for e in events)


async def test_a_refused_submission_appends_nothing(clerk, db):
    before = await _last_cursor(db)
    data = individual_transfer()
    data["site"]["districtCode"] = "000000"
    await submit_errors(clerk, data)
    assert await _last_cursor(db) == before


async def _append_one(db: Database, label: str) -> None:
    async with db.write() as session:
        log.record(session, kind="TEST", case_id=uuid.uuid4(), at=utcnow(), actor_subject=label,
                   actor_organisation=None, payload={"label": label})


async def test_an_uncommitted_event_holds_back_later_ones(db):
    """A writer that has taken a cursor but not committed makes the next writer wait, so
    cursors become visible in order and a reader resuming after C cannot skip one."""
    async with db.write() as first:
        log.record(first, kind="TEST", case_id=uuid.uuid4(), at=utcnow(), actor_subject="first",
                   actor_organisation=None)
        await log.append_pending(first)
        second = asyncio.create_task(_append_one(db, "second"))
        await asyncio.sleep(0.5)
        assert not second.done(), "a second writer committed while an earlier cursor was still open"
    await asyncio.wait_for(second, 30)
    ours = [e for e in await _events(db, kind="TEST") if e.actor_subject in ("first", "second")]
    assert [e.actor_subject for e in ours] == ["first", "second"]


async def test_a_reader_resuming_from_its_cursor_misses_nothing_under_concurrent_writers(db):
    start = await _last_cursor(db)
    labels = [f"w{i}" for i in range(40)]
    done = asyncio.Event()
    seen: list[int] = []

    async def writer(label: str) -> None:
        await asyncio.sleep(random.random() * 0.2)
        await _append_one(db, label)

    async def reader() -> None:
        cursor = start
        while True:
            finished = done.is_set()
            async with db.read() as session:
                ids = list((await session.scalars(select(Event.id).where(Event.id > cursor).order_by(Event.id))).all())
            if ids:
                seen.extend(ids)
                cursor = ids[-1]
            if finished:
                return
            await asyncio.sleep(0.005)

    reading = asyncio.create_task(reader())
    await asyncio.gather(*(writer(label) for label in labels))
    done.set()
    await reading
    written = [e.id for e in await _events(db) if e.id > start]
    assert seen == written and len(written) >= len(labels)
