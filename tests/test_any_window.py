"""无差别受理: a clerk at any window or hall finds a case taken at another organisation's window and adds materials
to it; the search is audited, the results masked per the catalogue, and no other role may search."""

import os
import random
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import create_async_engine
from strawberry import relay

from hub.cases.models import CaseSearchKey
from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer, resident_id, unique
from tests.steps import submit

SEARCH = """query FindCase($by: CaseSearchInput!, $first: Int, $after: String) {
  searchCases(by: $by, first: $first, after: $after) {
    edges { cursor node { id number status version channel
      applicant { kind name phone idNumber } agent { name phone idNumber } site { address districtCode }
      materials { typeCode number holder verifiedBy }
      assignments { service status reason accountNumber materials { complete missingGroups { code } } }
      note water { accountNumber } } }
    pageInfo { hasNextPage endCursor } } }"""
AUDIT = """query ($filter: AuditFilterInput) { auditRecords(filter: $filter, first: 100) {
  edges { node { kind operation subject organisation items grants outcome caseId reason } } } }"""
MATERIALS = "query ($id: ID!) { case(id: $id) { version materials { typeCode holder verifiedBy } } }"


def person() -> dict:
    """A resident whose ID number and phone no other case of the run has."""
    digits = f"{random.randrange(10**3):03d}"
    return {"idNumber": resident_id(f"41020419900101{digits}"), "phone": f"139{random.randrange(10**8):08d}",
            "address": f"开封市鼓楼区书店街 {unique('')} 号 2 单元 301"}


def taken_at_a(who: dict, **changes) -> dict:  # type: ignore[no-untyped-def]
    """A water and electricity transfer, the property proof still missing (so a utility asks for 补正)."""
    data = individual_transfer(gas=None, heating=None, **changes)
    data["applicant"].update(idNumber=who["idNumber"], phone=who["phone"])
    data["site"]["address"] = who["address"]
    data["materials"] = [{"typeCode": "RESIDENT_ID_CARD", "number": who["idNumber"], "holder": "张伟", "verified": True}]
    return data


@pytest.fixture(scope="module")
def clerk_a(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.CLERK, "KF-DATA", "clerk-centre-li")  # 市民之家


@pytest.fixture(scope="module")
def clerk_b(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.CLERK, "KF-WATER", "clerk-hall-zhou")  # the water company's business hall


async def _found(clerk, by: dict) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e["node"] for e in (await clerk.run(SEARCH, {"by": by}))["searchCases"]["edges"]]


async def test_a_clerk_at_another_organisation_finds_the_case_by_each_key_and_adds_materials(clerk_a, clerk_b):
    who = person()
    case = await submit(clerk_a, taken_at_a(who))
    assert (await clerk_b.run(ops.CASE_BY_NUMBER, {"n": case["number"]}))["caseByNumber"] is None  # not listed
    tail = who["address"].split("书店街")[1]
    for by in ({"caseNumber": case["number"].lower()}, {"idNumber": who["idNumber"]}, {"phone": f"+86 {who['phone']}"},
               {"address": "书店街" + tail.replace(" ", "")}, {"address": tail.translate(FULL_WIDTH)}):
        found = await _found(clerk_b, by)
        assert [c["number"] for c in found] == [case["number"]], by

    found = (await _found(clerk_b, {"idNumber": who["idNumber"]}))[0]
    added = (await clerk_b.run(ops.ADD_MATERIALS, {"input": {
        "caseId": found["id"], "expectedVersion": found["version"],
        "materials": [{"typeCode": "PROPERTY_CERTIFICATE", "number": "豫(2026)开封市不动产权第0077001号",
                       "holder": "张伟", "verified": True}]}}))["addMaterials"]
    assert added["errors"] == []
    assert added["case"]["version"] == found["version"] + 1
    assert all(a["materials"]["complete"] for a in added["case"]["assignments"])
    at_a = (await clerk_a.run(MATERIALS, {"id": case["id"]}))["case"]
    assert ("PROPERTY_CERTIFICATE", "clerk-hall-zhou") in {(m["typeCode"], m["verifiedBy"]) for m in at_a["materials"]}


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


