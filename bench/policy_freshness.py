"""How long a revocation made through one instance takes to reach another, on PostgreSQL.

    .venv/bin/python bench/policy_freshness.py --rounds 20

Starts two production-mode `hub serve` processes on one fresh database, then for each round: the water
utility reads a case's `note` through instance B (B holds the policy in memory), governance revokes that
grant through instance A, and the script reads through B every few milliseconds until the field is null.
Prints the delay per round and the median and worst; then grants the item again for the next round.
Nothing here is asserted (tests/test_policy_freshness.py asserts under a second).
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.factories import individual_transfer  # noqa: E402
from tests.harness import create_database, drop_database, free_port  # noqa: E402

SUBMIT = "mutation ($input: SubmitCaseInput!) { submitCase(input: $input) { case { id } errors { code } } }"
NOTE = "query ($id: ID!) { case(id: $id) { note } }"
GRANTS = "query { sharingGrants(itemCode: \"Case.note\", organisation: \"KF-WATER\") { id access } }"
REVOKE = "mutation ($id: ID!) { revokeGrant(input: {grantId: $id, reason: \"测量\"}) { errors { code } } }"
GRANT = """mutation { grantAccess(input: {itemCodes: ["Case.note"], grantee: {organisation: "KF-WATER"},
  access: "READ_FULL", purpose: "水务集团办理用水过户/报装"}) { errors { code } } }"""


def hub(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "hub.cli", *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


async def graphql(http: httpx.AsyncClient, token: str, query: str, variables: dict | None = None) -> dict:
    body = (await http.post("/graphql", json={"query": query, "variables": variables or {}},
                            headers={"Authorization": f"Bearer {token}"})).json()
    assert not body.get("errors"), body
    return body["data"]


async def serve(env: dict) -> tuple[subprocess.Popen, httpx.AsyncClient]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve"], env={**env, "HUB_PORT": str(port)},
                               stdout=subprocess.DEVNULL)
    http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)
    for _ in range(600):
        try:
            if (await http.get("/healthz")).status_code == 200:
                return process, http
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise RuntimeError("hub did not start")


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = await create_database(tmp, "postgresql")
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_DATA_DIR": str(tmp), "HUB_LOG_LEVEL": "WARNING",
           "HUB_ENVIRONMENT": "production", "HUB_SIGNING_KEY_FILE": str(tmp / "signing-key.json")}
    for command in (["keygen", env["HUB_SIGNING_KEY_FILE"]], ["migrate"], ["load-catalogue"]):
        hub(env, *command)
    tokens = {name: hub(env, "token", "--role", role, "--org", org, "--subject", f"bench-{name}", "--ttl", "3600")
              for name, role, org in (("clerk", "CLERK", "KF-DATA"), ("water", "UTILITY", "KF-WATER"),
                                      ("governance", "GOVERNANCE", "KF-DATA"))}
    servers = [await serve(env), await serve(env)]
    (_, a), (_, b) = servers
    try:
        case = (await graphql(a, tokens["clerk"], SUBMIT, {"input": individual_transfer()}))["submitCase"]["case"]
        delays = []
        for round_ in range(args.rounds):
            assert (await graphql(b, tokens["water"], NOTE, {"id": case["id"]}))["case"]["note"]
            grant = next(g["id"] for g in (await graphql(a, tokens["governance"], GRANTS))["sharingGrants"]
                         if g["access"] == "READ_FULL")
            await graphql(a, tokens["governance"], REVOKE, {"id": grant})
            started = time.perf_counter()
            while (await graphql(b, tokens["water"], NOTE, {"id": case["id"]}))["case"]["note"] is not None:
                await asyncio.sleep(0.002)
            delays.append(time.perf_counter() - started)
            print(f"round {round_ + 1:3}: revoked through A, hidden on B after {delays[-1] * 1000:7.1f} ms")
            await graphql(a, tokens["governance"], GRANT)
        print(f"revocation → effect on the other instance: median {statistics.median(delays) * 1000:.1f} ms, "
              f"worst {max(delays) * 1000:.1f} ms over {len(delays)} rounds")
    finally:
        for process, http in servers:
            await http.aclose()
            process.terminate()
            process.wait()
        await drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
