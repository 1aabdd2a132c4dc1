"""Run-time governance of the sharing catalogue: items, grants and conditional requests (有条件共享)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.calendar import store as calendar_store
from hub.catalogue import changes, repository
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


async def revoke_many(session: AsyncSession, *, principal: Principal, grant_ids: list[uuid.UUID | None],
                      reason: str, now: datetime) -> list[SharingGrant]:
    """Revoke several grants at once, all or none: each unknown (None: not a grant id) or already revoked one
    is named by its index."""
    access.ensure_governance(principal)
    c = Checker()
    if not grant_ids:
        c.fail("grantIds", ErrorCode.REQUIRED, _l("name at least one grant"))
    c.text({"reason": reason}, "reason", "reason", max_len=500, required=True)
    rows: dict[uuid.UUID, SharingGrant] = {}
    for index, grant_id in enumerate(grant_ids):
        if grant_id in rows:
            continue
        row = await session.get(SharingGrant, grant_id, with_for_update=True) if grant_id else None
        if row is None:
            c.fail(f"grantIds[{index}]", ErrorCode.NOT_FOUND, _l("no such grant"))
        elif row.revoked_at is not None:
            c.fail(f"grantIds[{index}]", ErrorCode.ILLEGAL_TRANSITION, _l("the grant is already revoked"))
        else:
            rows[row.id] = row
    c.raise_if_any()
    return [await revoke(session, principal=principal, grant_id=row.id, reason=reason, now=now) for row in rows.values()]


@dataclass(frozen=True)
class Requestable:
    """A CONDITIONAL item as the requesting organisation sees it: whether it holds it now, and until when."""

    item: CatalogueItem
    held: bool
    held_until: datetime | None  # None while held: without end
    pending: bool  # a request for it awaits an answer


async def requestable_items(session: AsyncSession, *, principal: Principal, now: datetime) -> list[Requestable]:
    """有条件共享目录: the items a utility may ask for, with its own standing on each (never another's)."""
    organisation = access.requesting_organisation(principal)
    items = await repository.items(session, type_name=None, share_type="CONDITIONAL", sensitivity=None)
    grants = await repository.grants(session, item_code=None, organisation=organisation, role=None,
                                     include_revoked=False)
    pending = {code for row in await repository.requests(session, organisation=organisation, status="PENDING")
               for code in row.item_codes}
    found = []
    for item in items:
        current = [g for g in grants if g.item_code == item.code and g.access == "READ_FULL"
                   and (g.valid_from is None or g.valid_from <= now) and (g.valid_until is None or g.valid_until > now)]
        ends = [g.valid_until for g in current]
        found.append(Requestable(item=item, held=bool(current), held_until=None if None in ends else max(ends, default=None),
                                 pending=item.code in pending))
    return found


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
