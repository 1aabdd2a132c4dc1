"""Run-time governance of the sharing catalogue: items, grants and conditional requests (有条件共享)."""

import uuid
from datetime import datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.calendar import store as calendar_store
from hub.catalogue import changes
from hub.catalogue.models import CatalogueItem, SharingGrant, SharingRequest
from hub.clock import LOCAL, local_day
from hub.errors import Conflict, ErrorCode, IllegalTransition, NotFound
from hub.i18n import _l
from hub.policy import access
from hub.policy.plan import share_type_refusal
from hub.reference.models import Organisation
from hub.validation.checker import Checker

ITEM_FIELDS = ("code", "name", "description", "provider", "sensitivity", "share_type", "update_cycle", "open_type",
               "mask", "version")
GRANT_FIELDS = ("id", "item_code", "grantee_role", "grantee_organisation", "access", "purpose", "valid_from",
                "valid_until", "origin", "revoked_at", "revoke_reason")
REQUEST_FIELDS = ("id", "organisation_code", "item_codes", "purpose", "status", "due_at", "decided_at", "reason",
                  "valid_from", "valid_until")
CODE_LISTS = {
    "sensitivity": ("PUBLIC", "INTERNAL", "PERSONAL", "SENSITIVE_PERSONAL"),
    "share_type": ("UNCONDITIONAL", "CONDITIONAL", "NOT_SHARED"),
    "update_cycle": ("IRREGULAR", "REAL_TIME", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY"),
    "open_type": ("NOT_OPEN", "OPEN"),
    "mask": ("NONE", "NAME", "PHONE", "ID_NUMBER", "ACCOUNT", "REDACT"),
}
ANSWER_WITHIN_WORKING_DAYS = 10  # 政务信息资源共享管理暂行办法 (2016)


async def update_item(session: AsyncSession, *, principal: Principal, code: str, expected_version: int,
                      changes_to: dict, now: datetime) -> CatalogueItem:
    access.ensure_governance(principal)
    item = await session.get(CatalogueItem, code, with_for_update=True)
    if item is None:
        raise NotFound(_l("no such catalogue item"))
    if item.version != expected_version:
        raise Conflict(_l("the item is at version {current}, not {expected}; reload and retry",
                          current=item.version, expected=expected_version))
    c = Checker()
    for key, value in changes_to.items():
        if value is None:
            continue
        if key in CODE_LISTS and value not in CODE_LISTS[key]:
            c.fail(key, ErrorCode.INVALID, _l("must be one of {values}", values=", ".join(CODE_LISTS[key])))
        elif key in ("name", "description") and not str(value).strip():
            c.fail(key, ErrorCode.REQUIRED, _l("must not be empty"))
    c.raise_if_any()
    before = changes.snapshot_of(item, ITEM_FIELDS)
    for key, value in changes_to.items():
        if value is not None:
            setattr(item, key, value.strip() if isinstance(value, str) else value)
    item.version += 1
    item.updated_at, item.updated_by = now, principal.subject
    changes.record(session, principal, now, entity="CATALOGUE_ITEM", entity_id=code, action="UPDATE",
                   before=before, after=changes.snapshot_of(item, ITEM_FIELDS))
    return item


async def grant(session: AsyncSession, *, principal: Principal, item_codes: list[str], role: str | None,
                organisation: str | None, access_level: str, purpose: str, valid_from: datetime | None,
                valid_until: datetime | None, now: datetime) -> list[SharingGrant]:
    """Governance grants items directly; CONDITIONAL full reads to organisations go through a request."""
    access.ensure_governance(principal)
    c = Checker()
    items = await _items(session, item_codes, c)
    _check_grantee(c, role, organisation, await _organisation_codes(session))
    _check_validity(c, valid_from, valid_until, now)
    if not purpose or not purpose.strip():
        c.fail("purpose", ErrorCode.REQUIRED, _l("state the purpose of the sharing (PIPL Art. 23)"))
    for index, code in enumerate(item_codes):
        item = next((i for i in items if i.code == code), None)
        reason = item and share_type_refusal(item.code, item.share_type, role, access_level, "GOVERNANCE")
        if reason:
            c.fail(f"itemCodes[{index}]", ErrorCode.INVALID, reason)
    if access_level not in ("READ_FULL", "READ_MASKED", "WRITE"):
        c.fail("access", ErrorCode.INVALID, _l("must be READ_FULL, READ_MASKED or WRITE"))
    c.raise_if_any()
    return [_new_grant(session, principal, now, item.code, role, organisation, access_level, purpose.strip(),
                       valid_from, valid_until, origin="GOVERNANCE") for item in items]


def _check_grantee(c: Checker, role: str | None, organisation: str | None, organisations: set[str]) -> None:
    if (role is None) == (organisation is None):
        c.fail("grantee", ErrorCode.INVALID, _l("name exactly one of role or organisation"))
    elif organisation is not None and organisation not in organisations:
        c.fail("grantee.organisation", ErrorCode.INVALID, _l("is not a known organisation"))


def _check_validity(c: Checker, valid_from: datetime | None, valid_until: datetime | None, now: datetime) -> None:
    if valid_until is not None and valid_until <= (valid_from or now):
        c.fail("validUntil", ErrorCode.OUT_OF_RANGE, _l("must be after validFrom (or now)"))


def _new_grant(session: AsyncSession, principal: Principal, now: datetime, code: str, role: str | None,
               organisation: str | None, access_level: str, purpose: str, valid_from: datetime | None,
               valid_until: datetime | None, *, origin: str, request_id: uuid.UUID | None = None) -> SharingGrant:
    row = SharingGrant(id=uuid.uuid4(), item_code=code, grantee_role=role, grantee_organisation=organisation,
                       access=access_level, purpose=purpose, valid_from=valid_from, valid_until=valid_until,
                       origin=origin, request_id=request_id, created_at=now, created_by=principal.subject)
    session.add(row)
    changes.record(session, principal, now, entity="GRANT", entity_id=str(row.id), action="GRANT",
                   after=changes.snapshot_of(row, GRANT_FIELDS))
    return row


async def revoke(session: AsyncSession, *, principal: Principal, grant_id: uuid.UUID, reason: str,
                 now: datetime) -> SharingGrant:
    access.ensure_governance(principal)
    row = await session.get(SharingGrant, grant_id, with_for_update=True)
    if row is None:
        raise NotFound(_l("no such grant"))
    if row.revoked_at is not None:
        raise IllegalTransition(_l("the grant is already revoked"))
    c = Checker()
    c.text({"reason": reason}, "reason", "reason", max_len=500, required=True)
    c.raise_if_any()
    before = changes.snapshot_of(row, GRANT_FIELDS)
    row.revoked_at, row.revoked_by, row.revoke_reason = now, principal.subject, reason.strip()
    changes.record(session, principal, now, entity="GRANT", entity_id=str(row.id), action="REVOKE",
                   before=before, after=changes.snapshot_of(row, GRANT_FIELDS))
    return row


async def request_sharing(session: AsyncSession, *, principal: Principal, item_codes: list[str], purpose: str,
                          now: datetime) -> SharingRequest:
    """A utility asks for CONDITIONAL items; the answer is due in 10 working days."""
    organisation = access.requesting_organisation(principal)
    c = Checker()
    items = await _items(session, item_codes, c)
    c.text({"purpose": purpose}, "purpose", "purpose", max_len=500, required=True)
    for index, code in enumerate(item_codes):
        item = next((i for i in items if i.code == code), None)
        if item and item.share_type != "CONDITIONAL":
            c.fail(f"itemCodes[{index}]", ErrorCode.INVALID,
                   _l("{code} is {share_type}: only CONDITIONAL items are requested", code=item.code,
                      share_type=item.share_type))
    c.raise_if_any()
    calendar = await calendar_store.current(session)
    due, _ = calendar.add_working_days(local_day(now), ANSWER_WITHIN_WORKING_DAYS)
    row = SharingRequest(id=uuid.uuid4(), organisation_code=organisation, requested_by=principal.subject,
                         item_codes=[i.code for i in items], purpose=purpose.strip(), status="PENDING",
                         requested_at=now, due_at=datetime.combine(due, time(23, 59, 59), LOCAL).astimezone(timezone.utc),
                         version=1)
    session.add(row)
    changes.record(session, principal, now, entity="REQUEST", entity_id=str(row.id), action="REQUEST",
                   after=changes.snapshot_of(row, REQUEST_FIELDS))
    return row


async def decide_request(session: AsyncSession, *, principal: Principal, request_id: uuid.UUID, approve: bool,
                         reason: str | None, valid_from: datetime | None, valid_until: datetime | None,
                         now: datetime) -> SharingRequest:
    """Approve (grants READ_FULL on the items for the period) or refuse with a reason."""
    access.ensure_governance(principal)
    row = await session.get(SharingRequest, request_id, with_for_update=True)
    if row is None:
        raise NotFound(_l("no such sharing request"))
    if row.status != "PENDING":
        raise IllegalTransition(_l("the request is already {status}", status=row.status))
    c = Checker()
    if approve:
        if valid_until is None:
            c.fail("validUntil", ErrorCode.REQUIRED, _l("an approval states how long it is valid"))
        _check_validity(c, valid_from, valid_until, now)
    else:
        c.text({"reason": reason}, "reason", "reason", max_len=500, required=True)
    c.raise_if_any()
    before = changes.snapshot_of(row, REQUEST_FIELDS)
    row.status = "APPROVED" if approve else "REFUSED"
    row.decided_at, row.decided_by, row.reason = now, principal.subject, (reason or "").strip() or None
    row.valid_from, row.valid_until = (valid_from, valid_until) if approve else (None, None)
    row.version += 1
    if approve:
        for code in row.item_codes:
            _new_grant(session, principal, now, code, None, row.organisation_code, "READ_FULL", row.purpose,
                       valid_from, valid_until, origin="REQUEST", request_id=row.id)
    changes.record(session, principal, now, entity="REQUEST", entity_id=str(row.id), action=row.status,
                   before=before, after=changes.snapshot_of(row, REQUEST_FIELDS))
    return row


async def _items(session: AsyncSession, codes: list[str], c: Checker) -> list[CatalogueItem]:
    """The named items; unknown codes are recorded as problems on `c`."""
    if not codes:
        c.fail("itemCodes", ErrorCode.REQUIRED, _l("name at least one catalogue item"))
    found = {i.code: i for i in (await session.scalars(select(CatalogueItem).where(CatalogueItem.code.in_(codes)))).all()}
    for index, code in enumerate(codes):
        if code not in found:
            c.fail(f"itemCodes[{index}]", ErrorCode.INVALID, _l("{code} is not a catalogue item", code=code))
    return [found[code] for code in dict.fromkeys(codes) if code in found]


async def _organisation_codes(session: AsyncSession) -> set[str]:
    return set((await session.scalars(select(Organisation.code))).all())
