"""材料齐全即时办理: an assignment with incomplete materials is completed only by a stated, audited override."""

from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.steps import by_service, confirm_preconditions, move, submit, write

AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 50) {
  edges { node { kind operation items outcome reason } } } }"""
ASSIGNMENT = """query ($id: ID!) { node(id: $id) { ... on Assignment {
  status version result { accountNumber } materials { complete }
  materialsOverride { reason overriddenBy overriddenAt } } } }"""
COMPLETE = """mutation ($input: CompleteAssignmentInput!) { completeAssignment(input: $input) {
  assignment { id status version materialsOverride { reason overriddenBy } } errors { field code message } } }"""


def without_property_proof() -> dict:
    """A gas transfer that lacks the property certificate (房产证及房主身份证复印件 is ALL_OF)."""
    data = individual_transfer(water=None, electricity=None, heating=None)
    data["materials"] = [m for m in data["materials"] if m["typeCode"] != "PROPERTY_CERTIFICATE"]
    return data


async def _accepted(clerk, gas_bot, data: dict) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    case = await submit(clerk, data)
    gas = by_service(case)["GAS"]
    gas = await move(gas_bot, ops.ACKNOWLEDGE, gas)
    return case, await confirm_preconditions(gas_bot, await move(gas_bot, ops.ACCEPT, gas))


async def test_incomplete_materials_refuse_completion_and_write_nothing(clerk, as_role):
    gas_bot = as_role(Role.UTILITY, "KF-GAS")
    case, gas = await _accepted(clerk, gas_bot, without_property_proof())
    payload = await write(gas_bot, COMPLETE, assignmentId=gas["id"], expectedVersion=gas["version"],
                          result={"accountNumber": "G-NEW-1"})
    assert payload["assignment"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("input", "INVALID")
    assert "房产证及房主身份证复印件" in error["message"] and "overrideIncompleteMaterials" in error["message"]
    now = (await gas_bot.run(ASSIGNMENT, {"id": gas["id"]}))["node"]
    assert (now["status"], now["version"], now["result"], now["materialsOverride"]) == ("ACCEPTED", gas["version"], None, None)
    case_now = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]
    assert case_now["status"] != "COMPLETED"


async def test_override_completes_and_is_recorded_in_the_audit_and_on_the_assignment(clerk, as_role):
    gas_bot = as_role(Role.UTILITY, "KF-GAS", "gas-desk-7")
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    case, gas = await _accepted(clerk, gas_bot, without_property_proof())
    reason = "房产证原件已在营业厅核验，复印件次日补交"
    payload = await write(gas_bot, COMPLETE, assignmentId=gas["id"], expectedVersion=gas["version"],
                          result={"accountNumber": "G-NEW-2"}, overrideIncompleteMaterials={"reason": reason})
    assert payload["errors"] == []
    assert payload["assignment"]["status"] == "COMPLETED"
    assert payload["assignment"]["materialsOverride"] == {"reason": reason, "overriddenBy": "gas-desk-7"}
    seen_by_clerk = (await clerk.run(ASSIGNMENT, {"id": gas["id"]}))["node"]
    assert seen_by_clerk["materialsOverride"]["reason"] == reason
    assert seen_by_clerk["materials"]["complete"] is False
    records = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"caseId": case["id"]}}))["auditRecords"]["edges"]]
    completion = [r for r in records if r["operation"] == "completeAssignment" and r["outcome"] == "OK"]
    assert completion == [{"kind": "WRITE", "operation": "completeAssignment", "items": ["Assignment.materialsOverride"],
                           "outcome": "OK", "reason": reason}]


async def test_override_needs_a_reason_and_is_refused_when_nothing_is_missing(clerk, as_role):
    gas_bot = as_role(Role.UTILITY, "KF-GAS")
    _, gas = await _accepted(clerk, gas_bot, without_property_proof())
    blank = await write(gas_bot, COMPLETE, assignmentId=gas["id"], expectedVersion=gas["version"],
                        result={"accountNumber": "G-1"}, overrideIncompleteMaterials={"reason": "  "})
    assert blank["errors"] == [{"field": "overrideIncompleteMaterials.reason", "code": "REQUIRED", "message": "is required"}]
    _, complete = await _accepted(clerk, gas_bot, individual_transfer(water=None, electricity=None, heating=None))
    needless = await write(gas_bot, COMPLETE, assignmentId=complete["id"], expectedVersion=complete["version"],
                           result={"accountNumber": "G-2"}, overrideIncompleteMaterials={"reason": "以防万一"})
    assert [(e["field"], e["code"]) for e in needless["errors"]] == [("overrideIncompleteMaterials", "INVALID")]
    assert needless["assignment"] is None


async def test_materials_added_later_let_the_assignment_complete(clerk, as_role):
    gas_bot = as_role(Role.UTILITY, "KF-GAS")
    case, gas = await _accepted(clerk, gas_bot, without_property_proof())
    added = (await clerk.run(ops.ADD_MATERIALS, {"input": {
        "caseId": case["id"], "expectedVersion": (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]["version"],
        "materials": [{"typeCode": "PROPERTY_CERTIFICATE", "number": "豫(2024)开封市不动产权第0099999号", "verified": True}]}}))
    assert added["addMaterials"]["errors"] == []
    gas = by_service(added["addMaterials"]["case"])["GAS"]
    done = await move(gas_bot, COMPLETE, gas, result={"accountNumber": "G-NEW-3"})
    assert done["status"] == "COMPLETED" and done["materialsOverride"] is None
