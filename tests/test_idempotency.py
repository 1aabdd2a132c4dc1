"""Idempotent write-back: a retry with the same key returns the first outcome and applies nothing twice,
also through another instance (as after a restart)."""

import httpx
from sqlalchemy import func, select

from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from hub.events.models import Event
from tests import operations as ops
from tests.factories import individual_transfer
from tests.harness import ENGLISH, GraphQLClient, RunningHub
from tests.steps import by_service, submit, write


async def _events_of(url: str, assignment_id_global: str, kind: str) -> int:
    from strawberry.relay import from_base64
    import uuid

    _, raw = from_base64(assignment_id_global)
    db = Database(url)
    async with db.read() as session:
        count = await session.scalar(select(func.count()).select_from(Event).where(
            Event.assignment_id == uuid.UUID(raw), Event.kind == kind))
    await db.dispose()
    return count


async def test_a_retried_write_applies_once(hub, clerk, utilities):
    water = by_service(await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None)))["WATER"]
    client = utilities["WATER"]
    first = await write(client, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"],
                        idempotencyKey="ack-1")
    retry = await write(client, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"],
                        idempotencyKey="ack-1")
    assert first["errors"] == [] and retry == first
    assert await _events_of(hub.settings.database_url, water["id"], "ASSIGNMENT_RECEIVED") == 1

    other = await write(client, ops.ACCEPT, assignmentId=water["id"], expectedVersion=first["assignment"]["version"],
                        idempotencyKey="ack-1")
    assert other["errors"][0]["code"] == "CONFLICT" and "different request" in other["errors"][0]["message"]
    without_key = await write(client, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"])
    assert without_key["errors"][0]["code"] == "CONFLICT"  # no key: a stale version, as before


async def test_a_retry_through_another_instance_after_a_restart(hub, clerk, utilities):
    water = by_service(await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None)))["WATER"]
    first = await write(utilities["WATER"], ops.REJECT, assignmentId=water["id"], expectedVersion=water["version"],
                        reason="地址不在供水范围", idempotencyKey="reject-77")
    other = RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                                signing_key_file=hub.settings.key_file, data_dir=hub.settings.data_dir)).start()
    try:
        async with httpx.AsyncClient(headers=ENGLISH, base_url=other.url, timeout=30) as http:
            client = GraphQLClient(http, utilities["WATER"].token)
            retry = await write(client, ops.REJECT, assignmentId=water["id"], expectedVersion=water["version"],
                                reason="地址不在供水范围", idempotencyKey="reject-77")
    finally:
        other.stop()
    assert retry == first and retry["assignment"]["status"] == "REJECTED"
    assert await _events_of(hub.settings.database_url, water["id"], "ASSIGNMENT_REJECTED") == 1


async def test_keys_belong_to_their_caller(hub, clerk, as_role):
    water = by_service(await submit(clerk, individual_transfer(electricity=None, gas=None, heating=None)))["WATER"]
    one = as_role(Role.UTILITY, "KF-WATER", "operator-a")
    two = as_role(Role.UTILITY, "KF-WATER", "operator-b")
    a = await write(one, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"], idempotencyKey="k")
    b = await write(two, ops.ACKNOWLEDGE, assignmentId=water["id"], expectedVersion=water["version"], idempotencyKey="k")
    assert a["errors"] == [] and b["errors"][0]["code"] == "CONFLICT"  # b's key is its own: a stale write
