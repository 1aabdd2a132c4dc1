"""The audit log (审计日志): append-only, each record hashed over the previous one.

The chain alone cannot show that its newest records were removed, so its end
is kept twice more: in `audit_head`, moved in the same transaction as every
append, and in signed checkpoints (hub.audit.checkpoints).
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.events.models import CursorType


class AuditRecord(Base):
    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_case", "case_id", "id"),
        Index("ix_audit_records_organisation", "organisation", "id"),
        Index("ix_audit_records_subject", "subject", "id"),
        Index("ix_audit_records_at", "at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(CursorType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(32))
    client_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # READ | WRITE
    operation: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    items: Mapped[list] = mapped_column(JSON)
    grants: Mapped[list] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(500))  # why, where an operation states it (erasure)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's newest record (one row, id 1): locked by every append, which moves it in the same transaction."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(CursorType)  # 0 while the chain is empty
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """The head as it was at `at`, signed with the hub's key (a compact JWS); only the signed payload is trusted."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(CursorType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_id: Mapped[int] = mapped_column(CursorType)
    token: Mapped[str] = mapped_column(Text)
