"""Idempotency keys for write-back: a retried write returns the outcome of the first and applies nothing twice."""

import hashlib
import json
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.errors import Conflict
from hub.i18n import _l


class IdempotencyKey(Base):
    """One key per caller: the request it named (by hash) and the assignment it applied to."""

    __tablename__ = "idempotency_keys"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    assignment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assignments.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def request_hash(**request: object) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


async def seen(session: AsyncSession, subject: str, key: str, digest: str) -> bool:
    """True if this caller already applied this key; Conflict if the key named a different request.

    Callers look this up after locking the assignment, so two concurrent retries serialise here."""
    row = await session.scalar(select(IdempotencyKey).where(IdempotencyKey.subject == subject, IdempotencyKey.key == key))
    if row is None:
        return False
    if row.request_hash != digest:
        raise Conflict(_l("this idempotency key was already used for a different request"))
    return True


def remember(session: AsyncSession, subject: str, key: str, digest: str, assignment_id: uuid.UUID, now: datetime) -> None:
    session.add(IdempotencyKey(subject=subject, key=key, request_hash=digest, assignment_id=assignment_id, created_at=now))
