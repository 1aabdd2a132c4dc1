"""Input types. Structure is typed here; every rule is checked by the domain (hub/cases/validation.py)."""

from datetime import date, datetime

import strawberry

from hub.cases import forms
from hub.commitments.rules import CommitmentChannel, IdentityVerification, Signatory
from hub.enums import ApplicantKind, AssignmentStatus, CaseStatus, CaseType, Channel, EnterpriseType, Service
from hub.graphql.types import enums  # noqa: F401  (registers enums)


@strawberry.input(description="法人代表 or 经办人.")
class PersonInput:
    name: str
    id_number: str = strawberry.field(description="身份证号 (GB 11643).")
    phone: str | None = strawberry.field(default=None, description="Mainland mobile number.")
    subject: str | None = strawberry.field(default=None, description="The person's app account, if any (agents may follow the case).")


@strawberry.input(description="申请人.")
class ApplicantInput:
    kind: ApplicantKind
    name: str = strawberry.field(description="用户名称: the person's or the enterprise's name.")
    phone: str | None = strawberry.field(default=None, description="Mobile number; required for individuals (SMS).")
    id_number: str | None = strawberry.field(default=None, description="身份证号; individuals only.")
    credit_code: str | None = strawberry.field(default=None, description="统一社会信用代码; enterprises only.")
    enterprise_type: EnterpriseType | None = None
    address: str | None = strawberry.field(default=None, description="单位地址 (enterprises).")
    legal_representative: PersonInput | None = strawberry.field(default=None, description="法人代表; enterprises only.")
    subject: str | None = strawberry.field(default=None, description="The applicant's app account when a clerk files for them; ignored for APPLICANT callers (it is the caller).")


@strawberry.input(description="原户主 of a transfer: who holds the accounts now (the applicant is the new holder, 新户主).")
class PreviousHolderInput:
    kind: ApplicantKind
    name: str = strawberry.field(description="The person's or the enterprise's name.")
    id_number: str | None = strawberry.field(default=None, description="身份证号; required for an individual.")
    credit_code: str | None = strawberry.field(default=None, description="统一社会信用代码; required for an enterprise.")
    legal_representative: PersonInput | None = strawberry.field(default=None, description="法人代表; required for an enterprise.")
    phone: str | None = strawberry.field(default=None, description="Mobile number, if known.")


@strawberry.input(description="联系人 and 联系电话 of the 过户 form (whom to call; need not be the agent).")
class ContactInput:
    name: str
    phone: str = strawberry.field(description="Mainland mobile or fixed-line number.")


@strawberry.input(description="The accepting unit's boxes (受理单位填写); WRITE for clerks and the platform only.")
class IntakeInput:
    accepting_unit: str | None = strawberry.field(default=None, description="受理单位: the window or hall; a clerk's defaults to its organisation.")
    received_by: str | None = strawberry.field(default=None, description="接件人; a clerk's defaults to the clerk's account.")
    notes: str | None = strawberry.field(default=None, description="受理说明.")
    opinion: str | None = strawberry.field(default=None, description="受理单位意见.")


@strawberry.input(description="用户地址 / 报装地址 / 项目地址.")
class SiteInput:
    address: str
    district_code: str = strawberry.field(description="GB/T 2260 code of a Kaifeng district or county (see `districts`).")
    project_name: str | None = None


@strawberry.input(description="A file you uploaded with `POST /files`, named by the SHA-256 it answered.")
class MaterialFileInput:
    sha256: str


@strawberry.input(description="A proof presented with the application.")
class MaterialInput:
    type_code: str = strawberry.field(description="A code from `materialTypes`.")
    number: str | None = None
    holder: str | None = None
    file_ref: str | None = strawberry.field(default=None, description="Reference to the scanned file in another system's document store.")
    file: MaterialFileInput | None = strawberry.field(default=None, description="The scanned file, uploaded to the hub by you within the grace period.")
    verified: bool = strawberry.field(default=False, description="The caller checked the original (recorded with who and when).")


@strawberry.input
class WaterSectionInput:
    account_number: str | None = strawberry.field(default=None, description="户号: required for a transfer, absent for a connection.")
    nature: forms.WaterNature | None = None
    category: forms.WaterCategory | None = None
    supply_mode: forms.WaterSupplyMode | None = strawberry.field(default=None, description="Enterprise connections.")
    user_category: forms.WaterUserCategory | None = strawberry.field(default=None, description="Enterprise connections.")


@strawberry.input
class ElectricitySectionInput:
    account_number: str | None = None
    voltage: forms.Voltage | None = strawberry.field(default=None, description="Defaults to LOW.")
    business_type: forms.ElectricityBusinessType | None = None
    capacity_kw: float | None = strawberry.field(default=None, description="申请容量 in kW: low voltage only (high voltage gives kVA per source).")
    supply_mode: forms.ElectricitySupplyMode | None = None
    external_line_works: bool | None = strawberry.field(default=None, description="Low voltage with external line works (外线工程): a longer time limit.")
    user_category: forms.ElectricityUserCategory | None = strawberry.field(default=None, description="High voltage.")
    own_power_source: bool | None = strawberry.field(default=None, description="自备电源 (high voltage).")
    own_power_capacity_kw: float | None = None
    non_linear_load: bool | None = strawberry.field(default=None, description="非线性负荷 (high voltage).")
    first_source_existing_kva: float | None = None
    first_source_requested_kva: float | None = None
    second_source_existing_kva: float | None = None
    second_source_requested_kva: float | None = None


@strawberry.input
class GasSectionInput:
    account_number: str | None = None
    households: int | None = None
    hourly_m3: float | None = strawberry.field(default=None, description="小时耗气量 m³/h.")
    project_description: str | None = None


