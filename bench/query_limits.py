"""What abusive GraphQL requests cost the hub once it refuses them, against a separate server process.

    .venv/bin/python bench/query_limits.py --backend postgresql

Starts `hub serve` on a fresh database with the default limits and seeds some cases. Then, first one client at a
time, sends --attacks of each of
  * a query nested 100 levels deep,
  * a query with 10,000 aliases (each a case lookup: the connection-pool attack),
  * a request of 10 MB (a document padded to 10 MB),
and, for comparison, a query with 100 aliases (small enough to be parsed, refused after parsing); prints the
hub's own time per refusal (the `Server-Timing` header: from the request reaching the hub to its answer starting),
the server CPU it took and the answer. Then the three attacks at once, each at --rate requests a second from
--attackers clients, next to one client sending a normal query (a page of 20 cases with their assignments): its
latency alone and during the attacks, and the server's RSS before and after. Nothing is asserted: it is a measurement.
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

from bench.api_throughput import token  # noqa: E402
from tests.factories import individual_transfer  # noqa: E402
from tests.steps import SHOWN, signed_as_shown  # noqa: E402
from tests.harness import create_database, drop_database, free_port  # noqa: E402

NORMAL = """query { cases(first: 20) { edges { node { number status submittedAt
  assignments { service status result { accountNumber } } } } pageInfo { hasNextPage endCursor } } }"""
SUBMIT = "mutation ($input: SubmitCaseInput!) { submitCase(input: $input) { errors { code } } }"


def nested(levels: int) -> str:
    return "{ cases { edges { node { " + "assignments { case { " * ((levels - 3) // 2) + "id" + " } }" * (
        (levels - 3) // 2) + " } } } }"


ATTACKS = {
    "100-level nested query": lambda: {"query": nested(100)},
    "10,000 aliases": lambda: {"query": "{ " + " ".join(
        f'a{i}: caseByNumber(number: "KF20261127-{i:08d}") {{ id }}' for i in range(10_000)) + " }"},
    "10 MB document": lambda: {"query": "{ __typename }" + " " * 10 * 1024 * 1024},
}
# Small enough to pass the checks ahead of authentication: the token is verified, the document parsed, then refused.
PARSED = {"100 aliases (parsed, then refused)": lambda: {"query": "{ " + " ".join(
    f"a{i}: __typename" for i in range(100)) + " }"}}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_ms(pid: int) -> float:
    """User + system CPU the server process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def server_ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].partition("dur=")[2])


def quantiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return f"p50 {q[49]:7.2f} ms  p99 {q[98]:7.2f} ms  max {max(values):7.2f} ms"


async def normal_latencies(http: httpx.AsyncClient, headers: dict, stop: asyncio.Event | None,
                           count: int = 0) -> tuple[list[float], list[float]]:
    """Latencies of the normal query as the client sees them, and as the hub's Server-Timing reports them (the
    client's figure also holds this load generator's own delays while it sends the attacks)."""
    latencies: list[float] = []
    server: list[float] = []
    while (stop is not None and not stop.is_set()) or len(latencies) < count:
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": NORMAL}, headers=headers)
        assert response.status_code == 200 and not response.json().get("errors"), response.text
        latencies.append((time.perf_counter() - started) * 1000)
        server.append(server_ms(response))
    return latencies, server


