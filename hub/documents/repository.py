"""Every query of the persisted-document registry."""

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.documents.models import PersistedDocument


async def text_of(session: AsyncSession, sha256: str) -> str | None:
    return await session.scalar(select(PersistedDocument.document).where(PersistedDocument.sha256 == sha256))


async def add_missing(session: AsyncSession, rows: list[dict]) -> set[str]:
    """Insert the documents not registered yet; the hashes actually added. Two registrations of one document at
    once add it once (the other skips it), on either backend."""
    if not rows:
        return set()
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(PersistedDocument).values(rows).on_conflict_do_nothing().returning(
        PersistedDocument.sha256)
    return set((await session.scalars(statement)).all())


async def page(session: AsyncSession, *, first: int | None, after: tuple[datetime, str] | None,
               client_name: str | None) -> list[PersistedDocument]:
    """Newest first, by (registered_at, sha256); `first` + 1 rows tell whether there is more (None: all)."""
    query = select(PersistedDocument)
    if client_name is not None:
        query = query.where(PersistedDocument.client_name == client_name)
    if after is not None:
        at, sha = after
        query = query.where(or_(PersistedDocument.registered_at < at,
                                and_(PersistedDocument.registered_at == at, PersistedDocument.sha256 < sha)))
    query = query.order_by(PersistedDocument.registered_at.desc(), PersistedDocument.sha256.desc())
    if first is not None:
        query = query.limit(first + 1)
    return list((await session.scalars(query)).all())
