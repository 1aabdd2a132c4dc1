"""`hub-agent`: connects one utility's own system to the hub, exactly once per assignment.

For each ASSIGNMENT_CREATED (and MATERIALS_SUPPLIED) event it fetches the assignment with what the company
may read, hands it to the company's system (a command or a webhook), writes the decision back, and only
then acknowledges the event. Progress is recorded in the state file at each step:

    start()          the event hands the assignment over         (before the company is asked)
    record_result()  the company's decision                       (before anything is written to the hub)
    mark_written()   the decision is on the hub                   (before the event's cursor is committed)

so a restart resumes where it stopped: a recorded decision is never asked for again, and the write-back
re-reads the assignment and continues from its current status, with idempotency keys on every write.
The one window left: a crash while the company's system is deciding asks it again, with the same
`idempotencyKey`; the company's system must answer a repeated key with its first decision.
"""

import argparse
import asyncio
import contextlib
import logging
import os
import shlex
import signal
import sys
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import httpx

from kaifeng_hub_client.auth import ClientCredentials, StaticToken, TokenSource
from kaifeng_hub_client.backoff import Backoff
from kaifeng_hub_client.client import JSON, HubClient, WriteAction
from kaifeng_hub_client.company import (
    Action, CommandSystem, CompanySystem, CompanySystemError, Decision, DecisionError, WebhookSystem, parse_decision,
)
from kaifeng_hub_client.cursor_store import CursorStore, HandState
from kaifeng_hub_client.errors import ConflictError, HubError, TokenError
from kaifeng_hub_client.subscribe import SubscriptionEvent, subscribe_assignment_events

log = logging.getLogger("hub-agent")

TRIGGERS = {"ASSIGNMENT_CREATED": "PENDING", "MATERIALS_SUPPLIED": "RECEIVED"}
"""Events that hand an assignment to the company, and the status it must still have for that."""

AGENT_FIELDS = """
id version service status organisationCode accountNumber reason createdAt
materials { complete missingGroups { name } notes }
preconditions { code met on }
case {
  id number caseType channel status submittedAt note vatInvoiceWanted
  applicant { kind name phone creditCode enterpriseType address legalRepresentative { name } }
  previousHolder { kind name phone idNumber creditCode legalRepresentative { name } }
  agent { name phone }
  contact { name phone }
  intake { acceptingUnit receivedBy notes opinion }
  site { address districtCode projectName }
  materials { typeCode holder fileRef verifiedAt }
  vatInvoice { name phone taxNumber taxAddress bank bankAccount }
  water { accountNumber nature category supplyMode userCategory }
  electricity { accountNumber voltage businessType capacityKw supplyMode userCategory ownPowerSource
                ownPowerCapacityKw nonLinearLoad firstSourceExistingKva firstSourceRequestedKva
                secondSourceExistingKva secondSourceRequestedKva }
  gas { accountNumber households hourlyM3 projectDescription }
  heating { accountNumber startDate systemType loads { use areaM2 mediumParameters loadKw } }
  telecom { accountNumber productTypes otherDescription installAddress otherRequirements }
}
"""
"""What the company's system is given. The hub returns null for whatever this company may not read
(another utility's section, unshared items), so one selection serves every utility."""

_STATE_FIELDS = "id version status reason result { accountNumber remarks } preconditions { code met }"
_TARGET_STATUS: dict[Action, str] = {
    "complete": "COMPLETED", "reject": "REJECTED", "request_materials": "NEEDS_MATERIALS", "accept": "ACCEPTED",
}
_COMPANY_ATTEMPTS = 3
_CONFLICT_ATTEMPTS = 3


class CannotApply(Exception):
    """The decision cannot be applied from the assignment's current status (someone else moved it)."""


