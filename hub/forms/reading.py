"""The case as the caller may read it, for the printed form: each value passes the same catalogue policy as the
same field read through the API (hidden → absent, READ_MASKED → masked), and every personal item printed is
noted for the audit.

A value is printed only when the caller reads every item on the API's path to it: `Applicant.idNumber` needs
`Case.applicant` too, a section's fields need `Case.water` (…) and the utility's assignment to be visible.
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.audit.service import ReadLog
from hub.policy.masking import mask
from hub.policy.plan import AccessPlan, FieldAccess

SECTION_TYPES = {"WATER": "WaterSection", "ELECTRICITY": "ElectricitySection", "GAS": "GasSection",
                 "HEATING": "HeatingSection", "TELECOM": "TelecomSection"}
GATES = {  # the object items on the API's path to a type's fields
    "Applicant": ("Case.applicant",), "LegalRepresentative": ("Case.applicant", "Applicant.legalRepresentative"),
    "Agent": ("Case.agent",), "Site": ("Case.site",), "VatInvoice": ("Case.vatInvoice",),
    "PreviousHolder": ("Case.previousHolder",),
    "PreviousLegalRepresentative": ("Case.previousHolder", "PreviousHolder.legalRepresentative"),
    "Contact": ("Case.contact",), "Intake": ("Case.intake",),
    "Material": ("Case.materials",), "Commitment": ("Case.commitment",), "Case": (),
}


def camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


@dataclass
class PrintedCase:
    """What the form shows: values by catalogue item (`Applicant.name` …); an absent key is not shown."""

    values: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # service → its section's values
    loads: list[dict[str, Any]] = field(default_factory=list)  # HeatingLoad rows
    materials: list[dict[str, Any]] = field(default_factory=list)
    preconditions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # service → Precondition rows
    contact_is_applicant: bool = False  # the case names no 联系人 (and the caller may see that it names none)

    def get(self, code: str) -> Any:
        return self.values.get(code)

    def section(self, service: str) -> dict[str, Any] | None:
        return self.sections.get(service)


class Reader:
    """Reads one record's values through the caller's reads of it, noting personal items for the audit."""

    def __init__(self, case_id: uuid.UUID, log: ReadLog):
        self.case_id, self.log = case_id, log

    def readable(self, reads: Mapping[str, FieldAccess], codes: tuple[str, ...]) -> bool:
        return all(code in reads and not reads[code].masked for code in codes)

    def value(self, reads: Mapping[str, FieldAccess], code: str, raw: Any) -> Any:
        access = reads.get(code)
        if access is None:
            return None
        if access.audited:
            self.log.note(self.case_id, code, access.grant_id)
        if isinstance(raw, str) and not raw:
            return None
        return mask(access.mask, raw) if access.masked else raw

    def record(self, reads: Mapping[str, FieldAccess], type_name: str, row: Any, names: tuple[str, ...],
               out: dict[str, Any], gates: tuple[str, ...] | None = None) -> None:
        """`gates`: the object items on the way (by default those of GATES)."""
        if row is None or not self.readable(reads, GATES.get(type_name, ()) if gates is None else gates):
            return
        for name in names:
            value = self.value(reads, f"{type_name}.{camel(name)}", getattr(row, name, None))
            if value is not None:
                out[f"{type_name}.{camel(name)}"] = value


def read_case(plan: AccessPlan, case_roles: frozenset, case: Any, *, transfer: bool, assignments: list,
              materials: list, conditions: Mapping[str, list[str]], log: ReadLog) -> PrintedCase:
    """`transfer`: the 一次过户 form (else 报装), whose boxes differ, so that only what it prints is read and audited;
    `assignments`: those the caller sees of the case; `conditions`: the catalogue's preconditions by service
    (a gas transfer: safety check, fees settled); every value through the policy."""
    reads = plan.record_reads(None, case_roles)
    reader, printed = Reader(case.id, log), PrintedCase()
    reader.record(reads, "Case", case, ("number", "case_type", "channel", "submitted_at")
                  + (("note",) if transfer else ()), printed.values)  # note: 过户说明
    wants_invoice = reader.value(reads, "Case.vatInvoiceWanted", case.vat_invoice_wanted)  # 需要增值税发票 是/否
    if wants_invoice is not None:
        printed.values["Case.vatInvoiceWanted"] = wants_invoice
    applicant = case.applicant
    reader.record(reads, "Applicant", applicant, ("kind", "name", "phone", "id_number", "credit_code",
                                                  "enterprise_type", "address"), printed.values)
    if applicant is not None and applicant.legal_rep_name:
        legal = _Legal(applicant.legal_rep_name, applicant.legal_rep_phone, applicant.legal_rep_id_number)
        reader.record(reads, "LegalRepresentative", legal, ("name", "phone", "id_number"), printed.values)
    if transfer:
        _parties(reads, reader, printed, case)
    else:
        reader.record(reads, "Agent", case.agent, ("name", "phone", "id_number"), printed.values)
    _intake(reads, reader, printed, case, transfer)
    reader.record(reads, "Site", case.site, ("address", "district_code", "project_name"), printed.values)
    reader.record(reads, "Commitment", case.commitment, ("version", "agreed_by", "agreed_at", "channel",
                                                         "identity_verification"), printed.values)
    if case.vat_invoice:
        reader.record(reads, "VatInvoice", _Form(case.vat_invoice), tuple(case.vat_invoice), printed.values)
    if reader.readable(reads, ("Case.materials",)):
        for material in materials:
            row: dict[str, Any] = {}
            reader.record(reads, "Material", material, ("type_code", "number", "holder", "verified_at"), row)
            printed.materials.append(row)
    for assignment in assignments:
        _section(plan, case_roles, reader, printed, assignment)
        _preconditions(plan, case_roles, reader, printed, assignment, conditions.get(assignment.service, []))
    return printed


def _parties(reads: Mapping[str, FieldAccess], reader: Reader, printed: PrintedCase, case: Any) -> None:
    """The 过户 form's 原户主 (with an enterprise's 法人代表) and 联系人; it has no 经办人."""
    holder = case.previous_holder
    reader.record(reads, "PreviousHolder", holder, ("kind", "name", "id_number", "credit_code"), printed.values)
    if holder is not None and (holder.legal_rep_name or holder.legal_rep_id_number):  # as the API shows it
        legal = _Legal(holder.legal_rep_name, holder.legal_rep_phone, holder.legal_rep_id_number)
        reader.record(reads, "PreviousLegalRepresentative", legal, ("name", "id_number"), printed.values)
    if case.contact_name or case.contact_phone:
        reader.record(reads, "Contact", _Form({"name": case.contact_name, "phone": case.contact_phone}),
                      ("name", "phone"), printed.values)
    else:  # only where the caller reads Case.contact may a blank 联系人 tell it that none was given
        printed.contact_is_applicant = reader.readable(reads, ("Case.contact",))


def _intake(reads: Mapping[str, FieldAccess], reader: Reader, printed: PrintedCase, case: Any, transfer: bool) -> None:
    """The accepting unit's boxes: 受理说明 and 受理单位意见 on the 过户 form, 受理单位 and 接件人 on the 报装 forms."""
    intake = _Form({"notes": case.acceptance_notes, "opinion": case.acceptance_opinion} if transfer else
                   {"accepting_unit": case.accepting_unit, "received_by": case.received_by})
    reader.record(reads, "Intake", intake, tuple(intake.data), printed.values)


