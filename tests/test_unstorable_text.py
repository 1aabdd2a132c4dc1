"""Strings no database can store (U+0000, lone surrogates) are refused in any argument, the same on every backend.

Each refusal is an INVALID error naming the argument path the caller wrote, and nothing runs: no case, no
write-back, no client, no calendar is written.
"""

import copy
import json
import uuid

import pytest

from hub.enums import Role
from tests import factories
from tests import operations as ops
from tests import steps

NUL, LONE_SURROGATE = "\x00", "\ud800"
MY_CASES = "query { cases(first: 5) { edges { node { number } } } }"


async def send(client, query: str, variables: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    """POST as JSON text with \\u escapes (how a lone surrogate travels; it has no UTF-8 form)."""
    body = json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=True)
    response = await client.http.post("/graphql", content=body, headers={
        "Authorization": f"Bearer {client.token}", "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def string_leaves(value, path: str = ""):  # type: ignore[no-untyped-def]
    """(path, keys) of every string in a JSON value, paths written as the caller names them (`a.b[0].c`)."""
    if isinstance(value, str):
        yield path, ()
    elif isinstance(value, dict):
        for key, item in value.items():
            for sub, keys in string_leaves(item, f"{path}.{key}" if path else key):
                yield sub, (key, *keys)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for sub, keys in string_leaves(item, f"{path}[{index}]"):
                yield sub, (index, *keys)


def spoiled(value, keys, bad: str):  # type: ignore[no-untyped-def]
    copied = copy.deepcopy(value)
    target = copied
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] += bad
    return copied


def assert_refused(body: dict, field: str, root: str) -> None:
    assert body["data"] is None, body
    assert len(body["errors"]) == 1, body["errors"]
    error = body["errors"][0]
    assert error["extensions"] == {"code": "INVALID", "field": field}, error
    assert error["path"] == [root]
    assert error["message"].startswith(f"{field}: contains U+")


async def test_every_string_of_a_submission_is_checked(clerk, as_role):
    account = f"app-{uuid.uuid4().hex[:8]}"
    data = factories.enterprise_connection()
    data["applicant"]["subject"] = account
    data = await steps.signed(clerk, data)
    leaves = list(string_leaves(data))
    assert len(leaves) > 40  # names, codes, enums, dates, nested lists: every kind of string input
    for number, (path, keys) in enumerate(leaves):
        bad = NUL if number % 2 == 0 else LONE_SURROGATE
        body = await send(clerk, ops.SUBMIT, {"input": spoiled(data, keys, bad)})
        assert_refused(body, f"input.{path}", "submitCase")

    applicant = as_role(Role.APPLICANT, None, account)
    assert (await applicant.run(MY_CASES))["cases"]["edges"] == []  # not one of them was written
    await steps.submit(clerk, data)
    assert len((await applicant.run(MY_CASES))["cases"]["edges"]) == 1


async def test_write_backs_and_materials(clerk, utilities):
    case = await steps.submit(clerk, factories.individual_transfer())
    water = steps.by_service(case)["WATER"]
    utility = utilities["WATER"]
    for operation, extra, field in [
        (ops.ACKNOWLEDGE, {"idempotencyKey": f"k{NUL}"}, "input.idempotencyKey"),
        (ops.REQUEST_MATERIALS, {"reason": f"缺少{LONE_SURROGATE}证明"}, "input.reason"),
        (ops.COMPLETE, {"result": {"accountNumber": f"W-1{NUL}", "remarks": "办结"}}, "input.result.accountNumber"),
    ]:
        body = await send(utility, operation, {"input": {"assignmentId": water["id"],
                                                         "expectedVersion": water["version"], **extra}})
        assert_refused(body, field, next(iter(_root_fields(operation))))
    added = {"caseId": case["id"], "expectedVersion": case["version"],
             "materials": [{"typeCode": "OWNER_ID", "holder": f"张{NUL}伟", "verified": True}]}
    assert_refused(await send(clerk, ops.ADD_MATERIALS, {"input": added}), "input.materials[0].holder",
                   "addMaterials")

    after = (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]
    assert after["version"] == case["version"]
    assert steps.by_service(after)["WATER"]["status"] == "PENDING"  # nothing moved


def _root_fields(operation: str) -> list[str]:
    return [name for name in ("acknowledgeAssignment", "requestMaterials", "completeAssignment") if name in operation]


async def test_inline_literals_defaults_queries_and_governance(clerk, as_role):
    body = await send(clerk, 'query { caseByNumber(number: "KF\\u0000X") { id } }')
    assert_refused(body, "number", "caseByNumber")
    body = await send(clerk, 'query ($n: String = "KF\\u0000X") { found: caseByNumber(number: $n) { id } }')
    assert_refused(body, "number", "found")
    body = await send(clerk, ops.CASES, {"first": 5, "filter": {"districtCode": f"4102{NUL}"}})
    assert_refused(body, "filter.districtCode", "cases")

    governance = as_role(Role.GOVERNANCE, "KF-DATA", f"gov-{uuid.uuid4().hex[:6]}")
    name = f"营业系统{NUL}"
    register = """mutation ($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) {
                    client { clientId } errors { field code } } }"""
    body = await send(governance, register, {"input": {"name": name, "organisation": "KF-GAS", "roles": ["UTILITY"]}})
    assert_refused(body, "input.name", "registerOAuthClient")
    calendar = """mutation { importCalendarYear(input: {year: 2031, holidays: [], workdays: [], source: "国办\\u0000"}) {
                    errors { code } } }"""
    assert_refused(await send(governance, calendar), "input.source", "importCalendarYear")
    years = 'query { governanceChanges(entity: "CALENDAR", entityId: "2031") { action } }'
    assert (await governance.run(years))["governanceChanges"] == []


async def test_one_bad_string_refuses_the_whole_document(clerk, as_role):
    """Refused before execution: the valid first mutation does not run either."""
    account = f"app-{uuid.uuid4().hex[:8]}"
    good = factories.individual_transfer(applicant={**factories.individual_transfer()["applicant"], "subject": account})
    bad = factories.individual_transfer(note=f"备注{NUL}")
    two = """mutation ($a: SubmitCaseInput!, $b: SubmitCaseInput!) {
               first: submitCase(input: $a) { case { number } errors { field } }
               second: submitCase(input: $b) { case { number } errors { field } } }"""
    assert_refused(await send(clerk, two, {"a": good, "b": bad}), "input.note", "second")
    assert (await as_role(Role.APPLICANT, None, account).run(MY_CASES))["cases"]["edges"] == []


async def test_token_endpoint_and_token_claims(http, sso):
    refused = await http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": f"c{NUL}",
                                                    "client_secret": "s"})
    assert refused.status_code == 400 and refused.headers["content-type"] == "application/json"
    assert refused.json()["error"] == "invalid_request" and "U+0000" in refused.json()["error_description"]

    token = sso.token(subject=f"wang{NUL}", roles=["CLERK"], org="KF-DATA")
    response = await http.post("/graphql", json={"query": "{ viewer { subject } }"},
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "token claim 'sub' contains U+0000 (NUL), which cannot be stored"


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE])
async def test_subscription_arguments(hub, bad):
    from tests.ws import Subscription

    token = hub.token(Role.UTILITY, "KF-WATER")
    sub = await Subscription.open(hub.port, token, "subscription ($a: String) { assignmentEvents(after: $a) { cursor } }",
                                  {"a": f"1{bad}"})
    try:
        message = await sub.first_message()
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"] == {"code": "INVALID", "field": "after"}
    finally:
        await sub.close()
