"""The utility agent against a real running hub: killed mid-stream and restarted, it handles every
assignment exactly once (in the hub and in the company's own system)."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid

import httpx
from sqlalchemy import func, select

from hub.auth import keys
from hub.config import Settings
from hub.db import Database
from hub.enums import Role
from hub.events.models import Event
from tests.factories import individual_transfer
from tests.harness import ENGLISH, GraphQLClient, RunningHub, create_database, drop_database
from tests.steps import by_service, submit

COMPANY = textwrap.dedent('''
    """A company system that honours idempotency keys: a repeated key gets the first answer, applied once."""
    import json, sys, time
    from pathlib import Path

    request = json.load(sys.stdin)
    applied = Path(sys.argv[1])
    key = request["idempotencyKey"]
    seen = {json.loads(line)["key"]: json.loads(line) for line in applied.read_text().splitlines()} if applied.exists() else {}
    if key not in seen:
        time.sleep(0.3)  # the company's own work
        seen[key] = {"key": key, "assignment": request["id"], "account": "GAS-" + request["id"][-6:]}
        with applied.open("a") as handle:
            handle.write(json.dumps(seen[key]) + "\\n")
    # 需安检完毕，结清所有费用: the gas company's records say both were done the day it was assigned
    day = request["createdAt"][:10]
    met = {p["code"]: day for p in request["preconditions"]}
    print(json.dumps({"action": "complete", "accountNumber": seen[key]["account"], "remarks": "燃气过户完成",
                      "preconditions": met}))
''')


def gas_only() -> dict:
    return individual_transfer(water=None, electricity=None, heating=None)


async def test_agent_killed_and_restarted_handles_each_assignment_once(tmp_path):
    url = await create_database(tmp_path)
    key_file = tmp_path / "key.json"
    keys.generate(key_file)
    hub = RunningHub(Settings(environment="embedded", database_url=url, data_dir=tmp_path, signing_key_file=key_file)).start()
    company = tmp_path / "company.py"
    company.write_text(COMPANY)
    applied = tmp_path / "applied.jsonl"
    try:
        async with httpx.AsyncClient(headers=ENGLISH, base_url=hub.url, timeout=30) as http:
            clerk = GraphQLClient(http, hub.token(Role.CLERK, "KF-DATA", "clerk-agent"))
            governance = GraphQLClient(http, hub.token(Role.GOVERNANCE, "KF-DATA"))
            client = (await governance.run('mutation { registerOAuthClient(input: {name: "燃气营业系统", '
                                           'organisation: "KF-GAS", roles: ["UTILITY"]}) { client { clientId } clientSecret } }'))
            cases = [await submit(clerk, gas_only()) for _ in range(8)]
        gas_ids = [by_service(c)["GAS"]["id"] for c in cases]
        command = [sys.executable, "-m", "kaifeng_hub_client.agent", "--hub", hub.url,
                   "--client-id", client["registerOAuthClient"]["client"]["clientId"],
                   f"--client-secret={client['registerOAuthClient']['clientSecret']}",
                   "--state", str(tmp_path / "agent.sqlite3"), "--command", f"{sys.executable} {company} {applied}",
                   "--status-every", "1"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}

        first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(200):  # let it get some way through the stream, then kill it without warning
            await asyncio.sleep(0.1)
            if applied.exists() and len(applied.read_text().splitlines()) >= 3:
                break
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert applied.exists() and 0 < len(applied.read_text().splitlines()) < 8, "kill it mid-stream"

        second = subprocess.run(command + ["--once-idle", "4"], env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr

        company_side = [json.loads(line)["assignment"] for line in applied.read_text().splitlines()]
        assert sorted(company_side) == sorted(gas_ids), "each assignment handed to the company exactly once"
        db = Database(url)
        async with db.read() as session:
            for gid in gas_ids:
                from strawberry.relay import from_base64

                assignment_id = uuid.UUID(from_base64(gid)[1])
                completed = await session.scalar(select(func.count()).select_from(Event).where(
                    Event.assignment_id == assignment_id, Event.kind == "ASSIGNMENT_COMPLETED"))
                assert completed == 1, gid
        await db.dispose()
    finally:
        hub.stop()
        await drop_database(url)
