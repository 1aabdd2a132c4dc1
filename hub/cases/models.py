"""The case (一件事) and the parties and place it is about."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, UTCDateTime
from hub.commitments.models import Commitment
from hub.materials.models import Material


class Case(Base):
    """One application for one or more utility services; status derives from its assignments."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_submitted", "submitted_at", "id"),
        Index("ix_cases_status_submitted", "status", "submitted_at", "id"),
        Index("ix_cases_type_submitted", "case_type", "submitted_at", "id"),
        Index("ix_cases_submitter", "submitted_by_organisation", "submitted_by_role", "submitted_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    case_type: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_subject: Mapped[str] = mapped_column(String(200))
    submitted_by_organisation: Mapped[str | None] = mapped_column(String(32))
    submitted_by_role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(1000))  # 过户说明 (the applicant's own explanation)
    vat_invoice_wanted: Mapped[bool | None] = mapped_column(Boolean)  # 需要增值税发票 是/否 (None: not asked)
    vat_invoice: Mapped[dict | None] = mapped_column(JSON)
    contact_name: Mapped[str | None] = mapped_column(String(100))  # 联系人 of the 过户 form, not the agent
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # The accepting unit's part of the form: 受理单位, 接件人, 受理说明, 受理单位意见.
    accepting_unit: Mapped[str | None] = mapped_column(String(200))
    received_by: Mapped[str | None] = mapped_column(String(200))
    acceptance_notes: Mapped[str | None] = mapped_column(String(1000))
    acceptance_opinion: Mapped[str | None] = mapped_column(String(1000))
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # PIPL erasure after retention

    applicant: Mapped["Applicant"] = relationship(lazy="raise", cascade="all, delete-orphan")
    agent: Mapped["Agent | None"] = relationship(lazy="raise", cascade="all, delete-orphan")
    previous_holder: Mapped["PreviousHolder | None"] = relationship(lazy="raise", cascade="all, delete-orphan")
    site: Mapped["Site"] = relationship(lazy="raise", cascade="all, delete-orphan")
    materials: Mapped[list[Material]] = relationship(lazy="raise", cascade="all, delete-orphan")
    commitment: Mapped[Commitment | None] = relationship(lazy="raise", cascade="all, delete-orphan")
    assignments: Mapped[list["Assignment"]] = relationship(  # noqa: F821
        lazy="raise", cascade="all, delete-orphan", back_populates="case"
    )


class Applicant(Base):
    """申请人: a person (身份证号) or an enterprise (统一社会信用代码, 法人代表)."""

    __tablename__ = "applicants"
    # with case_id: the applicant's row scope reads its case ids from the index alone
    __table_args__ = (Index("ix_applicants_subject_case", "subject", "case_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))  # None once erased, like every personal column
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    enterprise_type: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))  # 单位地址
    legal_rep_name: Mapped[str | None] = mapped_column(String(100))
    legal_rep_phone: Mapped[str | None] = mapped_column(String(20))
    legal_rep_id_number: Mapped[str | None] = mapped_column(String(18))
    subject: Mapped[str | None] = mapped_column(String(200))  # the app account that owns the case


class Agent(Base):
    """经办人: the person acting for the applicant."""

    __tablename__ = "agents"
    __table_args__ = (Index("ix_agents_subject_case", "subject", "case_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    subject: Mapped[str | None] = mapped_column(String(200))


class PreviousHolder(Base):
    """原户主: who holds the accounts a transfer (过户) moves to the applicant (新户主)."""

    __tablename__ = "previous_holders"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))  # None once erased, like every personal column
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    legal_rep_name: Mapped[str | None] = mapped_column(String(100))
    legal_rep_phone: Mapped[str | None] = mapped_column(String(20))
    legal_rep_id_number: Mapped[str | None] = mapped_column(String(18))


class Site(Base):
    """用户地址 / 报装地址 / 项目地址, in a Kaifeng district."""

    __tablename__ = "sites"
    __table_args__ = (Index("ix_sites_district", "district_code", "case_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str | None] = mapped_column(String(300))
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"))
    project_name: Mapped[str | None] = mapped_column(String(200))


from hub.assignments.models import Assignment  # noqa: E402  (mapper needs it registered)