def next_write(status: str, action: Action) -> WriteAction | None:
    """The write that moves an assignment in `status` towards the decision; None once it is there.

    The plan follows the hub's state machine: acknowledge if PENDING, accept before completing.
    """
    if action == "skip" or status == _TARGET_STATUS[action]:
        return None
    if status == "PENDING":
        return "acknowledge"
    if status in ("RECEIVED", "ACCEPTED") and action in ("reject", "request_materials"):
        return action
    if status == "NEEDS_MATERIALS" and action == "reject":
        return "reject"
    if status == "RECEIVED" and action in ("accept", "complete"):
        return "accept"
    if status == "ACCEPTED" and action == "complete":
        return "complete"
    raise CannotApply(f"cannot {action} an assignment that is {status}")


def _unconfirmed(current: JSON, decision: Decision) -> dict[str, str]:
    """The preconditions the decision says were met and the hub does not yet know of (confirmed before completing)."""
    met = {p["code"] for p in current.get("preconditions") or [] if p["met"]}
    return {code: day for code, day in (decision.preconditions or {}).items() if code not in met}


@dataclass
class Counts:
    """Assignments written back, skipped (moved on, replayed, or `skip`), and failed (left to people)."""

    handled: int = 0
    skipped: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"handled={self.handled} skipped={self.skipped} failed={self.failed}"


