"""Throughput and latency of the hub's main operations, over HTTP against a separate server process.

    .venv/bin/python bench/api_throughput.py --backend postgresql --cases 2000

Starts `hub serve` in its own process on a fresh database, then from this
process (the load generator) measures:
  * submitCase of a five-service enterprise connection, at --concurrency;
  * write-back (acknowledgeAssignment) of the assignments just created;
  * the mobile "my cases" page: 20 cases with their assignments, as an APPLICANT.
Prints one line per figure. Nothing here is asserted: it is a measurement. With --workers N the server is
`hub serve --workers N` on a production-mode hub (key, migrations and catalogue made first); server CPU is
then that of all its processes.
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

from tests.factories import enterprise_connection  # noqa: E402
from tests.steps import SHOWN, signed_as_shown  # noqa: E402
from tests.harness import create_database, drop_database, free_port  # noqa: E402

MY_CASES = """query { cases(first: 20) { edges { node { number status submittedAt
  assignments { service status result { accountNumber } } } } pageInfo { hasNextPage endCursor } } }"""
SUBMIT = "mutation ($input: SubmitCaseInput!) { submitCase(input: $input) { case { id assignments { id service version } } errors { code } } }"
ACK = "mutation ($input: AssignmentWriteInput!) { acknowledgeAssignment(input: $input) { assignment { version } errors { code } } }"


def token(env: dict, role: str, org: str | None, subject: str) -> str:
    args = [sys.executable, "-m", "hub.cli", "token", "--role", role, "--subject", subject, "--ttl", "86400"]
    if org:
        args += ["--org", org]
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout.strip()


async def run_many(n: int, concurrency: int, job) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    """Run job(i) for i in range(n) with bounded concurrency; (seconds, latencies)."""
    latencies: list[float] = []
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            started = time.perf_counter()
            await job(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


SERVER_PID = 0


def _cpu_of(pid: int) -> int:
    """Clock ticks of user + system CPU of `pid` and its children (the workers of `hub serve --workers N`)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12]) + sum(_cpu_of(int(child)) for child in children)


def server_cpu_seconds() -> float:
    """User + system CPU the server's processes have used (Linux /proc)."""
    return _cpu_of(SERVER_PID) / os.sysconf("SC_CLK_TCK")


async def measure(label: str, n: int, concurrency: int, job) -> None:  # type: ignore[no-untyped-def]
    cpu = server_cpu_seconds()
    seconds, latencies = await run_many(n, concurrency, job)
    cpu_ms = (server_cpu_seconds() - cpu) * 1000 / n
    q = statistics.quantiles(latencies, n=100)
    print(f"{label:<34} {n / seconds:8.1f}/s   p50 {q[49] * 1000:6.1f} ms   p99 {q[98] * 1000:7.1f} ms"
          f"   server CPU {cpu_ms:5.1f} ms/request   (n={n}, concurrency {concurrency})")


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = await create_database(tmp, args.backend)
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_DATA_DIR": str(tmp), "HUB_PORT": str(port),
           "HUB_LOG_LEVEL": "WARNING", "HUB_DB_POOL_SIZE": "20"}
    if args.workers > 1:  # several workers serve a production hub: set up beforehand, as an operator would
        env.update(HUB_ENVIRONMENT="production", HUB_SIGNING_KEY_FILE=str(tmp / "signing-key.json"))
        for command in (["keygen", env["HUB_SIGNING_KEY_FILE"]], ["migrate"], ["load-catalogue"]):
            subprocess.run([sys.executable, "-m", "hub.cli", *command], env=env, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--workers", str(args.workers)], env=env,
                              stdout=subprocess.DEVNULL)
    global SERVER_PID
    SERVER_PID = server.pid
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                     limits=httpx.Limits(max_connections=args.concurrency * 2)) as http:
            for _ in range(3000):  # workers import the hub anew: allow a slow start
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            await every_worker_up(f"http://127.0.0.1:{port}", args.workers)
            await bench(http, env, args)
    finally:
        server.terminate()
        server.wait()
        await drop_database(url)


async def every_worker_up(url: str, workers: int) -> None:
    """Each new connection reaches the worker that accepts it; wait until each of them has answered."""
    seen: set[int] = set()
    while len(seen) < workers:
        async with httpx.AsyncClient(base_url=url, timeout=60) as probe:
            seen.add((await probe.get("/healthz")).json()["process"])
        await asyncio.sleep(0.05)


async def bench(http: httpx.AsyncClient, env: dict, args: argparse.Namespace) -> None:
    clerk = {"Authorization": f"Bearer {token(env, 'CLERK', 'KF-DATA', 'bench-clerk')}"}
    power = {"Authorization": f"Bearer {token(env, 'UTILITY', 'KF-POWER', 'bench-power')}"}
    applicant = {"Authorization": f"Bearer {token(env, 'APPLICANT', None, 'bench-applicant-0')}"}
    created: list[dict] = []
    shown = (await http.post("/graphql", json={"query": SHOWN}, headers=clerk)).json()["data"]  # texts and notice

    async def submit(i: int) -> None:
        data = signed_as_shown(shown, enterprise_connection())
        data["applicant"]["subject"] = f"bench-applicant-{i % max(1, args.cases // 20)}"
        body = (await http.post("/graphql", json={"query": SUBMIT, "variables": {"input": data}}, headers=clerk)).json()
        assert not body.get("errors") and not body["data"]["submitCase"]["errors"], body
        created.append(body["data"]["submitCase"]["case"])

    await measure("submitCase (5 services)", args.cases, args.concurrency, submit)

    electricity = [a for c in created for a in c["assignments"] if a["service"] == "ELECTRICITY"]
    async def acknowledge(i: int) -> None:
        a = electricity[i]
        variables = {"input": {"assignmentId": a["id"], "expectedVersion": a["version"]}}
        body = (await http.post("/graphql", json={"query": ACK, "variables": variables}, headers=power)).json()
        assert not body["data"]["acknowledgeAssignment"]["errors"], body

    await measure("write-back (acknowledge)", len(electricity), args.concurrency, acknowledge)

    async def my_cases(_: int) -> None:
        body = (await http.post("/graphql", json={"query": MY_CASES}, headers=applicant)).json()
        assert len(body["data"]["cases"]["edges"]) == 20, body

    await measure("my cases page (20 + assignments)", args.reads, args.concurrency, my_cases)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="hub serve --workers (PostgreSQL)")
    asyncio.run(main(parser.parse_args()))
