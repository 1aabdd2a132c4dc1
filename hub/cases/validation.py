"""Rules of the unified form: every field of a submission checked, all problems reported at once.

Input is plain data (snake_case keys, enum values as strings); output is the
same shape, normalised. Nothing here touches the database or GraphQL.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from hub.cases import forms
from hub.commitments import rules as commitment_rules
from hub.enums import ApplicantKind, CaseType, Channel, EnterpriseType, Service
from hub.errors import ErrorCode
from hub.i18n import _l
from hub.validation import identifiers
from hub.validation.checker import Checker, section

TRANSFER_SERVICES = (Service.WATER, Service.ELECTRICITY, Service.GAS, Service.HEATING)
SECTION_KEYS = {service: service.value.lower() for service in Service}
MAX_KW = 1_000_000.0
MAX_M3_PER_HOUR = 1_000_000.0
MAX_AREA_M2 = 10_000_000.0
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Reference:
    """The reference data a submission is checked against."""

    today: date
    districts: frozenset[str]
    material_types: frozenset[str]
    now: datetime | None = None
    commitment_texts: dict = field(default_factory=dict)  # version → PublishedText
    notice_sha256: str | None = None  # the personal-information notice in force


def validate_submission(data: dict, ref: Reference) -> dict:
    c = Checker()
    case_type = c.enum(data, "case_type", "case_type", CaseType, required=True)
    out: dict = {
        "case_type": case_type,
        "channel": c.enum(data, "channel", "channel", Channel, required=True),
        "note": c.text(data, "note", "note", max_len=1000),
        "applicant": _applicant(c, section(data.get("applicant")), case_type, ref),
        "previous_holder": _previous_holder(c, data.get("previous_holder"), case_type, ref),
        "agent": _agent(c, data.get("agent"), ref),
        "contact": _contact(c, data.get("contact")),
        "intake": _intake(c, data.get("intake")),
        "site": _site(c, section(data.get("site")), ref),
        "materials": validate_materials(c, data.get("materials") or [], ref, path="materials"),
        "vat_invoice_wanted": data.get("vat_invoice_wanted"),
        "vat_invoice": _vat_invoice(c, data.get("vat_invoice")),
    }
    _vat_answer(c, out, case_type)
    out["services"] = _services(c, data, case_type, out["applicant"].get("kind"), ref)
    out["commitment"] = _commitment(c, data.get("commitment"), out, ref)
    _reachable(c, out)
    c.raise_if_any()
    return out


def _commitment(c: Checker, data: object, out: dict, ref: Reference) -> dict | None:
    kind = out["applicant"].get("kind")
    return commitment_rules.validate_commitment(c, data, commitment_rules.Context(
        form=commitment_rules.form_of(out["case_type"], kind), case_channel=out["channel"], applicant_kind=kind,
        has_agent=out["agent"] is not None, texts=ref.commitment_texts, notice_sha256=ref.notice_sha256,
        now=ref.now, today=ref.today))


def _reachable(c: Checker, out: dict) -> None:
    """SMS reach the applicant: an enterprise without its own mobile number is reached through its legal
    representative or the agent, so one of the three must be given."""
    applicant = out["applicant"]
    phones = ("applicant.phone", "applicant.legal_representative.phone", "agent.phone")
    if applicant.get("kind") != ApplicantKind.ENTERPRISE or any(p.field in phones for p in c.problems):
        return  # a number given but malformed is already reported
    legal = applicant.get("legal_representative") or {}
    if not (applicant.get("phone") or legal.get("phone") or (out["agent"] or {}).get("phone")):
        c.fail("applicant.phone", ErrorCode.REQUIRED, _l("an enterprise needs a mobile number to be told of its case: "
               "give applicant.phone, applicant.legalRepresentative.phone or agent.phone"))


def _id_number(ref: Reference):  # noqa: ANN202
    return partial(identifiers.resident_id_number, today=ref.today)


def _applicant(c: Checker, data: dict, case_type: str | None, ref: Reference) -> dict:
    kind = c.enum(data, "kind", "applicant.kind", ApplicantKind, required=True)
    out = {
        "kind": kind,
        "name": c.text(data, "name", "applicant.name", max_len=200, required=True),
        "subject": c.text(data, "subject", "applicant.subject", max_len=200),
        "address": c.text(data, "address", "applicant.address", max_len=300),
    }
    if kind == ApplicantKind.INDIVIDUAL:
        out["phone"] = c.identifier(data, "phone", "applicant.phone", identifiers.mobile_number, required=True)
        out["id_number"] = c.identifier(data, "id_number", "applicant.id_number", _id_number(ref), required=True)
        for key in ("credit_code", "enterprise_type", "legal_representative"):
            c.forbid(data, key, f"applicant.{key}", _l("applies to enterprise applicants only"))
    elif kind == ApplicantKind.ENTERPRISE:
        out["phone"] = c.identifier(data, "phone", "applicant.phone", identifiers.mobile_number)
        out["credit_code"] = c.identifier(data, "credit_code", "applicant.credit_code", identifiers.credit_code, required=True)
        # 企业类型 is asked on the 报装 form only; the 过户 form has no such box.
        out["enterprise_type"] = c.enum(data, "enterprise_type", "applicant.enterprise_type", EnterpriseType,
                                        required=case_type == CaseType.CONNECTION)
        c.forbid(data, "id_number", "applicant.id_number", _l("an enterprise is identified by credit_code"))
        out["legal_representative"] = _person(c, data.get("legal_representative"), "applicant.legal_representative", ref, phone_required=False)
    return out


def _person(c: Checker, data: object, path: str, ref: Reference, *, phone_required: bool) -> dict | None:
    if data is None:
        c.fail(path, ErrorCode.REQUIRED, _l("is required"))
        return None
    data = section(data)
    return {
        "name": c.text(data, "name", f"{path}.name", max_len=100, required=True),
        "phone": c.identifier(data, "phone", f"{path}.phone", identifiers.mobile_number, required=phone_required),
        "id_number": c.identifier(data, "id_number", f"{path}.id_number", _id_number(ref), required=True),
        "subject": c.text(data, "subject", f"{path}.subject", max_len=200),
    }


def _previous_holder(c: Checker, data: object, case_type: str | None, ref: Reference) -> dict | None:
    """原户主: a transfer moves accounts from someone; identified as the applicant is (身份证号 or 统一社会信用代码,
    and the legal representative of an enterprise, whose identity proof the electricity and gas rows ask for)."""
    path = "previous_holder"
    if case_type != CaseType.TRANSFER:
        if data is not None:
            c.fail(path, ErrorCode.INVALID, _l("only a transfer has a previous holder (原户主)"))
        return None
    if data is None:
        c.fail(path, ErrorCode.REQUIRED, _l("a transfer names the previous holder (原户主) of the accounts"))
        return None
    data = section(data)
    kind = c.enum(data, "kind", f"{path}.kind", ApplicantKind, required=True)
    out = {
        "kind": kind,
        "name": c.text(data, "name", f"{path}.name", max_len=200, required=True),
        "phone": c.identifier(data, "phone", f"{path}.phone", identifiers.mobile_number),
    }
    if kind == ApplicantKind.INDIVIDUAL:
        out["id_number"] = c.identifier(data, "id_number", f"{path}.id_number", _id_number(ref), required=True)
        for key in ("credit_code", "legal_representative"):
            c.forbid(data, key, f"{path}.{key}", _l("applies to an enterprise previous holder only"))
    elif kind == ApplicantKind.ENTERPRISE:
        out["credit_code"] = c.identifier(data, "credit_code", f"{path}.credit_code", identifiers.credit_code, required=True)
        c.forbid(data, "id_number", f"{path}.id_number", _l("an enterprise is identified by credit_code"))
        out["legal_representative"] = _person(c, data.get("legal_representative"), f"{path}.legal_representative",
                                              ref, phone_required=False)
    return out


def _contact(c: Checker, data: object) -> dict | None:
    """联系人 / 联系电话 of the 过户 form: whom the utilities call, who need not be the agent (经办人)."""
    if data is None:
        return None
    data = section(data)
    return {
        "name": c.text(data, "name", "contact.name", max_len=100, required=True),
        "phone": c.identifier(data, "phone", "contact.phone", identifiers.phone_number, required=True),
    }


def _intake(c: Checker, data: object) -> dict | None:
    """The accepting unit's boxes (受理单位, 接件人, 受理说明, 受理单位意见); who may fill them is the catalogue's call."""
    if data is None:
        return None
    data = section(data)
    return {
        "accepting_unit": c.text(data, "accepting_unit", "intake.accepting_unit", max_len=200),
        "received_by": c.text(data, "received_by", "intake.received_by", max_len=200),
        "notes": c.text(data, "notes", "intake.notes", max_len=1000),
        "opinion": c.text(data, "opinion", "intake.opinion", max_len=1000),
    }


def _vat_answer(c: Checker, out: dict, case_type: str | None) -> None:
    """需要增值税发票 是/否 is a box the 报装 form asks to tick: an explicit answer, matching the details given."""
    wanted, details = out["vat_invoice_wanted"], out["vat_invoice"]
    if wanted is None and (case_type == CaseType.CONNECTION or details is not None):
        c.fail("vat_invoice_wanted", ErrorCode.REQUIRED, _l("answer whether a VAT invoice is wanted (需要增值税发票 是/否)"))
    elif wanted is True and details is None:
        c.fail("vat_invoice", ErrorCode.REQUIRED, _l("give the invoice details (增值税户名, 联系电话) when one is wanted"))
    elif wanted is False and details is not None:
        c.fail("vat_invoice", ErrorCode.INVALID, _l("no invoice details when vat_invoice_wanted is false"))


def _agent(c: Checker, data: object, ref: Reference) -> dict | None:
    if data is None:
        return None
    return _person(c, data, "agent", ref, phone_required=True)


def _site(c: Checker, data: dict, ref: Reference) -> dict:
    district = c.text(data, "district_code", "site.district_code", max_len=6, required=True)
    if district is not None and district not in ref.districts:
        c.fail("site.district_code", ErrorCode.INVALID, _l("is not a current district or county of Kaifeng (GB/T 2260)"))
    return {
        "address": c.text(data, "address", "site.address", max_len=300, required=True),
        "district_code": district,
        "project_name": c.text(data, "project_name", "site.project_name", max_len=200),
    }


def validate_materials(c: Checker, items: list, ref: Reference, *, path: str) -> list[dict]:
    out = []
    for index, item in enumerate(items):
        item, at = section(item), f"{path}[{index}]"
        type_code = c.text(item, "type_code", f"{at}.type_code", max_len=40, required=True)
        if type_code is not None and type_code not in ref.material_types:
            c.fail(f"{at}.type_code", ErrorCode.INVALID, _l("is not a material type of the catalogue"))
        out.append({
            "type_code": type_code,
            "number": c.text(item, "number", f"{at}.number", max_len=100),
            "holder": c.text(item, "holder", f"{at}.holder", max_len=200),
            "file_ref": c.text(item, "file_ref", f"{at}.file_ref", max_len=500),
            "file": _file(c, item.get("file"), f"{at}.file"),
            "verified": bool(item.get("verified")),
        })
    return out


def _file(c: Checker, data: object, path: str) -> dict | None:
    """An uploaded file, named by the SHA-256 `POST /files` answered (whether it is yours is checked later)."""
    if data is None:
        return None
    digest = c.text(section(data), "sha256", f"{path}.sha256", max_len=200, required=True)
    if digest is not None and not SHA256.fullmatch(digest.lower()):
        c.fail(f"{path}.sha256", ErrorCode.INVALID, _l("is not a SHA-256 (64 hexadecimal digits)"))
        return None
    return {"sha256": digest.lower()} if digest else None


def _vat_invoice(c: Checker, data: object) -> dict | None:
    if data is None:
        return None
    data = section(data)
    return {
        "name": c.text(data, "name", "vat_invoice.name", max_len=200, required=True),
        "phone": c.text(data, "phone", "vat_invoice.phone", max_len=20, required=True),
        "tax_number": c.text(data, "tax_number", "vat_invoice.tax_number", max_len=20),
        "tax_address": c.text(data, "tax_address", "vat_invoice.tax_address", max_len=300),
        "bank": c.text(data, "bank", "vat_invoice.bank", max_len=100),
        "bank_account": c.text(data, "bank_account", "vat_invoice.bank_account", max_len=40),
    }


def _services(c: Checker, data: dict, case_type: str | None, kind: str | None, ref: Reference) -> dict:
    requested = {s: section(data[key]) for s, key in SECTION_KEYS.items() if data.get(key) is not None}
    if not requested:
        c.fail("services", ErrorCode.REQUIRED,
               _l("ask for at least one service (water, electricity, gas, heating or telecom)"))
        return {}
    out = {}
    for service, form in requested.items():
        key = SECTION_KEYS[service]
        if case_type == CaseType.TRANSFER:
            if service not in TRANSFER_SERVICES:
                c.fail(key, ErrorCode.INVALID, _l("a transfer covers water, electricity, gas and heating only"))
                continue
            out[service] = {"account_number": c.text(form, "account_number", f"{key}.account_number", max_len=40, required=True)}
        elif case_type == CaseType.CONNECTION:
            out[service] = CONNECTION_SECTIONS[service](c, form, key, kind, ref)
            c.forbid(form, "account_number", f"{key}.account_number", _l("a new connection has no existing account number"))
    return out


def _water(c: Checker, f: dict, p: str, kind: str | None, ref: Reference) -> dict:
    enterprise = kind == ApplicantKind.ENTERPRISE
    return {
        "nature": c.enum(f, "nature", f"{p}.nature", forms.WaterNature, required=True),
        "category": c.enum(f, "category", f"{p}.category", forms.WaterCategory, required=True),
        "supply_mode": c.enum(f, "supply_mode", f"{p}.supply_mode", forms.WaterSupplyMode, required=enterprise),
        "user_category": c.enum(f, "user_category", f"{p}.user_category", forms.WaterUserCategory, required=enterprise),
    }


def _electricity(c: Checker, f: dict, p: str, kind: str | None, ref: Reference) -> dict:
    voltage = c.enum(f, "voltage", f"{p}.voltage", forms.Voltage) or forms.Voltage.LOW.value
    if voltage == forms.Voltage.HIGH and kind == ApplicantKind.INDIVIDUAL:
        c.fail(f"{p}.voltage", ErrorCode.INVALID, _l("high-voltage supply is applied for by enterprises"))
    low = voltage == forms.Voltage.LOW
    if not low:
        c.forbid(f, "capacity_kw", f"{p}.capacity_kw", _l("high voltage states the first and second source capacities "
                 "in kVA (first_source_requested_kva …), not the low-voltage 申请容量 in kW"))
    out = {
        "voltage": voltage,
        "business_type": c.enum(f, "business_type", f"{p}.business_type", forms.ElectricityBusinessType, required=True),
        "capacity_kw": c.number(f, "capacity_kw", f"{p}.capacity_kw", minimum=0, maximum=MAX_KW,
                                exclusive_minimum=True, required=True) if low else None,
        "supply_mode": c.enum(f, "supply_mode", f"{p}.supply_mode", forms.ElectricitySupplyMode),
        "external_line_works": bool(f.get("external_line_works")) if low else None,
    }
    if not low:
        out.update(_high_voltage(c, f, p))
    return out


def _high_voltage(c: Checker, f: dict, p: str) -> dict:
    own = f.get("own_power_source")
    if own is None:
        c.fail(f"{p}.own_power_source", ErrorCode.REQUIRED, _l("is required for high voltage"))
    if f.get("non_linear_load") is None:
        c.fail(f"{p}.non_linear_load", ErrorCode.REQUIRED, _l("is required for high voltage"))
    kva = partial(c.number, f, minimum=0, maximum=MAX_KW)
    return {
        "user_category": c.enum(f, "user_category", f"{p}.user_category", forms.ElectricityUserCategory, required=True),
        "own_power_source": own,
        "own_power_capacity_kw": c.number(f, "own_power_capacity_kw", f"{p}.own_power_capacity_kw", minimum=0, maximum=MAX_KW, exclusive_minimum=True, required=bool(own)),
        "non_linear_load": f.get("non_linear_load"),
        "first_source_existing_kva": kva("first_source_existing_kva", f"{p}.first_source_existing_kva"),
        "first_source_requested_kva": kva("first_source_requested_kva", f"{p}.first_source_requested_kva", required=True),
        "second_source_existing_kva": kva("second_source_existing_kva", f"{p}.second_source_existing_kva"),
        "second_source_requested_kva": kva("second_source_requested_kva", f"{p}.second_source_requested_kva"),
    }


def _gas(c: Checker, f: dict, p: str, kind: str | None, ref: Reference) -> dict:
    return {
        "households": c.number(f, "households", f"{p}.households", minimum=1, maximum=100_000, integer=True, required=True),
        "hourly_m3": c.number(f, "hourly_m3", f"{p}.hourly_m3", minimum=0, maximum=MAX_M3_PER_HOUR, exclusive_minimum=True, required=True),
        "project_description": c.text(f, "project_description", f"{p}.project_description", max_len=1000),
    }


def _heating(c: Checker, f: dict, p: str, kind: str | None, ref: Reference) -> dict:
    loads = []
    for index, load in enumerate(f.get("loads") or []):
        load, at = section(load), f"{p}.loads[{index}]"
        loads.append({
            "use": c.enum(load, "use", f"{at}.use", forms.HeatingUse, required=True),
            "area_m2": c.number(load, "area_m2", f"{at}.area_m2", minimum=0, maximum=MAX_AREA_M2, exclusive_minimum=True, required=True),
            "medium_parameters": c.text(load, "medium_parameters", f"{at}.medium_parameters", max_len=100),
            "load_kw": c.number(load, "load_kw", f"{at}.load_kw", minimum=0, maximum=MAX_KW),
        })
    start = c.day(f, "start_date", f"{p}.start_date", earliest=ref.today - timedelta(days=366),
                  latest=ref.today + timedelta(days=5 * 366), required=True)
    return {
        "start_date": start.isoformat() if start else None,
        "system_type": c.enum(f, "system_type", f"{p}.system_type", forms.HeatingSystemType, required=True),
        "loads": loads,
    }


def _telecom(c: Checker, f: dict, p: str, kind: str | None, ref: Reference) -> dict:
    products = []
    raw = f.get("product_types") or []
    if not raw:
        c.fail(f"{p}.product_types", ErrorCode.REQUIRED, _l("choose at least one product"))
    for index, value in enumerate(raw):
        product = c.enum({"v": value}, "v", f"{p}.product_types[{index}]", forms.TelecomProduct, required=True)
        if product and product not in products:
            products.append(product)
    wired = {forms.TelecomProduct.BROADBAND, forms.TelecomProduct.FIXED_LINE} & set(products)
    return {
        "product_types": products,
        "other_description": c.text(f, "other_description", f"{p}.other_description", max_len=300,
                                    required=forms.TelecomProduct.OTHER in products),
        "install_address": c.text(f, "install_address", f"{p}.install_address", max_len=300, required=bool(wired)),
        "other_requirements": c.text(f, "other_requirements", f"{p}.other_requirements", max_len=1000),  # 其他要求
    }


CONNECTION_SECTIONS = {
    Service.WATER: _water,
    Service.ELECTRICITY: _electricity,
    Service.GAS: _gas,
    Service.HEATING: _heating,
    Service.TELECOM: _telecom,
}
