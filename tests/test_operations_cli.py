"""Operating the hub with the `hub` command, as an operator would: each run is the console script in a
subprocess, in an empty working directory, with only the settings the test gives it."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hub import migrate
from hub.auth import keys
from tests import factories, steps
from tests import operations as ops
from tests.faults import fail_inserts
from tests.harness import ENGLISH, create_database, drop_database, free_port

HUB = str(Path(sys.executable).parent / "hub")


def environment(tmp_path: Path, url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_DATABASE_URL=url, HUB_DATA_DIR=str(tmp_path / "data"), **{f"HUB_{k.upper()}": v for k, v in settings.items()})
    return env


def hub(tmp_path: Path, env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)
    return subprocess.run([HUB, *args], env=env, cwd=workdir, capture_output=True, text=True, timeout=timeout)


def one_line_refusal(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert done.stdout == ""
    return lines[0]


@pytest.fixture
async def empty_database(tmp_path):  # type: ignore[no-untyped-def]
    url = await create_database(tmp_path)
    yield url
    await drop_database(url)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "secrets" / "signing-key.json"
    keys.generate(path)
    return path


class Served:
    """`hub serve` running in a subprocess; its stderr (the JSON log) collected when it stops."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *args: str, start_within: float = 60):
        self.port = free_port()
        self.log_file = tmp_path / "hub.log"
        workdir = tmp_path / "cwd"
        workdir.mkdir(exist_ok=True)
        with open(self.log_file, "w") as log:
            self.process = subprocess.Popen([HUB, "serve", "--port", str(self.port), *args], env=env, cwd=workdir,
                                            stdout=log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + start_within
        while True:
            assert self.process.poll() is None, self.log_file.read_text()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "hub serve did not come up"
            time.sleep(0.1)

    def stop(self) -> list[dict]:
        self.process.terminate()
        self.process.wait(timeout=30)
        return [json.loads(line) for line in self.log_file.read_text().splitlines() if line.startswith("{")]


async def test_serve_refuses_an_unmigrated_database(tmp_path, empty_database, key_file):
    env = environment(tmp_path, empty_database, environment="production", signing_key_file=str(key_file))
    line = one_line_refusal(hub(tmp_path, env, "serve", "--port", str(free_port())))
    assert "run `hub migrate`" in line and "none" in line

    migrate.upgrade(empty_database, "0003")
    line = one_line_refusal(hub(tmp_path, env, "serve", "--port", str(free_port())))
    assert "revision 0003" in line and f"needs {migrate.head_revision(empty_database)}" in line


async def test_migrate_says_which_revisions_it_applied(tmp_path, empty_database):
    env = environment(tmp_path, empty_database)
    head = migrate.head_revision(empty_database)
    every = [s.revision for s in migrate.revisions_between(empty_database, None, head)]
    assert len(every) >= 4

    done = hub(tmp_path, env, "migrate")
    assert done.returncode == 0, done.stderr
    applied = [line.split()[1].rstrip(":") for line in done.stdout.splitlines() if line.startswith("applied ")]
    assert applied == every and done.stdout.splitlines()[-1] == f"database at {head}"

    again = hub(tmp_path, env, "migrate")
    assert again.stdout.strip() == f"nothing to apply: database already at {head}"
    back = hub(tmp_path, env, "migrate", "-1")
    assert back.stdout.splitlines()[0].startswith(f"reverted {head}:")
    assert [line.split()[1].rstrip(":") for line in hub(tmp_path, env, "migrate").stdout.splitlines()
            if line.startswith("applied ")] == [head]


async def test_readyz_waits_for_the_catalogue(tmp_path, empty_database, key_file):
    env = environment(tmp_path, empty_database, environment="production", signing_key_file=str(key_file))
    assert hub(tmp_path, env, "migrate").returncode == 0
    served = Served(tmp_path, env)
    try:
        waiting = httpx.get(f"{served.url}/readyz")
        assert waiting.status_code == 503 and "retry-after" in waiting.headers
        assert "hub load-catalogue" in waiting.json()["reason"]
        loaded = hub(tmp_path, env, "load-catalogue")
        assert loaded.returncode == 0, loaded.stderr
        ready = httpx.get(f"{served.url}/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
    finally:
        served.stop()


def test_token_refuses_what_would_not_work(tmp_path, key_file):
    env = environment(tmp_path, "sqlite+aiosqlite:///unused.sqlite3", signing_key_file=str(key_file))
    assert "--org" in one_line_refusal(hub(tmp_path, env, "token", "--role", "UTILITY"))
    assert "--ttl" in one_line_refusal(hub(tmp_path, env, "token", "--role", "CLERK", "--org", "KF-DATA", "--ttl", "-60"))
    assert "--ttl" in one_line_refusal(hub(tmp_path, env, "token", "--role", "CLERK", "--org", "KF-DATA", "--ttl", "0"))
    issued = hub(tmp_path, env, "token", "--role", "UTILITY", "--org", "KF-WATER", "--ttl", "60")
    assert issued.returncode == 0 and issued.stdout.count(".") == 2  # a compact JWS

    missing = tmp_path / "nowhere" / "key.json"
    named = environment(tmp_path, "sqlite+aiosqlite:///unused.sqlite3", signing_key_file=str(missing))
    assert "hub keygen" in one_line_refusal(hub(tmp_path, named, "token", "--role", "CLERK"))
    production = environment(tmp_path, "sqlite+aiosqlite:///unused.sqlite3", environment="production")
    assert "hub keygen" in one_line_refusal(hub(tmp_path, production, "token", "--role", "CLERK"))
    assert not missing.exists() and not (tmp_path / "data").exists() and list((tmp_path / "cwd").iterdir()) == []


def test_token_on_the_embedded_default_says_where_it_made_the_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    done = hub(tmp_path, env, "token", "--role", "CLERK", "--org", "KF-DATA")
    assert done.returncode == 0 and done.stdout.count(".") == 2
    made = tmp_path / "cwd" / "var" / "signing-key.json"
    assert made.exists() and str(made) in done.stderr


async def test_callers_mistakes_are_info_and_faults_are_errors(tmp_path, empty_database, key_file):
    env = environment(tmp_path, empty_database, environment="production", signing_key_file=str(key_file),
                      log_level="INFO")
    assert hub(tmp_path, env, "migrate").returncode == 0 and hub(tmp_path, env, "load-catalogue").returncode == 0
    await fail_inserts(empty_database, "cases", "NEW.note = 'fault-3307'", "storage refused marker-3307")
    tokens = {role: hub(tmp_path, env, "token", "--role", role, "--org", org).stdout.strip()
              for role, org in {"CLERK": "KF-DATA", "UTILITY": "KF-WATER"}.items()}
    served = Served(tmp_path, env)
    try:
        def post(role: str | None, query: str, variables: dict | None = None) -> dict:
            headers = {**ENGLISH, "Authorization": f"Bearer {tokens[role]}"} if role else ENGLISH
            return httpx.post(f"{served.url}/graphql", json={"query": query, "variables": variables or {}},
                              headers=headers, timeout=30).json()

        shown = post("CLERK", steps.SHOWN)["data"]
        invalid = steps.signed_as_shown(shown, factories.individual_transfer())
        invalid["applicant"]["idNumber"] = "410202198803120039"
        assert post("CLERK", ops.SUBMIT, {"input": invalid})["data"]["submitCase"]["errors"][0]["code"] == "INVALID"
        forbidden = post("UTILITY", ops.SUBMIT, {"input": steps.signed_as_shown(shown, factories.individual_transfer())})
        assert forbidden["data"]["submitCase"]["errors"][0]["code"] == "FORBIDDEN"
        unknown = {"assignmentId": "QXNzaWdubWVudDox", "expectedVersion": 1}
        assert post("UTILITY", ops.ACKNOWLEDGE, {"input": unknown})["data"]["acknowledgeAssignment"]["errors"][0]["code"] == "NOT_FOUND"
        assert post(None, "{ viewer { subject } }")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert post("CLERK", "{ viewer { nonsense } }")["errors"]
        assert post("CLERK", "{ cases(first: 500) { edges { cursor } } }")["errors"]
        assert post("CLERK", ops.SUBMIT, {"input": steps.signed_as_shown(shown, factories.individual_transfer(note="a\x00"))})["errors"][0]["extensions"]["code"] == "INVALID"
        fault = post("CLERK", ops.SUBMIT, {"input": steps.signed_as_shown(shown, factories.individual_transfer(note="fault-3307"))})
        incident = fault["errors"][0]["extensions"]["incident"]
    finally:
        lines = served.stop()

    refusals = [line for line in lines if line["message"].startswith("refused")]
    codes = " ".join(line["message"] for line in refusals)
    for code in ("INVALID", "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED", "GRAPHQL"):
        assert code in codes, codes
    assert all(line["level"] == "INFO" and "exception" not in line for line in refusals)
    errors = [line for line in lines if line["level"] in ("ERROR", "CRITICAL")]
    assert len(errors) == 1, errors  # the hub's own fault, and nothing else
    assert incident in errors[0]["message"] and "marker-3307" in errors[0]["exception"]
    assert [line for line in lines if "exception" in line] == errors
