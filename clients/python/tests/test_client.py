import json
import uuid

import httpx
import pytest

from fakehub import FakeHub
from kaifeng_hub_client import (
    ConflictError, HubClient, HubError, IllegalTransitionError, NotFoundError, StaticToken, UserError,
    ValidationError, idempotency_key,
)


def test_idempotency_key_is_a_function_of_assignment_action_and_version():
    key = idempotency_key("QXNzaWdubWVudDox", "complete", 3)
    assert key == idempotency_key("QXNzaWdubWVudDox", "complete", 3)
    assert uuid.UUID(key).version == 5
    others = {idempotency_key("QXNzaWdubWVudDoy", "complete", 3), idempotency_key("QXNzaWdubWVudDox", "reject", 3),
              idempotency_key("QXNzaWdubWVudDox", "complete", 4)}
    assert key not in others and len(others) == 3


def test_urls_follow_the_base_url():
    hub = HubClient("https://hub.example.cn/api/", StaticToken("t"))
    assert hub.graphql_url == "https://hub.example.cn/api/graphql"
    assert hub.ws_url == "wss://hub.example.cn/api/graphql"
    assert HubClient("http://127.0.0.1:8000", StaticToken("t")).ws_url == "ws://127.0.0.1:8000/graphql"


async def test_write_back_sends_the_default_key_and_a_blind_retry_applies_nothing_twice():
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    async with HubClient("http://hub", StaticToken("good"), transport=fake.transport()) as hub:
        first = await hub.acknowledge(assignment_id, 1)
        again = await hub.acknowledge(assignment_id, 1)  # as if the first answer had been lost
        assert first == again and first["status"] == "RECEIVED" and first["version"] == 2
        assert fake.replays == 1
        await hub.accept(assignment_id, 2, idempotency_key="my-own-key")
        done = await hub.complete(assignment_id, 3, "W-200377", remarks="已过户")
    assert done["result"] == {"accountNumber": "W-200377", "remarks": "已过户"}
    assert [(m, f["idempotencyKey"]) for m, f in fake.writes] == [
        ("acknowledgeAssignment", idempotency_key(assignment_id, "acknowledge", 1)),
        ("acceptAssignment", "my-own-key"),
        ("completeAssignment", idempotency_key(assignment_id, "complete", 3)),
    ]


async def test_refused_writes_raise_the_matching_error():
    fake = FakeHub()
    assignment_id = fake.add_assignment("KF20261127-7Q3M9X2A")
    async with HubClient("http://hub", StaticToken("good"), transport=fake.transport()) as hub:
        with pytest.raises(ConflictError) as conflict:
            await hub.acknowledge(assignment_id, 7)
        assert conflict.value.user_errors[0].code == "CONFLICT"
        with pytest.raises(IllegalTransitionError):
            await hub.complete(assignment_id, 1, "W-1")
        with pytest.raises(NotFoundError):
            await hub.reject("QXNzaWdubWVudDo5OTk=", 1, "不属于本单位")
    assert fake.writes == []


async def test_field_errors_are_carried():
    def answer(request: httpx.Request) -> httpx.Response:
        errors = [{"field": "result.accountNumber", "code": "REQUIRED", "message": "required"}]
        return httpx.Response(200, json={"data": {"completeAssignment": {"assignment": None, "errors": errors}}})

    async with HubClient("http://hub", StaticToken("t"), transport=httpx.MockTransport(answer)) as hub:
        with pytest.raises(ValidationError) as refused:
            await hub.complete("QXNzaWdubWVudDox", 3, "")
    assert refused.value.user_errors == [UserError("result.accountNumber", "REQUIRED", "required")]
    assert refused.value.operation == "completeAssignment"


async def test_graphql_errors_raise_hub_error_with_the_list():
    errors = [{"message": "internal error (incident 7f3a)", "path": ["workQueue"]}]
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json={"data": None, "errors": errors}))
    async with HubClient("http://hub", StaticToken("t"), transport=transport) as hub:
        with pytest.raises(HubError) as failed:
            await hub.query("{ viewer { subject } }")
    assert failed.value.errors == errors


async def test_work_queue_follows_the_pages():
    asked = []

    def page(request: httpx.Request) -> httpx.Response:
        variables = json.loads(request.content)["variables"]
        asked.append(variables)
        start = int(variables["after"] or 0)
        edges = [{"cursor": str(i), "node": {"id": f"A{i}"}} for i in range(start + 1, min(start + 2, 3) + 1)]
        info = {"hasNextPage": edges[-1]["cursor"] != "3", "endCursor": edges[-1]["cursor"]}
        return httpx.Response(200, json={"data": {"workQueue": {"edges": edges, "pageInfo": info}}})

    async with HubClient("http://hub", StaticToken("t"), transport=httpx.MockTransport(page)) as hub:
        ids = [a["id"] async for a in hub.work_queue(statuses=["PENDING"], service="WATER", first=2)]
    assert ids == ["A1", "A2", "A3"]
    assert [v["after"] for v in asked] == [None, "2"]
    assert asked[0]["filter"] == {"statuses": ["PENDING"], "service": "WATER"} and asked[0]["first"] == 2


async def test_assignment_is_none_when_not_visible():
    fake = FakeHub()
    async with HubClient("http://hub", StaticToken("good"), transport=fake.transport()) as hub:
        assert await hub.assignment("QXNzaWdubWVudDo5OTk=") is None
