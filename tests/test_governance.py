"""Run-time governance: grants take effect on the next request; conditional sharing; versioned changes."""

from datetime import datetime, timedelta, timezone

import pytest

from hub.enums import Role
from tests.factories import PERSON_ID, individual_transfer
from tests.harness import ENGLISH
from tests.steps import submit

WATER_VIEW = "query ($id: ID!) { case(id: $id) { water { accountNumber } applicant { name idNumber phone } } }"
GRANT = """mutation ($input: GrantAccessInput!) { grantAccess(input: $input) {
  grants { id itemCode access origin validUntil } errors { field code message } } }"""
REVOKE = "mutation ($input: RevokeGrantInput!) { revokeGrant(input: $input) { grants { id revokedAt revokeReason } errors { code message } } }"
GRANTS = """query ($item: String, $org: String) { sharingGrants(itemCode: $item, organisation: $org) {
  id itemCode granteeOrganisation granteeRole access origin purpose } }"""
REQUEST = """mutation ($input: RequestSharingInput!) { requestSharing(input: $input) {
  request { id status dueAt itemCodes organisationCode } errors { field code message } } }"""
APPROVE = """mutation ($input: ApproveSharingRequestInput!) { approveSharingRequest(input: $input) {
  request { id status validUntil decidedBy } errors { field code message } } }"""
REFUSE = """mutation ($input: RefuseSharingRequestInput!) { refuseSharingRequest(input: $input) {
  request { id status reason } errors { field code message } } }"""
REQUESTS = "query { sharingRequests { id organisationCode status } }"
CHANGES = """query ($entity: String, $id: String) { governanceChanges(entity: $entity, entityId: $id) {
  version actorSubject entity entityId action before after } }"""
ITEMS = "query ($type: String) { catalogueItems(typeName: $type) { code name shareType sensitivity mask version } }"
UPDATE_ITEM = """mutation ($input: UpdateCatalogueItemInput!) { updateCatalogueItem(input: $input) {
  item { code mask version updatedBy } errors { field code message } } }"""


@pytest.fixture(scope="module")
async def water_case(clerk):  # type: ignore[no-untyped-def]
    return await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))


@pytest.fixture(scope="module")
def governance(as_role):  # type: ignore[no-untyped-def]
    return as_role(Role.GOVERNANCE, "KF-DATA", "gov-zhao")


