"""A caller never learns what it may not see: not by guessing ids, node ids, filters, cursors or error text."""

import base64
import uuid

import pytest
from strawberry.relay import from_base64, to_base64

from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.steps import by_service, submit, write

CASE = "query ($id: ID!) { case(id: $id) { id number } }"
NODE = "query ($id: ID!) { node(id: $id) { id ... on Case { number } ... on Assignment { service } } }"
ASSIGNMENT_SERVICES = "query ($id: ID!) { case(id: $id) { assignments { service organisationCode } water { accountNumber } } }"


def _unverified(data: dict) -> dict:
    for material in data["materials"]:
        material["verified"] = False
    return data


@pytest.fixture(scope="module")
async def strangers_case(as_role):  # type: ignore[no-untyped-def]
    """Filed by another citizen before the private case."""
    stranger = as_role(Role.APPLICANT, None, "citizen-stranger")
    return await submit(stranger, _unverified(individual_transfer(channel="MOBILE_APP")))


@pytest.fixture(scope="module")
async def private_case(as_role, strangers_case):  # type: ignore[no-untyped-def]
    """Filed by one citizen in the app: water and gas only."""
    owner = as_role(Role.APPLICANT, None, "citizen-private")
    return await submit(owner, _unverified(individual_transfer(channel="MOBILE_APP", electricity=None, heating=None)))


async def test_a_guessed_id_and_anothers_case_look_the_same(as_role, private_case):
    stranger = as_role(Role.APPLICANT, None, "citizen-stranger")
    real = await stranger.raw(CASE, {"id": private_case["id"]})
    guessed = await stranger.raw(CASE, {"id": to_base64("Case", str(uuid.uuid4()))})
    assert real.json() == guessed.json() == {"data": {"case": None}}
    assert (await stranger.run(ops.CASE_BY_NUMBER, {"n": private_case["number"]}))["caseByNumber"] is None
    assert (await stranger.run(NODE, {"id": private_case["id"]}))["node"] is None


async def test_writes_on_an_invisible_case_fail_like_on_a_missing_one(as_role, private_case):
    stranger = as_role(Role.APPLICANT, None, "citizen-stranger")
    materials = [{"typeCode": "RESIDENT_ID_CARD"}]
    real = await write(stranger, ops.ADD_MATERIALS, caseId=private_case["id"], expectedVersion=1, materials=materials)
    fake = await write(stranger, ops.ADD_MATERIALS, caseId=to_base64("Case", str(uuid.uuid4())), expectedVersion=1,
                       materials=materials)
    assert real == fake == {"case": None, "errors": [{"field": None, "code": "NOT_FOUND", "message": "no such case"}]}


async def test_a_utility_sees_only_its_own_assignment_inside_a_shared_case(utilities, private_case):
    water_view = (await utilities["WATER"].run(ASSIGNMENT_SERVICES, {"id": private_case["id"]}))["case"]
    assert water_view["assignments"] == [{"service": "WATER", "organisationCode": "KF-WATER"}]
    gas_view = (await utilities["GAS"].run(ASSIGNMENT_SERVICES, {"id": private_case["id"]}))["case"]
    assert gas_view["assignments"] == [{"service": "GAS", "organisationCode": "KF-GAS"}]
    assert gas_view["water"] is None  # another utility's section
    gas_assignment = by_service(private_case)["GAS"]
    assert (await utilities["WATER"].run(NODE, {"id": gas_assignment["id"]}))["node"] is None
    assert (await utilities["TELECOM"].run(CASE, {"id": private_case["id"]}))["case"] is None


async def test_no_filtering_by_what_you_may_not_read(utilities, as_role):
    telecom = utilities["TELECOM"]  # telecom is not granted the site
    errors = await telecom.errors(ops.CASES, {"first": 5, "filter": {"districtCode": "410202"}})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN" and "districtCode" in errors[0]["message"]
    assert not await telecom.errors(ops.CASES, {"first": 5, "filter": {"statuses": ["SUBMITTED"]}})


async def test_a_cursor_from_a_case_you_cannot_see_yields_nothing(as_role, private_case, strangers_case):
    stranger = as_role(Role.APPLICANT, None, "citizen-stranger")
    own_page = (await stranger.run(ops.CASES, {"first": 5}))["cases"]
    assert strangers_case["number"] in {e["node"]["number"] for e in own_page["edges"]}  # older than the private case
    _, case_uuid = from_base64(private_case["id"])
    foreign_cursor = base64.urlsafe_b64encode(f"case:{case_uuid}".encode()).decode()  # the shape cursors have
    page = (await stranger.run(ops.CASES, {"first": 5, "after": foreign_cursor}))["cases"]
    assert page["edges"] == [] and page["pageInfo"]["hasNextPage"] is False


async def test_counts_only_cover_visible_cases(as_role, private_case):
    owner = as_role(Role.APPLICANT, None, "citizen-private")
    stranger = as_role(Role.APPLICANT, None, "citizen-stranger")
    mine = (await owner.run(ops.CASES, {"first": 100}))["cases"]["edges"]
    theirs = (await stranger.run(ops.CASES, {"first": 100}))["cases"]["edges"]
    assert private_case["number"] in {e["node"]["number"] for e in mine}
    assert private_case["number"] not in {e["node"]["number"] for e in theirs}
