"""Event subscriptions over WebSocket (`graphql-transport-ws`) that survive disconnects and restarts.

Each subscription has a name in the `CursorStore`. A (re)connection asks for the events after the cursor
stored under that name, so the stored cursor is the resume point across reconnects and process restarts.
(With none stored, the hub sends live events only, unless `from_beginning` asks for its whole log.)

Nothing here advances the stored cursor: the caller does, with `event.ack()` (or `store.commit(name,
event.cursor)`) once it has processed the event. Events yielded but not acknowledged are delivered again
after a reconnect or restart (at-least-once); processing must tolerate that (see the agent's hand-offs).
"""

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from kaifeng_hub_client.backoff import Backoff
from kaifeng_hub_client.client import ASSIGNMENT_FIELDS, JSON, HubClient
from kaifeng_hub_client.cursor_store import CursorStore
from kaifeng_hub_client.errors import AccessRevoked, HubError, SubscriptionClosed, TokenError

log = logging.getLogger(__name__)

PROTOCOL = Subprotocol("graphql-transport-ws")
ACCESS_CLOSE_CODE = 4403  # access revoked or token expired
BEGINNING = "0"  # cursors are event sequence numbers, so every event comes after 0
RESUMABLE_CLOSE_CODES = frozenset({
    1000, 1001, 1006, 1011, 1012, 1013,  # closed, going away, dropped, server error, restart, try later
    4408,  # connection_init timed out
    4499,  # the hub dropped this subscriber for falling behind
})
_CASE = "case { id number status }"
ASSIGNMENT_EVENTS = ("subscription($after: String) { assignmentEvents(after: $after) {"
                     f" cursor kind occurredAt assignment {{ {ASSIGNMENT_FIELDS} }} }} }}")
CASE_EVENTS = ("subscription($caseId: ID!, $after: String) { caseEvents(caseId: $caseId, after: $after) {"
               f" cursor kind occurredAt {_CASE} }} }}")
RESULT_EVENTS = ("subscription($after: String) { resultEvents(after: $after) {"
                 f" cursor kind occurredAt assignment {{ {ASSIGNMENT_FIELDS} }} {_CASE} }} }}")


@dataclass(frozen=True)
class SubscriptionEvent:
    """One event. `assignment` and `case` are present as the subscription selects them (None if not visible)."""

    cursor: str
    kind: str
    occurred_at: datetime
    assignment: JSON | None
    case: JSON | None
    name: str
    store: CursorStore = field(repr=False, compare=False)

    def ack(self) -> None:
        """Mark this event, and every one before it, processed: a restart resumes after it."""
        self.store.commit(self.name, self.cursor)


def subscribe_assignment_events(client: HubClient, store: CursorStore, name: str = "assignments", *,
                                from_beginning: bool = False) -> AsyncGenerator[SubscriptionEvent, None]:
    """This organisation's assignment events (ASSIGNMENT_CREATED, …), resuming after `name`'s cursor."""
    return subscribe(client, store, name, ASSIGNMENT_EVENTS, "assignmentEvents", from_beginning=from_beginning)


def subscribe_case_events(client: HubClient, store: CursorStore, case_id: str, name: str | None = None, *,
                          from_beginning: bool = False) -> AsyncGenerator[SubscriptionEvent, None]:
    """One case's events; the cursor is kept under `name`, by default `case:<case_id>`."""
    return subscribe(client, store, name or f"case:{case_id}", CASE_EVENTS, "caseEvents", {"caseId": case_id},
                     from_beginning=from_beginning)


def subscribe_result_events(client: HubClient, store: CursorStore, name: str = "results", *,
                            from_beginning: bool = False) -> AsyncGenerator[SubscriptionEvent, None]:
    """Results of the cases the platform pushed (role PLATFORM), resuming after `name`'s cursor."""
    return subscribe(client, store, name, RESULT_EVENTS, "resultEvents", from_beginning=from_beginning)


