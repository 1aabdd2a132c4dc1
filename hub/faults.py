"""What a caller gets when the fault is the hub's, not theirs: a JSON answer, never a driver message.

The database being unreachable or restarting is 503 with `Retry-After` (a retry will do); anything else is
500 with an incident id that the log line carries too. `FaultMiddleware` applies this to every HTTP path,
including the authentication in front of the API; the GraphQL layer applies it per operation
(hub/graphql/errors.py).
"""

import json
import logging
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.db import is_unavailable
from hub.i18n import _l, localise

log = logging.getLogger("hub.faults")

RETRY_AFTER_SECONDS = 5
RETRY_AFTER = {"Retry-After": str(RETRY_AFTER_SECONDS)}
UNAVAILABLE_MESSAGE = _l("the database is unavailable; retry later")


def internal_error(incident: str) -> str:
    return _l("internal error (incident {incident})", incident=incident)


def new_incident() -> str:
    return uuid.uuid4().hex[:12]


def log_fault(error: BaseException, where: str) -> str | None:
    """Log a fault once: an outage as one WARNING line, anything else as ERROR with its traceback.

    Returns the incident id of an unexpected fault, None for an outage.
    """
    if is_unavailable(error):
        log.warning("database unavailable during %s (%s)", where, type(error).__name__)
        return None
    incident = new_incident()
    log.error("unexpected error during %s, incident %s", where, incident, exc_info=error)
    return incident


def graphql_fault_body(incident: str | None) -> dict:
    if incident is None:
        return {"errors": [{"message": localise(UNAVAILABLE_MESSAGE), "extensions": {"code": "UNAVAILABLE"}}]}
    return {"errors": [{"message": localise(internal_error(incident)),
                        "extensions": {"code": "INTERNAL", "incident": incident}}]}


class FaultMiddleware:
    """Answers an exception that escapes any route or middleware: an HTTP request with a JSON GraphQL-shaped
    error, a WebSocket with close code 1013 (try again later) for an outage or 1011 for anything else."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent: set[str] = set()

        async def tracking_send(message: Message) -> None:
            sent.add(message["type"])
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if {"http.response.start", "websocket.close", "websocket.http.response.start"} & sent:
                raise  # an answer is under way; the server ends the connection
            incident = log_fault(error, f"{scope.get('method', 'WEBSOCKET')} {scope['path']}")
            if scope["type"] == "websocket":
                reason = close_reason(UNAVAILABLE_MESSAGE if incident is None else internal_error(incident))
                await send({"type": "websocket.close", "code": 1013 if incident is None else 1011, "reason": reason})
                return
            status, headers = (503, RETRY_AFTER) if incident is None else (500, {})
            await _send_json(send, status, graphql_fault_body(incident), headers)


async def _send_json(send: Send, status: int, body: dict, headers: dict[str, str]) -> None:
    raw = [(b"content-type", b"application/json")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": json.dumps(body, ensure_ascii=False).encode()})


def close_reason(message: str) -> str:
    """A WebSocket close reason in the caller's language; in English where the translation would pass the
    protocol's 123 bytes."""
    reason = localise(message)
    return reason if len(reason.encode()) <= 123 else str(message)[:123]
