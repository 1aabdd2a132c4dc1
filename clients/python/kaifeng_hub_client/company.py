"""The company's own system as the agent sees it: it is handed an assignment as JSON and answers a decision.

Two ways to reach it: a command (the JSON on stdin, the decision on stdout) or a webhook (the JSON POSTed,
the decision in the response body). Decisions are JSON objects:

    {"action": "complete", "accountNumber": "…", "remarks": "…",   remarks optional;
     "preconditions": {"GAS_SAFETY_CHECK_DONE": "2026-11-20"}}    preconditions met, code → day (gas transfers)
    {"action": "reject", "reason": "…"}
    {"action": "request_materials", "reason": "…"}
    {"action": "accept"}
    {"action": "skip"}                                              leave it to people
"""

import asyncio
import json
import os
import signal
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

import httpx

Action = Literal["complete", "reject", "request_materials", "accept", "skip"]
ACTIONS: tuple[str, ...] = get_args(Action)


class CompanySystemError(Exception):
    """The company's system could not be asked or did not answer (exit status, timeout, HTTP error)."""


class DecisionError(CompanySystemError):
    """The company's system answered, but not with a valid decision; asking again will not help."""


@dataclass(frozen=True)
class Decision:
    """What the company decided for one assignment."""

    action: Action
    account_number: str | None = None
    remarks: str | None = None
    reason: str | None = None
    preconditions: dict[str, str] | None = None  # code → ISO day it was met, confirmed before completing

    def to_json(self) -> dict[str, Any]:
        """The decision in its wire form, as `parse_decision` reads it."""
        wire = {"action": self.action, "accountNumber": self.account_number, "remarks": self.remarks,
                "reason": self.reason, "preconditions": self.preconditions}
        return {k: v for k, v in wire.items() if v is not None}


def parse_decision(data: object) -> Decision:
    """Validate a decision object; raises `DecisionError` saying what is wrong."""
    if not isinstance(data, dict):
        raise DecisionError(f"a decision is a JSON object, got {type(data).__name__}")
    action = data.get("action")
    if action not in ACTIONS:
        raise DecisionError(f"action must be one of {', '.join(ACTIONS)}; got {action!r}")
    if action == "complete":
        return Decision("complete", account_number=_text(data, "accountNumber"),
                        remarks=_text(data, "remarks", required=False), preconditions=_days(data))
    if action in ("reject", "request_materials"):
        return Decision(action, reason=_text(data, "reason"))
    return Decision(action)


def decode_decision(body: str | bytes) -> Decision:
    """Parse a decision from the JSON text a command printed or a webhook answered."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise DecisionError(f"the answer is not JSON: {error}; got {_excerpt(body)}") from None
    return parse_decision(data)


class CompanySystem(Protocol):
    async def decide(self, request: dict[str, Any]) -> Decision:
        """Hand over one assignment (with its `idempotencyKey`) and return the decision."""
        ...


class CommandSystem:
    """Runs `argv` once per hand-off: the request JSON on stdin, the decision JSON on stdout.

    The command's stderr goes to the agent's stderr. A non-zero exit status or no answer within
    `timeout` seconds is a failure (the command is then killed).
    """

    def __init__(self, argv: Sequence[str], timeout: float = 300.0):
        self.argv = list(argv)
        self.timeout = timeout

    async def decide(self, request: dict[str, Any]) -> Decision:
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            # Its own session: Ctrl-C at the agent's terminal must not kill the command mid-decision,
            # since the agent stops only after the current assignment.
            start_new_session=True,
        )
        try:
            # ASCII (non-ASCII escaped): any JSON reader takes it, whatever the command's locale.
            stdout, _ = await asyncio.wait_for(process.communicate(json.dumps(request).encode()), self.timeout)
        except TimeoutError:
            raise CompanySystemError(f"{self.argv[0]} gave no answer within {self.timeout:g}s") from None
        finally:
            await _kill(process)
        if process.returncode != 0:
            raise CompanySystemError(f"{self.argv[0]} exited with status {process.returncode}")
        return decode_decision(stdout)


class WebhookSystem:
    """POSTs the request JSON to `url` (with an `Idempotency-Key` header); the response body is the decision."""

    def __init__(self, url: str, timeout: float = 300.0, transport: httpx.AsyncBaseTransport | None = None):
        self.url = url
        self.timeout = timeout
        self._transport = transport

    async def decide(self, request: dict[str, Any]) -> Decision:
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self._transport) as http:
                response = await http.post(self.url, json=request,
                                           headers={"Idempotency-Key": request["idempotencyKey"]})
        except httpx.HTTPError as error:
            raise CompanySystemError(f"webhook unreachable: {type(error).__name__}: {error}") from None
        if not response.is_success:
            raise CompanySystemError(f"webhook answered HTTP {response.status_code}: {_excerpt(response.content)}")
        return decode_decision(response.content)


def _text(data: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DecisionError(f"{data['action']} needs {key} as a non-empty string; got {value!r}")
    return value.strip()


def _days(data: dict[str, Any]) -> dict[str, str] | None:
    value = data.get("preconditions")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                              for k, v in value.items()):
        raise DecisionError(f"preconditions is an object of code → day (YYYY-MM-DD); got {value!r}")
    return {k: v.strip() for k, v in value.items()}


def _excerpt(body: str | bytes, limit: int = 200) -> str:
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


async def _kill(process: asyncio.subprocess.Process) -> None:
    """Make sure the command is gone, with whatever it started (its process group, where there is one)."""
    if process.returncode is None:
        with suppress(ProcessLookupError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
    await process.wait()
