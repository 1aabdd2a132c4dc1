"""Subscriptions: replay after a cursor then live, no gap and no duplicate, the policy on every payload,
revocation on a live socket, back-pressure, and delivery across instances."""

import asyncio
import uuid

import pytest
import websockets

from hub.clock import utcnow
from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from hub.events import log
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import GraphQLClient, RunningHub
from tests.steps import by_service, move, submit
from tests.ws import Subscription

ASSIGNMENT_EVENTS = """subscription ($after: String) { assignmentEvents(after: $after) {
  cursor kind occurredAt assignment { id service status accountNumber } } }"""
CASE_EVENTS = "subscription ($id: ID!, $after: String) { caseEvents(caseId: $id, after: $after) { cursor kind case { status } } }"
RESULT_EVENTS = "subscription ($after: String) { resultEvents(after: $after) { cursor kind case { number status } assignment { service status result { accountNumber } } } }"
LATEST = "subscription { assignmentEvents { cursor } }"


def water_only(**changes) -> dict:  # type: ignore[no-untyped-def]
    return individual_transfer(electricity=None, gas=None, heating=None, **changes)


async def _cursor_now(hub, clerk) -> str:  # type: ignore[no-untyped-def]
    """A cursor at the end of KF-WATER's events: subscribe live, make one event, read its cursor."""
    sub = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), LATEST)
    await submit(clerk, water_only())
    cursor = (await sub.next())["assignmentEvents"]["cursor"]
    await sub.close()
    return cursor


async def test_live_events_reach_only_the_owning_utility(hub, clerk):
    water = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), ASSIGNMENT_EVENTS)
    gas = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-GAS"), ASSIGNMENT_EVENTS)
    case = await submit(clerk, water_only())
    event = (await water.next())["assignmentEvents"]
    assert event["kind"] == "ASSIGNMENT_CREATED"
    assert event["assignment"] == {"id": by_service(case)["WATER"]["id"], "service": "WATER", "status": "PENDING",
                                   "accountNumber": by_service(case)["WATER"]["accountNumber"]}
    with pytest.raises(asyncio.TimeoutError):
        await gas.next(timeout=1.5)
    await water.close()
    await gas.close()


async def test_resume_after_disconnect_under_concurrent_writers_has_no_gap_and_no_duplicate(hub, clerk):
    start = await _cursor_now(hub, clerk)
    token = hub.token(Role.UTILITY, "KF-WATER")
    writers = asyncio.gather(*(submit(clerk, water_only()) for _ in range(24)))
    received: list[dict] = []
    cursor = start
    while len(received) < 24:
        sub = await Subscription.open(hub.port, token, ASSIGNMENT_EVENTS, {"after": cursor})
        for _ in range(5):  # a short session, then the "network" drops
            try:
                event = (await sub.next(timeout=5))["assignmentEvents"]
            except asyncio.TimeoutError:
                break
            received.append(event)
            cursor = event["cursor"]
        await sub.close()
    await writers
    cursors = [int(e["cursor"]) for e in received]
    assert cursors == sorted(set(cursors)), "out of order or duplicated"
    db = Database(hub.settings.database_url)
    async with db.read() as session:
        from sqlalchemy import select

        from hub.events.models import Event

        logged = list((await session.scalars(select(Event.id).where(
            Event.organisation_code == "KF-WATER", Event.id > int(start), Event.id <= cursors[-1]).order_by(Event.id))).all())
    await db.dispose()
    assert cursors == logged, "a gap: the log has events the subscriber never got"


async def test_case_events_follow_status_for_those_who_may_see_the_case(hub, as_role, utilities):
    owner_token = hub.token(Role.APPLICANT, None, "citizen-follow")
    owner = as_role(Role.APPLICANT, None, "citizen-follow")
    data = water_only(channel="MOBILE_APP")
    for material in data["materials"]:
        material["verified"] = False
    case = await submit(owner, data)
    sub = await Subscription.open(hub.port, owner_token, CASE_EVENTS, {"id": case["id"], "after": "0"})
    kinds = [(await sub.next())["caseEvents"]["kind"] for _ in range(2)]
    assert kinds == ["CASE_SUBMITTED", "ASSIGNMENT_CREATED"]  # replayed from the log
    await move(utilities["WATER"], ops.ACKNOWLEDGE, by_service(case)["WATER"])
    live = [(await sub.next())["caseEvents"] for _ in range(2)]
    assert [e["kind"] for e in live] == ["ASSIGNMENT_RECEIVED", "CASE_STATUS_CHANGED"]
    assert live[-1]["case"]["status"] == "IN_PROGRESS"
    await sub.close()

    stranger = await Subscription.open(hub.port, hub.token(Role.APPLICANT, None, "citizen-nosy"), CASE_EVENTS,
                                       {"id": case["id"]})
    message = await stranger.first_message()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["message"] for e in errors] == ["no such case"]
    await stranger.close()


