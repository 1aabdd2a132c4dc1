"""Which catalogue items a write touches, named as the catalogue names them (`Type.field`)."""

import re

SECTION_TYPES = {"water": "WaterSection", "electricity": "ElectricitySection", "gas": "GasSection",
                 "heating": "HeatingSection", "telecom": "TelecomSection"}
NESTED = {  # submission key → (Case field, item type)
    "applicant": ("applicant", "Applicant"), "agent": ("agent", "Agent"), "site": ("site", "Site"),
    "vat_invoice": ("vatInvoice", "VatInvoice"), "materials": ("materials", "Material"),
    "commitment": ("commitment", "Commitment"),
    "previous_holder": ("previousHolder", "PreviousHolder"), "contact": ("contact", "Contact"),
    "intake": ("intake", "Intake"),
}
LEGAL_REPRESENTATIVES = {"applicant": "LegalRepresentative", "previous_holder": "PreviousLegalRepresentative"}
NOT_ITEMS = {"subject", "verified"}


def camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def _fields(type_name: str, data: dict) -> set[str]:
    return {f"{type_name}.{camel(k)}" for k, v in data.items() if v is not None and k not in NOT_ITEMS}


def submission_items(valid: dict) -> set[str]:
    items = {f"Case.{camel(k)}" for k in ("case_type", "channel", "note", "vat_invoice_wanted") if valid.get(k) is not None}
    for key, (case_field, type_name) in NESTED.items():
        value = valid.get(key)
        if not value:
            continue
        items.add(f"Case.{case_field}")
        for part in value if isinstance(value, list) else [value]:
            items |= material_items(part) if key == "materials" else _fields(type_name, part)
    for key, type_name in LEGAL_REPRESENTATIVES.items():
        legal = (valid.get(key) or {}).get("legal_representative")
        if legal:
            items |= _fields(type_name, legal)
    for service, form in (valid.get("services") or {}).items():
        key = service.lower()
        items |= {f"Case.{key}"} | _fields(SECTION_TYPES[key], {k: v for k, v in form.items() if k != "loads"})
        if form.get("loads"):
            items.add("HeatingSection.loads")
            for load in form["loads"]:
                items |= _fields("HeatingLoad", load)
    return items


def material_items(material: dict) -> set[str]:
    items = _fields("Material", material)
    if material.get("verified"):
        items |= {"Material.verifiedBy", "Material.verifiedAt"}
    return items


def transition_items(action: str) -> set[str]:
    items = {"Assignment.status"}
    if action in ("REQUEST_MATERIALS", "REJECT"):
        items.add("Assignment.reason")
    if action == "COMPLETE":
        items |= {"Assignment.result", "AssignmentResult.accountNumber", "AssignmentResult.remarks"}
    return items
