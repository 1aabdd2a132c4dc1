"""Live delivery: commit → subscriber latency, and the server's memory with many idle subscriptions.

    .venv/bin/python bench/subscriptions.py --backend postgresql --idle 2000 --events 200

Starts `hub serve` in its own process on a fresh database. Opens --idle
subscriptions that never receive anything (another organisation's feed) and
reports the server's resident memory before and after; then one utility
subscriber receives --events submissions made one at a time, and the time from
each mutation's response (the commit) to the event's arrival is reported.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.factories import individual_transfer  # noqa: E402
from tests.steps import SHOWN, signed_as_shown  # noqa: E402
from tests.harness import create_database, drop_database, free_port  # noqa: E402

SUBSCRIBE = "subscription { assignmentEvents { cursor kind } }"
SUBMIT = "mutation ($input: SubmitCaseInput!) { submitCase(input: $input) { errors { code } } }"


def token(env: dict, role: str, org: str) -> str:
    return subprocess.run([sys.executable, "-m", "hub.cli", "token", "--role", role, "--org", org, "--ttl", "86400"],
                          env=env, check=True, capture_output=True, text=True).stdout.strip()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def open_subscription(port: int, bearer: str):  # type: ignore[no-untyped-def]
    socket = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"])
    await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {bearer}"}}))
    await socket.recv()
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return socket


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = await create_database(tmp, args.backend)
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_DATA_DIR": str(tmp), "HUB_PORT": str(port), "HUB_LOG_LEVEL": "WARNING"}
    serve = [sys.executable, "-m", "hub.cli", "serve"]
    if args.ws:
        serve = [sys.executable, "-m", "uvicorn", "hub.app:create_app", "--factory", "--port", str(port), "--ws", args.ws,
                 "--ws-per-message-deflate", "false", "--log-level", "warning"]
    server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for _ in range(300):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            heat, water, clerk = (token(env, "UTILITY", "KF-HEAT"), token(env, "UTILITY", "KF-WATER"),
                                  token(env, "CLERK", "KF-DATA"))
            before = rss_mib(server.pid)
            idle = [await open_subscription(port, heat) for _ in range(args.idle)]
            await asyncio.sleep(2)
            after = rss_mib(server.pid)
            print(f"idle subscriptions: {args.idle}; server RSS {before:.0f} MiB → {after:.0f} MiB "
                  f"({(after - before) * 1024 / max(args.idle, 1):.1f} KiB each)")

            live = await open_subscription(port, water)
            latencies = []
            shown = (await http.post("/graphql", json={"query": SHOWN},
                                     headers={"Authorization": f"Bearer {clerk}"})).json()["data"]
            data = signed_as_shown(shown, individual_transfer(electricity=None, gas=None, heating=None))
            for _ in range(args.events):
                await http.post("/graphql", json={"query": SUBMIT, "variables": {"input": data}},
                                headers={"Authorization": f"Bearer {clerk}"})
                committed = time.perf_counter()
                message = json.loads(await asyncio.wait_for(live.recv(), 10))
                assert message["type"] == "next", message
                latencies.append(time.perf_counter() - committed)
            q = statistics.quantiles(latencies, n=100)
            print(f"commit → subscriber ({args.events} events, {args.idle} idle subscribers open): "
                  f"p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
            for socket in idle + [live]:
                await socket.close()
    finally:
        server.terminate()
        server.wait()
        await drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--ws", help="serve with this uvicorn WebSocket implementation instead of `hub serve`'s default")
    asyncio.run(main(parser.parse_args()))
