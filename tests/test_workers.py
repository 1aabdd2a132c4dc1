"""`hub serve --workers N`: several processes behind one port, coordinated by PostgreSQL alone."""

import asyncio
import time

import httpx
import pytest

from hub.enums import Role
from tests.harness import BACKEND, ENGLISH, GraphQLClient, free_port
from tests.steps import by_service, submit
from tests.test_operations_cli import (  # noqa: F401  (empty_database, key_file: fixtures)
    Served, empty_database, environment, hub, key_file, one_line_refusal,
)
from tests.test_subscriptions import ASSIGNMENT_EVENTS, water_only
from tests.ws import Subscription


async def test_several_workers_need_postgresql_in_production(tmp_path, empty_database, key_file):
    embedded = environment(tmp_path, empty_database)
    line = one_line_refusal(hub(tmp_path, embedded, "serve", "--port", str(free_port()), "--workers", "2"))
    assert "--workers" in line
    assert ("PostgreSQL" in line) if BACKEND == "sqlite" else ("HUB_ENVIRONMENT=production" in line)
    if BACKEND == "sqlite":
        production = environment(tmp_path, empty_database, environment="production", signing_key_file=str(key_file))
        assert "PostgreSQL" in one_line_refusal(hub(tmp_path, production, "serve", "--workers", "2"))


async def _process_of(client: httpx.AsyncClient) -> int:
    """The worker that holds this client's one keep-alive connection."""
    return (await client.get("/healthz")).json()["process"]


def _token(tmp_path, env, role: Role, org: str) -> str:  # type: ignore[no-untyped-def]
    issued = hub(tmp_path, env, "token", "--role", role.value, "--org", org, "--ttl", "3600")
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


@pytest.mark.skipif(BACKEND != "postgresql", reason="several workers run on PostgreSQL only")
async def test_two_workers_answer_and_share_live_events(tmp_path, empty_database, key_file):
    env = environment(tmp_path, empty_database, environment="production", signing_key_file=str(key_file))
    for command in ("migrate", "load-catalogue"):
        assert hub(tmp_path, env, command).returncode == 0
    served = Served(tmp_path, env, "--workers", "2", start_within=180)  # each worker imports the hub anew
    clients: dict[int, httpx.AsyncClient] = {}  # worker → a client whose connection it holds
    try:
        deadline = time.monotonic() + 120  # the second worker may still be starting
        while len(clients) < 2 and time.monotonic() < deadline:  # a new connection: whichever worker accepts it
            client = httpx.AsyncClient(headers=ENGLISH, base_url=served.url, timeout=30, limits=httpx.Limits(max_connections=1))
            process = await _process_of(client)
            if process in clients:
                await client.aclose()
                await asyncio.sleep(0.2)
            else:
                clients[process] = client
        assert len(clients) == 2 and served.process.pid not in clients, clients.keys()

        water = await Subscription.open(served.port, _token(tmp_path, env, Role.UTILITY, "KF-WATER"),
                                        ASSIGNMENT_EVENTS)
        clerk_token = _token(tmp_path, env, Role.CLERK, "KF-CGJ")
        submitted = []
        for process, client in clients.items():  # one case through each worker: one of them is not water's
            submitted.append(by_service(await submit(GraphQLClient(client, clerk_token), water_only()))["WATER"]["id"])
            assert await _process_of(client) == process  # still the same connection, so the same worker
        received = [(await water.next(timeout=10))["assignmentEvents"]["assignment"]["id"] for _ in submitted]
        assert received == submitted
        await water.close()
    finally:
        for client in clients.values():
            await client.aclose()
        served.stop()
