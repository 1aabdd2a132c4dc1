"""Malformed graphql-transport-ws frames close the socket with 4400, with nothing in the server log but the
refusal; the hub goes on serving subscriptions."""

import asyncio
import json
import logging

import pytest
import websockets

from hub.enums import Role
from tests.harness import ENGLISH
from tests.ws import Subscription

PROTOCOL_ERROR = 4400
QUERY = "subscription { assignmentEvents { cursor } }"


async def _acknowledged(hub):  # type: ignore[no-untyped-def]
    socket = await websockets.connect(f"ws://127.0.0.1:{hub.port}/graphql", subprotocols=["graphql-transport-ws"], additional_headers=ENGLISH)
    token = hub.token(Role.UTILITY, "KF-WATER")
    await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    return socket


async def _close_code(socket) -> int:  # type: ignore[no-untyped-def]
    """The code the server closes with; a server that stays open fails the test after 10 s."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), 10)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else closed.code


def _subscribe(**changes) -> str:  # type: ignore[no-untyped-def]
    message = {"id": "1", "type": "subscribe", "payload": {"query": QUERY}}
    message.update(changes)
    return json.dumps({k: v for k, v in message.items() if v is not ...})


MALFORMED = {
    "array": "[]",
    "array of messages": json.dumps([{"type": "ping"}]),
    "number": "42",
    "string": '"subscribe"',
    "null": "null",
    "numeric type": '{"type": 1}',
    "missing type": '{"id": "1"}',
    "numeric id": _subscribe(id=1),
    "empty id": _subscribe(id=""),
    "missing id": _subscribe(id=...),
    "null id": _subscribe(id=None),
    "numeric query": _subscribe(payload={"query": 123}),
    "object query": _subscribe(payload={"query": {"text": QUERY}}),
    "missing query": _subscribe(payload={"variables": {}}),
    "missing payload": _subscribe(payload=...),
    "payload array": _subscribe(payload=[QUERY]),
    "variables array": _subscribe(payload={"query": QUERY, "variables": [1]}),
    "operationName number": _subscribe(payload={"query": QUERY, "operationName": 5}),
    "extensions string": _subscribe(payload={"query": QUERY, "extensions": "x"}),
    "complete with numeric id": '{"type": "complete", "id": 7}',
    "invalid JSON": '{"type": "subscribe", ',
    "JSON nested 10000 deep": "[" * 10_000 + "]" * 10_000,
    "object nested 10000 deep": '{"type": "ping", "payload": ' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "}",
    "binary frame": b"\x00\x01",
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_frame_closes_with_4400_without_a_traceback(hub, frame, caplog):
    caplog.set_level(logging.INFO)
    socket = await _acknowledged(hub)
    await socket.send(frame)
    assert await _close_code(socket) == PROTOCOL_ERROR
    problems = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert problems == [], [r.getMessage() for r in problems]


@pytest.mark.parametrize("frame", [MALFORMED["array"], MALFORMED["number"], MALFORMED["JSON nested 10000 deep"]],
                         ids=["array", "number", "deep"])
async def test_a_malformed_frame_before_connection_init_closes_with_4400(hub, frame):
    socket = await websockets.connect(f"ws://127.0.0.1:{hub.port}/graphql", subprotocols=["graphql-transport-ws"], additional_headers=ENGLISH)
    await socket.send(frame)
    assert await _close_code(socket) == PROTOCOL_ERROR


async def test_a_well_formed_subscription_still_works_after_malformed_ones(hub):
    for frame in MALFORMED.values():
        socket = await _acknowledged(hub)
        await socket.send(frame)
        await _close_code(socket)
    sub = await Subscription.open(hub.port, hub.token(Role.UTILITY, "KF-WATER"), "query { viewer { subject } }")
    message = await sub.first_message()
    assert message["type"] == "next" and message["payload"]["data"]["viewer"]["subject"] == "utility-KF-WATER"
    await sub.close()
