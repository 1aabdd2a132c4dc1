"""The append-only event log (事件日志): every change of the record, with a cursor."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime

# BIGINT on PostgreSQL; SQLite only auto-increments a column declared INTEGER.
CursorType = BigInteger().with_variant(Integer, "sqlite")


class Event(Base):
    """One committed change. `id` is the cursor: it only grows, in commit order."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_organisation_cursor", "organisation_code", "id"),
        Index("ix_events_case_cursor", "case_id", "id"),
        Index("ix_events_kind_cursor", "kind", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(CursorType, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    assignment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_code: Mapped[str | None] = mapped_column(String(32))
    actor_subject: Mapped[str] = mapped_column(String(200))
    actor_organisation: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
