"""Case, its parties, site, materials and assignments as the API shows them."""

import uuid
from datetime import datetime
from typing import Iterable

import strawberry
from strawberry import relay
from strawberry.types import Info

from hub.enums import (
    ApplicantKind, AssignmentStatus, CaseStatus, CaseType, Channel, EnterpriseType, Service,
)
from hub.graphql.loaders import parse_uuid
from hub.graphql.types import sections as s
from hub.graphql.types.commitments import Commitment
from hub.graphql.types.form_parts import Contact, Intake, Precondition, PreviousHolder
from hub.graphql.types.timelimits import AssignmentClock
from hub.graphql.types.reference import District, MaterialType, Organisation, RequirementGroup


@strawberry.type(description="法人代表 of an enterprise applicant.")
class LegalRepresentative:
    name: str | None
    phone: str | None
    id_number: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None


@strawberry.type(description="经办人: the person acting for the applicant.")
class Agent:
    name: str | None
    phone: str | None
    id_number: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None


@strawberry.type(description="申请人: a person or an enterprise.")
class Applicant:
    kind: ApplicantKind | None
    name: str | None
    phone: str | None
    id_number: str | None
    credit_code: str | None = strawberry.field(description="统一社会信用代码 (enterprises).")
    enterprise_type: EnterpriseType | None
    address: str | None = strawberry.field(description="单位地址 (enterprises).")
    legal_representative: LegalRepresentative | None
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @classmethod
    def from_row(cls, row) -> "Applicant":  # type: ignore[no-untyped-def]
        legal = None
        if row.legal_rep_name:
            legal = LegalRepresentative(name=row.legal_rep_name, phone=row.legal_rep_phone, id_number=row.legal_rep_id_number,
                                        case_ref=row.case_id)
        return cls(
            kind=ApplicantKind(row.kind), name=row.name, phone=row.phone, id_number=row.id_number,
            credit_code=row.credit_code,
            enterprise_type=EnterpriseType(row.enterprise_type) if row.enterprise_type else None,
            address=row.address, legal_representative=legal, case_ref=row.case_id,
        )


@strawberry.type(description="用户地址 / 报装地址 / 项目地址.")
class Site:
    address: str | None
    district_code: str | None
    project_name: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field
    async def district(self, info: Info) -> District | None:
        row = (await info.context.loaders.reference.districts()).get(self.district_code)
        return District.from_row(row) if row else None


@strawberry.type(description="The scanned file of a material (PDF, JPEG or PNG), kept once by its SHA-256.")
class MaterialFile:
    sha256: str | None
    size: int | None = strawberry.field(description="Bytes.")
    content_type: str | None = strawberry.field(description="Judged from the file's bytes when it was uploaded.")
    uploaded_by: str | None = strawberry.field(description="The account that uploaded it.")
    uploaded_at: datetime | None
    material_id: strawberry.Private[uuid.UUID]
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field(description="A short-lived link that downloads the file without a token (GET); "
                                  "access is checked again, and the download audited, when it is used.")
    def download_url(self, info: Info) -> str | None:
        ctx = info.context
        return ctx.files.links.url(str(ctx.request.base_url), ctx.principal, self.material_id, ctx.now())

    @classmethod
    def from_row(cls, row) -> "MaterialFile | None":  # type: ignore[no-untyped-def]
        if row.file_sha256 is None:
            return None
        return cls(sha256=row.file_sha256, size=row.file_size, content_type=row.file_content_type,
                   uploaded_by=row.file_uploaded_by, uploaded_at=row.file_uploaded_at, material_id=row.id,
                   case_ref=row.case_id)


@strawberry.type(description="A proof presented for the case (申报材料).")
class Material:
    type_code: str | None
    number: str | None
    holder: str | None
    file_ref: str | None = strawberry.field(description="A reference into another system's document store.")
    file: MaterialFile | None = strawberry.field(description="The scanned file uploaded to the hub.")
    verified_by: str | None
    verified_at: datetime | None
    added_at: datetime | None
    case_ref: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field
    async def type(self, info: Info) -> MaterialType | None:
        row = (await info.context.loaders.reference.material_types()).get(self.type_code)
        return MaterialType.from_row(row) if row else None

    @classmethod
    def from_row(cls, row) -> "Material":  # type: ignore[no-untyped-def]
        return cls(type_code=row.type_code, number=row.number, holder=row.holder, file_ref=row.file_ref,
                   file=MaterialFile.from_row(row), verified_by=row.verified_by, verified_at=row.verified_at, added_at=row.added_at,
                   case_ref=row.case_id)


@strawberry.type(description="Whether the case's materials satisfy this service's catalogue entry (材料齐全).")
class MaterialsCheck:
    complete: bool | None
    missing_groups: list[RequirementGroup] | None
    required_at_application: bool | None
    notes: list[str] | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="What the utility wrote back on completion.")
class AssignmentResult:
    account_number: str | None = strawberry.field(description="The new or transferred account number (户号).")
    remarks: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="The assignment was completed although its materials were incomplete (材料齐全即时办理 overridden).")
