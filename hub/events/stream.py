"""One subscriber's stream: replay from the event log after its cursor, then live, no gap, no duplicate.

The feed subscription is opened *before* the replay reads the log, so every
event committed after that moment reaches the queue; the replay covers what
committed before. Events seen twice in the overlap are dropped by cursor.
Because cursors become visible in commit order (hub/events/log.py), reading
"after C" never skips an event that commits later.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy import Select

from hub.db import Database
from hub.events.feed import BATCH, POLICY_CHANGED, EventFeed
from hub.events.models import Event

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
    *, db: Database, feed: EventFeed, after: int | None, replay: Callable[[int], Select],
    prefilter: Callable[[Event], bool], visible: Callable[[Event], Awaitable[bool]],
    still_allowed: Callable[[], Awaitable[None]], expires_at: float | None, route: str | None = None,
) -> AsyncIterator[Event]:
    """`replay(cursor)` selects the caller's logged events after a cursor; `prefilter` is the cheap test
    the feed applies to live events (it decides what queues up), `visible` the full one before delivery;
    `still_allowed` raises StreamClosed when the caller's access has gone. An idle subscriber sleeps
    until an event, a policy change (the feed tells every subscriber) or its token's expiry."""
    subscriber = feed.subscribe(prefilter, route)
    guard = _Guard(still_allowed)
    try:
        cursor = feed.position if after is None else after
        if after is not None:
            async for event in _replay(db, replay, cursor):
                await guard.check()
                cursor = event.id
                yield event
        while True:
            event = await _next(subscriber, still_allowed, expires_at)
            if event.id <= cursor or not await visible(event):
                continue
            cursor = event.id
            yield event
    finally:
        feed.unsubscribe(subscriber)


async def _replay(db: Database, replay: Callable[[int], Select], cursor: int) -> AsyncIterator[Event]:
    while True:
        async with db.read() as session:
            events = list((await session.scalars(replay(cursor).order_by(Event.id).limit(BATCH))).all())
        for event in events:
            yield event
            cursor = event.id
        if len(events) < BATCH:
            return


async def _next(subscriber, still_allowed: Callable[[], Awaitable[None]], expires_at: float | None) -> Event:  # type: ignore[no-untyped-def]
    while True:
        if subscriber.overflowed:
            raise StreamClosed(SLOW_SUBSCRIBER, "subscriber too slow: dropped; resume from your last cursor")
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
