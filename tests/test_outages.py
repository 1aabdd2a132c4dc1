"""The database going away, and failing underneath an operation: clean JSON answers, and recovery on its own.

Each test runs a hub of its own on a fresh database and breaks that database for real (connections refused
and ended, a write lock held by another process, statements that fail or end their session).
"""

import asyncio
import json
import logging
import uuid

import httpx
import pytest
import websockets

from hub.enums import Role
from tests import factories
from tests import operations as ops
from tests.faults import (
    drop_insert_failure, fail_inserts, postgres_refusing_connections, server_kills_inserts, sqlite_write_lock,
)
from tests.harness import BACKEND, ENGLISH
from tests.steps import cases_of, signed, with_account

DRIVER_WORDS = ("asyncpg", "sqlalchemy", "sqlite3", "accepting connections", "Traceback", "database is locked", "SQL")
READ_PERSONAL = "query ReadApplicant($id: ID!) { case(id: $id) { number applicant { name idNumber } } }"
VIEWER = "query { viewer { subject } }"
FIRST_CASE = "query { cases(first: 1) { edges { node { number } } } }"
REGISTER = """mutation ($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) {
  client { clientId } clientSecret errors { code } } }"""

postgres_only = pytest.mark.skipif(BACKEND != "postgresql", reason="a PostgreSQL server to refuse connections")
sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's file lock")


def assert_unavailable(response: httpx.Response) -> dict:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert int(response.headers["retry-after"]) > 0
    assert not any(word in response.text for word in DRIVER_WORDS), response.text
    return response.json()


def assert_unavailable_graphql(response: httpx.Response) -> None:
    body = assert_unavailable(response)
    assert not any((body.get("data") or {}).values())  # nothing at all came of it
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAVAILABLE"]


async def websocket_answer(hub, token: str) -> str:  # type: ignore[no-untyped-def]
    """What the hub answers a WebSocket's connection_init with."""
    async with websockets.connect(f"ws://127.0.0.1:{hub.port}/graphql", subprotocols=["graphql-transport-ws"],
                                  additional_headers=ENGLISH) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        return json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]


