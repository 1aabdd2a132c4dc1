import json
import os
import re
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from kaifeng_hub_client.company import (
    CommandSystem, CompanySystemError, Decision, DecisionError, WebhookSystem, decode_decision, parse_decision,
)

REQUEST = {"id": "QXNzaWdubWVudDox", "version": 1, "service": "WATER", "status": "PENDING",
           "case": {"number": "KF20261127-7Q3M9X2A", "applicant": {"name": "张伟"}},
           "event": "ASSIGNMENT_CREATED", "idempotencyKey": "QXNzaWdubWVudDox:17"}


@pytest.mark.parametrize(("wire", "decision"), [
    ({"action": "complete", "accountNumber": " W-200377 ", "remarks": "已过户"},
     Decision("complete", account_number="W-200377", remarks="已过户")),
    ({"action": "complete", "accountNumber": "W-200377"}, Decision("complete", account_number="W-200377")),
    ({"action": "complete", "accountNumber": "G-7781", "preconditions": {"GAS_SAFETY_CHECK_DONE": "2026-11-20"}},
     Decision("complete", account_number="G-7781", preconditions={"GAS_SAFETY_CHECK_DONE": "2026-11-20"})),
    ({"action": "reject", "reason": "户号与产权人不符"}, Decision("reject", reason="户号与产权人不符")),
    ({"action": "request_materials", "reason": "请补充不动产权证书"},
     Decision("request_materials", reason="请补充不动产权证书")),
    ({"action": "accept"}, Decision("accept")),
    ({"action": "skip", "note": "extra keys are ignored"}, Decision("skip")),
])
def test_valid_decisions(wire, decision):
    assert parse_decision(wire) == decision
    assert parse_decision(decision.to_json()) == decision


@pytest.mark.parametrize(("wire", "complaint"), [
    ([], "JSON object"),
    ({"action": "approve"}, "action must be one of"),
    ({}, "action must be one of"),
    ({"action": "complete"}, "accountNumber"),
    ({"action": "complete", "accountNumber": "  "}, "accountNumber"),
    ({"action": "complete", "accountNumber": 200377}, "accountNumber"),
    ({"action": "complete", "accountNumber": "W-1", "remarks": 5}, "remarks"),
    ({"action": "complete", "accountNumber": "G-1", "preconditions": ["GAS_FEES_SETTLED"]}, "preconditions"),
    ({"action": "complete", "accountNumber": "G-1", "preconditions": {"GAS_FEES_SETTLED": True}}, "preconditions"),
    ({"action": "reject"}, "reason"),
    ({"action": "request_materials", "reason": ""}, "reason"),
])
def test_invalid_decisions_say_what_is_wrong(wire, complaint):
    with pytest.raises(DecisionError, match=complaint):
        parse_decision(wire)


def test_output_that_is_not_json_is_an_invalid_decision():
    with pytest.raises(DecisionError, match="not JSON"):
        decode_decision(b"OK, done\n")


def _script(tmp_path, body: str) -> list[str]:
    path = tmp_path / "decide.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(path)]


async def test_command_gets_the_assignment_on_stdin_and_answers_on_stdout(tmp_path):
    seen = tmp_path / "seen.json"
    argv = _script(tmp_path, f"""
        import json, sys
        assignment = json.load(sys.stdin)
        open({str(seen)!r}, "w", encoding="utf-8").write(json.dumps(assignment, ensure_ascii=False))
        print("looking up", assignment["case"]["number"], file=sys.stderr)
        print(json.dumps({{"action": "complete", "accountNumber": "W-" + assignment["id"][-3:]}}))
    """)
    decision = await CommandSystem(argv).decide(REQUEST)
    assert decision == Decision("complete", account_number="W-Dox")
    assert json.loads(seen.read_text(encoding="utf-8")) == REQUEST


async def test_command_failing_is_a_company_system_error(tmp_path):
    argv = _script(tmp_path, "import sys; sys.exit(3)")
    with pytest.raises(CompanySystemError, match="status 3") as failed:
        await CommandSystem(argv).decide(REQUEST)
    assert not isinstance(failed.value, DecisionError)  # worth asking again


async def test_command_answering_nonsense_is_a_decision_error(tmp_path):
    argv = _script(tmp_path, "print('{\"action\": \"complete\"}')")
    with pytest.raises(DecisionError, match="accountNumber"):
        await CommandSystem(argv).decide(REQUEST)


async def test_command_taking_too_long_is_killed(tmp_path):
    pid_file = tmp_path / "pid"
    argv = _script(tmp_path, f"""
        import os, time
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        time.sleep(60)
    """)
    with pytest.raises(CompanySystemError, match=r"no answer within 0\.5s"):
        await CommandSystem(argv, timeout=0.5).decide(REQUEST)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_webhook_gets_the_assignment_and_the_idempotency_key():
    received = []

    def company(request: httpx.Request) -> httpx.Response:
        received.append((request.headers["idempotency-key"], json.loads(request.content)))
        return httpx.Response(200, json={"action": "reject", "reason": "该户号已销户"})

    decision = await WebhookSystem("http://erp.example/hub", transport=httpx.MockTransport(company)).decide(REQUEST)
    assert decision == Decision("reject", reason="该户号已销户")
    assert received == [(REQUEST["idempotencyKey"], REQUEST)]


async def test_webhook_error_status_is_a_company_system_error():
    transport = httpx.MockTransport(lambda _: httpx.Response(503, text="maintenance"))
    with pytest.raises(CompanySystemError, match="HTTP 503"):
        await WebhookSystem("http://erp.example/hub", transport=transport).decide(REQUEST)


async def test_the_readme_example_command_keeps_its_first_answer(tmp_path):
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    example = re.search(r'```python\n(#!/usr/bin/env python3\n"""water_desk\.py.*?)```', readme, re.DOTALL)
    assert example, "the example command is missing from the README"
    script = tmp_path / "water_desk.py"
    script.write_text(example.group(1), encoding="utf-8")
    desk = CommandSystem([sys.executable, str(script), str(tmp_path / "desk.sqlite3")])
    transfer = {**REQUEST, "accountNumber": "W-100231",
                "materials": {"complete": True, "missingGroups": []},
                "case": {"caseType": "TRANSFER", "applicant": {"name": "张伟"}}}
    assert await desk.decide(transfer) == Decision("complete", account_number="W-100231", remarks="已过户至张伟")
    connection = {**transfer, "idempotencyKey": "QXNzaWdubWVudDoy:18", "case": {"caseType": "CONNECTION"}}
    assert await desk.decide(connection) == Decision("accept")
    incomplete = {**connection, "idempotencyKey": "QXNzaWdubWVudDoz:19",
                  "materials": {"complete": False, "missingGroups": [{"name": "产权证明"}]}}
    assert await desk.decide(incomplete) == Decision("request_materials", reason="请补充：产权证明")
    asked_again = {**incomplete, "materials": {"complete": True, "missingGroups": []}}
    assert await desk.decide(asked_again) == Decision("request_materials", reason="请补充：产权证明")