class Agent:
    """The loop for one company. `run()` until idle, stopped (`stop()`), or access is revoked."""

    def __init__(self, hub: HubClient, store: CursorStore, company: CompanySystem, *,
                 subscription: str = "assignments", status_every: float = 60.0):
        self.hub = hub
        self.store = store
        self.company = company
        self.subscription = subscription
        self.status_every = status_every
        self.counts = Counts()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Stop after the assignment in hand (or now, if waiting for events)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self, idle_exit: float | None = None) -> None:
        """Process events until `stop()`, or until none arrived for `idle_exit` seconds."""
        # A first start hands over what is already waiting too: the whole log is replayed, and every
        # assignment still PENDING (or RECEIVED after materials were supplied) is handed over.
        events = subscribe_assignment_events(self.hub, self.store, self.subscription, from_beginning=True)
        reporter = asyncio.create_task(self._report_status())
        resume = self.store.cursor(self.subscription)
        log.info("subscribing to assignment events %s", f"after cursor {resume}" if resume else "from the start")
        try:
            while (event := await self._next_event(events, idle_exit)) is not None:
                if not await self._process_event(event):
                    break
        finally:
            reporter.cancel()
            await events.aclose()
            log.info("stopped: %s", self.counts)

    async def process(self, event: SubscriptionEvent) -> str | None:
        """Hand over and write back the event's assignment; the outcome to log, or None if not one to handle.

        Safe to call again for the same event after any failure or crash (see the module's docstring).
        """
        if event.kind not in TRIGGERS or event.assignment is None:
            return None
        assignment_id = event.assignment["id"]
        handoff = self.store.handoff(assignment_id)
        resumed = handoff if handoff is not None and handoff.event_cursor == event.cursor else None
        if resumed is not None and resumed.state is HandState.WRITTEN:
            return self._skipped("already written back")
        # The event carries the assignment as it is now: replayed old events mostly name assignments that
        # have moved on, which needs no further look-up.
        if resumed is None and (moved := _moved_on(event.assignment, event.kind)):
            return self._skipped(moved)
        assignment = await self.hub.assignment(assignment_id, AGENT_FIELDS)
        if assignment is None:
            return self._skipped("skipped: no longer visible to this organisation")
        if resumed is None:
            if moved := _moved_on(assignment, event.kind):
                return self._skipped(moved)
            self.store.start(assignment_id, event.cursor)
        if resumed is not None and resumed.result is not None:
            decision = parse_decision(resumed.result)
        else:
            decision = await self._ask({**assignment, "event": event.kind,
                                        "idempotencyKey": f"{assignment_id}:{event.cursor}"})
            self.store.record_result(assignment_id, event.cursor, decision.to_json())
        if decision.action == "skip":
            self.store.mark_written(assignment_id, event.cursor)  # nothing to write: the hand-off is over
            return self._skipped("left to people (skip)")
        written = await self._write_back(assignment_id, decision)
        self.store.mark_written(assignment_id, event.cursor)
        self.counts.handled += 1
        return _describe(written)

    def _skipped(self, outcome: str) -> str:
        self.counts.skipped += 1
        return outcome

    async def _process_event(self, event: SubscriptionEvent) -> bool:
        """Process one event and acknowledge it; False if stopping made us leave it unacknowledged."""
        label = _label(event.assignment)
        retry = Backoff(base=1.0, cap=60.0)
        while True:
            try:
                outcome = await self.process(event)
                break
            except TokenError:
                raise
            except (HubError, CompanySystemError, CannotApply) as failure:
                # Not worth retrying: the assignment stays in the work queue for people to finish.
                self.counts.failed += 1
                log.error("%s: failed: %s", label, failure)
                outcome = None
                break
            except httpx.HTTPError as error:
                if not _transient(error):
                    raise
                delay = retry.next_delay()
                log.warning("%s: hub unreachable (%s); retrying in %.0fs", label, error, delay)
                if await self._stopped_within(delay):
                    return False  # unacknowledged: the next run starts with this event
        if outcome is not None:
            log.info("%s: %s", label, outcome)
        event.ack()
        return not self.stopping

    async def _ask(self, request: JSON) -> Decision:
        retry = Backoff(base=1.0, cap=30.0)
        for attempt in range(1, _COMPANY_ATTEMPTS + 1):
            try:
                return await self.company.decide(request)
            except DecisionError:
                raise
            except CompanySystemError as error:
                if attempt == _COMPANY_ATTEMPTS:
                    raise
                delay = retry.next_delay()
                log.warning("company system failed (%s); asking again in %.0fs", error, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _write_back(self, assignment_id: str, decision: Decision) -> JSON:
        """Write the decision, starting from the assignment's current status and version.

        Every attempt re-reads the status first, so a move already applied (even one whose answer was lost)
        is not made again; each write also carries the default idempotency key of (assignment, action,
        expected version).
        """
        for attempt in range(1, _CONFLICT_ATTEMPTS + 1):
            current = await self.hub.assignment(assignment_id, _STATE_FIELDS)
            if current is None:
                raise CannotApply("the assignment is no longer visible to this organisation")
            try:
                while (step := next_write(current["status"], decision.action)) is not None:
                    if step == "complete" and (unmet := _unconfirmed(current, decision)):
                        current = {**current, **await self.hub.confirm_preconditions(current["id"], current["version"], unmet)}
                    current = {**current, **await self._write(step, current, decision)}
                return current
            except ConflictError:
                # Someone wrote in between (e.g. the applicant added materials): reload and plan again.
                if attempt == _CONFLICT_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def _write(self, step: WriteAction, current: JSON, decision: Decision) -> JSON:
        assignment_id, version = current["id"], current["version"]
        match step:
            case "acknowledge":
                return await self.hub.acknowledge(assignment_id, version)
            case "accept":
                return await self.hub.accept(assignment_id, version)
            case "complete":
                assert decision.account_number is not None  # parse_decision requires it
                return await self.hub.complete(assignment_id, version, decision.account_number, decision.remarks)
            case "reject":
                assert decision.reason is not None
                return await self.hub.reject(assignment_id, version, decision.reason)
            case "request_materials":
                assert decision.reason is not None
                return await self.hub.request_materials(assignment_id, version, decision.reason)

    async def _next_event(self, events: AsyncGenerator[SubscriptionEvent, None],
                          idle_exit: float | None) -> SubscriptionEvent | None:
        """The next event; None once stopping, or after `idle_exit` seconds without one."""
        if self.stopping:
            return None
        getting = asyncio.ensure_future(anext(events))
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            done, _ = await asyncio.wait({getting, stopping}, timeout=idle_exit,
                                         return_when=asyncio.FIRST_COMPLETED)
            if getting in done:
                return getting.result()
        finally:
            getting.cancel()
            stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await getting  # let the subscription close its connection
        if not self.stopping:
            log.info("no events for %gs; exiting", idle_exit)
        return None

    async def _stopped_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)
        return self.stopping

    async def _report_status(self) -> None:
        while True:
            await asyncio.sleep(self.status_every)
            log.info("status: %s; cursor %s", self.counts, self.store.cursor(self.subscription))


