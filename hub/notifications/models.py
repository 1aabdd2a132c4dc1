"""The SMS outbox (短信通知): written with the change it reports, sent later, retried until delivered."""

import uuid
from datetime import datetime

from sqlalchemy import Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"), Index("ix_notifications_case", "case_id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)  # also the sink's idempotency key
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str | None] = mapped_column(String(20))  # None once the case's personal data is erased
    recipient_role: Mapped[str] = mapped_column(String(16))  # APPLICANT | LEGAL_REP | AGENT
    text: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12))  # PENDING | SENDING | SENT | FAILED
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SmsTemplate(Base):
    """One text of the SMS templates (短信模板), as `hub load-catalogue` loaded it (hub.notifications.templates)."""

    __tablename__ = "sms_templates"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
