"""Replay is governed exactly like live delivery: for every feed and every caller (each role, and principals
holding two), the events replayed from a cursor are exactly the events the same caller received live."""

import asyncio
import json

import pytest

from hub.enums import Role
from tests import operations as ops
from tests.factories import individual_transfer
from tests.steps import by_service, move, submit, write
from tests.ws import Subscription

CITIZEN = "replay-citizen"
PRINCIPALS = {
    "applicant": ([Role.APPLICANT], None, CITIZEN),
    "clerk": ([Role.CLERK], "KF-DATA", "replay-clerk"),
    "platform": ([Role.PLATFORM], "KF-DATA", "replay-platform"),
    "water": ([Role.UTILITY], "KF-WATER", "replay-water"),
    "power": ([Role.UTILITY], "KF-POWER", "replay-power"),
    "gas": ([Role.UTILITY], "KF-GAS", "replay-gas"),
    "heat": ([Role.UTILITY], "KF-HEAT", "replay-heat"),
    "telecom": ([Role.UTILITY], "KF-TELECOM", "replay-telecom"),
    "supervisor": ([Role.SUPERVISOR], "KF-CGJ", "replay-supervisor"),
    "governance": ([Role.GOVERNANCE], "KF-DATA", "replay-governance"),
    "water+platform": ([Role.UTILITY, Role.PLATFORM], "KF-WATER", "replay-water-platform"),
    "gas+supervisor": ([Role.UTILITY, Role.SUPERVISOR], "KF-GAS", "replay-gas-supervisor"),
    "power+applicant": ([Role.UTILITY, Role.APPLICANT], "KF-POWER", CITIZEN),
}
CASE_EVENTS = "subscription ($id: ID!, $after: String) { caseEvents(caseId: $id, after: $after) { cursor kind } }"
ASSIGNMENT_EVENTS = "subscription ($after: String) { assignmentEvents(after: $after) { cursor kind } }"
RESULT_EVENTS = "subscription ($after: String) { resultEvents(after: $after) { cursor kind } }"
ASSIGNMENTS = "query ($id: ID!) { case(id: $id) { version assignments { id service version } } }"
IDLE = 2.0


async def drain(sub: Subscription) -> dict:
    """Everything the subscription delivers until it has been idle for IDLE seconds, or its refusal."""
    events: list[tuple[int, str]] = []
    while True:
        try:
            message = json.loads(await asyncio.wait_for(sub.socket.recv(), IDLE))
        except asyncio.TimeoutError:
            await sub.close()
            return {"events": events}
        if message["type"] == "ping":
            await sub.socket.send(json.dumps({"type": "pong"}))
        elif message["type"] == "next" and not message["payload"].get("errors"):
            event = next(iter(message["payload"]["data"].values()))
            events.append((int(event["cursor"]), event["kind"]))
        else:
            errors = message["payload"] if message["type"] == "error" else message["payload"].get("errors", [])
            await sub.close()
            return {"refused": sorted(e["message"] for e in errors)}


class World:
    def __init__(self, hub, as_roles) -> None:  # type: ignore[no-untyped-def]
        self.hub = hub
        self.clients = {name: as_roles(roles, org, subject) for name, (roles, org, subject) in PRINCIPALS.items()}
        self.tokens = {name: hub.roles_token(roles, org, subject) for name, (roles, org, subject) in PRINCIPALS.items()}

    async def open(self, name: str, feed: str, after: str | None, case_id: str | None = None) -> Subscription:
        if feed == "assignments":
            return await Subscription.open(self.hub.port, self.tokens[name], ASSIGNMENT_EVENTS, {"after": after})
        if feed == "results":
            return await Subscription.open(self.hub.port, self.tokens[name], RESULT_EVENTS, {"after": after})
        return await Subscription.open(self.hub.port, self.tokens[name], CASE_EVENTS, {"id": case_id, "after": after})

    async def assignment(self, name: str, case: dict, service: str) -> dict:
        found = (await self.clients[name].run(ASSIGNMENTS, {"id": case["id"]}))["case"]
        return by_service(found)[service]


async def _drain_all(subs: dict) -> dict:
    results = await asyncio.gather(*(drain(sub) for sub in subs.values()))
    return dict(zip(subs, results, strict=True))


async def _activity(world: World, x: dict, y: dict) -> None:
    """Several utilities act on the same cases; the platform adds materials (补正)."""
    water = await world.assignment("water", x, "WATER")
    for operation, extra in ((ops.ACKNOWLEDGE, {}), (ops.ACCEPT, {}), (ops.COMPLETE, {"result": {"accountNumber": "W-R-1"}})):
        water = await move(world.clients["water"], operation, water, **extra)
    gas = await move(world.clients["gas"], ops.ACKNOWLEDGE, await world.assignment("gas", x, "GAS"))
    await move(world.clients["gas"], ops.REQUEST_MATERIALS, gas, reason="缺少燃气安全检查记录")
    version = (await world.clients["platform"].run(ASSIGNMENTS, {"id": x["id"]}))["case"]["version"]
    added = await write(world.clients["platform"], ops.ADD_MATERIALS, caseId=x["id"], expectedVersion=version,
                        materials=[{"typeCode": "PROPERTY_CERTIFICATE", "verified": True}])
    assert added["errors"] == []
    await move(world.clients["power"], ops.REJECT, await world.assignment("power", x, "ELECTRICITY"), reason="户号有误")
    await move(world.clients["heat"], ops.ACKNOWLEDGE, await world.assignment("heat", y, "HEATING"))
    await move(world.clients["gas"], ops.REJECT, await world.assignment("gas", y, "GAS"), reason="非本公司供气区域")


