"""Every query over stored files and uploads.

Locks: an upload holds its file's row FOR UPDATE and a material being attached
FOR SHARE until commit; the collector takes rows FOR UPDATE SKIP LOCKED. So a
file is never removed while someone is uploading or attaching it.
"""

import uuid
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.cases.models import Case
from hub.cases.repository import scope_clause
from hub.files.models import FileUpload, StoredFile
from hub.materials.models import Material
from hub.policy.access import CaseScope


def _insert(session: AsyncSession, model):  # type: ignore[no-untyped-def]
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


async def lock_or_create(session: AsyncSession, row: StoredFile) -> StoredFile:
    """The file's row, created if new, locked until commit."""
    values = {"sha256": row.sha256, "size": row.size, "content_type": row.content_type, "created_at": row.created_at}
    await session.execute(_insert(session, StoredFile).values(**values).on_conflict_do_nothing())
    stmt = select(StoredFile).where(StoredFile.sha256 == row.sha256).with_for_update()
    return (await session.scalars(stmt.execution_options(populate_existing=True))).one()


async def record_upload(session: AsyncSession, sha256: str, principal: Principal, now: datetime,
                        expires_at: datetime) -> None:
    """The caller may attach this file until `expires_at` (a repeated upload extends it)."""
    stmt = _insert(session, FileUpload).values(sha256=sha256, subject=principal.subject,
                                               organisation=principal.organisation, uploaded_at=now,
                                               expires_at=expires_at)
    stmt = stmt.on_conflict_do_update(index_elements=["sha256", "subject"],
                                      set_={"uploaded_at": now, "expires_at": expires_at,
                                            "organisation": principal.organisation})
    await session.execute(stmt)


async def live_uploads(session: AsyncSession, subject: str, hashes: set[str],
                       now: datetime) -> dict[str, tuple[StoredFile, FileUpload]]:
    """The caller's unexpired uploads among `hashes`, their files locked FOR SHARE until commit."""
    stmt = (select(StoredFile, FileUpload).join(FileUpload, FileUpload.sha256 == StoredFile.sha256)
            .where(StoredFile.sha256.in_(hashes), FileUpload.subject == subject, FileUpload.expires_at > now)
            .order_by(StoredFile.sha256).with_for_update(read=True, of=StoredFile))
    return {stored.sha256: (stored, upload) for stored, upload in (await session.execute(stmt)).all()}


def _unreferenced(now: datetime):  # type: ignore[no-untyped-def]
    return (~exists().where(Material.file_sha256 == StoredFile.sha256),
            ~exists().where(FileUpload.sha256 == StoredFile.sha256, FileUpload.expires_at > now))


async def lock_unreferenced(session: AsyncSession, now: datetime, *, only: set[str] | None, limit: int) -> list[str]:
    """Files no material names and no unexpired upload holds, locked; checked again once locked,
    because an attach or upload may have committed between the search and the lock.

    A general pass skips rows another transaction holds (another instance's pass takes them); a pass
    over named files waits for them, in hash order like every other multi-row lock here, so that it
    can tell what became of each.
    """
    stmt = select(StoredFile.sha256).where(*_unreferenced(now)).order_by(StoredFile.sha256).limit(limit)
    if only is not None:
        stmt = stmt.where(StoredFile.sha256.in_(only))
    stmt = stmt.with_for_update(skip_locked=only is None)
    found = list((await session.scalars(stmt)).all())
    if not found:
        return []
    again = select(StoredFile.sha256).where(StoredFile.sha256.in_(found), *_unreferenced(now))
    return list((await session.scalars(again)).all())


async def stored(session: AsyncSession, hashes: set[str]) -> set[str]:
    return set((await session.scalars(select(StoredFile.sha256).where(StoredFile.sha256.in_(hashes)))).all())


async def expire_uploads(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(FileUpload).where(FileUpload.expires_at <= now))


async def delete_files(session: AsyncSession, hashes: list[str]) -> None:
    await session.execute(delete(FileUpload).where(FileUpload.sha256.in_(hashes)))
    await session.execute(delete(StoredFile).where(StoredFile.sha256.in_(hashes)))


async def visible_material_with_file(session: AsyncSession, scope: CaseScope, material_id: uuid.UUID) -> Material | None:
    """A material with a file, on a case in the caller's row scope; None otherwise (the two look the same)."""
    stmt = (select(Material).join(Case, Case.id == Material.case_id)
            .where(Material.id == material_id, Material.file_sha256.is_not(None), scope_clause(scope)))
    return (await session.scalars(stmt)).one_or_none()
