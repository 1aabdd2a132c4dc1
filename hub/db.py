"""Engines, sessions and the declarative base.

Writes go through `Database.write()`, a unit of work that appends the events it
recorded as the last step before commit (see hub/events/log.py for why).
"""

import errno
import hashlib
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

import asyncpg

from sqlalchemy import DateTime, MetaData, Table, TypeDecorator, bindparam, event, insert, inspect, text, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.util import greenlet_spawn

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# PostgreSQL error classes that mean "not now" rather than "wrong": connection exceptions (08), too many
# connections (53300), and operator intervention — shutdown, restart, crash recovery (57P01–57P05).
_UNAVAILABLE_SQLSTATES = ("08", "53300", "57P")
# SQLite primary result codes with the same meaning: busy or locked past busy_timeout, cannot open, I/O error.
_UNAVAILABLE_SQLITE_CODES = {5, 6, 10, 14}


def is_unavailable(error: BaseException) -> bool:
    """The database could not be reached or is not serving now: a retry later may succeed.

    Anything else (a constraint, a bad statement, a bug) is the hub's own fault.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unavailable_here(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _unavailable_here(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, (sa_exc.TimeoutError, sa_exc.DisconnectionError, ConnectionError, TimeoutError,
                          socket.gaierror)):
        return True  # pool exhausted, connection refused, reset or timed out, host unknown
    if isinstance(error, OSError) and error.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _UNAVAILABLE_SQLITE_CODES


def _connect_failures_are_disconnects(engine: AsyncEngine) -> None:
    """A failure while opening a connection (refused, or "not currently accepting connections") is an outage,
    whatever the driver calls it; marking it as a disconnect lets `is_unavailable` see it."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _handle_error(context):  # type: ignore[no-untyped-def]
        if context.connection is None:
            context.is_disconnect = True