async def test_results_feed_for_the_platform(hub, as_role, utilities, clerk):
    platform_token = hub.token(Role.PLATFORM, "KF-DATA", "platform-feed")
    platform = GraphQLClient(as_role(Role.CLERK).http, platform_token)
    sub = await Subscription.open(hub.port, platform_token, RESULT_EVENTS)
    await submit(clerk, water_only())  # a window case: not the platform's
    pushed = await submit(platform, water_only(channel="GOVERNMENT_PLATFORM"))
    water = by_service(pushed)["WATER"]
    for operation, extra in ((ops.ACKNOWLEDGE, {}), (ops.ACCEPT, {}), (ops.COMPLETE, {"result": {"accountNumber": "W-NEW-1"}})):
        water = await move(utilities["WATER"], operation, water, **extra)
    events = [(await sub.next())["resultEvents"] for _ in range(3)]
    assert [e["kind"] for e in events] == ["CASE_STATUS_CHANGED", "ASSIGNMENT_COMPLETED", "CASE_STATUS_CHANGED"]
    assert {e["case"]["number"] for e in events} == {pushed["number"]}
    assert events[1]["assignment"]["result"]["accountNumber"] == "W-NEW-1"
    assert events[2]["case"]["status"] == "COMPLETED"
    await sub.close()


async def test_a_revoked_grant_disappears_from_the_live_payload(hub, clerk, as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    sub = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), ASSIGNMENT_EVENTS)
    case = await submit(clerk, water_only())
    account = case["water"]["accountNumber"]
    assert (await sub.next())["assignmentEvents"]["assignment"]["accountNumber"] == account
    grants = (await governance.run('{ sharingGrants(itemCode: "Assignment.accountNumber", role: "UTILITY") { id } }'))
    grant_id = grants["sharingGrants"][0]["id"]
    await governance.run("mutation ($id: ID!) { revokeGrant(input: {grantId: $id, reason: \"收回\"}) { errors { code } } }",
                         {"id": grant_id})
    try:
        await asyncio.sleep(1.5)
        await submit(clerk, water_only())
        assert (await sub.next())["assignmentEvents"]["assignment"]["accountNumber"] is None
    finally:
        await governance.run('mutation { grantAccess(input: {itemCodes: ["Assignment.accountNumber"], grantee: {role: "UTILITY"}, '
                             'access: "READ_FULL", purpose: "公用企业办理本单位分发"}) { errors { code } } }')
        await sub.close()


async def test_a_disabled_client_and_an_expired_token_close_the_socket(hub, http, as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA")
    registered = (await governance.run('mutation { registerOAuthClient(input: {name: "水务推送", organisation: "KF-WATER", '
                                       'roles: ["UTILITY"]}) { client { clientId } clientSecret } }'))["registerOAuthClient"]
    issued = await http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": registered["client"]["clientId"],
                                                   "client_secret": registered["clientSecret"]})
    sub = await Subscription.open(hub.port, issued.json()["access_token"], ASSIGNMENT_EVENTS)
    await governance.run("mutation ($id: String!) { disableOAuthClient(clientId: $id) { errors { code } } }",
                         {"id": registered["client"]["clientId"]})
    assert await sub.closed_with(timeout=5) == 4403

    short = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER", ttl=2), ASSIGNMENT_EVENTS)
    assert await short.closed_with(timeout=6) == 4403


async def test_a_slow_subscriber_is_dropped_and_resumes_from_its_cursor(hub, clerk):
    start = int(await _cursor_now(hub, clerk))
    small = RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                                signing_key_file=hub.settings.key_file, data_dir=hub.settings.data_dir,
                                subscription_queue_size=5)).start()
    try:
        sub = await Subscription.open(small.port, hub.token(Role.UTILITY, "KF-WATER"), ASSIGNMENT_EVENTS, {"after": str(start)})
        await asyncio.sleep(0.5)
        db = Database(hub.settings.database_url)
        total = 6000
        for _ in range(6):  # a burst of events the subscriber does not read
            async with db.write() as session:
                for _ in range(total // 6):
                    log.record(session, kind="TEST_BURST", case_id=uuid.uuid4(), assignment_id=uuid.uuid4(),
                               organisation_code="KF-WATER", at=utcnow(), actor_subject="burst", actor_organisation=None)
        await db.dispose()
        await asyncio.sleep(3)
        received, last = 0, start
        with pytest.raises(websockets.ConnectionClosed):  # what was sent before the drop, then the close
            while True:
                event = (await sub.next(timeout=10))["assignmentEvents"]
                received, last = received + 1, int(event["cursor"])
        assert sub.socket.close_code == 4499
        assert 0 < received < total
        resumed = await Subscription.open(small.port, hub.token(Role.UTILITY, "KF-WATER"), ASSIGNMENT_EVENTS, {"after": str(last)})
        assert int((await resumed.next())["assignmentEvents"]["cursor"]) > last
        await resumed.close()
    finally:
        small.stop()


async def test_an_event_committed_through_one_instance_reaches_a_subscriber_on_another(hub, clerk):
    other = RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                                signing_key_file=hub.settings.key_file, data_dir=hub.settings.data_dir)).start()
    try:
        sub = await Subscription.open(other.port, hub.token(Role.UTILITY, "KF-WATER"), ASSIGNMENT_EVENTS)
        case = await submit(clerk, water_only())  # through the first instance
        started = asyncio.get_running_loop().time()
        wanted = by_service(case)["WATER"]["id"]
        event = (await sub.next(timeout=5))["assignmentEvents"]
        while event["assignment"]["id"] != wanted:  # other work of KF-WATER (e.g. the time-limit scan) may come first
            event = (await sub.next(timeout=5))["assignmentEvents"]
        assert asyncio.get_running_loop().time() - started < 3
        await sub.close()
    finally:
        other.stop()
