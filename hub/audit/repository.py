"""Audit queries for governance: by case, organisation, principal and time, newest first, by keyset."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.models import AuditRecord


@dataclass(frozen=True)
class AuditFilter:
    case_id: uuid.UUID | None = None
    organisation: str | None = None
    subject: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def page(session: AsyncSession, flt: AuditFilter, *, first: int, before_id: int | None) -> tuple[list[AuditRecord], bool]:
    stmt = select(AuditRecord)
    for column, value in ((AuditRecord.case_id, flt.case_id), (AuditRecord.organisation, flt.organisation),
                          (AuditRecord.subject, flt.subject), (AuditRecord.kind, flt.kind)):
        if value is not None:
            stmt = stmt.where(column == value)
    if flt.since:
        stmt = stmt.where(AuditRecord.at >= flt.since)
    if flt.until:
        stmt = stmt.where(AuditRecord.at < flt.until)
    if before_id is not None:
        stmt = stmt.where(AuditRecord.id < before_id)
    rows = list((await session.scalars(stmt.order_by(AuditRecord.id.desc()).limit(first + 1))).all())
    return rows[:first], len(rows) > first