def _replace_closed_connections(engine: AsyncEngine) -> None:
    """After a database restart, pooled connections are found dead and replaced at checkout instead of failing
    the request that draws them. The server ends each session with a message and closes its socket, which the
    driver notices as it happens, so asking the driver costs nothing; SQLAlchemy's pre-ping would spend three
    round trips (BEGIN, a query, ROLLBACK) on every checkout, on every request."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(_dbapi_connection, record, _proxy):  # type: ignore[no-untyped-def]
        if record.driver_connection.is_closed():
            raise sa_exc.DisconnectionError("the pooled connection was closed by the server")


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """Take transaction control from pysqlite so writers can BEGIN IMMEDIATE.

    A deferred transaction that later writes can dead-lock with another writer
    (both hold SHARED, neither can upgrade); IMMEDIATE takes the write lock up
    front and waits on busy_timeout instead of failing.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("hub_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One per process: an engine, a read session factory and a write unit of work."""

    def __init__(self, url: str, *, pool_size: int = 10, busy_timeout: float = 30.0, echo: bool = False):
        self.url = url
        self.sqlite = is_sqlite(url)
        kwargs: dict = {"echo": echo}
        if not self.sqlite:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
        self.engine = create_async_engine(url, **kwargs)
        _connect_failures_are_disconnects(self.engine)
        if not self.sqlite:
            _replace_closed_connections(self.engine)
        if self.sqlite:
            _configure_sqlite(self.engine, int(busy_timeout * 1000))
        write_engine = self.engine.execution_options(hub_write=True)
        self._reads = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writes = async_sessionmaker(write_engine, expire_on_commit=False)
        self.after_event_commit: list = []  # callables run after a commit that appended events

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session; each DataLoader batch opens its own."""
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """All-or-nothing: commits on normal exit with its events, rolls back on any error.

        A unit of work may ask for more around its commit: `session.info["before_commit"]` (coroutine functions
        of the session, run inside the transaction) and `session.info["after_commit"]` (callables run once it
        committed), e.g. to announce a policy change (hub/policy/freshness.py)."""
        from hub.events.log import append_pending

        async with self._writes() as session:
            async with session.begin():
                yield session
                for hook in session.info.get("before_commit", ()):
                    await hook(session)
                appended = await append_pending(session)  # the queued rows first (hub.db.insert_queued)
            committed = session.info.get("after_commit", ())
        if appended:
            for callback in self.after_event_commit:
                callback()
        for callback in committed:
            callback()

    @asynccontextmanager
    async def driver_connection(self) -> AsyncIterator[Any]:
        """PostgreSQL: the driver's own connection (asyncpg), drawn from the pool, for one autocommitted statement on
        a hot path (no ORM session, no transaction round trips). A connection that failed is not pooled again."""
        pooled = await self.engine.raw_connection()
        try:
            yield pooled.driver_connection
        except (OSError, asyncpg.InterfaceError, asyncpg.ConnectionDoesNotExistError):
            pooled.invalidate()
            raise
        finally:
            await greenlet_spawn(pooled.close)

    async def dispose(self) -> None:
        await self.engine.dispose()


def queue_insert(session: AsyncSession, table: Table, row: dict) -> None:
    """Insert `row` with the unit of work, before its events (Core: no ORM object to track or reload)."""
    session.info.setdefault("pending_rows", {}).setdefault(table, []).append(row)


def queue_update(session: AsyncSession, table: Table, row: dict) -> None:
    """Update one existing row with the unit of work, before its events: `row` holds its primary key and the
    columns that change (Core: no ORM unit of work). Each row is updated once per unit of work."""
    columns = tuple(sorted(set(row) - {c.key for c in table.primary_key.columns}))
    if columns:
        session.info.setdefault("pending_updates", {}).setdefault((table, columns), []).append(row)


def loaded(cls: type, values: dict) -> object:
    """An ORM object holding a row read with Core, as if loaded, but tracked by no session: the rules read and
    change it like any other; `changes` then tells what they changed (for `queue_update`)."""
    obj = inspect(cls).class_manager.new_instance()
    obj.__dict__.update(values)
    return obj


def snapshot(obj: object) -> dict:
    """A `loaded` object's column values now, to compare with later. As with the ORM's own change tracking, a
    JSON value counts as changed when a new value is assigned, not when the one held is changed in place."""
    values = obj.__dict__
    return {key: values.get(key) for key in _column_keys(type(obj))}


def changes(obj: object, before: dict) -> dict:
    """The row of a `loaded` object: its primary key and every column changed since `before` (none: {})."""
    values = obj.__dict__
    changed = {key: value for key in _column_keys(type(obj)) if (value := values.get(key)) is not before[key]
               and value != before[key]}
    if not changed:
        return {}
    return {**{column.key: values[column.key] for column in inspect(obj).mapper.primary_key}, **changed}


_keys_of: dict[type, tuple[str, ...]] = {}


def _column_keys(cls: type) -> tuple[str, ...]:
    """The mapped columns' keys (the same as their names in this schema: `row_of` and `loaded` rely on it)."""
    keys = _keys_of.get(cls)
    if keys is None:
        keys = _keys_of[cls] = tuple(attr.key for attr in inspect(cls).column_attrs)
    return keys


def row_of(obj: object) -> dict:
    """A new ORM object's row as plain column values; a column never set gets its default, on the object too
    (which the caller reads afterwards, as if it had been loaded)."""
    row = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key not in obj.__dict__:
            default = attr.columns[0].default
            value = None if default is None else default.arg if default.is_scalar else default.arg(None)
            setattr(obj, attr.key, value)
        row[attr.columns[0].key] = getattr(obj, attr.key)
    return row


async def insert_queued(session: AsyncSession) -> None:
    """The queued rows, in the order first queued (parents before children), and the queued updates: on
    PostgreSQL all in one statement (each table a data-modifying CTE over its rows as JSON: one round trip, one
    cached statement per set of tables and columns; constraints are checked at its end); on SQLite one
    executemany per table (per set of columns updated). The unit of work's commit sends them with its log
    append instead (hub.events.log.append_pending): then the same CTEs lead that statement."""
    await session.flush()  # what the unit of work changed through the ORM (it may name the queued rows' ids)
    if session.bind.dialect.name == "postgresql":
        ctes, params = queued_ctes(session)
        if ctes:
            await session.execute(text(f"WITH {', '.join(ctes)} SELECT 1"), params)
        return
    pending: dict[Table, list[dict]] = session.info.pop("pending_rows", {})
    updates: dict[tuple[Table, tuple[str, ...]], list[dict]] = session.info.pop("pending_updates", {})
    for table, rows in pending.items():
        await session.execute(insert(table), rows)
    for (table, columns), rows in updates.items():
        keys = [c.key for c in table.primary_key.columns]
        stmt = update(table).where(*(table.c[k] == bindparam(f"k_{k}", type_=table.c[k].type) for k in keys)) \
            .values({c: bindparam(f"v_{c}", type_=table.c[c].type) for c in columns})
        await session.execute(stmt, [{**{f"k_{k}": row[k] for k in keys}, **{f"v_{c}": row[c] for c in columns}}
                                     for row in rows])


def queued_ctes(session: AsyncSession) -> tuple[list[str], dict]:
    """PostgreSQL: the queued rows and updates as data-modifying CTEs named w<i> and u<i>, each RETURNING 1,
    and their parameters (taken from the unit of work: they are sent once)."""
    pending: dict[Table, list[dict]] = session.info.pop("pending_rows", {})
    updates: dict[tuple[Table, tuple[str, ...]], list[dict]] = session.info.pop("pending_updates", {})
    ctes, params = [], {}
    for i, (table, rows) in enumerate(pending.items()):
        ctes.append(f"w{i} AS (INSERT INTO {table.name} SELECT * FROM jsonb_populate_recordset(NULL::{table.name}, "
                    f"CAST(:rows{i} AS jsonb)) RETURNING 1)")
        params[f"rows{i}"] = as_json(rows)
    for i, ((table, columns), rows) in enumerate(updates.items()):
        keys = [c.key for c in table.primary_key.columns]
        assigned = ", ".join(f"{c} = r.{c}" for c in columns)
        matched = " AND ".join(f"t.{k} = r.{k}" for k in keys)
        ctes.append(f"u{i} AS (UPDATE {table.name} AS t SET {assigned} FROM jsonb_populate_recordset("
                    f"NULL::{table.name}, CAST(:updates{i} AS jsonb)) AS r WHERE {matched} RETURNING 1)")
        params[f"updates{i}"] = as_json(rows)
    return ctes, params


def as_json(rows: list[dict]) -> str:
    """Rows as a JSON array for PostgreSQL to read back into columns (times with their offset, ids as text)."""
    return json.dumps(rows, ensure_ascii=False, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC and returned timezone-aware on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


async def lock_names(session: AsyncSession, names: list[str]) -> None:
    """Transaction-scoped locks on names (PostgreSQL advisory locks, taken in one order so that two writers
    sharing names cannot deadlock; all in one statement, one after the other in that order); SQLite needs none,
    its writers run one at a time (BEGIN IMMEDIATE)."""
    if session.bind.dialect.name != "postgresql" or not names:
        return
    keys = [int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            for name in sorted(set(names))]
    await session.execute(text("SELECT pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest(CAST(:keys AS bigint[])) "
                               "WITH ORDINALITY AS t(k, n) ORDER BY n) AS ordered"), {"keys": keys})
