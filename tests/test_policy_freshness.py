"""Policy changes reach every instance at once, though no request asks the database for the policy version."""

import asyncio
import time

import asyncpg
import httpx
import pytest

from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from hub.policy.snapshot import PolicyStore
from tests.faults import execute
from tests.harness import BACKEND, GraphQLClient, RunningHub, _asyncpg_dsn
from tests.steps import submit
from tests.test_governance import GRANT, GRANTS, REVOKE
from tests.test_subscriptions import water_only

NOTE = "query ($id: ID!) { case(id: $id) { note } }"
ITEM = "Case.note"  # granted to the water utility by its organisation's default grant alone


def second_instance(hub, **settings) -> RunningHub:  # type: ignore[no-untyped-def]
    """Another hub on the same database (on SQLite: in this process, as only one process writes the file)."""
    return RunningHub(Settings(environment="production", database_url=hub.settings.database_url,
                               signing_key_file=hub.settings.key_file, data_dir=hub.settings.data_dir,
                               **settings)).start()


async def note_seen(client: GraphQLClient, case_id: str) -> str | None:
    return (await client.run(NOTE, {"id": case_id}))["case"]["note"]


async def seconds_until_hidden(client: GraphQLClient, case_id: str, limit: float) -> float:
    started = time.monotonic()
    while await note_seen(client, case_id) is not None:
        assert time.monotonic() - started < limit, f"still shown after {limit} s"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def water_grant(governance: GraphQLClient) -> str:
    grants = (await governance.run(GRANTS, {"item": ITEM, "org": "KF-WATER"}))["sharingGrants"]
    return next(g["id"] for g in grants if g["access"] == "READ_FULL")


async def grant_again(governance: GraphQLClient) -> None:
    payload = (await governance.run(GRANT, {"input": {"itemCodes": [ITEM], "grantee": {"organisation": "KF-WATER"},
                                                      "access": "READ_FULL", "purpose": "水务集团办理用水过户/报装"}}))
    assert payload["grantAccess"]["errors"] == []


async def test_a_revocation_on_one_instance_hides_the_field_on_another_within_a_second(hub, clerk, as_role):
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-freshness")
    case_id = (await submit(clerk, water_only()))["id"]
    other = second_instance(hub)
    try:
        async with httpx.AsyncClient(base_url=other.url, timeout=30) as http:
            water_there = GraphQLClient(http, hub.token(Role.UTILITY, "KF-WATER"))
            assert await note_seen(water_there, case_id) == "购房后过户"  # instance B holds the policy in memory
            revoked = await governance.run(REVOKE, {"input": {"grantId": await water_grant(governance),
                                                              "reason": "核查授权范围"}})  # through instance A
            assert revoked["revokeGrant"]["errors"] == []
            delay = await seconds_until_hidden(water_there, case_id, limit=5)
            assert delay < 1.0, f"instance B showed the revoked field for {delay:.3f} s"
            await grant_again(governance)
            assert await note_seen(water_there, case_id) == "购房后过户"
    finally:
        other.stop()


async def test_a_change_nobody_announced_is_found_by_the_fallback_poll(hub, clerk, as_role):
    """A change made past the hub (SQL by hand) is not announced: each instance finds it within its poll interval."""
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-freshness")
    case_id = (await submit(clerk, water_only()))["id"]
    polling = second_instance(hub, policy_poll_seconds=0.5)
    try:
        async with httpx.AsyncClient(base_url=polling.url, timeout=30) as http:
            water_there = GraphQLClient(http, hub.token(Role.UTILITY, "KF-WATER"))
            assert await note_seen(water_there, case_id) == "购房后过户"
            grant_id = await water_grant(governance)
            stored_id = grant_id if BACKEND == "postgresql" else grant_id.replace("-", "")  # SQLite: hex digits
            await execute(hub.settings.database_url,
                          f"UPDATE sharing_grants SET revoked_at = CURRENT_TIMESTAMP WHERE id = '{stored_id}'",
                          "INSERT INTO governance_changes (at, actor_subject, entity, entity_id, action) "
                          f"VALUES (CURRENT_TIMESTAMP, 'dba', 'GRANT', '{grant_id}', 'REVOKE')")
            assert await seconds_until_hidden(water_there, case_id, limit=3) < 3
            await grant_again(governance)
    finally:
        polling.stop()


REGISTER = ('mutation ($name: String!) { registerOAuthClient(input: {name: $name, organisation: "KF-WATER", '
            'roles: ["UTILITY"]}) { client { clientId } errors { message } } }')


async def test_a_request_that_comes_while_another_loads_the_policy_reads_the_change_just_acknowledged(hub, as_role):
    """An instance answering two requests at once: the first to arrive after a change loads the new policy, and
    the second must not be answered meanwhile with the policy as it was before the change."""
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-freshness")
    db = Database(hub.settings.database_url)
    store = PolicyStore(db)  # an instance's policy, on the hub's database
    try:
        await store.current()  # held in memory
        registered = (await governance.run(REGISTER, {"name": "水务推送（并发）"}))["registerOAuthClient"]
        client_id = registered["client"]["clientId"]  # the change is acknowledged
        first = asyncio.create_task(store.current())
        await asyncio.sleep(0)  # the first request has begun loading the policy, and waits on the database
        second = await store.current()
        assert client_id in second.clients, "the second request was answered with the policy from before the change"
        assert client_id in (await first).clients
    finally:
        await db.dispose()


WAITING_FOR_CLIENTS = """SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'oauth_clients'::regclass
                         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"""


@pytest.mark.skipif(BACKEND != "postgresql", reason="holds a PostgreSQL table lock to keep a policy load waiting")
async def test_a_revocation_holds_for_a_request_that_arrives_while_the_policy_is_still_loading(hub, clerk, as_role):
    """A revocation acknowledged to governance holds for every later request on that instance, also for one that
    arrives while an earlier request is still loading the policy (here: kept waiting on a table lock)."""
    governance = as_role(Role.GOVERNANCE, "KF-DATA", "gov-freshness")
    water = as_role(Role.UTILITY, "KF-WATER", "operator-freshness")
    case_id = (await submit(clerk, water_only()))["id"]
    assert await note_seen(water, case_id) == "购房后过户"  # the policy is loaded and current
    grant_id = await water_grant(governance)
    holder = await asyncpg.connect(_asyncpg_dsn(hub.settings.database_url))
    try:
        locked = holder.transaction()
        await locked.start()
        await holder.execute("LOCK TABLE oauth_clients IN ACCESS EXCLUSIVE MODE")  # a policy load reads it last
        revoked = await governance.run(REVOKE, {"input": {"grantId": grant_id, "reason": "核查授权范围"}})
        assert revoked["revokeGrant"]["errors"] == []
        first = asyncio.create_task(note_seen(water, case_id))
        while not await holder.fetchval(WAITING_FOR_CLIENTS):
            await asyncio.sleep(0.01)  # the policy is being loaded, and waits for the lock
        second = asyncio.create_task(note_seen(water, case_id))
        await asyncio.sleep(0.5)
        await locked.rollback()
        assert await second is None, "the revoked field was read while the new policy was loading"
        assert await first is None
    finally:
        await holder.close()
        await grant_again(governance)
