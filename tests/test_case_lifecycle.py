"""Whole lives of cases, from submission to completion, as clerks and utilities see them."""

from hub.enums import Role
from tests import operations as ops
from tests.factories import enterprise_connection, individual_transfer
from tests.steps import by_service, finish, move, submit


async def test_five_service_enterprise_connection_runs_to_completion(clerk, utilities):
    case = await submit(clerk, enterprise_connection())
    assert case["status"] == "SUBMITTED"
    assert case["number"].startswith("KF")
    routed = {a["service"]: a["organisationCode"] for a in case["assignments"]}
    assert routed == {"WATER": "KF-WATER", "ELECTRICITY": "KF-POWER", "GAS": "KF-GAS",
                      "HEATING": "KF-HEAT", "TELECOM": "KF-TELECOM"}
    assert case["electricity"]["voltage"] == "HIGH" and case["electricity"]["firstSourceRequestedKva"] == 1000
    assert case["heating"]["loads"] == [{"use": "INDUSTRIAL", "areaM2": 3200.0, "loadKw": 420.0}]
    assert case["telecom"]["productTypes"] == ["BROADBAND", "FIXED_LINE"]
    assert case["vatInvoice"]["name"] == "开封市宋都食品有限公司"
    assert case["agent"]["name"] == "王芳"
    assert all(m["verifiedBy"] == "clerk-wang" for m in case["materials"])

    assignments = by_service(case)
    telecom = assignments["TELECOM"]["materials"]
    assert telecom["requiredAtApplication"] is False and "报装时不需出具，正式办理时提供" in telecom["notes"]

    for service, assignment in assignments.items():
        done = await finish(utilities[service], assignment, account=f"NEW-{service}")
        assert done["status"] == "COMPLETED" and done["result"]["accountNumber"] == f"NEW-{service}"

    final = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]
    assert final["status"] == "COMPLETED"
    assert final["completedAt"] == max(a["finishedAt"] for a in final["assignments"])
    assert final["version"] > case["version"]


async def test_four_service_individual_transfer_runs_to_completion(clerk, utilities, as_role):
    data = individual_transfer()
    data["applicant"]["subject"] = "citizen-zhang"
    case = await submit(clerk, data)
    assignments = by_service(case)
    assert set(assignments) == {"WATER", "ELECTRICITY", "GAS", "HEATING"}
    assert assignments["ELECTRICITY"]["accountNumber"] == data["electricity"]["accountNumber"]
    assert all(a["materials"]["complete"] for a in assignments.values()), assignments

    applicant = as_role(Role.APPLICANT, None, "citizen-zhang")
    mine = (await applicant.run(ops.CASE_BY_NUMBER, {"n": case["number"]}))["caseByNumber"]
    assert mine["status"] == "SUBMITTED"

    statuses = []
    for service, assignment in assignments.items():
        await finish(utilities[service], assignment, account=assignment["accountNumber"])
        statuses.append((await applicant.run(ops.CASE_BY_NUMBER, {"n": case["number"]}))["caseByNumber"]["status"])
    assert statuses == ["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]


async def test_materials_request_then_supplement_resumes_the_assignment(clerk, utilities):
    data = individual_transfer(water={"accountNumber": "W-1"}, electricity=None, gas=None, heating=None)
    data["materials"] = [{"typeCode": "RESIDENT_ID_CARD", "verified": True}]
    case = await submit(clerk, data)
    water = by_service(case)["WATER"]
    assert water["materials"]["complete"] is False
    assert [g["code"] for g in water["materials"]["missingGroups"]] == ["PROPERTY_PROOF"]

    water = await move(utilities["WATER"], ops.ACKNOWLEDGE, water)
    water = await move(utilities["WATER"], ops.REQUEST_MATERIALS, water, reason="请补充不动产产权证书")
    assert water["status"] == "NEEDS_MATERIALS" and water["reason"] == "请补充不动产产权证书"
    current = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]
    assert current["status"] == "NEEDS_MATERIALS"

    added = (await clerk.run(ops.ADD_MATERIALS, {"input": {
        "caseId": case["id"], "expectedVersion": current["version"],
        "materials": [{"typeCode": "PURCHASE_INVOICE", "verified": True}]}}))["addMaterials"]
    assert added["errors"] == []
    resumed = by_service(added["case"])["WATER"]
    assert resumed["status"] == "RECEIVED" and resumed["materials"] == {"complete": True, "missingGroups": []}
    assert added["case"]["status"] == "IN_PROGRESS"

    water = await move(utilities["WATER"], ops.ACCEPT, resumed)
    water = await move(utilities["WATER"], ops.COMPLETE, water, result={"accountNumber": "W-1"})
    assert (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]["status"] == "COMPLETED"


async def test_rejection_and_completion_make_a_partially_completed_case(clerk, utilities):
    case = await submit(clerk, individual_transfer(gas=None, heating=None))
    assignments = by_service(case)
    await finish(utilities["WATER"], assignments["WATER"], account="W-100231")
    rejected = await move(utilities["ELECTRICITY"], ops.REJECT, assignments["ELECTRICITY"], reason="户号与产权人不符")
    assert rejected["status"] == "REJECTED" and rejected["reason"] == "户号与产权人不符"
    final = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]
    assert final["status"] == "PARTIALLY_COMPLETED" and final["completedAt"] is not None