class MaterialsOverride:
    reason: str | None = strawberry.field(description="Why, as the utility stated it.")
    overridden_by: str | None = strawberry.field(description="The account that completed the assignment.")
    overridden_at: datetime | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="分发: one requested service of a case, owned by the utility that provides it.")
class Assignment(relay.Node):
    id: relay.NodeID[str]
    service: Service | None
    status: AssignmentStatus | None
    version: int | None = strawberry.field(description="State this version in your next write (optimistic concurrency).")
    organisation_code: str | None
    account_number: str | None = strawberry.field(description="Existing 户号 named by a transfer.")
    reason: str | None = strawberry.field(description="Why materials were requested or the assignment rejected.")
    result: AssignmentResult | None
    materials_override: MaterialsOverride | None = strawberry.field(
        description="Set when the assignment was completed with incomplete materials, by an explicit override.")
    created_at: datetime | None
    updated_at: datetime | None
    received_at: datetime | None
    accepted_at: datetime | None
    finished_at: datetime | None
    case_ref: strawberry.Private[uuid.UUID]
    assignment_of: strawberry.Private[str]  # its organisation: the record is this assignment (hub.policy.plan)
    row: strawberry.Private[object]

    @strawberry.field
    async def organisation(self, info: Info) -> Organisation | None:
        row = (await info.context.loaders.reference.organisations()).get(self.organisation_code)
        return Organisation.from_row(row) if row else None

    async def _requirement(self, info: Info):  # type: ignore[no-untyped-def]
        """This service's entry of the materials catalogue for the case's type and applicant kind."""
        case = await info.context.loaders.case.load(self.case_ref)
        applicant = await info.context.loaders.applicant.load(self.case_ref)
        return next(
            (r for r in await info.context.loaders.reference.requirements()
             if (r.case_type, r.service, r.applicant_kind) == (case.case_type, self.row.service, applicant.kind)),
            None,
        )

    @strawberry.field(description="Materials check against the catalogue for this service.")
    async def materials(self, info: Info) -> MaterialsCheck | None:
        row = self.row
        requirement = await self._requirement(info)
        return MaterialsCheck(
            complete=row.materials_complete,
            missing_groups=[RequirementGroup.from_dict(g) for g in row.missing_groups],
            required_at_application=requirement.required_at_application if requirement else True,
            notes=list(requirement.notes) if requirement else [],
            case_ref=self.case_ref, assignment_of=self.assignment_of,
        )

    @strawberry.field(description="The catalogue's preconditions for this service (e.g. a gas transfer: safety check "
                                  "done, fees settled) and which the utility has confirmed; completing needs them all.")
    async def preconditions(self, info: Info) -> list[Precondition] | None:
        requirement = await self._requirement(info)
        codes = list(requirement.conditions) if requirement else []
        return Precondition.listed(codes, self.row.preconditions, self.case_ref, self.assignment_of)

    @strawberry.field(description="The time limit (时限) and where this assignment stands against it.")
    async def time_limit(self, info: Info) -> AssignmentClock | None:
        calendar = await info.context.loaders.reference.calendar()
        return AssignmentClock.from_row(self.row, info.context.now(), calendar)

    @strawberry.field
    async def case(self, info: Info) -> "Case | None":
        row = await info.context.loaders.case.load(self.case_ref)
        return Case.from_row(row) if row else None

    @classmethod
    def from_row(cls, row) -> "Assignment":  # type: ignore[no-untyped-def]
        result = None
        if row.status == AssignmentStatus.COMPLETED:
            result = AssignmentResult(account_number=row.result_account_number, remarks=row.result_remarks,
                                      case_ref=row.case_id, assignment_of=row.organisation_code)
        override = None
        if row.materials_override_at is not None:
            override = MaterialsOverride(reason=row.materials_override_reason, overridden_by=row.materials_override_by,
                                         overridden_at=row.materials_override_at, case_ref=row.case_id,
                                         assignment_of=row.organisation_code)
        return cls(
            id=str(row.id), service=Service(row.service), status=AssignmentStatus(row.status), version=row.version,
            organisation_code=row.organisation_code, account_number=row.account_number, reason=row.reason,
            result=result, materials_override=override, created_at=row.created_at, updated_at=row.updated_at, received_at=row.received_at,
            accepted_at=row.accepted_at, finished_at=row.finished_at, case_ref=row.case_id,
            assignment_of=row.organisation_code, row=row,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        from hub.graphql.resolvers import assignments_by_ids

        return await assignments_by_ids(info, list(node_ids))


@strawberry.type(description="一件事: one application for one or more utility services.")
class Case(relay.Node):
    id: relay.NodeID[str]
    number: str | None = strawberry.field(description="Human case number, e.g. KF20261127-7Q3M9X2A.")
    case_type: CaseType | None
    channel: Channel | None
    status: CaseStatus | None = strawberry.field(description="Derived from the assignments.")
    version: int | None = strawberry.field(description="State this version when adding materials.")
    submitted_at: datetime | None
    updated_at: datetime | None
    completed_at: datetime | None
    personal_data_erased_at: datetime | None = strawberry.field(
        description="When governance erased the case's personal data after its retention period; null before.")
    note: str | None = strawberry.field(description="过户说明: the applicant's own explanation (申请用户填写).")
    vat_invoice_wanted: bool | None = strawberry.field(description="需要增值税发票 是/否, as the applicant answered.")
    vat_invoice: s.VatInvoice | None
    contact: Contact | None = strawberry.field(description="联系人 / 联系电话, if given.")
    intake: Intake | None = strawberry.field(description="受理单位, 接件人, 受理说明, 受理单位意见.")
    row_id: strawberry.Private[uuid.UUID]

    @property
    def case_ref(self) -> uuid.UUID:
        return self.row_id

    @strawberry.field
    async def applicant(self, info: Info) -> Applicant | None:
        return Applicant.from_row(await info.context.loaders.applicant.load(self.row_id))

    @strawberry.field(description="原户主 of a transfer: who holds the accounts now.")
    async def previous_holder(self, info: Info) -> PreviousHolder | None:
        row = await info.context.loaders.previous_holder.load(self.row_id)
        return PreviousHolder.from_row(row) if row else None

    @strawberry.field(description="经办人, if someone acts for the applicant.")
    async def agent(self, info: Info) -> Agent | None:
        row = await info.context.loaders.agent.load(self.row_id)
        return Agent(name=row.name, phone=row.phone, id_number=row.id_number, case_ref=row.case_id) if row else None

    @strawberry.field
    async def site(self, info: Info) -> Site | None:
        row = await info.context.loaders.site.load(self.row_id)
        return Site(address=row.address, district_code=row.district_code, project_name=row.project_name,
                    case_ref=row.case_id)

    @strawberry.field
    async def materials(self, info: Info) -> list[Material] | None:
        return [Material.from_row(r) for r in await info.context.loaders.materials.load(self.row_id)]

    @strawberry.field(description="申请表打印: a short-lived link (GET, no token) to the filled application form as a "
                                  "PDF, for signature at the window; access is checked again, and the print audited, "
                                  "when it is used.")
    def application_form_url(self, info: Info) -> str | None:
        ctx = info.context
        return ctx.files.form_links.url(str(ctx.request.base_url), ctx.principal, self.row_id, ctx.now())

    @strawberry.field(description="申请人签章/承诺: the agreement recorded with the submission (none before it was required).")
    async def commitment(self, info: Info) -> Commitment | None:
        row = await info.context.loaders.commitment.load(self.row_id)
        return Commitment.from_row(row) if row else None

    @strawberry.field
    async def assignments(self, info: Info) -> list[Assignment] | None:
        return [Assignment.from_row(r) for r in await info.context.loaders.assignments.load(self.row_id)]

    async def _section(self, info: Info, service: Service):  # type: ignore[no-untyped-def]
        for row in await info.context.loaders.assignments.load(self.row_id):
            if row.service == service:
                return row
        return None

    @strawberry.field
    async def water(self, info: Info) -> s.WaterSection | None:
        row = await self._section(info, Service.WATER)
        return s.from_form(s.WaterSection, row) if row else None

    @strawberry.field
    async def electricity(self, info: Info) -> s.ElectricitySection | None:
        row = await self._section(info, Service.ELECTRICITY)
        return s.from_form(s.ElectricitySection, row) if row else None

    @strawberry.field
    async def gas(self, info: Info) -> s.GasSection | None:
        row = await self._section(info, Service.GAS)
        return s.from_form(s.GasSection, row) if row else None

    @strawberry.field
    async def heating(self, info: Info) -> s.HeatingSection | None:
        row = await self._section(info, Service.HEATING)
        return s.HeatingSection.build(row) if row else None

    @strawberry.field
    async def telecom(self, info: Info) -> s.TelecomSection | None:
        row = await self._section(info, Service.TELECOM)
        return s.from_form(s.TelecomSection, row) if row else None

    @classmethod
    def from_row(cls, row) -> "Case":  # type: ignore[no-untyped-def]
        invoice = s.VatInvoice(**row.vat_invoice, case_ref=row.id) if row.vat_invoice else None
        return cls(
            id=str(row.id), number=row.number, case_type=CaseType(row.case_type), channel=Channel(row.channel),
            status=CaseStatus(row.status), version=row.version, submitted_at=row.submitted_at,
            updated_at=row.updated_at, completed_at=row.completed_at,
            personal_data_erased_at=row.personal_data_erased_at, note=row.note,
            vat_invoice_wanted=row.vat_invoice_wanted, vat_invoice=invoice,
            contact=Contact(name=row.contact_name, phone=row.contact_phone, case_ref=row.id)
            if row.contact_name or row.contact_phone else None,
            intake=Intake.from_case(row), row_id=row.id,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        ids = [parse_uuid(n) for n in node_ids]
        rows = await info.context.loaders.case.load_many([i for i in ids if i])
        found = {r.id: r for r in rows if r}
        return [cls.from_row(found[i]) if i in found else None for i in ids]


