"""One subscriber's stream: replay from the event log after its cursor, then live, no gap, no duplicate.

The feed subscription is opened *before* the replay reads the log, so every
event committed after that moment reaches the queue; the replay covers what
committed before. Events seen twice in the overlap are dropped by cursor.
Because cursors become visible in commit order (hub/events/log.py), reading
"after C" never skips an event that commits later.

Replayed and live events pass the same two tests: the selection (what the
feed is about, hub/events/selection.py) and `visible` (whom the policy lets
receive it, hub/policy/events.py), so a replay delivers exactly what live
delivery would have.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy import select

from hub.db import Database
from hub.events.feed import BATCH, POLICY_CHANGED, EventFeed
from hub.events.models import Event
from hub.events.selection import Selection
from hub.i18n import _l

RECHECK_SECONDS = 1.0
SLOW_SUBSCRIBER = 4499  # WebSocket close code: dropped for not keeping up; resume from the last cursor


class StreamClosed(Exception):
    """Ends a subscription with a WebSocket close code the client can act on."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


class _Guard:
    """During a replay (a busy stream), re-checks access at most once a second."""

    def __init__(self, still_allowed: Callable[[], Awaitable[None]]):
        self.still_allowed = still_allowed
        self.checked_at = time.monotonic()

    async def check(self) -> None:
        if time.monotonic() - self.checked_at >= RECHECK_SECONDS:
            await self.still_allowed()
            self.checked_at = time.monotonic()


async def stream(
    *, db: Database, feed: EventFeed, after: int | None, selection: Selection,
    visible: Callable[[list[Event]], Awaitable[list[Event]]], still_allowed: Callable[[], Awaitable[None]],
    expires_at: float | None,
) -> AsyncIterator[Event]:
    """`selection`: what the feed carries; `visible(events)`: those of them the caller may receive, applied to
    replayed and live events alike. `still_allowed` raises StreamClosed when the caller's
    access has gone. An idle subscriber sleeps until an event, a policy change (the feed tells every
    subscriber) or its token's expiry."""
    subscriber = feed.subscribe(selection.matches, selection.route)
    guard = _Guard(still_allowed)
    try:
        cursor = feed.position if after is None else after
        if after is not None:
            async for batch in _replay(db, selection, cursor):
                for event in await visible(batch):
                    await guard.check()
                    yield event
                cursor = batch[-1].id
        while True:
            event = await _next(subscriber, still_allowed, expires_at)
            if event.id <= cursor:
                continue
            cursor = event.id
            if await visible([event]):
                yield event
    finally:
        feed.unsubscribe(subscriber)


async def _replay(db: Database, selection: Selection, cursor: int) -> AsyncIterator[list[Event]]:
    while True:
        query = select(Event).where(*selection.clauses(cursor))
        async with db.read() as session:
            events = list((await session.scalars(query.order_by(Event.id).limit(BATCH))).all())
        if events:
            yield events
            cursor = events[-1].id
        if len(events) < BATCH:
            return


async def _next(subscriber, still_allowed: Callable[[], Awaitable[None]], expires_at: float | None) -> Event:  # type: ignore[no-untyped-def]
    while True:
        if subscriber.overflowed:
            raise StreamClosed(SLOW_SUBSCRIBER, _l("subscriber too slow: dropped; resume from your last cursor"))
        timeout = None if expires_at is None else max(expires_at - time.time(), 0) + 0.05
        try:
            item = await asyncio.wait_for(subscriber.queue.get(), timeout)
        except asyncio.TimeoutError:
            await still_allowed()  # the token has expired: this closes the stream
            continue
        if item is POLICY_CHANGED:
            await still_allowed()
            continue
        return item
