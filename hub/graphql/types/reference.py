"""Reference data types: organisations, districts and the materials catalogue."""

import strawberry
from strawberry.types import Info

from hub.enums import ApplicantKind, CaseType, GroupRule, Service
from hub.graphql.types import enums  # noqa: F401  (registers enums)


@strawberry.type(description="A utility company or government unit (单位).")
class Organisation:
    code: str | None
    name: str | None
    short_name: str | None
    kind: str | None
    description: str | None

    @strawberry.field(description="Services this organisation provides (routes assignments).")
    async def services(self, info: Info) -> list[Service] | None:
        return [Service(s) for s in (await info.context.loaders.reference.providers()).get(self.code, [])]

    @classmethod
    def from_row(cls, row) -> "Organisation":  # type: ignore[no-untyped-def]
        return cls(code=row.code, name=row.name, short_name=row.short_name, kind=row.kind, description=row.description)


@strawberry.type(description="A GB/T 2260 district or county of Kaifeng (行政区域).")
class District:
    code: str | None
    name: str | None
    kind: str | None
    active: bool | None
    note: str | None

    @classmethod
    def from_row(cls, row) -> "District":  # type: ignore[no-untyped-def]
        return cls(code=row.code, name=row.name, kind=row.kind, active=row.active, note=row.note)


@strawberry.type(description="A kind of proof (材料类型), e.g. 居民身份证.")
class MaterialType:
    code: str | None
    name: str | None
    category: str | None

    @classmethod
    def from_row(cls, row) -> "MaterialType":  # type: ignore[no-untyped-def]
        return cls(code=row.code, name=row.name, category=row.category)


async def material_types(info: Info, codes: list[str]) -> list[MaterialType]:
    known = await info.context.loaders.reference.material_types()
    return [MaterialType.from_row(known[c]) for c in codes if c in known]


@strawberry.type(description="A requirement group: all of, or any one of, the listed material types.")
class RequirementGroup:
    code: str | None
    name: str | None
    rule: GroupRule | None
    type_codes: list[str] | None

    @strawberry.field
    async def types(self, info: Info) -> list[MaterialType] | None:
        return await material_types(info, self.type_codes)

    @classmethod
    def from_dict(cls, group: dict) -> "RequirementGroup":
        return cls(code=group["code"], name=group["name"], rule=GroupRule(group["rule"]), type_codes=list(group["types"]))


@strawberry.type(description="The materials catalogue (申报材料目录) entry for one case type, service and applicant kind.")
class MaterialRequirement:
    case_type: CaseType | None
    service: Service | None
    applicant_kind: ApplicantKind | None
    required_at_application: bool | None = strawberry.field(description="False where materials come at formal processing (telecom).")
    groups: list[RequirementGroup] | None
    notes: list[str] | None
    conditions: list[str] | None = strawberry.field(description="Preconditions, e.g. GAS_SAFETY_CHECK_DONE.")

    @classmethod
    def from_row(cls, row) -> "MaterialRequirement":  # type: ignore[no-untyped-def]
        return cls(
            case_type=CaseType(row.case_type), service=Service(row.service),
            applicant_kind=ApplicantKind(row.applicant_kind), required_at_application=row.required_at_application,
            groups=[RequirementGroup.from_dict(g) for g in row.groups], notes=list(row.notes),
            conditions=list(row.conditions),
        )
