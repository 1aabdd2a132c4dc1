"""The seed's forms as they are: the previous holder beside the new one, the contact, each free-text box on its own,
the accepting unit's boxes, nothing asked that the form does not ask, and the gas transfer's precondition."""

from datetime import date, datetime, timedelta

import pytest

from hub.enums import Role
from tests import operations as ops
from tests.factories import (
    AGENT_ID, PREVIOUS_ENTERPRISE, PREVIOUS_LEGAL_REP_ID, SELLER_ID, enterprise_connection, enterprise_power_transfer,
    individual_connection, individual_transfer,
)
from tests.steps import KAIFENG, by_service, confirm_preconditions, move, submit, submit_errors, write

FORM = """query ($id: ID!) { case(id: $id) {
  note vatInvoiceWanted
  applicant { name enterpriseType }
  previousHolder { kind name phone idNumber creditCode legalRepresentative { name phone idNumber } }
  agent { name phone }
  contact { name phone }
  intake { acceptingUnit receivedBy notes opinion }
  electricity { voltage capacityKw firstSourceRequestedKva secondSourceRequestedKva }
  telecom { productTypes otherRequirements }
  vatInvoice { name }
  assignments { id service version materials { complete missingGroups { code } } }
} }"""
AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 100) {
  edges { node { kind subject items } } } }"""
SELLER_PHONE = "13512345678"


def miskeyed(number: str) -> str:
    """The same number with a wrong check character."""
    return number[:17] + ("1" if number[17] != "1" else "2")


def id_masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


async def read(client, case_id: str) -> dict:  # type: ignore[no-untyped-def]
    return (await client.run(FORM, {"id": case_id}))["case"]


def fields_of(errors: list[dict]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in errors}


# --- 原户主 ---------------------------------------------------------------------------------------------------------

async def test_previous_holder_is_recorded_and_masked_per_role(clerk, as_role):
    data = individual_transfer(water=None, gas=None, heating=None)
    data["previousHolder"]["phone"] = SELLER_PHONE
    data["applicant"]["subject"] = "citizen-seed-1"
    case = await submit(clerk, data)
    full = {"kind": "INDIVIDUAL", "name": "刘秀英", "phone": SELLER_PHONE, "idNumber": SELLER_ID, "creditCode": None,
            "legalRepresentative": None}
    assert (await read(clerk, case["id"]))["previousHolder"] == full
    assert (await read(as_role(Role.APPLICANT, None, "citizen-seed-1"), case["id"]))["previousHolder"] == full

    power = as_role(Role.UTILITY, "KF-POWER", "power-desk-seed")
    assert (await read(power, case["id"]))["previousHolder"] == {
        **full, "phone": "135****5678", "idNumber": id_masked(SELLER_ID)}
    supervisor = as_role(Role.SUPERVISOR, "KF-CGJ")
    assert (await read(supervisor, case["id"]))["previousHolder"] == {
        **full, "name": "刘**", "phone": "135****5678", "idNumber": id_masked(SELLER_ID)}

    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    records = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"caseId": case["id"]}}))["auditRecords"]["edges"]]
    power_reads = [r for r in records if r["kind"] == "READ" and r["subject"] == "power-desk-seed"]
    assert power_reads and {"PreviousHolder.idNumber", "PreviousHolder.phone"} <= set(power_reads[0]["items"])


async def test_enterprise_previous_holder_with_its_legal_representative(clerk, as_role):
    case = await submit(clerk, enterprise_power_transfer())
    seen = (await read(as_role(Role.UTILITY, "KF-POWER"), case["id"]))["previousHolder"]
    assert seen == {"kind": "ENTERPRISE", "name": "开封市汴梁纺织有限公司", "phone": None, "idNumber": None,
                    "creditCode": PREVIOUS_ENTERPRISE, "legalRepresentative": {
                        "name": "赵刚", "phone": "136****2222", "idNumber": id_masked(PREVIOUS_LEGAL_REP_ID)}}


async def test_previous_holder_is_validated_like_the_applicant(clerk):
    missing = individual_transfer(previousHolder=None)
    assert fields_of(await submit_errors(clerk, missing)) == {"previousHolder": "REQUIRED"}
    wrong = individual_transfer()
    wrong["previousHolder"] = {"kind": "INDIVIDUAL", "name": "刘秀英", "idNumber": miskeyed(SELLER_ID),
                               "phone": "12345"}
    assert fields_of(await submit_errors(clerk, wrong)) == {"previousHolder.idNumber": "INVALID",
                                                            "previousHolder.phone": "INVALID"}
    company = enterprise_power_transfer()
    company["previousHolder"] = {"kind": "ENTERPRISE", "name": "汴梁纺织", "creditCode": miskeyed(PREVIOUS_ENTERPRISE),
                                 "idNumber": SELLER_ID}
    assert fields_of(await submit_errors(clerk, company)) == {
        "previousHolder.creditCode": "INVALID", "previousHolder.idNumber": "INVALID",
        "previousHolder.legalRepresentative": "REQUIRED"}
    connection = individual_connection(water={"nature": "RESIDENTIAL", "category": "NEW"},
                                       previousHolder={"kind": "INDIVIDUAL", "name": "刘秀英", "idNumber": SELLER_ID})
    assert fields_of(await submit_errors(clerk, connection)) == {"previousHolder": "INVALID"}


async def test_enterprise_power_transfer_needs_both_legal_representatives_proofs_but_no_enterprise_type(clerk):
    case = await submit(clerk, enterprise_power_transfer())
    seen = await read(clerk, case["id"])
    assert seen["applicant"]["enterpriseType"] is None
    power = by_service(seen)["ELECTRICITY"]
    assert power["materials"] == {"complete": False, "missingGroups": [{"code": "IDENTITY_PROOF"}]}
    added = (await clerk.run(ops.ADD_MATERIALS, {"input": {
        "caseId": case["id"], "expectedVersion": case["version"],
        "materials": [{"typeCode": "PREVIOUS_LEGAL_REP_ID", "number": PREVIOUS_LEGAL_REP_ID, "verified": True}]}}))
    assert by_service(added["addMaterials"]["case"])["ELECTRICITY"]["materials"] == {"complete": True, "missingGroups": []}


async def test_a_connection_still_asks_the_enterprise_type(clerk):
    data = enterprise_connection()
    del data["applicant"]["enterpriseType"]
    assert fields_of(await submit_errors(clerk, data)) == {"applicant.enterpriseType": "REQUIRED"}


# --- 联系人, 过户说明, 受理说明, 受理单位意见, 其他要求 -------------------------------------------------------------------

async def test_contact_is_its_own_person_beside_the_agent(clerk, as_role):
    data = individual_transfer(water=None, gas=None, heating=None,
                               agent={"name": "王芳", "phone": "13600136000", "idNumber": AGENT_ID},
                               contact={"name": "陈静", "phone": "0371-23456789"})
    case = await submit(clerk, data)
    seen = await read(clerk, case["id"])
    assert (seen["agent"], seen["contact"]) == ({"name": "王芳", "phone": "13600136000"},
                                                {"name": "陈静", "phone": "037123456789"})
    assert (await read(as_role(Role.UTILITY, "KF-POWER"), case["id"]))["contact"] == seen["contact"]
    assert (await read(as_role(Role.SUPERVISOR, "KF-CGJ"), case["id"]))["contact"] == {"name": "陈*", "phone": "037*****6789"}
    bad = individual_transfer(contact={"name": " ", "phone": "not a number"})
    assert fields_of(await submit_errors(clerk, bad)) == {"contact.name": "REQUIRED", "contact.phone": "INVALID"}


async def test_each_note_is_its_own_field_and_telecom_reads_its_other_requirements(clerk, utilities, as_role):
    transfer = await submit(clerk, individual_transfer(
        water=None, gas=None, heating=None, note="继承取得，原户主已故",
        intake={"acceptingUnit": "开封市民之家二楼一件事一次办专区 3 号窗口", "receivedBy": "王丽",
                "notes": "原件已核验", "opinion": "同意过户"}))
    power_view = await read(utilities["ELECTRICITY"], transfer["id"])
    assert power_view["note"] == "继承取得，原户主已故"
    assert power_view["intake"] == {"acceptingUnit": "开封市民之家二楼一件事一次办专区 3 号窗口", "receivedBy": "王丽",
                                    "notes": "原件已核验", "opinion": "同意过户"}

    connection = await submit(clerk, enterprise_connection(
        note="厂区北门进出", telecom={"productTypes": ["BROADBAND"], "installAddress": "开封市祥符区工业园 8 号办公楼",
                                    "otherRequirements": "需 1000M 专线，周末施工"}))
    telecom_view = await read(utilities["TELECOM"], connection["id"])
    assert telecom_view["telecom"]["otherRequirements"] == "需 1000M 专线，周末施工"
    assert telecom_view["note"] is None  # the applicant's explanation is not telecom's to read
    assert (await read(clerk, connection["id"]))["telecom"]["otherRequirements"] == "需 1000M 专线，周末施工"
    assert (await read(as_role(Role.SUPERVISOR, "KF-CGJ"), connection["id"]))["telecom"] == {
        "productTypes": ["BROADBAND"], "otherRequirements": None}
    assert (await read(utilities["WATER"], connection["id"]))["telecom"] is None


async def test_accepting_unit_and_receiver_are_on_the_case_per_catalogue(clerk, as_role):
    data = individual_transfer(water=None, gas=None, heating=None)
    data["applicant"]["subject"] = "citizen-seed-2"
    case = await submit(clerk, data)
    taken = {"acceptingUnit": "开封市政务服务和大数据管理局", "receivedBy": "clerk-wang", "notes": None, "opinion": None}
    assert (await read(clerk, case["id"]))["intake"] == taken
    assert (await read(as_role(Role.APPLICANT, None, "citizen-seed-2"), case["id"]))["intake"] == taken
    assert (await read(as_role(Role.UTILITY, "KF-POWER"), case["id"]))["intake"] == taken

    noted = await submit(clerk, individual_transfer(water=None, gas=None, heating=None,
                                                    intake={"notes": "原户主到场签字", "opinion": "同意"}))
    supervised = (await read(as_role(Role.SUPERVISOR, "KF-CGJ"), noted["id"]))["intake"]
    assert supervised == {"acceptingUnit": "开封市政务服务和大数据管理局", "receivedBy": "clerk-wang",
                          "notes": None, "opinion": None}


async def test_the_applicant_cannot_fill_the_accepting_units_boxes(as_role):
    applicant = as_role(Role.APPLICANT, None, "citizen-seed-3")
    data = individual_transfer(channel="MOBILE_APP", intake={"opinion": "同意"})
    data["materials"] = [{k: v for k, v in m.items() if k != "verified"} for m in data["materials"]]
    [error] = await submit_errors(applicant, data)
    assert error["code"] == "FORBIDDEN" and "Intake.opinion" in error["message"]
    case = await submit(applicant, {**data, "intake": None})
    assert (await read(applicant, case["id"]))["intake"] is None


# --- what the form does not ask -------------------------------------------------------------------------------------

async def test_high_voltage_takes_kva_source_capacities_not_kw(clerk):
    case = await submit(clerk, enterprise_connection())
    assert (await read(clerk, case["id"]))["electricity"] == {
        "voltage": "HIGH", "capacityKw": None, "firstSourceRequestedKva": 1000.0, "secondSourceRequestedKva": None}
    with_kw = enterprise_connection()
    with_kw["electricity"]["capacityKw"] = 800
    [error] = await submit_errors(clerk, with_kw)
    assert (error["field"], error["code"]) == ("electricity.capacityKw", "INVALID") and "kVA" in error["message"]
    low = enterprise_connection(electricity={"voltage": "LOW", "businessType": "NEW"})
    assert fields_of(await submit_errors(clerk, low)) == {"electricity.capacityKw": "REQUIRED"}


@pytest.mark.parametrize(("answer", "details", "expected"), [
    (None, None, {"vatInvoiceWanted": "REQUIRED"}),
    (True, None, {"vatInvoice": "REQUIRED"}),
    (False, {"name": "张伟", "phone": "13800138000"}, {"vatInvoice": "INVALID"}),
])
async def test_the_vat_invoice_answer_is_explicit(clerk, answer, details, expected):
    data = individual_connection(water={"nature": "RESIDENTIAL", "category": "NEW"}, vatInvoiceWanted=answer,
                                 vatInvoice=details)
    assert fields_of(await submit_errors(clerk, data)) == expected


async def test_no_invoice_is_an_answer_too(clerk):
    case = await submit(clerk, individual_connection(water={"nature": "RESIDENTIAL", "category": "NEW"},
                                                     vatInvoiceWanted=False))
    seen = await read(clerk, case["id"])
    assert (seen["vatInvoiceWanted"], seen["vatInvoice"]) == (False, None)


# --- 需安检完毕，结清所有费用 -------------------------------------------------------------------------------------------

async def test_gas_transfer_completes_only_once_the_gas_company_confirms_its_precondition(clerk, utilities):
    gas_bot = utilities["GAS"]
    case = await submit(clerk, individual_transfer(water=None, electricity=None, heating=None))
    gas = await move(gas_bot, ops.ACCEPT, await move(gas_bot, ops.ACKNOWLEDGE, by_service(case)["GAS"]))
    state = (await gas_bot.run(ops.PRECONDITIONS, {"id": gas["id"]}))["node"]
    assert [(p["code"], p["met"]) for p in state["preconditions"]] == [("GAS_SAFETY_CHECK_DONE", False),
                                                                      ("GAS_FEES_SETTLED", False)]

    refused = await write(gas_bot, ops.COMPLETE, assignmentId=gas["id"], expectedVersion=gas["version"],
                          result={"accountNumber": "G-NEW-7"})
    assert refused["assignment"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("preconditions", "PRECONDITION_NOT_MET")]
    assert "GAS_SAFETY_CHECK_DONE" in refused["errors"][0]["message"]

    day = datetime.fromisoformat(state["updatedAt"]).astimezone(KAIFENG).date().isoformat()
    version_before = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]["version"]
    checked = await move(gas_bot, ops.CONFIRM_PRECONDITIONS, gas,
                         preconditions=[{"code": "GAS_SAFETY_CHECK_DONE", "on": day}])
    # the case moved too (a client holding its version must reload before writing to it)
    assert (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]["version"] == version_before + 1
    still = await write(gas_bot, ops.COMPLETE, assignmentId=gas["id"], expectedVersion=checked["version"],
                        result={"accountNumber": "G-NEW-7"})
    assert [(e["field"], e["code"]) for e in still["errors"]] == [("preconditions", "PRECONDITION_NOT_MET")]
    assert "GAS_FEES_SETTLED" in still["errors"][0]["message"] and "GAS_SAFETY" not in still["errors"][0]["message"]

    settled = await confirm_preconditions(gas_bot, checked)
    done = await move(gas_bot, ops.COMPLETE, settled, result={"accountNumber": "G-NEW-7"})
    assert done["status"] == "COMPLETED"
    confirmed = (await clerk.run(ops.PRECONDITIONS, {"id": gas["id"]}))["node"]["preconditions"]
    assert [(p["code"], p["met"], p["on"], p["confirmedBy"]) for p in confirmed] == [
        ("GAS_SAFETY_CHECK_DONE", True, day, "operator-kf-gas"), ("GAS_FEES_SETTLED", True, day, "operator-kf-gas")]


async def test_preconditions_are_confirmed_by_the_gas_company_with_a_real_day(clerk, utilities):
    case = await submit(clerk, individual_transfer(electricity=None, heating=None))
    gas, water = by_service(case)["GAS"], by_service(case)["WATER"]
    future, lately = (date.today() + timedelta(days=30)).isoformat(), (date.today() - timedelta(days=3)).isoformat()
    wrong = await write(utilities["GAS"], ops.CONFIRM_PRECONDITIONS, assignmentId=gas["id"],
                        expectedVersion=gas["version"], preconditions=[
                            {"code": "GAS_SAFETY_CHECK_DONE", "on": future}, {"code": "METER_SEALED", "on": lately}])
    assert fields_of(wrong["errors"]) == {"preconditions[0].on": "OUT_OF_RANGE", "preconditions[1].code": "INVALID"}
    other = await write(utilities["WATER"], ops.CONFIRM_PRECONDITIONS, assignmentId=gas["id"],
                        expectedVersion=gas["version"], preconditions=[{"code": "GAS_FEES_SETTLED", "on": lately}])
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    none = await write(utilities["WATER"], ops.CONFIRM_PRECONDITIONS, assignmentId=water["id"],
                       expectedVersion=water["version"], preconditions=[{"code": "GAS_FEES_SETTLED", "on": lately}])
    assert fields_of(none["errors"]) == {"preconditions[0].code": "INVALID"}
    assert "it has none" in none["errors"][0]["message"]