def _moved_on(assignment: JSON, kind: str) -> str | None:
    """Why the assignment is no longer the company's to decide after event `kind`, or None if it is."""
    status = assignment.get("status")
    return None if status == TRIGGERS[kind] else f"skipped: {status} by now"


def _transient(error: httpx.HTTPError) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code >= 500
    return isinstance(error, httpx.TransportError)


def _label(assignment: JSON | None) -> str:
    if not assignment:
        return "event without assignment"
    number = (assignment.get("case") or {}).get("number") or assignment.get("id")
    return f"{number} {assignment.get('service') or ''}".rstrip()


def _describe(assignment: JSON) -> str:
    status = str(assignment["status"])
    if status == "COMPLETED":
        return f"completed, 户号 {(assignment.get('result') or {}).get('accountNumber')}"
    reason = assignment.get("reason")
    return status.lower().replace("_", " ") + (f": {reason}" if reason else "")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="hub-agent",
        description="Hand each new assignment of one utility to its own system and write the decision back to the hub.",
    )
    parser.add_argument("--hub", required=True, help="the hub's base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--client-id", help="OAuth client id from governance (registerOAuthClient)")
    parser.add_argument("--client-secret", default=os.environ.get("HUB_CLIENT_SECRET"),
                        help="its secret (default: $HUB_CLIENT_SECRET, which keeps it out of the process list)")
    parser.add_argument("--token", default=os.environ.get("HUB_TOKEN"),
                        help="a pre-issued bearer token instead of client credentials (default: $HUB_TOKEN)")
    parser.add_argument("--state", required=True, help="SQLite file with the cursor and hand-off records")
    system = parser.add_mutually_exclusive_group(required=True)
    system.add_argument("--command", help="command that reads the assignment JSON on stdin and prints a decision")
    system.add_argument("--webhook", help="URL that is POSTed the assignment JSON and answers a decision")
    parser.add_argument("--once-idle", type=float, metavar="SECONDS", help="exit after SECONDS without events")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                        help="how long the company's system may take per assignment (default 300)")
    parser.add_argument("--status-every", type=float, default=60.0, metavar="SECONDS",
                        help="log the counts every SECONDS (default 60)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    args = parser.parse_args(argv)
    if args.client_id:
        if not args.client_secret:
            parser.error("--client-id needs --client-secret (or $HUB_CLIENT_SECRET)")
        args.token = None  # explicit client credentials win over a token from the environment
    elif not args.token:
        parser.error("give --client-id with --client-secret, or --token")
    return args


def build_company_system(args: argparse.Namespace) -> CompanySystem:
    if args.command:
        return CommandSystem(shlex.split(args.command), timeout=args.timeout)
    return WebhookSystem(args.webhook, timeout=args.timeout)


async def _run(args: argparse.Namespace) -> int:
    auth: TokenSource = (StaticToken(args.token) if args.token else
                         ClientCredentials(args.hub.rstrip("/") + "/oauth/token", args.client_id, args.client_secret))
    with CursorStore(args.state) as store:
        async with HubClient(args.hub, auth) as hub:
            agent = Agent(hub, store, build_company_system(args), status_every=args.status_every)
            _on_signals(agent)
            try:
                await agent.run(idle_exit=args.once_idle)
            except HubError as error:  # access revoked, refused credentials, a closed subscription
                log.error("%s", error)
                return 1
    return 0


def _on_signals(agent: Agent) -> None:
    """SIGTERM/SIGINT: stop after the current assignment; a second one aborts at once."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None

    def handle() -> None:
        if agent.stopping:
            log.warning("aborting")
            main.cancel()
        else:
            log.info("stopping after the current assignment (signal again to abort)")
            agent.stop()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, handle)
        except NotImplementedError:  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(handle))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.log_level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns the per-assignment lines
    try:
        return asyncio.run(_run(args))
    except asyncio.CancelledError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
