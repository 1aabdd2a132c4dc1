"""Migrations go up, down and up again on the backend under test, and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

import hub.models  # noqa: F401
from hub import migrate
from hub.db import Base
from tests.harness import create_database, drop_database

TABLES = set(Base.metadata.tables)


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def _drift(url: str) -> list:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    await engine.dispose()
    return diff


async def test_upgrade_downgrade_upgrade(tmp_path):
    url = await create_database(tmp_path)
    try:
        migrate.upgrade(url)
        assert await _tables(url) == TABLES
        assert await migrate.current_revision(url) == migrate.head_revision(url)
        migrate.downgrade(url, "base")
        assert await _tables(url) == set()
        migrate.upgrade(url)
        assert await _tables(url) == TABLES
        assert await _drift(url) == [], "models and migrations disagree: write a revision"
    finally:
        await drop_database(url)
