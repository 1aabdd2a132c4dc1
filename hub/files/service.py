"""Rules for material files: accepting an upload, attaching uploads to materials, who may download,
and removing files that no material needs any more."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.background import Periodic
from hub.db import Database
from hub.errors import ErrorCode, FieldProblem, InvalidInput
from hub.cases.repository import scoped_by
from hub.files import repository
from hub.files.content import Received, describe
from hub.files.models import FileUpload, StoredFile
from hub.files.store import FileStore
from hub.i18n import _l
from hub.materials.models import Material
from hub.policy import access
from hub.policy.plan import AccessPlan, writes_of

log = logging.getLogger("hub.files")
BODY = "body"  # the field an upload's problems name: the request body


def too_large(max_bytes: int) -> InvalidInput:
    return InvalidInput([FieldProblem(BODY, ErrorCode.OUT_OF_RANGE, _l("is larger than the limit of {limit} bytes",
                                                                        limit=max_bytes))])


def not_a_form() -> InvalidInput:
    return InvalidInput([FieldProblem(BODY, ErrorCode.INVALID, _l("send the file's bytes as the request body "
                                      "(curl --data-binary @scan.pdf), not a multipart form"))])


def _check(received: Received, allowed_types: list[str]) -> None:
    if received.size == 0:
        raise InvalidInput([FieldProblem(BODY, ErrorCode.REQUIRED, _l("is empty: send the file's bytes as the body"))])
    if received.content_type not in allowed_types:
        raise InvalidInput([FieldProblem(
            BODY, ErrorCode.INVALID,
            _l("is not a {types} file (judged from its bytes, not its name or declared type)",
               types=describe(allowed_types)))])


async def accept_upload(session: AsyncSession, store: FileStore, *, principal: Principal, plan: AccessPlan,
                        received: Received, allowed_types: list[str], grace: timedelta, now: datetime) -> StoredFile:
    """Keep the file once, however often and by whomever it is sent, and let this caller attach it for `grace`."""
    access.ensure_may_upload(writes_of(plan.lanes))
    _check(received, allowed_types)
    stored = await repository.lock_or_create(session, StoredFile(
        sha256=received.sha256, size=received.size, content_type=received.content_type, created_at=now))
    if not await store.exists(stored.sha256):  # new, or removed while its row was being re-created
        await store.put(stored.sha256, received.body, stored.content_type)
    await repository.record_upload(session, stored.sha256, principal, now, now + grace)
    return stored


async def attachable(session: AsyncSession, principal: Principal, materials: list[dict], *, path: str,
                     now: datetime) -> dict[str, tuple[StoredFile, FileUpload]]:
    """The caller's own live uploads for the files the materials name; refuses any other hash.

    Only the uploader may attach a file, within the grace period: a hash read
    elsewhere (e.g. from another case) cannot be attached and then downloaded.
    """
    wanted = {m["file"]["sha256"] for m in materials if m.get("file")}
    if not wanted:
        return {}
    found = await repository.live_uploads(session, principal.subject, wanted, now)
    problems = [
        FieldProblem(f"{path}[{index}].file.sha256", ErrorCode.NOT_FOUND,
                     _l("you have uploaded no such file recently: upload it (POST /files) and attach it within the "
                        "grace period"))
        for index, material in enumerate(materials)
        if material.get("file") and material["file"]["sha256"] not in found
    ]
    if problems:
        raise InvalidInput(problems)
    return found


def file_columns(found: tuple[StoredFile, FileUpload]) -> dict:
    stored, upload = found
    return {"file_sha256": stored.sha256, "file_size": stored.size, "file_content_type": stored.content_type,
            "file_uploaded_by": upload.subject, "file_uploaded_at": upload.uploaded_at}


@dataclass(frozen=True)
class Download:
    material: Material
    grants: list[str]


async def downloadable(session: AsyncSession, plan: AccessPlan, material_id: uuid.UUID) -> Download | None:
    """The material whose file the caller may download now, or None (missing and forbidden look the same)."""
    material = await repository.visible_material_with_file(session, plan.rows, material_id)
    if material is None:
        return None
    case_roles = (await scoped_by(session, plan.scopes, [material.case_id]))[material.case_id]
    grants = access.file_download_grants(plan.record_reads(None, case_roles))
    return Download(material, grants) if grants is not None else None


@dataclass
class FileCollector:
    """Removes files that no material names once every upload of them has expired.

    Safe with several instances: each pass locks the rows it removes (on
    PostgreSQL FOR UPDATE, skipping rows another pass holds; on SQLite the
    write lock) and removes the content
    before the row, so a crash leaves a row whose content a later pass or a
    new upload deals with, never content without a row.
    """

    db: Database
    store: FileStore
    now: Callable[[], datetime]
    interval: float = 3600.0
    batch: int = 200

    def background(self) -> Periodic:
        return Periodic("file-collector", self.run_once, self.interval)

    async def run_once(self, only: set[str] | None = None) -> int:
        """Files removed in this pass (`only`: look at these hashes alone)."""
        now = self.now()
        async with self.db.write() as session:
            await repository.expire_uploads(session, now)
            hashes = await repository.lock_unreferenced(session, now, only=only, limit=self.batch)
            for sha256 in hashes:
                await self.store.delete(sha256)
            await repository.delete_files(session, hashes)
        if hashes:
            log.info("removed %d unreferenced files", len(hashes))
        return len(hashes)

    async def release(self, hashes: set[str]) -> int:
        """Remove these files now unless a material or a live upload still needs them; how many are gone
        (whichever pass, here or on another instance, removed them)."""
        await self.run_once(only=hashes)
        async with self.db.read() as session:
            return len(hashes - await repository.stored(session, hashes))
