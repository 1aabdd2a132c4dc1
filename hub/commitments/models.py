"""The commitment texts (申请人签章 / 承诺) and each case's record of the applicant's agreement."""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class CommitmentText(Base):
    """One published version of a form's commitment wording; never changed once published."""

    __tablename__ = "commitment_texts"

    version: Mapped[str] = mapped_column(String(60), primary_key=True)
    form: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(100))
    signature_label: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    effective_from: Mapped[date] = mapped_column(Date)


class Commitment(Base):
    """申请人承诺: who agreed to which text, when, through which channel, with which identity check, and the
    personal-information notice (个人信息保护法 Art. 23) that was shown with it."""

    __tablename__ = "case_commitments"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[str] = mapped_column(ForeignKey("commitment_texts.version"))
    text_sha256: Mapped[str] = mapped_column(String(64))
    agreed_by: Mapped[str] = mapped_column(String(30))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(30))
    identity_verification: Mapped[str] = mapped_column(String(30))
    notice_sha256: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
