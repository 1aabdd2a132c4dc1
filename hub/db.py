"""Engines, sessions and the declarative base.

Writes go through `Database.write()`, a unit of work that appends the events it
recorded as the last step before commit (see hub/events/log.py for why).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timezone

from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

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


def _configure_sqlite(engine: AsyncEngine) -> None:
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
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("hub_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One per process: an engine, a read session factory and a write unit of work."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False):
        self.url = url
        self.sqlite = is_sqlite(url)
        kwargs: dict = {"echo": echo}
        if not self.sqlite:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
        self.engine = create_async_engine(url, **kwargs)
        if self.sqlite:
            _configure_sqlite(self.engine)
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
        """All-or-nothing: commits on normal exit with its events, rolls back on any error."""
        from hub.events.log import append_pending

        async with self._writes() as session:
            async with session.begin():
                yield session
                appended = await append_pending(session)
        if appended:
            for callback in self.after_event_commit:
                callback()

    async def dispose(self) -> None:
        await self.engine.dispose()


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
