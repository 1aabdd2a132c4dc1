"""Governance objects: catalogue items, grants, sharing requests, OAuth clients, audit records, change log."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON


@strawberry.type(description="信息项: one shared data item of the catalogue.")
class CatalogueItem:
    code: str = strawberry.field(description="`Type.field` of the API, e.g. `Applicant.idNumber`.")
    name: str
    description: str
    provider: str = strawberry.field(description="提供方: organisation code, or ASSIGNED_UTILITY (the assignment's owner).")
    sensitivity: str
    share_type: str = strawberry.field(description="UNCONDITIONAL 无条件共享 / CONDITIONAL 有条件共享 / NOT_SHARED 不予共享.")
    update_cycle: str
    open_type: str
    mask: str = strawberry.field(description="How READ_MASKED shows it: NONE, NAME, PHONE, ID_NUMBER, ACCOUNT, REDACT.")
    version: int
    updated_at: datetime
    updated_by: str

    @classmethod
    def from_row(cls, row) -> "CatalogueItem":  # type: ignore[no-untyped-def]
        return cls(**{f: getattr(row, f) for f in cls.__annotations__})


@strawberry.type(description="有条件共享: a CONDITIONAL item a utility may request, with its own organisation's standing.")
class RequestableItem:
    code: str
    name: str
    description: str
    provider: str
    sensitivity: str
    update_cycle: str
    held: bool = strawberry.field(description="Your organisation holds a current full-read grant on it.")
    held_until: datetime | None = strawberry.field(description="When that grant ends; null while held without end, or not held.")
    pending_request: bool = strawberry.field(description="A request of yours for it awaits an answer.")

    @classmethod
    def from_standing(cls, found) -> "RequestableItem":  # type: ignore[no-untyped-def]
        item = found.item
        return cls(code=item.code, name=item.name, description=item.description, provider=item.provider,
                   sensitivity=item.sensitivity, update_cycle=item.update_cycle, held=found.held,
                   held_until=found.held_until, pending_request=found.pending)


@strawberry.type(description="共享授权.")
class SharingGrant:
    id: strawberry.ID
    item_code: str
    grantee_role: str | None
    grantee_organisation: str | None
    access: str = strawberry.field(description="READ_FULL, READ_MASKED or WRITE.")
    purpose: str
    valid_from: datetime | None
    valid_until: datetime | None
    origin: str = strawberry.field(description="DEFAULT (catalogue files), GOVERNANCE, or REQUEST (approved conditional request).")
    request_id: strawberry.ID | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None

    @classmethod
    def from_row(cls, row) -> "SharingGrant":  # type: ignore[no-untyped-def]
        values = {f: getattr(row, f) for f in cls.__annotations__}
        values["id"] = strawberry.ID(str(row.id))
        values["request_id"] = strawberry.ID(str(row.request_id)) if row.request_id else None
        return cls(**values)


@strawberry.type(description="有条件共享申请 and its decision.")
class SharingRequest:
    id: strawberry.ID
    organisation_code: str
    requested_by: str
    item_codes: list[str]
    purpose: str
    status: str = strawberry.field(description="PENDING, APPROVED or REFUSED.")
    requested_at: datetime
    due_at: datetime = strawberry.field(description="The answer is due within 10 working days.")
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    valid_from: datetime | None
    valid_until: datetime | None

    @classmethod
    def from_row(cls, row) -> "SharingRequest":  # type: ignore[no-untyped-def]
        values = {f: getattr(row, f) for f in cls.__annotations__}
        values["id"] = strawberry.ID(str(row.id))
        return cls(**values)


@strawberry.type(description="A machine caller with client credentials, bound to one organisation.")
class OAuthClient:
    client_id: str
    name: str
    organisation_code: str
    roles: list[str]
    secret_generation: int
    enabled: bool
    created_at: datetime
    created_by: str
    rotated_at: datetime | None
    disabled_at: datetime | None

    @classmethod
    def from_row(cls, row) -> "OAuthClient":  # type: ignore[no-untyped-def]
        return cls(**{f: getattr(row, f) for f in cls.__annotations__})


@strawberry.type(description="One audit record (append-only, hash-chained).")
class AuditRecord:
    id: strawberry.ID
    at: datetime
    subject: str
    organisation: str | None
    client_id: str | None
    kind: str = strawberry.field(description="READ (personal items read) or WRITE.")
    operation: str
    case_id: strawberry.ID | None = strawberry.field(description="Global id of the case, if the record concerns one.")
    items: list[str]
    grants: list[str]
    outcome: str
    reason: str | None = strawberry.field(description="Why, where the operation states it (e.g. erasePersonalData).")
    hash: str

    @classmethod
    def from_row(cls, row) -> "AuditRecord":  # type: ignore[no-untyped-def]
        from strawberry.relay import to_base64

        values = {f: getattr(row, f) for f in cls.__annotations__}
        values["id"] = strawberry.ID(str(row.id))
        values["case_id"] = strawberry.ID(to_base64("Case", str(row.case_id))) if row.case_id else None
        return cls(**values)


@strawberry.type(description="The result of walking the audit hash chain.")
class ChainVerification:
    intact: bool
    records: int
    first_bad_id: strawberry.ID | None = strawberry.field(description="The first record found wrong or missing; null when intact or when the problem is not one record's (e.g. the head is missing).")
    problem: str | None
    checkpoints: int = strawberry.field(description="Signed checkpoints the chain was found to pass through unchanged.")


@strawberry.type(description="One versioned, attributable change to the catalogue, grants, requests or clients.")
class GovernanceChange:
    version: int = strawberry.field(description="The policy version this change produced.")
    at: datetime
    actor_subject: str
    actor_organisation: str | None
    entity: str
    entity_id: str
    action: str
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_row(cls, row) -> "GovernanceChange":  # type: ignore[no-untyped-def]
        return cls(version=row.id, at=row.at, actor_subject=row.actor_subject, actor_organisation=row.actor_organisation,
                   entity=row.entity, entity_id=row.entity_id, action=row.action, before=row.before, after=row.after)