async def attack(http: httpx.AsyncClient, headers: dict, body: dict, count: int, attackers: int,
                 rate: float | None = None) -> tuple[list, set]:
    """`count` requests from `attackers` clients, at `rate` requests a second in all (None: as fast as answered)."""
    timings: list[float] = []
    answers: set[str] = set()
    content = httpx.Request("POST", "/", json=body).content  # encoded once: the client's cost is not measured
    remaining = iter(range(count))

    async def client() -> None:
        for _ in remaining:
            started = time.perf_counter()
            response = await http.post("/graphql", content=content,
                                       headers={**headers, "Content-Type": "application/json"})
            if rate:
                await asyncio.sleep(max(0.0, attackers / rate - (time.perf_counter() - started)))
            timings.append(server_ms(response))
            errors = response.json().get("errors") or [{}]
            answers.add(f"{response.status_code} {errors[0].get('extensions', {}).get('code')}")

    await asyncio.gather(*(client() for _ in range(attackers)))
    return timings, answers


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    url = await create_database(tmp, args.backend)
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_DATA_DIR": str(tmp), "HUB_PORT": str(port),
           "HUB_LOG_LEVEL": "CRITICAL"}
    server = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve"], env=env, stdout=subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120,
                                     limits=httpx.Limits(max_connections=args.attackers + 4)) as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            await bench(http, env, server.pid, args)
    finally:
        server.terminate()
        server.wait()
        await drop_database(url)


async def bench(http: httpx.AsyncClient, env: dict, pid: int, args: argparse.Namespace) -> None:
    clerk = {"Authorization": f"Bearer {token(env, 'CLERK', 'KF-DATA', 'bench-clerk')}"}
    shown = (await http.post("/graphql", json={"query": SHOWN}, headers=clerk)).json()["data"]
    application = signed_as_shown(shown, individual_transfer())
    for _ in range(40):
        response = await http.post("/graphql", json={"query": SUBMIT, "variables": {"input": application}},
                                   headers=clerk)
        assert response.json()["data"]["submitCase"]["errors"] == [], response.text
    bodies = {name: make() for name, make in ATTACKS.items()}
    await normal_latencies(http, clerk, None, 50)  # warm up, and one round of every attack
    for body in bodies.values():
        await attack(http, clerk, body, 5, 1)
    rss_before = rss_mib(pid)

    print(f"backend {args.backend}; default limits")
    print("each attack alone, one client after another:")
    for name, body in {**bodies, **{name: make() for name, make in PARSED.items()}}.items():
        cpu = cpu_ms(pid)
        timings, answers = await attack(http, clerk, body, args.attacks, 1)
        cpu = (cpu_ms(pid) - cpu) / args.attacks
        print(f"  {name:<36} server time {quantiles(timings)}   server CPU {cpu:5.2f} ms/request   "
              f"answer {', '.join(sorted(answers))}")

    cpu = cpu_ms(pid)
    alone = await normal_latencies(http, clerk, None, args.normal)
    print(f"  {'normal query (for comparison)':<36} server CPU {(cpu_ms(pid) - cpu) / args.normal:5.2f} ms/request")
    stop = asyncio.Event()
    normal = asyncio.create_task(normal_latencies(http, clerk, stop))
    print(f"the attacks at once, {args.rate:g}/s each from {args.attackers} clients, next to one client sending "
          f"the normal query:")
    results = await asyncio.gather(*(attack(http, clerk, body, args.attacks, args.attackers, args.rate)
                                     for body in bodies.values()))
    stop.set()
    during = await normal
    for name, (timings, _) in zip(bodies, results):
        print(f"  {name:<36} server time {quantiles(timings)}")
    rss_after = rss_mib(pid)
    for label, (client, server) in (("alone", alone), ("during the attacks", during)):
        print(f"normal query (20 cases with assignments), {label}: n={len(client)}\n"
              f"    server time {quantiles(server)}\n    client      {quantiles(client)}")
    print(f"server RSS: {rss_before:.1f} MiB before the attacks, {rss_after:.1f} MiB after "
          f"{len(bodies) * args.attacks * (1 + args.attackers)} refused requests")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--attacks", type=int, default=200, help="requests of each attack")
    parser.add_argument("--attackers", type=int, default=2, help="concurrent clients per attack in the mixed phase")
    parser.add_argument("--rate", type=float, default=20, help="requests a second of each attack in the mixed phase")
    parser.add_argument("--normal", type=int, default=200, help="normal queries measured alone")
    asyncio.run(main(parser.parse_args()))