def _preconditions(plan: AccessPlan, case_roles: frozenset, reader: Reader, printed: PrintedCase, assignment: Any,
                   codes: list[str]) -> None:
    """As `Case.assignments { preconditions { code met on } }` reads them: the utility's own record."""
    case_reads = plan.record_reads(None, case_roles)
    reads = plan.record_reads(assignment.organisation_code, case_roles)
    if not codes or not (reader.readable(case_reads, ("Case.assignments",))
                         and reader.readable(reads, ("Assignment.preconditions",))):
        return
    rows = []
    for code in codes:
        done = (assignment.preconditions or {}).get(code)
        row: dict[str, Any] = {}
        reader.record(reads, "Precondition", _Form({"code": code, "met": done is not None,
                                                    "on": done["on"] if done else None}),
                      ("code", "met", "on"), row, gates=())
        rows.append(row)
    printed.preconditions[assignment.service] = rows


def _section(plan: AccessPlan, case_roles: frozenset, reader: Reader, printed: PrintedCase, assignment: Any) -> None:
    type_name = SECTION_TYPES[assignment.service]
    case_reads = plan.record_reads(None, case_roles)
    reads = plan.record_reads(assignment.organisation_code, case_roles)
    if not reader.readable(case_reads, (f"Case.{assignment.service.lower()}",)):
        return
    values: dict[str, Any] = {}
    form = _Form({**assignment.form, "account_number": assignment.account_number})
    names = tuple(k for k in form.data if k != "loads")
    reader.record(reads, type_name, form, names, values, gates=())  # its gate, Case.<service>, is checked above
    if assignment.service == "HEATING" and reader.readable(reads, ("HeatingSection.loads",)):
        for load in assignment.form.get("loads") or []:
            row: dict[str, Any] = {}
            reader.record(reads, "HeatingLoad", _Form(load), tuple(load), row, gates=())
            printed.loads.append(row)
    printed.sections[assignment.service] = values


class _Form:
    """A stored JSON form read like a row."""

    def __init__(self, data: dict):
        self.data = data

    def __getattr__(self, name: str) -> Any:
        return self.data.get(name)


@dataclass(frozen=True)
class _Legal:
    name: str | None
    phone: str | None
    id_number: str | None
