"""Data the hot writes read on every request and that changes rarely (the working-day calendar, the time-limit
rules), kept per process and database until a change says otherwise, like the policy (hub/policy/freshness.py):

- a unit of work that changes such data calls `announce(session, name)`: right after its commit this process
  drops what it keeps, and on PostgreSQL `NOTIFY hub_kept, '<name>'` (sent at commit, never for a change
  rolled back) makes every other instance drop it too (their policy watch LISTENs on that channel as well);
- within that unit of work, reads of the data bypass what is kept (they see the change before its commit);
- if an instance's LISTEN connection is lost, it drops everything kept when it listens again; and every
  `HUB_POLICY_POLL_SECONDS` the watch compares each kept value's stamp (a small aggregate query) with the
  database's, which bounds how long a change nobody announced (SQL by hand, several processes on one SQLite
  file) can go unseen.

A value is stamped before it is read, and kept only if nothing dropped it while it was read, so a change that
commits during the read is never hidden: at worst the next poll finds the newer stamp.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

CHANNEL = "hub_kept"

_all: dict[str, "Kept"] = {}


def _key(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=False)


class Kept:
    """One kind of kept data: `load` reads it, `stamp` reads what tells a change (both in the caller's session)."""

    def __init__(self, name: str, load: Callable[[AsyncSession], Awaitable[Any]],
                 stamp: Callable[[AsyncSession], Awaitable[tuple]]):
        self.name = name
        self._load = load
        self._stamp = stamp
        self._values: dict[str, tuple[tuple, Any]] = {}  # database → (stamp, value)
        self._generation: dict[str, int] = {}  # database → drops so far
        _all[name] = self

    async def get(self, session: AsyncSession) -> Any:
        if self.name in session.info.get("kept_changed", ()):
            return await self._load(session)  # this unit of work changed it: read what it wrote
        key = _key(session.bind.url)
        hit = self._values.get(key)
        if hit is not None:
            return hit[1]
        generation = self._generation.get(key, 0)
        stamp = await self._stamp(session)
        value = await self._load(session)
        if self._generation.get(key, 0) == generation:
            self._values[key] = (stamp, value)
        return value

    def drop(self, url: str | URL) -> None:
        key = _key(url)
        self._generation[key] = self._generation.get(key, 0) + 1
        self._values.pop(key, None)

    async def check(self, session: AsyncSession) -> None:
        """Drop the value if the database's stamp moved (the fallback poll)."""
        key = _key(session.bind.url)
        hit = self._values.get(key)
        if hit is not None and await self._stamp(session) != hit[0]:
            self.drop(key)


def drop(url: str | URL, name: str | None = None) -> None:
    """This process drops what it keeps of `name` (every kind: None) on the database at `url`."""
    for kept in ([_all[name]] if name in _all else [] if name else list(_all.values())):
        kept.drop(url)


async def check_all(session: AsyncSession) -> None:
    for kept in list(_all.values()):
        await kept.check(session)


def announce(session: AsyncSession, name: str) -> None:
    """Call inside a unit of work (hub.db.Database.write) that changes kept data `name`; idempotent."""
    changed = session.info.setdefault("kept_changed", set())
    if name in changed:
        return
    changed.add(name)
    url = session.bind.url
    if session.bind.dialect.name == "postgresql":
        async def notify(session: AsyncSession) -> None:
            await session.execute(text("SELECT pg_notify(:channel, :name)"), {"channel": CHANNEL, "name": name})
        session.info.setdefault("before_commit", []).append(notify)
    session.info.setdefault("after_commit", []).append(lambda: drop(url, name))