async def subscribe(client: HubClient, store: CursorStore, name: str, document: str, field_name: str,
                    variables: Mapping[str, Any] | None = None, *, from_beginning: bool = False,
                    backoff: Backoff | None = None) -> AsyncGenerator[SubscriptionEvent, None]:
    """Yield the events of subscription `document` (whose root field is `field_name`) for ever.

    Starts after the cursor stored under `name`; without one, with live events, or with the whole log
    if `from_beginning`.

    Reconnects with back-off after network errors and resumable close codes. On 4403 it renews the token
    and reconnects; if the renewed token is refused as well, it raises `AccessRevoked`. Other close codes
    (4400, 4401, …) raise `SubscriptionClosed`; GraphQL errors raise `HubError`.
    """
    backoff = backoff or Backoff()
    renewed = False  # the token was renewed after a 4403 and no connection has accepted it yet
    while True:
        token = ""
        try:
            token = await client.auth.token()
            async with connect(client.ws_url, subprotocols=[PROTOCOL], additional_headers=client.headers) as ws:
                if ws.subprotocol != PROTOCOL:
                    raise HubError(f"the hub does not speak {PROTOCOL} at {client.ws_url}")
                await _initialise(ws, token)
                renewed = False
                # Read the resume point only now: the caller may have acknowledged events since the last connect.
                after = store.cursor(name) or (BEGINNING if from_beginning else None)
                resume = {**(variables or {}), "after": after}
                await _send(ws, {"id": "1", "type": "subscribe", "payload": {"query": document, "variables": resume}})
                while (event := await _next_event(ws, field_name)) is not None:
                    backoff.reset()
                    yield SubscriptionEvent(
                        cursor=event["cursor"], kind=event["kind"],
                        occurred_at=datetime.fromisoformat(event["occurredAt"]),
                        assignment=event.get("assignment"), case=event.get("case"), name=name, store=store,
                    )
                problem = "the hub completed the subscription"
        except ConnectionClosed as closed:
            code, reason = (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (1006, "connection lost")
            if code == ACCESS_CLOSE_CODE:
                refused = f"the hub refused access ({code} {reason})"
                if renewed:
                    raise AccessRevoked(f"{refused}, also with a renewed token") from None
                if not client.auth.expire(token):
                    raise AccessRevoked(f"{refused}; the token cannot be renewed") from None
                renewed = True
            elif code not in RESUMABLE_CLOSE_CODES:
                raise SubscriptionClosed(code, reason) from None
            problem = f"closed {code} {reason}" + ("; renewing the token" if code == ACCESS_CLOSE_CODE else "")
        except TokenError as refused:
            if renewed:
                raise AccessRevoked(f"the hub refused access and no new token was issued: {refused}") from refused
            raise
        except InvalidStatus as exc:
            if exc.response.status_code < 500:
                raise HubError(f"the hub refused the WebSocket upgrade: HTTP {exc.response.status_code}") from exc
            problem = f"HTTP {exc.response.status_code}"
        except httpx.HTTPStatusError as exc:  # the token endpoint failed without an RFC 6749 error
            if exc.response.status_code < 500:
                raise
            problem = f"token endpoint HTTP {exc.response.status_code}"
        except (OSError, TimeoutError, InvalidHandshake, httpx.TransportError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        delay = backoff.next_delay()
        log.warning("subscription %s: %s; resuming after cursor %s in %.1fs", name, problem, store.cursor(name), delay)
        await asyncio.sleep(delay)


async def _initialise(ws: ClientConnection, token: str, timeout: float = 10.0) -> None:
    """connection_init with the bearer token, then wait for connection_ack (a refusal closes with 4403)."""
    await _send(ws, {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    async with asyncio.timeout(timeout):
        while (message := json.loads(await ws.recv()))["type"] != "connection_ack":
            if message["type"] == "ping":
                await _send(ws, {"type": "pong"})


async def _next_event(ws: ClientConnection, field_name: str) -> JSON | None:
    """The next event of subscription "1", answering pings on the way; None when the hub completes it."""
    while True:
        message = json.loads(await ws.recv())
        kind = message.get("type")
        if kind == "ping":
            await _send(ws, {"type": "pong"})
        elif kind == "next" and message.get("id") == "1":
            payload = message.get("payload") or {}
            event: JSON | None = (payload.get("data") or {}).get(field_name)
            if event is None:
                errors = payload.get("errors") or []
                raise HubError("; ".join(str(e.get("message", e)) for e in errors) or "empty event", errors)
            return event
        elif kind == "error":
            errors = message.get("payload") or []
            raise HubError("subscription refused: " + "; ".join(str(e.get("message", e)) for e in errors), errors)
        elif kind == "complete":
            return None


async def _send(ws: ClientConnection, message: JSON) -> None:
    await ws.send(json.dumps(message))
