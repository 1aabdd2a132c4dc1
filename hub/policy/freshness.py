"""Keeping every instance's policy snapshot current without asking the database on each request.

A unit of work that changes the policy (a grant, a revocation, a client disabled or rotated, the catalogue
loaded: anything recorded as a governance change) announces it:

- in this process, right after its commit, every PolicyStore on that database drops its snapshot, so the
  caller's next request — on this instance, or another one in the process — already reads the new policy;
- on PostgreSQL also with `NOTIFY hub_policy` from the same transaction (delivered at commit, never for a
  change rolled back), which every instance LISTENs for on one connection of its own.

If that connection is lost (a database restart, a network fault), the instance opens another and drops its
snapshot, since it may have missed a change meanwhile; and every `HUB_POLICY_POLL_SECONDS` it compares the
newest governance change id with its snapshot's, which bounds how long any missed change can go unseen
(several processes on one SQLite file, a change made with SQL by hand).

The same watch keeps the calendar and the time-limit rules held in memory current (hub/kept.py): it LISTENs
on `hub_kept` too, drops them when it listens anew, and compares their stamps in the same poll.
"""

import asyncio
import contextlib
import logging
import weakref

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from hub import kept
from hub.faults import log_fault

POLICY_CHANNEL = "hub_policy"

log = logging.getLogger("hub.policy")
_stores: dict[str, weakref.WeakSet] = {}  # database URL → this process's stores on it


def _key(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=False)


def register(url: str, store: object) -> None:
    _stores.setdefault(_key(url), weakref.WeakSet()).add(store)


def invalidate_local(url: str | URL) -> None:
    """Every store of this process on the database at `url` drops its snapshot."""
    for store in list(_stores.get(_key(url), ())):
        store.invalidate()


def announce(session: AsyncSession) -> None:
    """Call inside a unit of work (hub.db.Database.write) that changes the policy; idempotent."""
    if session.info.get("policy_changed"):
        return
    session.info["policy_changed"] = True
    url = session.bind.url
    if session.bind.dialect.name == "postgresql":
        session.info.setdefault("before_commit", []).append(_notify)
    session.info.setdefault("after_commit", []).append(lambda: invalidate_local(url))


async def _notify(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": POLICY_CHANNEL})


class PolicyWatch:
    """One per instance: LISTENs on its own connection (PostgreSQL), reconnecting, and polls as a fallback."""

    def __init__(self, store, *, poll_seconds: float):  # type: ignore[no-untyped-def]
        self.store = store
        self.db = store.db
        self.poll_seconds = poll_seconds
        self._listener: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="policy-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()

    async def _run(self) -> None:
        while True:
            try:
                if not self.db.sqlite:
                    await self._keep_listening()
                await self._poll()
            except Exception as error:  # noqa: BLE001  (a database outage: listen and poll again next round)
                log_fault(error, "the policy watch")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.poll_seconds)

    async def _keep_listening(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        self._listener = None
        self._lost.clear()
        dsn = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            listener = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError) as error:  # refused, or not taking connections: an outage
            raise ConnectionError(f"cannot open the policy listener: {error}") from error
        await listener.add_listener(POLICY_CHANNEL, self._notified)
        await listener.add_listener(kept.CHANNEL, self._kept_changed)
        listener.add_termination_listener(lambda _connection: self._lost.set())
        self._listener = listener
        self.store.invalidate()  # a change may have been announced while nobody here listened
        kept.drop(self.db.url)

    def _notified(self, *_args: object) -> None:
        self.store.invalidate()

    def _kept_changed(self, _connection: object, _pid: int, _channel: str, name: str) -> None:
        kept.drop(self.db.url, name)

    async def _poll(self) -> None:
        """The fallback: the newest governance change id against the snapshot's, and the stamps of the data kept
        in memory (hub/kept.py) against the database's (a few small queries a round)."""
        if self.store.loaded_version is not None and await self.store.newest_version() != self.store.loaded_version:
            self.store.invalidate()
        async with self.db.read() as session:
            await kept.check_all(session)
