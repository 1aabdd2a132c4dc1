"""The domain's code lists exposed as GraphQL enums (same names, same values)."""

import strawberry

from hub.assignments.service import Action
from hub.cases import forms
from hub.enums import (
    ApplicantKind, AssignmentStatus, CaseStatus, CaseType, Channel, EnterpriseType, GroupRule, Role, Service,
)

for _enum in (
    ApplicantKind, AssignmentStatus, CaseStatus, CaseType, Channel, EnterpriseType, GroupRule, Role, Service, Action,
    forms.WaterNature, forms.WaterCategory, forms.WaterSupplyMode, forms.WaterUserCategory, forms.Voltage,
    forms.ElectricityBusinessType, forms.ElectricitySupplyMode, forms.ElectricityUserCategory,
    forms.HeatingSystemType, forms.HeatingUse, forms.TelecomProduct,
):
    strawberry.enum(_enum, description=(_enum.__doc__ or "").strip() or None)
