"""The materials catalogue (申报材料目录) and the materials presented on a case."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class MaterialType(Base):
    """A kind of proof, e.g. 居民身份证 or 不动产产权证书."""

    __tablename__ = "material_types"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))


class MaterialRequirement(Base):
    """What one (case type, service, applicant kind) needs, as requirement groups.

    `groups` is a list of {code, name, rule: ALL_OF|ANY_ONE_OF, types: [...]}.
    """

    __tablename__ = "material_requirements"
    __table_args__ = (UniqueConstraint("case_type", "service", "applicant_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(20))
    applicant_kind: Mapped[str] = mapped_column(String(20))
    required_at_application: Mapped[bool] = mapped_column(Boolean, default=True)
    groups: Mapped[list] = mapped_column(JSON)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    conditions: Mapped[list] = mapped_column(JSON, default=list)


class Material(Base):
    """A proof presented for a case (申报材料), collected once and shared (共享互认)."""

    __tablename__ = "materials"
    __table_args__ = (Index("ix_materials_case", "case_id"), Index("ix_materials_file", "file_sha256"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    type_code: Mapped[str] = mapped_column(ForeignKey("material_types.code"))
    number: Mapped[str | None] = mapped_column(String(100))
    holder: Mapped[str | None] = mapped_column(String(200))
    file_ref: Mapped[str | None] = mapped_column(String(500))  # a reference into another system's document store
    # The scanned file held by the hub (see hub/files): its content, and who uploaded it when.
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_content_type: Mapped[str | None] = mapped_column(String(100))
    file_uploaded_by: Mapped[str | None] = mapped_column(String(200))
    file_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(200))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
