"""Parts of the seed's forms beside the applicant: the previous holder (原户主), the contact (联系人), the accepting
unit's boxes (受理单位填写) and the preconditions a utility confirms before completing."""

import uuid
from datetime import date, datetime

import strawberry

from hub.enums import ApplicantKind


@strawberry.type(description="法人代表 of an enterprise previous holder (原户主).")
class PreviousLegalRepresentative:
    name: str | None
    phone: str | None
    id_number: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None


@strawberry.type(description="原户主: who holds the accounts a transfer (过户) moves to the applicant (新户主).")
class PreviousHolder:
    kind: ApplicantKind | None
    name: str | None
    phone: str | None
    id_number: str | None = strawberry.field(description="身份证号 (individuals).")
    credit_code: str | None = strawberry.field(description="统一社会信用代码 (enterprises).")
    legal_representative: PreviousLegalRepresentative | None
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @classmethod
    def from_row(cls, row) -> "PreviousHolder":  # type: ignore[no-untyped-def]
        legal = None
        if row.legal_rep_name or row.legal_rep_id_number:
            legal = PreviousLegalRepresentative(name=row.legal_rep_name, phone=row.legal_rep_phone,
                                                id_number=row.legal_rep_id_number, case_ref=row.case_id)
        return cls(kind=ApplicantKind(row.kind), name=row.name, phone=row.phone, id_number=row.id_number,
                   credit_code=row.credit_code, legal_representative=legal, case_ref=row.case_id)


@strawberry.type(description="联系人 and 联系电话 of the 过户 form: whom to call about the case, not necessarily the agent.")
class Contact:
    name: str | None
    phone: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None


@strawberry.type(description="The accepting unit's part of the form (受理单位填写); 接件时间 is the case's submittedAt.")
class Intake:
    accepting_unit: str | None = strawberry.field(description="受理单位: the window or business hall that took the case.")
    received_by: str | None = strawberry.field(description="接件人: the clerk who took it (their account unless named).")
    notes: str | None = strawberry.field(description="受理说明.")
    opinion: str | None = strawberry.field(description="受理单位意见.")
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @classmethod
    def from_case(cls, row) -> "Intake | None":  # type: ignore[no-untyped-def]
        values = {"accepting_unit": row.accepting_unit, "received_by": row.received_by,
                  "notes": row.acceptance_notes, "opinion": row.acceptance_opinion}
        return cls(**values, case_ref=row.id) if any(values.values()) else None


@strawberry.type(description="A precondition of the materials catalogue (e.g. gas transfer: 需安检完毕，结清所有费用) "
                             "and whether the utility has confirmed it.")
class Precondition:
    code: str | None = strawberry.field(description="GAS_SAFETY_CHECK_DONE, GAS_FEES_SETTLED, … (see materialsCatalogue).")
    met: bool | None
    on: date | None = strawberry.field(description="The day it was met: the safety check, the settlement of fees.")
    confirmed_by: str | None = strawberry.field(description="The utility account that confirmed it.")
    confirmed_at: datetime | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is

    @classmethod
    def listed(cls, codes: list[str], confirmed: dict | None, case_ref: uuid.UUID, owner: str) -> list["Precondition"]:
        out = []
        for code in codes:
            done = (confirmed or {}).get(code)
            out.append(cls(
                code=code, met=done is not None, on=date.fromisoformat(done["on"]) if done else None,
                confirmed_by=done["by"] if done else None,
                confirmed_at=datetime.fromisoformat(done["at"]) if done else None,
                case_ref=case_ref, assignment_of=owner,
            ))
        return out
