"""Erasing a finished case's personal data once its retention period has passed (个人信息保护法 Arts. 19, 47).

What is personal is what the sharing catalogue says: every item of sensitivity
PERSONAL or SENSITIVE_PERSONAL. `ERASABLE` names where each such item is kept,
and a test fails when the catalogue gains a personal item missing here. Process
data stays (numbers, types, statuses, times, technical form data), so time-limit
statistics still add up; the audit keeps who erased which items of which case,
and why — never the values.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.cases import repository
from hub.cases.models import Agent, Applicant, Case, PreviousHolder, Site
from hub.cases.service import lock_assignments
from hub.errors import Conflict, ErrorCode, FieldProblem, IllegalTransition, InvalidInput, NotFound
from hub.events import log
from hub.events.models import Event
from hub.i18n import _l
from hub.materials.models import Material
from hub.notifications.models import Notification
from hub.policy import access
from hub.policy.access import CaseScope
from hub.validation.checker import Checker


@dataclass(frozen=True)
class Kept:
    """Where an item's value is kept: columns of one model, emptied together, or a key of an assignment's form."""

    columns: tuple = ()
    form_key: str | None = None
    service: str | None = None  # only in the assignment for this service

    @property
    def model(self) -> type:
        return Assignment if self.form_key else self.columns[0].class_


MATERIAL_FILE = (Material.file_sha256, Material.file_size, Material.file_content_type, Material.file_uploaded_by,
                 Material.file_uploaded_at)
SECTION_ACCOUNTS = {f"{name}Section.accountNumber": Kept((Assignment.account_number,), service=service)
                    for name, service in (("Water", "WATER"), ("Electricity", "ELECTRICITY"), ("Gas", "GAS"),
                                          ("Heating", "HEATING"), ("Telecom", "TELECOM"))}

ERASABLE: dict[str, Kept] = {
    "Case.note": Kept((Case.note,)),
    "Case.vatInvoice": Kept((Case.vat_invoice,)),  # every VatInvoice item with it
    "Applicant.name": Kept((Applicant.name,)),
    "Applicant.phone": Kept((Applicant.phone,)),
    "Applicant.idNumber": Kept((Applicant.id_number,)),
    "Applicant.address": Kept((Applicant.address,)),
    "LegalRepresentative.name": Kept((Applicant.legal_rep_name,)),
    "LegalRepresentative.phone": Kept((Applicant.legal_rep_phone,)),
    "LegalRepresentative.idNumber": Kept((Applicant.legal_rep_id_number,)),
    "Agent.name": Kept((Agent.name,)),
    "Agent.phone": Kept((Agent.phone,)),
    "Agent.idNumber": Kept((Agent.id_number,)),
    "PreviousHolder.name": Kept((PreviousHolder.name,)),
    "PreviousHolder.phone": Kept((PreviousHolder.phone,)),
    "PreviousHolder.idNumber": Kept((PreviousHolder.id_number,)),
    "PreviousLegalRepresentative.name": Kept((PreviousHolder.legal_rep_name,)),
    "PreviousLegalRepresentative.phone": Kept((PreviousHolder.legal_rep_phone,)),
    "PreviousLegalRepresentative.idNumber": Kept((PreviousHolder.legal_rep_id_number,)),
    "Case.contact": Kept((Case.contact_name, Case.contact_phone)),  # every Contact item with it
    "Intake.receivedBy": Kept((Case.received_by,)),
    "Intake.notes": Kept((Case.acceptance_notes,)),
    "Intake.opinion": Kept((Case.acceptance_opinion,)),
    "Site.address": Kept((Site.address,)),
    "Material.number": Kept((Material.number,)),
    "Material.holder": Kept((Material.holder,)),
    "Material.fileRef": Kept((Material.file_ref,)),
    "Material.file": Kept(MATERIAL_FILE),  # every MaterialFile item with it; the content goes to the collector
    "Assignment.accountNumber": Kept((Assignment.account_number,)),
    "AssignmentResult.accountNumber": Kept((Assignment.result_account_number,)),
    **SECTION_ACCOUNTS,
    "TelecomSection.installAddress": Kept(form_key="install_address", service="TELECOM"),
    "TelecomSection.otherRequirements": Kept(form_key="other_requirements", service="TELECOM"),
}
EVENT_PAYLOAD_KEYS = ("account_number",)  # the result's 户号, copied into ASSIGNMENT_COMPLETED events


@dataclass(frozen=True)
class Erasure:
    case_id: uuid.UUID
    erased_at: datetime
    items: list[str]
    reason: str
    files: set[str]  # content this case's materials no longer name: removed unless another material needs it

    @property
    def audit_details(self) -> dict:
        """What the audit record keeps: the items erased and why, never their values."""
        return {"items": self.items, "reason": self.reason}


async def erase_personal_data(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, reason: str | None,
                              retention: timedelta, now: datetime) -> Erasure:
    access.ensure_governance(principal)
    checker = Checker()
    reason = checker.text({"reason": reason}, "reason", "reason", max_len=500, required=True)
    checker.raise_if_any()
    case = await repository.lock_for_write(session, CaseScope(everything=True), case_id)
    if case is None:
        raise NotFound(_l("no such case"))
    _ensure_due(case, retention, now)
    site = await session.get(Site, case.id)
    holder = await session.get(PreviousHolder, case.id)
    rows = {Case: [case], Applicant: [case.applicant], Agent: [case.agent] if case.agent else [], Site: [site],
            PreviousHolder: [holder] if holder else [],
            Material: case.materials, Assignment: await lock_assignments(session, case.id)}
    files = {m.file_sha256 for m in case.materials if m.file_sha256}
    items = _erase(rows)
    await _scrub_events(session, case.id)
    await session.execute(update(Notification).where(Notification.case_id == case.id).values(recipient=None))
    await session.execute(update(Notification).where(Notification.case_id == case.id,
                                                     Notification.status.in_(("PENDING", "SENDING")))
                          .values(status="FAILED", last_error="personal data erased"))
    case.personal_data_erased_at, case.updated_at, case.version = now, now, case.version + 1
    log.record(session, kind="PERSONAL_DATA_ERASED", case_id=case.id, at=now, actor_subject=principal.subject,
               actor_organisation=principal.organisation, payload={"number": case.number, "items": items})
    return Erasure(case_id=case.id, erased_at=now, items=items, reason=reason, files=files)


def _ensure_due(case: Case, retention: timedelta, now: datetime) -> None:
    if case.personal_data_erased_at is not None:
        raise Conflict(_l("the case's personal data was erased at {erased_at}",
                          erased_at=case.personal_data_erased_at.isoformat()))
    if case.completed_at is None:
        raise IllegalTransition(_l("the case is {status}: only a finished case's personal data may be erased",
                                   status=case.status))
    due = case.completed_at + retention
    if now < due:
        raise InvalidInput([FieldProblem("case_id", ErrorCode.OUT_OF_RANGE, _l(
            "is kept until {due} ({days} days after it was finished)", due=due.isoformat(), days=retention.days))])


def _rows(rows: dict, kept: Kept) -> list:
    return [row for row in rows[kept.model] if kept.service is None or row.service == kept.service]


def _holds(kept: Kept, row: object) -> bool:
    if kept.form_key:
        return row.form.get(kept.form_key) is not None  # type: ignore[attr-defined]
    return any(getattr(row, column.key) is not None for column in kept.columns)


def _clear(kept: Kept, row: object) -> None:
    if kept.form_key:
        row.form = {k: v for k, v in row.form.items() if k != kept.form_key}  # type: ignore[attr-defined]
        return
    for column in kept.columns:
        setattr(row, column.key, None)


def _erase(rows: dict) -> list[str]:
    """Empty every personal item of the case; the items that held a value."""
    held = sorted(code for code, kept in ERASABLE.items() if any(_holds(kept, row) for row in _rows(rows, kept)))
    for kept in ERASABLE.values():
        for row in _rows(rows, kept):
            _clear(kept, row)
    return held


async def _scrub_events(session: AsyncSession, case_id: uuid.UUID) -> None:
    for event in (await session.scalars(select(Event).where(Event.case_id == case_id))).all():
        if any(key in event.payload for key in EVENT_PAYLOAD_KEYS):
            event.payload = {k: v for k, v in event.payload.items() if k not in EVENT_PAYLOAD_KEYS}