async def test_another_windows_case_is_shown_masked_as_the_catalogue_grants(clerk_a, clerk_b):
    who = person()
    case = await submit(clerk_a, taken_at_a(who, agent={"name": "王芳", "phone": "13600136000",
                                                        "idNumber": resident_id("41022119920715004")}))
    shown = (await _found(clerk_b, {"phone": who["phone"]}))[0]
    applicant = shown["applicant"]
    assert applicant["name"] == "张*"
    assert applicant["idNumber"] == who["idNumber"][:6] + "*" * 8 + who["idNumber"][-4:]
    assert applicant["phone"] == who["phone"][:3] + "****" + who["phone"][-4:]
    assert shown["agent"]["name"] == "王*" and shown["agent"]["phone"] == "136****6000"
    assert shown["site"]["address"] != who["address"] and shown["site"]["districtCode"] == "410202"
    assert shown["materials"][0]["number"] != who["idNumber"] and shown["materials"][0]["verifiedBy"] is None
    assert shown["note"] is None and shown["water"] is None  # no form, no note
    assert {a["service"]: a["status"] for a in shown["assignments"]} == {"WATER": "PENDING", "ELECTRICITY": "PENDING"}
    assert all(a["accountNumber"].startswith("*") for a in shown["assignments"])
    own = (await _found(clerk_a, {"phone": who["phone"]}))[0]  # the window that took it reads it as before
    assert own["applicant"]["idNumber"] == who["idNumber"] and own["site"]["address"] == who["address"]
    assert own["number"] == shown["number"] == case["number"]


async def test_the_search_is_audited_as_a_personal_read_without_the_term(clerk_a, clerk_b, as_role):
    who = person()
    case = await submit(clerk_a, taken_at_a(who))
    await _found(clerk_b, {"idNumber": who["idNumber"]})
    stranger = resident_id("41020519800101999")
    assert await _found(clerk_b, {"idNumber": stranger}) == []
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    records = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"subject": "clerk-hall-zhou"}}))
               ["auditRecords"]["edges"]]
    searches = [r for r in records if r["operation"] == "searchCases"]
    hit = next(r for r in searches if r["caseId"] == case["id"])
    assert hit["kind"] == "READ" and hit["organisation"] == "KF-WATER" and hit["outcome"] == "OK"
    assert hit["items"] == ["Applicant.idNumber", "Agent.idNumber"] and hit["grants"]
    assert any(r["caseId"] is None and r["outcome"] == "NOT_FOUND" for r in searches)
    assert not any(value in str(r) for r in records for value in (who["idNumber"], stranger, who["phone"]))
    reads = [r for r in records if r["operation"] == "FindCase" and r["caseId"] == case["id"]]
    assert reads and "Applicant.idNumber" in reads[0]["items"]  # what was shown, on the any-window grants


async def test_supplementing_at_another_window_is_recorded_with_the_clerks_organisation(clerk_a, clerk_b, as_role):
    case = await submit(clerk_a, taken_at_a(person()))
    added = (await clerk_b.run(ops.ADD_MATERIALS, {"input": {
        "caseId": case["id"], "expectedVersion": case["version"],
        "materials": [{"typeCode": "PROPERTY_CERTIFICATE", "verified": True}]}}))["addMaterials"]
    assert added["errors"] == []
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    records = [e["node"] for e in (await governance.run(AUDIT, {"filter": {"caseId": case["id"], "kind": "WRITE"}}))
               ["auditRecords"]["edges"]]
    assert {(r["operation"], r["organisation"], r["subject"]) for r in records} >= {
        ("addMaterials", "KF-WATER", "clerk-hall-zhou"), ("submitCase", "KF-DATA", "clerk-centre-li")}
    assert (await clerk_b.run(ops.CASE, {"id": case["id"]}))["case"] is None  # reached to supplement, not listed