@pytest.fixture(scope="module")
async def recorded(hub, as_roles):  # type: ignore[no-untyped-def]
    """The same events twice: received live by every caller on every feed, then replayed from a cursor."""
    world = World(hub, as_roles)
    live = {(name, feed): await world.open(name, feed, None) for name in PRINCIPALS for feed in ("assignments", "results")}
    platform_data = individual_transfer(channel="GOVERNMENT_PLATFORM", heating=None)
    platform_data["applicant"]["subject"] = CITIZEN
    x = await submit(world.clients["platform"], platform_data)  # water, power, gas; pushed by KF-DATA's platform
    y = await submit(world.clients["water+platform"],  # gas, heating; pushed by the water company as a platform
                     individual_transfer(channel="GOVERNMENT_PLATFORM", water=None, electricity=None))
    for name in PRINCIPALS:
        for key, case in (("case X", x), ("case Y", y)):
            live[name, key] = await world.open(name, key, None, case["id"])
    created = (await _drain_all({k: await world.open("supervisor", k, "0", c["id"]) for k, c in (("case X", x), ("case Y", y))}))
    start = min(cursor for cursor, _ in created["case X"]["events"]) - 1  # just before case X was submitted
    submitted = max(cursor for found in created.values() for cursor, _ in found["events"])  # all of both submissions
    await _activity(world, x, y)
    received = await _drain_all(live)
    replays = {}
    for name, feed in live:
        after = str(start) if feed in ("assignments", "results") else "0"
        replays[name, feed] = await world.open(name, feed, after, {"case X": x, "case Y": y}.get(feed, {}).get("id"))
    replayed = await _drain_all(replays)
    return {"world": world, "x": x, "y": y, "start": start, "submitted": submitted, "live": received,
            "replayed": replayed}


@pytest.mark.parametrize("name", list(PRINCIPALS))
@pytest.mark.parametrize("feed", ["case X", "case Y", "assignments", "results"])
async def test_replay_delivers_exactly_what_live_delivery_delivered(recorded, name, feed):
    live, replayed = recorded["live"][name, feed], recorded["replayed"][name, feed]
    if "refused" in live or "refused" in replayed:
        assert live == replayed, "refused one way and not the other, or with another reason"
        return
    after = recorded["submitted"] if feed.startswith("case") else recorded["start"]
    assert [e for e in replayed["events"] if e[0] > after] == [e for e in live["events"] if e[0] > after]


@pytest.mark.parametrize("name", list(PRINCIPALS))
@pytest.mark.parametrize("case_key", ["x", "y"])
async def test_a_replay_from_the_start_of_a_case_names_only_the_assignments_you_see(recorded, name, case_key):
    """Before the live window: CASE_SUBMITTED and one ASSIGNMENT_CREATED per assignment the caller may see."""
    replayed = recorded["replayed"][name, f"case {case_key.upper()}"]
    seen = (await recorded["world"].clients[name].run(ASSIGNMENTS, {"id": recorded[case_key]["id"]}))["case"]
    if seen is None:
        assert replayed == {"refused": ["no such case"]}
        return
    creation = [kind for cursor, kind in replayed["events"] if cursor <= recorded["submitted"]]
    assert creation == ["CASE_SUBMITTED"] + ["ASSIGNMENT_CREATED"] * len(seen["assignments"])


def _kinds(recorded, name: str, feed: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [kind for _, kind in recorded["live"][name, feed]["events"]]


async def test_the_comparison_is_not_vacuous(recorded):
    """Callers of one case hear different things: a utility only of its own assignment, an overseer of all."""
    assert "MATERIALS_REQUESTED" in _kinds(recorded, "supervisor", "case X")  # gas asked for materials
    assert "MATERIALS_REQUESTED" not in _kinds(recorded, "water", "case X")
    assert _kinds(recorded, "water", "case X").count("ASSIGNMENT_COMPLETED") == 1
    assert "ASSIGNMENT_REJECTED" not in _kinds(recorded, "water", "case X")  # power's rejection
    assert _kinds(recorded, "water+platform", "case X") == _kinds(recorded, "water", "case X")  # did not push X
    assert _kinds(recorded, "water+platform", "case Y") == _kinds(recorded, "supervisor", "case Y")  # pushed Y
    assert _kinds(recorded, "gas+supervisor", "assignments") == _kinds(recorded, "gas", "assignments")
    assert _kinds(recorded, "power+applicant", "case X") == _kinds(recorded, "applicant", "case X")
    assert recorded["live"]["telecom", "case X"] == {"refused": ["no such case"]}
    water_results = {c for c, _ in recorded["live"]["water+platform", "results"]["events"]}
    y_events = {c for c, _ in recorded["live"]["supervisor", "case Y"]["events"]}
    x_events = {c for c, _ in recorded["live"]["supervisor", "case X"]["events"]}
    # The results feed carries every case's results: Y it pushed, and X it only works on as a utility.
    assert water_results & y_events and water_results & x_events and water_results <= x_events | y_events
