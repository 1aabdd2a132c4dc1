"""Real database faults for a test hub: refused connections, a held write lock, statements that fail.

Each acts on the database itself (as an operator or a broken disk would), never on the hub's code.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterator

import asyncpg
from sqlalchemy.engine import make_url

from tests.harness import POSTGRES_ADMIN_URL, _asyncpg_dsn


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


async def execute(url: str, *statements: str) -> None:
    """Run SQL on the hub's database from outside the hub."""
    if is_postgres(url):
        conn = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()
        return
    with contextlib.closing(sqlite3.connect(make_url(url).database, isolation_level=None)) as conn:
        for statement in statements:
            conn.execute(statement)


async def fail_inserts(url: str, table: str, when: str, message: str) -> None:
    """Every insert into `table` whose row matches `when` (SQL over NEW) fails with `message`."""
    if is_postgres(url):
        await execute(
            url,
            f"CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {when} THEN RAISE EXCEPTION '{message}'; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_{table}()",
        )
        return
    await execute(url, f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} WHEN {when} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


async def drop_insert_failure(url: str, table: str) -> None:
    if is_postgres(url):
        await execute(url, f"DROP TRIGGER fail_{table} ON {table}", f"DROP FUNCTION fail_{table}()")
    else:
        await execute(url, f"DROP TRIGGER fail_{table}")


async def server_kills_inserts(url: str, table: str, when: str) -> None:
    """PostgreSQL ends the session that inserts a matching row, mid-transaction (a backend crash, as the hub sees it)."""
    await execute(
        url,
        f"CREATE FUNCTION kill_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF {when} THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF; "
        f"RETURN NEW; END $$",
        f"CREATE TRIGGER kill_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION kill_{table}()",
    )


@contextlib.asynccontextmanager
async def postgres_refusing_connections(url: str) -> AsyncIterator[None]:
    """The database takes no connections and its open ones are ended (a restart, a failover), then comes back."""
    name = make_url(url).database
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


@contextlib.contextmanager
def sqlite_write_lock(url: str) -> Iterator[None]:
    """Another process holds the SQLite write lock (a backup, a long import), then lets go."""
    conn = sqlite3.connect(make_url(url).database, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


async def eventually(probe, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    """The probe's first truthy result within `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.1)
