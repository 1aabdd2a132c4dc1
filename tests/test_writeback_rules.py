"""Write-back guards: the state machine, optimistic concurrency and ownership."""

import asyncio

import pytest

from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.steps import by_service, move, submit, write


@pytest.fixture
async def fresh(clerk):  # type: ignore[no-untyped-def]
    return by_service(await submit(clerk, individual_transfer()))


@pytest.mark.parametrize(
    ("operation", "extra", "message"),
    [
        (ops.ACCEPT, {}, "cannot ACCEPT an assignment that is PENDING"),
        (ops.COMPLETE, {"result": {"accountNumber": "X"}}, "cannot COMPLETE an assignment that is PENDING"),
        (ops.REQUEST_MATERIALS, {"reason": "缺材料"}, "cannot REQUEST_MATERIALS an assignment that is PENDING"),
    ],
)
async def test_illegal_moves_from_pending_are_refused(fresh, utilities, operation, extra, message):
    water = fresh["WATER"]
    payload = await write(utilities["WATER"], operation, assignmentId=water["id"], expectedVersion=water["version"], **extra)
    assert payload["assignment"] is None
    assert payload["errors"] == [{"field": None, "code": "ILLEGAL_TRANSITION", "message": message}]


async def test_nothing_moves_after_completion(fresh, utilities, clerk):
    water = fresh["WATER"]
    for operation in (ops.ACKNOWLEDGE, ops.ACCEPT):
        water = await move(utilities["WATER"], operation, water)
    water = await move(utilities["WATER"], ops.COMPLETE, water, result={"accountNumber": "W-9"})
    payload = await write(utilities["WATER"], ops.REJECT, assignmentId=water["id"], expectedVersion=water["version"], reason="改主意")
    assert payload["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    case = (await clerk.run(ops.CASE_BY_NUMBER, {"n": await _number(clerk, water)}))["caseByNumber"]
    assert case["status"] == "IN_PROGRESS"  # the other three services are still open


async def test_reason_and_result_are_required(fresh, utilities):
    water = await move(utilities["WATER"], ops.ACKNOWLEDGE, fresh["WATER"])
    payload = await write(utilities["WATER"], ops.REJECT, assignmentId=water["id"], expectedVersion=water["version"], reason=" ")
    assert payload["errors"] == [{"field": "reason", "code": "REQUIRED", "message": "is required"}]
    water = await move(utilities["WATER"], ops.ACCEPT, water)
    payload = await write(utilities["WATER"], ops.COMPLETE, assignmentId=water["id"], expectedVersion=water["version"],
                          result={"accountNumber": ""})
    assert payload["errors"][0]["field"] == "result.accountNumber"


async def test_stale_version_is_a_conflict_and_changes_nothing(fresh, utilities, clerk):
    water = fresh["WATER"]
    acknowledged = await move(utilities["WATER"], ops.ACKNOWLEDGE, water)
    stale = await write(utilities["WATER"], ops.REJECT, assignmentId=water["id"], expectedVersion=water["version"], reason="迟到的写")
    assert stale["assignment"] is None and stale["errors"][0]["code"] == "CONFLICT"
    case = (await clerk.run(ops.CASE_BY_NUMBER, {"n": await _number(clerk, water)}))["caseByNumber"]
    assert case["status"] == "IN_PROGRESS"
    current = next(a for a in (await clerk.run(ops.CASE, {"id": case["id"]}))["case"]["assignments"] if a["id"] == water["id"])
    assert current["status"] == "RECEIVED" and current["version"] == acknowledged["version"]


async def _number(clerk, assignment: dict) -> str:  # type: ignore[no-untyped-def]
    queue = await clerk.run("query ($id: ID!) { node(id: $id) { ... on Assignment { case { number } } } }", {"id": assignment["id"]})
    return queue["node"]["case"]["number"]


async def test_concurrent_writes_of_one_version_let_exactly_one_through(fresh, utilities):
    water = fresh["WATER"]
    client = utilities["WATER"]
    results = await asyncio.gather(*[
        write(client, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"]) for _ in range(4)
    ])
    codes = sorted(r["errors"][0]["code"] if r["errors"] else "OK" for r in results)
    assert codes == ["CONFLICT", "CONFLICT", "CONFLICT", "OK"]


async def test_utilities_writing_one_case_at_once_all_succeed(fresh, utilities, clerk):
    results = await asyncio.gather(*[move(utilities[s], ops.ACKNOWLEDGE, a) for s, a in fresh.items()])
    assert {r["status"] for r in results} == {"RECEIVED"}
    number = await _number(clerk, fresh["WATER"])
    case = (await clerk.run(ops.CASE_BY_NUMBER, {"n": number}))["caseByNumber"]
    assert case["status"] == "IN_PROGRESS"


async def test_a_utility_cannot_touch_another_utilitys_assignment(fresh, utilities):
    gas = fresh["GAS"]
    # Water shares the case with gas, telecom has no part in it: to both, gas's assignment does not exist.
    for intruder in ("WATER", "TELECOM"):
        payload = await write(utilities[intruder], ops.ACKNOWLEDGE, assignmentId=gas["id"], expectedVersion=gas["version"])
        assert payload == {"assignment": None, "errors": [{"field": None, "code": "NOT_FOUND", "message": "no such assignment"}]}
    assert (await move(utilities["GAS"], ops.ACKNOWLEDGE, gas))["status"] == "RECEIVED"


async def test_clerks_cannot_write_back(fresh, clerk):
    water = fresh["WATER"]
    payload = await write(clerk, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"])
    assert payload["errors"][0]["code"] == "FORBIDDEN"


async def test_ids_of_the_wrong_type_or_garbage_are_not_found(fresh, utilities, clerk):
    case_id = (await clerk.run("query ($id: ID!) { node(id: $id) { ... on Assignment { case { id } } } }",
                               {"id": fresh["WATER"]["id"]}))["node"]["case"]["id"]
    for bad in (case_id, "not-a-global-id", "QXNzaWdubWVudDpub3Bl"):
        payload = await write(utilities["WATER"], ops.ACKNOWLEDGE, assignmentId=bad, expectedVersion=1)
        assert payload["errors"][0]["code"] == "NOT_FOUND", bad


async def test_work_queue_is_own_organisation_only(utilities, as_role, fresh):
    queue = (await utilities["HEATING"].run(ops.WORK_QUEUE, {"first": 100, "filter": {"statuses": ["PENDING"]}}))["workQueue"]
    assert all(edge["node"]["service"] == "HEATING" for edge in queue["edges"])
    assert fresh["HEATING"]["id"] in {edge["node"]["id"] for edge in queue["edges"]}
    errors = await utilities["HEATING"].errors("query { workQueue(first: 5, organisation: \"KF-GAS\") { edges { cursor } } }")
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    errors = await as_role(Role.CLERK, "KF-DATA").errors("query { workQueue(first: 5) { edges { cursor } } }")
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
