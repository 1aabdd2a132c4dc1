"""The per-service sections of the unified form, as read back."""

import dataclasses
import uuid
from datetime import date
from typing import Any, TypeVar

import strawberry

from hub.cases import forms
from hub.graphql.types import enums  # noqa: F401  (registers enums)

T = TypeVar("T")


def from_form(cls: type[T], assignment: Any) -> T:
    """Build a section from an assignment's stored form."""
    values: dict[str, Any] = {"account_number": assignment.account_number, "case_ref": assignment.case_id,
                              "assignment_of": assignment.organisation_code}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in values:
            values[f.name] = assignment.form.get(f.name)
    return cls(**values)


@strawberry.type(description="用水报装登记 / 供水过户.")
class WaterSection:
    account_number: str | None = strawberry.field(description="Existing 户号 (transfer).")
    nature: forms.WaterNature | None
    category: forms.WaterCategory | None
    supply_mode: forms.WaterSupplyMode | None
    user_category: forms.WaterUserCategory | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="用电报装登记 / 供电过户.")
class ElectricitySection:
    account_number: str | None
    voltage: forms.Voltage | None
    business_type: forms.ElectricityBusinessType | None
    capacity_kw: float | None
    supply_mode: forms.ElectricitySupplyMode | None
    external_line_works: bool | None
    user_category: forms.ElectricityUserCategory | None
    own_power_source: bool | None
    own_power_capacity_kw: float | None
    non_linear_load: bool | None
    first_source_existing_kva: float | None
    first_source_requested_kva: float | None
    second_source_existing_kva: float | None
    second_source_requested_kva: float | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="用气报装登记 / 供气过户.")
class GasSection:
    account_number: str | None
    households: int | None
    hourly_m3: float | None
    project_description: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="One row of the heat-load table.")
class HeatingLoad:
    use: forms.HeatingUse | None
    area_m2: float | None
    medium_parameters: str | None
    load_kw: float | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="用暖报装登记 / 供热过户.")
class HeatingSection:
    account_number: str | None
    start_date: date | None
    system_type: forms.HeatingSystemType | None
    loads: list[HeatingLoad] | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is

    @classmethod
    def build(cls, assignment: Any) -> "HeatingSection":
        form, case_ref, owner = assignment.form, assignment.case_id, assignment.organisation_code
        start = form.get("start_date")
        return cls(
            account_number=assignment.account_number,
            start_date=date.fromisoformat(start) if start else None,
            system_type=form.get("system_type"),
            loads=[HeatingLoad(**load, case_ref=case_ref, assignment_of=owner) for load in form.get("loads", [])]
            if form else None,
            case_ref=case_ref, assignment_of=owner,
        )


@strawberry.type(description="通信报装登记.")
class TelecomSection:
    account_number: str | None
    product_types: list[forms.TelecomProduct] | None
    other_description: str | None
    install_address: str | None
    other_requirements: str | None = strawberry.field(description="其他要求 of the telecom section.")
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is


@strawberry.type(description="增值税发票 details.")
class VatInvoice:
    name: str | None
    phone: str | None
    tax_number: str | None
    tax_address: str | None
    bank: str | None
    bank_account: str | None
    case_ref: strawberry.Private[uuid.UUID | None] = None
