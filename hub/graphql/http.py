"""GraphQL over HTTP: the response media type, its status codes, request errors as JSON, the body-size bound
and the request limits checked ahead of authentication."""

import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.graphql.errors import localise_error
from hub.graphql.limits import LimitExceeded, QueryLimits, check_request
from hub.headers import weighted
from hub.i18n import _l, localise

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE"}
# The GraphQL framework's own request errors, marked so that they are answered in the caller's language too.
_FRAMEWORK_REASONS = {message: message for message in (
    _l("Unsupported content type"),
    _l("Unable to parse request body as JSON"),
    _l("The GraphQL operation's `query` must be a string or null, if provided."),
    _l("The GraphQL operation's `variables` must be an object or null, if provided."),
    _l("The GraphQL operation's `extensions` must be an object or null, if provided."),
    _l("GraphQL only supports GET and POST requests."),
    _l("Batching is not enabled"),
    _l("Not Found"),
)}


class RequestError(HTTPException):
    """A request refused before any GraphQL work, with the code the caller can act on."""

    def __init__(self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.headers = headers or {}


def response_media_type(accept: str | None) -> str:
    """`application/graphql-response+json` when the caller asks for it at least as much as for plain JSON.

    Anything else, a missing header and `*/*` included, gets `application/json` as before the media type existed.
    """
    wanted: dict[str, float] = {}
    for media, quality in weighted(accept):
        wanted[media] = max(quality, wanted.get(media, 0.0))
    graphql_response = wanted.get(GRAPHQL_RESPONSE_JSON, 0.0)
    plain = max(wanted.get(JSON, 0.0), wanted.get("application/*", 0.0), wanted.get("*/*", 0.0))
    return GRAPHQL_RESPONSE_JSON if graphql_response > 0 and graphql_response >= plain else JSON


def error_body(code: str, message: str) -> bytes:
    """A request error in the caller's language."""
    return json.dumps({"errors": [{"message": localise(message), "extensions": {"code": code}}]},
                      ensure_ascii=False).encode()


def request_error_response(error: HTTPException, media_type: str) -> Response:
    code = error.code if isinstance(error, RequestError) else _CODES.get(error.status_code, "BAD_REQUEST")
    headers = error.headers if isinstance(error, RequestError) else {}
    reason = _FRAMEWORK_REASONS.get(error.reason, error.reason)
    return Response(error_body(code, reason), status_code=error.status_code, media_type=media_type,
                    headers=headers)


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses a request body over `max_bytes` with 413: at once when Content-Length says so, otherwise as soon as
    the bytes received pass the limit (a chunked body is never read further). Paths in `own_limits` (file
    uploads) enforce a limit of their own and pass untouched."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, own_limits: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.own_limits = own_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.own_limits:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(headers, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(headers, send)

    async def _refuse(self, headers: dict[bytes, bytes], send: Send) -> None:
        media_type = response_media_type(headers.get(b"accept", b"").decode("latin-1"))
        body = error_body("REQUEST_TOO_LARGE", _l("the request body is larger than {limit} bytes (HUB_MAX_BODY_BYTES)",
                                                  limit=self.max_bytes))
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", media_type.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class GraphQLRequestLimits:
    """Refuses a GraphQL request whose document or variables are over the limits before anything else reads it:
    no token is verified, no database connection is taken, nothing is parsed but the JSON.

    A request it cannot read as GraphQL (not JSON, a body of another type, …) passes on unchanged: the endpoint
    answers it. Operations on a WebSocket are checked by the transport (hub/graphql/ws.py).
    """

    def __init__(self, app: ASGIApp, *, limits: QueryLimits, metrics: Any, path: str = "/graphql") -> None:
        self.app = app
        self.limits = limits
        self.metrics = metrics
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()
        try:
            check_request(*_document_and_variables(request, body), self.limits)
        except LimitExceeded as refusal:
            self.metrics.errors.labels(refusal.extensions["code"]).inc()
            await limit_refusal(refusal, request.headers.get("accept"))(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _document_and_variables(request: Request, body: bytes) -> tuple[Any, Any]:
    """The `query` and `variables` of a GraphQL request over GET or a JSON POST; (None, None) if unreadable."""
    try:
        if request.method == "GET":
            variables = request.query_params.get("variables")
            return request.query_params.get("query"), json.loads(variables) if variables else None
        if "json" in request.headers.get("content-type", ""):
            data = json.loads(body)
            if isinstance(data, dict):
                return data.get("query"), data.get("variables")
    except (ValueError, RecursionError):
        pass
    return None, None


def limit_refusal(refusal: LimitExceeded, accept: str | None) -> Response:
    """Like any failure before execution: 400 without `data` in graphql-response+json, 200 with null data in JSON."""
    media_type = response_media_type(accept)
    error = localise_error(refusal).formatted
    if media_type == GRAPHQL_RESPONSE_JSON:
        return JSONResponse({"errors": [error]}, status_code=400, media_type=media_type)
    return JSONResponse({"data": None, "errors": [error]}, media_type=media_type)
