"""The live event feed of one hub process: read each new event once, hand it to matching subscribers.

It wakes when this process commits events, when PostgreSQL NOTIFYs a commit
made by another instance, and at least every `poll_seconds` (which also covers
several processes on one SQLite file). Subscribers hold bounded queues: one
that does not keep up is marked overflowed and dropped by its subscription,
never allowed to grow the server's memory.
"""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from hub.db import Database
from hub.events.log import NOTIFY_CHANNEL
from hub.events.models import Event
from hub.faults import log_fault

BATCH = 500
POLICY_CHANGED = object()  # put in every subscriber's queue when governance changed something


@dataclass(eq=False)  # identity semantics: kept in a set
class Subscriber:
    matches: Callable[[Event], bool]
    queue: asyncio.Queue
    route: str | None  # "org:<code>", "case:<id>", or None for subscribers that look at every event
    overflowed: bool = False


def routes(event: Event) -> tuple[str | None, ...]:
    """The routes an event travels: its organisation, its case, and the catch-all."""
    return (f"org:{event.organisation_code}", f"case:{event.case_id}", None)


@dataclass
class EventFeed:
    db: Database
    queue_size: int = 1000
    poll_seconds: float = 1.0
    position: int = 0
    routed: dict = field(default_factory=dict)  # route → set of subscribers
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list = field(default_factory=list)
    _listener: object = None

    async def start(self) -> None:
        async with self.db.read() as session:
            self.position = (await session.scalar(select(func.max(Event.id)))) or 0
        self.db.after_event_commit.append(self._wake.set)
        self._tasks.append(asyncio.create_task(self._pump(), name="event-feed"))
        if not self.db.sqlite:
            await self._listen()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        if self._wake.set in self.db.after_event_commit:
            self.db.after_event_commit.remove(self._wake.set)

    async def _listen(self) -> None:
        """One dedicated connection LISTENs for commits made through any instance."""
        dsn = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._listener = await asyncpg.connect(dsn)
        await self._listener.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())

    @property
    def subscribers(self) -> list[Subscriber]:
        return [s for group in self.routed.values() for s in group]

    def subscribe(self, matches: Callable[[Event], bool], route: str | None = None) -> Subscriber:
        """`route` lets the feed look only at the subscribers an event can concern (10,000 idle ones cost nothing)."""
        subscriber = Subscriber(matches=matches, queue=asyncio.Queue(maxsize=self.queue_size), route=route)
        self.routed.setdefault(route, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        group = self.routed.get(subscriber.route)
        if group is not None:
            group.discard(subscriber)
            if not group:
                del self.routed[subscriber.route]

    def policy_changed(self) -> None:
        """Told by the policy store of every change (hub/policy/freshness.py): each subscriber re-decides its
        access, so a revocation reaches idle sockets as soon as this instance hears of it."""
        for subscriber in list(self.subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                subscriber.queue.put_nowait(POLICY_CHANGED)

    async def _pump(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            try:
                await self._dispatch_new()
                await self._keep_listening()
            except Exception as error:  # noqa: BLE001  (the feed must outlive a failed read; next wake retries)
                log_fault(error, "the event feed read")

    async def _keep_listening(self) -> None:
        """After a database restart the LISTEN connection is gone: open another (polling covers the gap)."""
        if not self.db.sqlite and (self._listener is None or self._listener.is_closed()):
            self._listener = None
            await self._listen()

    async def _dispatch_new(self) -> None:
        while True:
            async with self.db.read() as session:
                events = list((await session.scalars(
                    select(Event).where(Event.id > self.position).order_by(Event.id).limit(BATCH))).all())
            for event in events:
                self._fan_out(event)
                self.position = event.id
            if len(events) < BATCH:
                return

    def _fan_out(self, event: Event) -> None:
        for subscriber in [s for route in routes(event) for s in self.routed.get(route, ())]:
            if subscriber.overflowed or not subscriber.matches(event):
                continue
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:
                subscriber.overflowed = True
