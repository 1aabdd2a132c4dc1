"""Alembic environment: runs revisions on the hub's async engine."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

import hub.models  # noqa: F401  (fills the metadata for autogenerate)
from hub.config import get_settings
from hub.db import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("url") or get_settings().database_url


def _render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Revisions stay independent of app code: UTCDateTime is stored as a plain DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