def hub_errors(caplog) -> list[logging.LogRecord]:  # type: ignore[no-untyped-def]
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@postgres_only
async def test_postgres_refusing_connections_is_503_everywhere_then_recovers(own_hub, caplog):
    caplog.set_level(logging.INFO)
    clerk = own_hub.client(Role.CLERK, "KF-DATA", "clerk-li")
    account = f"app-{uuid.uuid4().hex[:8]}"
    registered = (await own_hub.client(Role.GOVERNANCE, "KF-DATA").run(
        REGISTER, {"input": {"name": "水务营业系统", "organisation": "KF-WATER", "roles": ["UTILITY"]}}))["registerOAuthClient"]
    credentials = {"grant_type": "client_credentials", "client_id": registered["client"]["clientId"],
                   "client_secret": registered["clientSecret"]}
    application = await signed(clerk, with_account(account))
    case = (await clerk.run(ops.SUBMIT, {"input": application}))["submitCase"]["case"]

    async with postgres_refusing_connections(own_hub.settings.database_url):
        assert (await clerk.run(VIEWER))["viewer"]["subject"] == "clerk-li"  # needs no database: the policy is in memory
        assert_unavailable_graphql(await clerk.raw(READ_PERSONAL, {"id": case["id"]}))
        assert_unavailable_graphql(await clerk.raw(ops.SUBMIT, {"input": application}))
        assert_unavailable_graphql(await own_hub.http.get("/graphql", params={"query": FIRST_CASE},
                                                       headers={"Authorization": f"Bearer {clerk.token}"}))
        assert_unavailable(await own_hub.http.get("/metrics"))
        token = assert_unavailable(await own_hub.http.post("/oauth/token", data=credentials))
        assert token["error"] == "temporarily_unavailable"
        assert assert_unavailable(await own_hub.http.get("/readyz"))["status"] == "unavailable"
        assert await websocket_answer(own_hub, clerk.token) == "connection_ack"  # the token and policy: from memory

    # Back, with no restart: the very first requests succeed (dead pooled connections are replaced).
    assert (await clerk.run(VIEWER))["viewer"]["subject"] == "clerk-li"
    # a new errand (the one refused during the outage was never filed; the first one is open: a duplicate)
    assert (await clerk.run(ops.SUBMIT, {"input": await signed(clerk, with_account(account))}))["submitCase"]["errors"] == []
    assert len(await cases_of(own_hub.client(Role.APPLICANT, None, account))) == 2  # the one before and the one after; none during
    assert (await own_hub.http.post("/oauth/token", data=credentials)).status_code == 200
    assert (await own_hub.http.get("/readyz")).status_code == 200
    assert any("database unavailable" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert hub_errors(caplog) == []  # an outage is not a bug: no ERROR, no traceback


@postgres_only
async def test_postgres_session_ending_mid_write_and_mid_audit(own_hub):
    """The server ends the hub's session inside a write and inside the audit flush (as in a crash or failover)."""
    clerk = own_hub.client(Role.CLERK, "KF-DATA")
    account = f"app-{uuid.uuid4().hex[:8]}"
    url = own_hub.settings.database_url
    await server_kills_inserts(url, "cases", "NEW.note = 'session-ends'")
    application = await signed(clerk, with_account(account))
    ending = {**await signed(clerk, with_account(account)), "note": "session-ends"}  # another errand (its own 户号)

    assert_unavailable_graphql(await clerk.raw(ops.SUBMIT, {"input": ending}))
    assert await cases_of(own_hub.client(Role.APPLICANT, None, account)) == []

    two = """mutation ($a: SubmitCaseInput!, $b: SubmitCaseInput!) {
               first: submitCase(input: $a) { case { number } errors { field } }
               second: submitCase(input: $b) { case { number } errors { field } } }"""
    response = await clerk.raw(two, {"a": application, "b": ending})
    assert response.status_code == 200 and "retry-after" not in response.headers  # the first committed: no blind retry
    body = response.json()
    assert body["data"]["first"]["case"]["number"] and body["data"]["second"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [(["second"], "UNAVAILABLE")]
    assert [e["node"]["number"] for e in await cases_of(own_hub.client(Role.APPLICANT, None, account))] == [body["data"]["first"]["case"]["number"]]

    another = await signed(clerk, with_account(account))
    case_id = (await clerk.run(ops.SUBMIT, {"input": another}))["submitCase"]["case"]["id"]
    await server_kills_inserts(url, "audit_records", "NEW.kind = 'READ'")
    assert_unavailable_graphql(await clerk.raw(READ_PERSONAL, {"id": case_id}))  # unaudited, so not shown
    assert (await clerk.run("query ($id: ID!) { case(id: $id) { status } }", {"id": case_id}))["case"]["status"]


@sqlite_only
async def test_sqlite_write_lock_held_elsewhere(own_hub, caplog):
    """Writes wait for the lock (HUB_SQLITE_BUSY_TIMEOUT_SECONDS), then answer 503; reads go on."""
    caplog.set_level(logging.INFO)
    clerk = own_hub.client(Role.CLERK, "KF-DATA", "clerk-li")
    account = f"app-{uuid.uuid4().hex[:8]}"
    application = await signed(clerk, with_account(account))
    case = (await clerk.run(ops.SUBMIT, {"input": application}))["submitCase"]["case"]

    with sqlite_write_lock(own_hub.settings.database_url):
        assert_unavailable_graphql(await clerk.raw(ops.SUBMIT, {"input": application}))
        assert_unavailable_graphql(await clerk.raw(READ_PERSONAL, {"id": case["id"]}))  # its audit cannot be written
        assert (await clerk.run(VIEWER))["viewer"]["subject"] == "clerk-li"  # nothing to write: served

    # a new errand (the one refused during the outage was never filed; the first one is open: a duplicate)
    assert (await clerk.run(ops.SUBMIT, {"input": await signed(clerk, with_account(account))}))["submitCase"]["errors"] == []
    assert len(await cases_of(own_hub.client(Role.APPLICANT, None, account))) == 2
    read = (await clerk.run(READ_PERSONAL, {"id": case["id"]}))["case"]
    assert read["applicant"]["idNumber"] == factories.PERSON_ID
    assert hub_errors(caplog) == []


async def test_a_failing_audit_flush_is_masked_and_withholds_the_data(own_hub, caplog):
    caplog.set_level(logging.INFO)
    clerk = own_hub.client(Role.CLERK, "KF-DATA")
    case = (await clerk.run(ops.SUBMIT, {"input": await signed(clerk, factories.individual_transfer())}))["submitCase"]["case"]
    url = own_hub.settings.database_url
    await fail_inserts(url, "audit_records", "NEW.kind = 'READ'", "audit store refused marker-7731")

    response = await clerk.raw(READ_PERSONAL, {"id": case["id"]})
    assert response.headers["content-type"].startswith("application/json") and response.status_code != 503
    body = response.json()
    assert body["data"] is None  # read but not audited: not shown
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL" and error["message"] == f"internal error (incident {error['extensions']['incident']})"
    assert "marker-7731" not in response.text
    logged = [r for r in hub_errors(caplog) if error["extensions"]["incident"] in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info and "marker-7731" in str(logged[0].exc_info[1])

    await drop_insert_failure(url, "audit_records")
    assert (await clerk.run(READ_PERSONAL, {"id": case["id"]}))["case"]["applicant"]["idNumber"] == factories.PERSON_ID
