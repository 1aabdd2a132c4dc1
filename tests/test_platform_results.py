"""回传: the platform's results feed covers every case whatever the channel, read as the catalogue grants it."""

import asyncio

from hub.enums import Role
from tests import operations as ops
from tests.factories import PERSON_ID, individual_transfer
from tests.steps import by_service, finish, move, submit
from tests.ws import Subscription

RESULT_EVENTS = """subscription ($after: String) { resultEvents(after: $after) { cursor kind
  case { number channel status completedAt applicant { kind name idNumber phone } agent { name } site { address }
         materials { number } water { accountNumber } }
  assignment { service status finishedAt accountNumber result { accountNumber } } } }"""
LATEST = "subscription { resultEvents { cursor kind case { number } } }"


async def _events_of(sub: Subscription, number: str, count: int) -> list[dict]:
    """The next `count` events about case `number` (other cases' results pass by on a shared hub)."""
    found: list[dict] = []
    while len(found) < count:
        event = (await sub.next())["resultEvents"]
        if event["case"] and event["case"]["number"] == number:
            found.append(event)
    return found


async def test_a_window_case_reaches_the_platform_with_results_and_without_the_person(hub, clerk, utilities):
    token = hub.token(Role.PLATFORM, "KF-DATA", "platform-results")
    live = await Subscription.open(hub.port, token, RESULT_EVENTS)
    case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))  # channel: the window
    assert case and case["number"]
    water = by_service(case)["WATER"]
    await finish(utilities["WATER"], water, "W-WIN-0042")
    events = await _events_of(live, case["number"], 3)
    await live.close()
    assert [e["kind"] for e in events] == ["CASE_STATUS_CHANGED", "ASSIGNMENT_COMPLETED", "CASE_STATUS_CHANGED"]
    completed, closed = events[1], events[2]
    assert completed["assignment"]["service"] == "WATER" and completed["assignment"]["status"] == "COMPLETED"
    assert completed["assignment"]["result"] == {"accountNumber": "W-WIN-0042"}
    assert completed["assignment"]["finishedAt"] is not None
    assert closed["case"]["status"] == "COMPLETED" and closed["case"]["completedAt"] is not None
    assert closed["case"]["channel"] == "CITIZEN_CENTRE_WINDOW"
    applicant = closed["case"]["applicant"]
    assert applicant["kind"] == "INDIVIDUAL"
    assert applicant["idNumber"] != PERSON_ID and applicant["idNumber"] is not None  # masked, never in full
    assert PERSON_ID[6:14] not in applicant["idNumber"] and applicant["name"] != "张伟"
    assert applicant["phone"] is None  # withheld
    assert closed["case"]["agent"] is None and closed["case"]["site"] is None and closed["case"]["materials"] is None
    assert closed["case"]["water"] is None
    assert completed["assignment"]["accountNumber"] != water["accountNumber"]  # the old 户号: masked

    replay = await Subscription.open(hub.port, token, RESULT_EVENTS, {"after": "0"})
    replayed = await _events_of(replay, case["number"], 3)
    await replay.close()
    assert [(e["cursor"], e["kind"]) for e in replayed] == [(e["cursor"], e["kind"]) for e in events]
    assert replayed[1:] == events[1:]  # payloads read the record as it is now: the same once the case closed


async def test_a_case_the_platform_pushed_is_still_read_in_full(hub, as_role, utilities):
    token = hub.token(Role.PLATFORM, "KF-DATA", "platform-own")
    platform = as_role(Role.PLATFORM, "KF-DATA", "platform-own")
    live = await Subscription.open(hub.port, token, RESULT_EVENTS)
    case = await submit(platform, individual_transfer(channel="GOVERNMENT_PLATFORM", electricity=None, gas=None,
                                                      heating=None))
    await finish(utilities["WATER"], by_service(case)["WATER"], "W-PUSHED-7")
    events = await _events_of(live, case["number"], 3)
    await live.close()
    assert events[2]["case"]["applicant"]["idNumber"] == PERSON_ID
    assert events[2]["case"]["water"] == {"accountNumber": by_service(case)["WATER"]["accountNumber"]}


async def test_other_roles_get_no_results_feed_and_the_platform_no_other_events(hub, clerk, utilities):
    refused = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), LATEST)
    message = await refused.first_message()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["message"] for e in errors] == ["this needs the role PLATFORM"]
    await refused.close()
    live = await Subscription.open(hub.port, hub.token(Role.PLATFORM, "KF-DATA"), LATEST)
    case = await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None))
    await move(utilities["WATER"], ops.ACKNOWLEDGE, by_service(case)["WATER"])  # RECEIVED: not a result
    event = (await live.next())["resultEvents"]
    assert event["kind"] == "CASE_STATUS_CHANGED" and event["case"]["number"] == case["number"]
    try:
        extra = (await live.next(timeout=1.5))["resultEvents"]
    except asyncio.TimeoutError:
        extra = None
    assert extra is None or extra["case"]["number"] != case["number"]
    await live.close()