@strawberry.input
class HeatingLoadInput:
    use: forms.HeatingUse
    area_m2: float
    medium_parameters: str | None = None
    load_kw: float | None = None


@strawberry.input
class HeatingSectionInput:
    account_number: str | None = None
    start_date: date | None = strawberry.field(default=None, description="用热时间.")
    system_type: forms.HeatingSystemType | None = None
    loads: list[HeatingLoadInput] | None = None


@strawberry.input
class TelecomSectionInput:
    product_types: list[forms.TelecomProduct] | None = None
    other_description: str | None = None
    install_address: str | None = strawberry.field(default=None, description="装机地址 (broadband, fixed line).")
    other_requirements: str | None = strawberry.field(default=None, description="其他要求.")
    account_number: str | None = strawberry.field(default=None, description="Not used: telecom has no transfer.")


@strawberry.input
class VatInvoiceInput:
    name: str | None = None
    phone: str | None = None
    tax_number: str | None = None
    tax_address: str | None = None
    bank: str | None = None
    bank_account: str | None = None


@strawberry.input(description="申请人签章/承诺: the applicant (or agent) agreed to the form's commitment text, having "
                              "been shown the personal-information notice.")
class CommitmentInput:
    version: str = strawberry.field(description="The version of the text shown (`commitmentTexts`), the one in force for the application's form.")
    channel: CommitmentChannel = strawberry.field(description="How it was agreed: signed at the window, on a signature pad, or online.")
    identity_verification: IdentityVerification = strawberry.field(description="How the signer's identity was established.")
    notice_sha256: str = strawberry.field(description="`privacyNotice.sha256` of the notice shown, which must be the one in force.")
    agreed_by: Signatory | None = strawberry.field(default=None, description="Who agreed; defaults to APPLICANT.")
    agreed_at: datetime | None = strawberry.field(default=None, description="When (within the last 7 days); defaults to now.")


@strawberry.input(description="One application. Each section present asks for that service.")
class SubmitCaseInput:
    case_type: CaseType
    channel: Channel
    applicant: ApplicantInput
    site: SiteInput
    commitment: CommitmentInput = strawberry.field(description="申请人签章/承诺, required.")
    previous_holder: PreviousHolderInput | None = strawberry.field(default=None, description="原户主: required for a transfer.")
    agent: PersonInput | None = None
    contact: ContactInput | None = None
    intake: IntakeInput | None = None
    water: WaterSectionInput | None = None
    electricity: ElectricitySectionInput | None = None
    gas: GasSectionInput | None = None
    heating: HeatingSectionInput | None = None
    telecom: TelecomSectionInput | None = None
    materials: list[MaterialInput] | None = None
    vat_invoice_wanted: bool | None = strawberry.field(default=None, description="需要增值税发票 是/否: required for a connection.")
    vat_invoice: VatInvoiceInput | None = strawberry.field(default=None, description="Only if a VAT invoice is wanted.")
    note: str | None = strawberry.field(default=None, description="过户说明: the applicant's own explanation (申请用户填写).")


@strawberry.input(description="补正: materials added to an existing case.")
class AddMaterialsInput:
    case_id: strawberry.ID
    expected_version: int
    materials: list[MaterialInput]


@strawberry.input
class AssignmentWriteInput:
    assignment_id: strawberry.ID
    expected_version: int = strawberry.field(description="The version you read; a stale one is refused with CONFLICT.")
    idempotency_key: str | None = strawberry.field(default=None, description="Retrying with the same key returns the first outcome and applies nothing twice (kept per caller).")


@strawberry.input
class AssignmentReasonInput:
    assignment_id: strawberry.ID
    expected_version: int
    reason: str
    idempotency_key: str | None = strawberry.field(default=None, description="Retrying with the same key returns the first outcome and applies nothing twice (kept per caller).")


@strawberry.input
class AssignmentResultInput:
    account_number: str = strawberry.field(description="The new or transferred 户号.")
    remarks: str | None = None


@strawberry.input(description="Complete although the materials check finds requirement groups unmet.")
class MaterialsOverrideInput:
    reason: str = strawberry.field(description="Why (recorded in the audit log and shown on the assignment; at most 500 characters).")


@strawberry.input
class CompleteAssignmentInput:
    assignment_id: strawberry.ID
    expected_version: int
    result: AssignmentResultInput
    override_incomplete_materials: MaterialsOverrideInput | None = strawberry.field(
        default=None, description="材料齐全即时办理: an assignment whose materials are incomplete is completed only with this.")
    idempotency_key: str | None = strawberry.field(default=None, description="Retrying with the same key returns the first outcome and applies nothing twice (kept per caller).")


@strawberry.input(description="One precondition met, and on which day.")
class PreconditionInput:
    code: str = strawberry.field(description="A code from the assignment's `preconditions`, e.g. GAS_SAFETY_CHECK_DONE.")
    on: date = strawberry.field(description="The day it was met (the safety check, the settlement of fees).")


@strawberry.input
class ConfirmPreconditionsInput:
    assignment_id: strawberry.ID
    expected_version: int
    preconditions: list[PreconditionInput]
    idempotency_key: str | None = strawberry.field(default=None, description="Retrying with the same key returns the first outcome and applies nothing twice (kept per caller).")


@strawberry.input(description="All given conditions must hold.")
class CaseFilterInput:
    statuses: list[CaseStatus] | None = None
    case_type: CaseType | None = None
    service: Service | None = None
    district_code: str | None = None
    submitted_from: datetime | None = strawberry.field(default=None, description="Inclusive.")
    submitted_before: datetime | None = strawberry.field(default=None, description="Exclusive.")


@strawberry.input(description="All given conditions must hold.")
class WorkQueueFilterInput:
    statuses: list[AssignmentStatus] | None = None
    service: Service | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