@pytest.mark.parametrize("role, org", [(Role.APPLICANT, None), (Role.UTILITY, "KF-WATER"), (Role.SUPERVISOR, None),
                                       (Role.PLATFORM, "KF-DATA"), (Role.GOVERNANCE, "KF-DATA")])
async def test_no_other_role_may_search_and_the_refusal_tells_nothing(clerk_a, as_role, role, org):
    who = person()
    await submit(clerk_a, taken_at_a(who))
    caller = as_role(role, org, f"{role.value.lower()}-prober")
    answers = []
    for by in ({"idNumber": who["idNumber"]}, {"idNumber": resident_id("41020519800101998")},
               {"phone": "not a phone"}, {"caseNumber": "KF20261127-NOSUCH00", "address": "x"}):
        errors = await caller.errors(SEARCH, {"by": by})
        answers.append([(e["extensions"]["code"], e["message"]) for e in errors])
    assert answers == [[("FORBIDDEN", "searching cases needs the role CLERK")]] * 4


async def test_a_search_names_the_key_it_cannot_use(clerk_b):
    def refusal(errors: list) -> list:  # type: ignore[type-arg]
        return [(e["extensions"]["code"], e["message"]) for e in errors]

    assert refusal(await clerk_b.errors(SEARCH, {"by": {"phone": "13800138000", "address": "北门大街12号"}})) == [
        ("INVALID", "by: give exactly one of caseNumber, idNumber, phone, address")]
    assert refusal(await clerk_b.errors(SEARCH, {"by": {"idNumber": "410202198803120030"}})) == [
        ("INVALID", "by.idNumber: check character does not match (GB 11643)")]
    assert refusal(await clerk_b.errors(SEARCH, {"by": {"address": "北门 大"}})) == [
        ("INVALID", "by.address: must have 4 to 60 letters or digits")]


async def test_results_come_newest_first_a_page_at_a_time(clerk_a, clerk_b):
    who = person()
    numbers = [(await submit(clerk_a, taken_at_a(who)))["number"] for _ in range(3)]
    first = (await clerk_b.run(SEARCH, {"by": {"phone": who["phone"]}, "first": 2}))["searchCases"]
    assert [e["node"]["number"] for e in first["edges"]] == numbers[::-1][:2]
    assert first["pageInfo"]["hasNextPage"]
    rest = (await clerk_b.run(SEARCH, {"by": {"phone": who["phone"]}, "first": 2,
                                       "after": first["pageInfo"]["endCursor"]}))["searchCases"]
    assert [e["node"]["number"] for e in rest["edges"]] == numbers[:1] and not rest["pageInfo"]["hasNextPage"]


async def test_cases_taken_before_the_search_existed_are_found_after_hub_search_index(hub, clerk_a, clerk_b):
    """As after an upgrade: a case without search keys is found once `hub search-index` has written them."""
    who = person()
    case = await submit(clerk_a, taken_at_a(who))
    engine = create_async_engine(hub.settings.database_url)
    async with engine.begin() as conn:
        row_id = uuid.UUID(relay.GlobalID.from_id(case["id"]).node_id)
        await conn.execute(delete(CaseSearchKey).where(CaseSearchKey.case_id == row_id))
    await engine.dispose()
    assert await _found(clerk_b, {"phone": who["phone"]}) == []
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_DATABASE_URL=hub.settings.database_url, HUB_SIGNING_KEY_FILE=str(hub.settings.key_file),
               HUB_DATA_DIR=str(hub.settings.data_dir))
    done = subprocess.run([str(Path(sys.executable).parent / "hub"), "search-index"], env=env, capture_output=True,
                          text=True, timeout=120, cwd=hub.settings.data_dir)
    assert done.returncode == 0 and done.stdout.startswith("search keys written for "), done.stderr
    assert [c["number"] for c in await _found(clerk_b, {"phone": who["phone"]})] == [case["number"]]