async def test_revoking_and_granting_take_effect_on_the_next_request(water_case, utilities, governance):
    water = utilities["WATER"]
    assert (await water.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["water"]["accountNumber"] == "W-100231"
    grant = next(g for g in (await governance.run(GRANTS, {"item": "WaterSection.accountNumber", "org": "KF-WATER"}))["sharingGrants"])
    revoked = (await governance.run(REVOKE, {"input": {"grantId": grant["id"], "reason": "核查授权范围"}}))["revokeGrant"]
    assert revoked["errors"] == [] and revoked["grants"][0]["revokeReason"] == "核查授权范围"
    assert (await water.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["water"]["accountNumber"] is None

    regranted = (await governance.run(GRANT, {"input": {
        "itemCodes": ["WaterSection.accountNumber"], "grantee": {"organisation": "KF-WATER"}, "access": "READ_FULL",
        "purpose": "水务集团办理用水过户"}}))["grantAccess"]
    assert regranted["errors"] == [] and regranted["grants"][0]["origin"] == "GOVERNANCE"
    assert (await water.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["water"]["accountNumber"] == "W-100231"

    history = (await governance.run(CHANGES, {"entity": "GRANT", "id": grant["id"]}))["governanceChanges"]
    assert [c["action"] for c in history] == ["REVOKE"] and history[0]["actorSubject"] == "gov-zhao"
    assert history[0]["before"]["revoked_at"] is None and history[0]["after"]["revoke_reason"] == "核查授权范围"


async def test_grants_that_break_the_share_type_are_refused(governance):
    payload = (await governance.run(GRANT, {"input": {
        "itemCodes": ["Applicant.idNumber", "Material.verifiedBy", "No.suchItem"], "grantee": {"organisation": "KF-GAS"},
        "access": "READ_FULL", "purpose": " "}}))["grantAccess"]
    messages = {e["field"]: e["message"] for e in payload["errors"]}
    assert "itemCodes[2]" in messages and "purpose" in messages
    payload = (await governance.run(GRANT, {"input": {
        "itemCodes": ["Applicant.idNumber", "Material.verifiedBy"], "grantee": {"organisation": "KF-GAS"},
        "access": "READ_FULL", "purpose": "试图绕过"}}))["grantAccess"]
    messages = {e["field"]: e["message"] for e in payload["errors"]}
    assert "CONDITIONAL" in messages["itemCodes[0]"] and "NOT_SHARED" in messages["itemCodes[1]"]
    assert payload["grants"] == []


async def test_conditional_request_is_approved_and_then_used(water_case, utilities, governance):
    water = utilities["WATER"]
    before = (await water.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["applicant"]
    assert before["idNumber"] == PERSON_ID[:6] + "********" + PERSON_ID[-4:]  # masked by default

    asked = (await water.run(REQUEST, {"input": {"itemCodes": ["Applicant.idNumber"],
                                                 "purpose": "核验过户双方身份（水表更名）"}}))["requestSharing"]
    assert asked["errors"] == [] and asked["request"]["status"] == "PENDING"
    assert asked["request"]["organisationCode"] == "KF-WATER"
    due = datetime.fromisoformat(asked["request"]["dueAt"])
    assert timedelta(days=12) <= due - datetime.now(timezone.utc) <= timedelta(days=30)  # 10 working days

    assert asked["request"]["id"] in {r["id"] for r in (await water.run(REQUESTS))["sharingRequests"]}
    assert asked["request"]["id"] not in {r["id"] for r in (await utilities["GAS"].run(REQUESTS))["sharingRequests"]}

    until = (datetime.now(timezone.utc) + timedelta(days=90)).isoformat()
    approved = (await governance.run(APPROVE, {"input": {"requestId": asked["request"]["id"], "validUntil": until}}))
    assert approved["approveSharingRequest"]["request"]["status"] == "APPROVED"
    after = (await water.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["applicant"]
    assert after["idNumber"] == PERSON_ID

    again = (await governance.run(REFUSE, {"input": {"requestId": asked["request"]["id"], "reason": "重复"}}))
    assert again["refuseSharingRequest"]["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    history = (await governance.run(CHANGES, {"entity": "REQUEST", "id": asked["request"]["id"]}))["governanceChanges"]
    assert [c["action"] for c in history] == ["APPROVED", "REQUEST"]


async def test_conditional_request_refused_with_reason(utilities, governance):
    gas = utilities["GAS"]
    asked = (await gas.run(REQUEST, {"input": {"itemCodes": ["Agent.idNumber"], "purpose": "核验经办人"}}))["requestSharing"]
    refused = (await governance.run(REFUSE, {"input": {"requestId": asked["request"]["id"], "reason": " "}}))
    assert refused["refuseSharingRequest"]["errors"][0]["field"] == "reason"
    refused = (await governance.run(REFUSE, {"input": {"requestId": asked["request"]["id"], "reason": "目的超出燃气过户所需"}}))
    assert refused["refuseSharingRequest"]["request"] == {"id": asked["request"]["id"], "status": "REFUSED",
                                                          "reason": "目的超出燃气过户所需"}
    not_conditional = (await gas.run(REQUEST, {"input": {"itemCodes": ["Case.number"], "purpose": "x"}}))["requestSharing"]
    assert "only CONDITIONAL" in not_conditional["errors"][0]["message"]


async def test_approval_in_the_future_is_not_yet_effective(water_case, utilities, governance):
    heat = utilities["HEATING"]
    asked = (await heat.run(REQUEST, {"input": {"itemCodes": ["Material.number"], "purpose": "核对产权证号"}}))["requestSharing"]
    start = datetime.now(timezone.utc) + timedelta(days=1)
    await governance.run(APPROVE, {"input": {"requestId": asked["request"]["id"], "validFrom": start.isoformat(),
                                             "validUntil": (start + timedelta(days=30)).isoformat()}})
    grants = (await governance.run(GRANTS, {"item": "Material.number", "org": "KF-HEAT"}))["sharingGrants"]
    assert {g["origin"] for g in grants} >= {"REQUEST"}
    # Heating has no part in this water-only case, and would see the number masked until tomorrow anyway.
    assert (await heat.run(WATER_VIEW, {"id": water_case["id"]}))["case"] is None


async def test_catalogue_items_are_versioned(governance):
    items = {i["code"]: i for i in (await governance.run(ITEMS, {"type": "Site"}))["catalogueItems"]}
    item = items["Site.address"]
    changed = (await governance.run(UPDATE_ITEM, {"input": {"code": "Site.address", "expectedVersion": item["version"],
                                                             "mask": "REDACT"}}))["updateCatalogueItem"]
    assert changed["item"]["version"] == item["version"] + 1 and changed["item"]["updatedBy"] == "gov-zhao"
    stale = (await governance.run(UPDATE_ITEM, {"input": {"code": "Site.address", "expectedVersion": item["version"],
                                                           "mask": "NAME"}}))["updateCatalogueItem"]
    assert stale["errors"][0]["code"] == "CONFLICT"
    bad = (await governance.run(UPDATE_ITEM, {"input": {"code": "Site.address", "expectedVersion": item["version"] + 1,
                                                         "shareType": "SOMETIMES"}}))["updateCatalogueItem"]
    assert bad["errors"][0]["field"] == "shareType"
    await governance.run(UPDATE_ITEM, {"input": {"code": "Site.address", "expectedVersion": item["version"] + 1,
                                                 "mask": item["mask"]}})


async def test_governance_operations_need_the_role(utilities, as_role):
    for caller in (utilities["WATER"], as_role(Role.SUPERVISOR, "KF-CGJ")):
        errors = await caller.errors(ITEMS, {"type": "Site"})
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        payload = (await caller.run(REVOKE, {"input": {"grantId": "00000000-0000-0000-0000-000000000000", "reason": "x"}}))
        assert payload["revokeGrant"]["errors"][0]["code"] == "FORBIDDEN"


async def test_governance_sees_no_case_personal_data(water_case, governance):
    assert (await governance.run(WATER_VIEW, {"id": water_case["id"]}))["case"] is None


async def test_a_change_made_through_one_instance_applies_on_another(hub, water_case, governance):
    """Two hub instances on one database: instance B follows a revocation made through instance A at once."""
    import httpx

    from hub.config import Settings
    from tests.harness import GraphQLClient, RunningHub

    other = RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                                signing_key_file=hub.settings.key_file, data_dir=hub.settings.data_dir)).start()
    try:
        async with httpx.AsyncClient(headers=ENGLISH, base_url=other.url, timeout=30) as http_b:
            water_b = GraphQLClient(http_b, hub.token(Role.UTILITY, "KF-WATER", "water-b"))
            assert (await water_b.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["applicant"]["phone"] is not None
            grant = (await governance.run(GRANTS, {"item": "Applicant.phone", "org": None}))["sharingGrants"]
            utility_grant = next(g for g in grant if g["granteeRole"] == "UTILITY")
            await governance.run(REVOKE, {"input": {"grantId": utility_grant["id"], "reason": "两实例生效测试"}})
            assert (await water_b.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["applicant"]["phone"] is None
            await governance.run(GRANT, {"input": {"itemCodes": ["Applicant.phone"], "grantee": {"role": "UTILITY"},
                                                   "access": "READ_FULL", "purpose": "联系申请人"}})
            assert (await water_b.run(WATER_VIEW, {"id": water_case["id"]}))["case"]["applicant"]["phone"] is not None
    finally:
        other.stop()


REVOKE_MANY = """mutation ($input: RevokeGrantsInput!) { revokeGrants(input: $input) {
  grants { id revokedAt revokeReason } errors { field code message } } }"""
REQUESTABLE = "query { requestableItems { code name held heldUntil pendingRequest } }"


async def test_revoke_grants_is_all_or_nothing(governance, as_role):
    granted = (await governance.run(GRANT, {"input": {
        "itemCodes": ["Site.address", "Site.projectName"], "grantee": {"organisation": "KF-TELECOM"},
        "access": "READ_MASKED", "purpose": "通信报装核对地址"}}))["grantAccess"]["grants"]
    ids = [g["id"] for g in granted]
    refused = (await governance.run(REVOKE_MANY, {"input": {"grantIds": [ids[0], "not-a-grant"], "reason": "清理"}}))["revokeGrants"]
    assert refused["grants"] == [] and refused["errors"] == [{"field": "grantIds[1]", "code": "NOT_FOUND", "message": "no such grant"}]
    held = {g["id"] for g in (await governance.run(GRANTS, {"org": "KF-TELECOM"}))["sharingGrants"]}
    assert set(ids) <= held  # nothing was revoked

    revoked = (await governance.run(REVOKE_MANY, {"input": {"grantIds": ids, "reason": "通信不需要项目地址"}}))["revokeGrants"]
    assert revoked["errors"] == [] and {g["id"] for g in revoked["grants"]} == set(ids)
    assert all(g["revokeReason"] == "通信不需要项目地址" for g in revoked["grants"])
    held = {g["id"] for g in (await governance.run(GRANTS, {"org": "KF-TELECOM"}))["sharingGrants"]}
    assert not set(ids) & held
    again = (await governance.run(REVOKE_MANY, {"input": {"grantIds": ids[:1], "reason": "再次"}}))["revokeGrants"]
    assert again["errors"][0]["field"] == "grantIds[0]" and again["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    utility = await as_role(Role.UTILITY, "KF-TELECOM").raw(REVOKE_MANY, {"input": {"grantIds": ids, "reason": "x"}})
    assert utility.json()["data"]["revokeGrants"]["errors"][0]["code"] == "FORBIDDEN"


async def test_a_utility_sees_what_it_may_request_and_its_own_standing_only(governance, as_role):
    heat = as_role(Role.UTILITY, "KF-HEAT", "operator-heat-console")
    before = {i["code"]: i for i in (await heat.run(REQUESTABLE))["requestableItems"]}
    assert "LegalRepresentative.idNumber" in before and "Applicant.name" not in before  # CONDITIONAL items only
    assert not before["LegalRepresentative.idNumber"]["held"]
    asked = (await heat.run(REQUEST, {"input": {"itemCodes": ["LegalRepresentative.idNumber"], "purpose": "供热报装核验法定代表人"}}))["requestSharing"]
    pending = {i["code"]: i for i in (await heat.run(REQUESTABLE))["requestableItems"]}
    assert pending["LegalRepresentative.idNumber"]["pendingRequest"] is True
    until = (datetime.now(timezone.utc) + timedelta(days=90)).replace(microsecond=0)
    await governance.run(APPROVE, {"input": {"requestId": asked["request"]["id"], "validUntil": until.isoformat()}})
    held = {i["code"]: i for i in (await heat.run(REQUESTABLE))["requestableItems"]}["LegalRepresentative.idNumber"]
    assert held["held"] is True and held["pendingRequest"] is False
    assert datetime.fromisoformat(held["heldUntil"]) == until
    # another utility's standing is its own: KF-GAS holds nothing from KF-HEAT's approval
    gas = {i["code"]: i for i in (await as_role(Role.UTILITY, "KF-GAS").run(REQUESTABLE))["requestableItems"]}
    assert gas["LegalRepresentative.idNumber"]["held"] is False
    for role, org in ((Role.SUPERVISOR, "KF-CGJ"), (Role.CLERK, "KF-DATA")):
        errors = await as_role(role, org).errors(REQUESTABLE)
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
