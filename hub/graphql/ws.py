"""graphql-transport-ws with well-formed frames only, and the same request limits and persisted documents as over
HTTP (a `subscribe` payload may name its document by `documentId` or `extensions.persistedQuery` instead of
`query`; hub/graphql/documents.py).

A malformed frame (not an object, a missing or non-string id, a subscribe without a payload object or with a
query that is not a string, …) closes the socket with 4400 as the protocol requires, instead of reaching code
that assumes a well-formed one.
"""

from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from hub.faults import close_reason
from hub.graphql.documents import DocumentRefused
from hub.graphql.errors import localise_error, log_refusals
from hub.graphql.http import RequestError
from hub.graphql.limits import LimitExceeded, check_request
from hub.i18n import _l

_NEEDS_ID = ("subscribe", "complete")
_OPTIONAL_OBJECTS = ("variables", "extensions")


def frame_problem(message: Any) -> str | None:
    """Why a decoded frame is not a well-formed graphql-transport-ws message, or None."""
    if not isinstance(message, dict):
        return _l("a message must be a JSON object")
    kind = message.get("type")
    if not isinstance(kind, str):
        return _l("a message needs a string type")
    if kind in _NEEDS_ID and not (isinstance(message.get("id"), str) and message["id"]):
        return _l("a {kind} message needs a non-empty string id", kind=kind)
    if kind != "subscribe":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return _l("a subscribe message needs a payload object")
    query = payload.get("query")
    if not isinstance(query, str) and not (query is None and _names_a_document(payload)):
        return _l("payload.query must be a string, unless payload.documentId names the document")
    if not isinstance(payload.get("operationName"), str | None):
        return _l("payload.operationName must be a string or null")
    for name in _OPTIONAL_OBJECTS:
        if not isinstance(payload.get(name), dict | None):
            return _l("payload.{name} must be an object or null", name=name)
    return None


def _names_a_document(payload: dict) -> bool:
    extensions = payload.get("extensions")
    return payload.get("documentId") is not None or (isinstance(extensions, dict) and "persistedQuery" in extensions)


class HubTransportWS(BaseGraphQLTransportWSHandler):
    async def handle_message(self, message: Any) -> None:
        if problem := frame_problem(message):
            await self.handle_invalid_message(close_reason(problem))
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: Any) -> None:
        """Past the protocol's own checks (acknowledged, id free), fill in the text of a persisted document, then
        refuse an operation that names no servable document or is over the limits with an `error` message for
        its id, as for any operation refused before execution."""
        if self.connection_acknowledged and message["id"] not in self.operations:
            payload = message["payload"]
            try:
                await self.view.documents.resolve_payload(payload, self.context.principal)
                check_request(payload["query"], payload.get("variables"), self.context.limits)
            except (DocumentRefused, LimitExceeded, RequestError) as refusal:
                await self._refuse(message["id"], refusal)
                return
        await super().handle_subscribe(message)

    async def _refuse(self, operation_id: str, refusal: GraphQLError | RequestError) -> None:
        if isinstance(refusal, RequestError):
            refusal = GraphQLError(refusal.reason, extensions={"code": refusal.code})
        self.context.metrics.errors.labels(refusal.extensions["code"]).inc()
        log_refusals([refusal])
        await self.send_message({"id": operation_id, "type": "error", "payload": [localise_error(refusal).formatted]})
