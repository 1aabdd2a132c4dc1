"""The sharing catalogue (信息共享目录): data items, grants, conditional requests, and the change log."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.events.models import CursorType


class CatalogueItem(Base):
    """One shared data item (信息项): a field of the record, e.g. `Applicant.idNumber`."""

    __tablename__ = "catalogue_items"

    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    type_name: Mapped[str] = mapped_column(String(40))
    field_name: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500))
    provider: Mapped[str] = mapped_column(String(32))  # 提供方: organisation code, or ASSIGNED_UTILITY
    sensitivity: Mapped[str] = mapped_column(String(24))  # PUBLIC | INTERNAL | PERSONAL | SENSITIVE_PERSONAL
    share_type: Mapped[str] = mapped_column(String(16))  # UNCONDITIONAL | CONDITIONAL | NOT_SHARED
    update_cycle: Mapped[str] = mapped_column(String(16))
    open_type: Mapped[str] = mapped_column(String(16))
    mask: Mapped[str] = mapped_column(String(16))  # NONE | NAME | PHONE | ID_NUMBER | ACCOUNT | REDACT
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class SharingGrant(Base):
    """共享授权: an organisation or a role may READ (FULL / MASKED) or WRITE an item, for a purpose, for a time."""

    __tablename__ = "sharing_grants"
    __table_args__ = (
        Index("ix_sharing_grants_item", "item_code"),
        Index("ix_sharing_grants_organisation", "grantee_organisation"),
        Index("ix_sharing_grants_role", "grantee_role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    item_code: Mapped[str] = mapped_column(ForeignKey("catalogue_items.code"))
    grantee_role: Mapped[str | None] = mapped_column(String(20))
    grantee_organisation: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"))
    access: Mapped[str] = mapped_column(String(16))  # READ_FULL | READ_MASKED | WRITE
    purpose: Mapped[str] = mapped_column(String(300))
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(16))  # DEFAULT | GOVERNANCE | REQUEST
    default_key: Mapped[str | None] = mapped_column(String(200), unique=True)  # DEFAULT grants: never re-added once revoked
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))


class SharingRequest(Base):
    """有条件共享申请: an organisation asks for CONDITIONAL items with a purpose; governance decides."""

    __tablename__ = "sharing_requests"
    __table_args__ = (Index("ix_sharing_requests_status_due", "status", "due_at"),
                      Index("ix_sharing_requests_organisation", "organisation_code", "requested_at"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    requested_by: Mapped[str] = mapped_column(String(200))
    item_codes: Mapped[list] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # PENDING | APPROVED | REFUSED
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # 10 working days to answer
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class GovernanceChange(Base):
    """Every change to the catalogue, grants, requests or clients. Its id is the policy version."""

    __tablename__ = "governance_changes"
    __table_args__ = (Index("ix_governance_changes_entity", "entity", "entity_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(CursorType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_subject: Mapped[str] = mapped_column(String(200))
    actor_organisation: Mapped[str | None] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(24))  # CATALOGUE_ITEM | GRANT | REQUEST | CLIENT
    entity_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(24))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
