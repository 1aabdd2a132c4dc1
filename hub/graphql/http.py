"""GraphQL over HTTP: the response media type, its status codes, request errors as JSON, the body-size bound."""

import json

from cross_web import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_TOO_LARGE"}


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
    for part in (accept or "").split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        wanted[media.lower()] = max(quality, wanted.get(media.lower(), 0.0))
    graphql_response = wanted.get(GRAPHQL_RESPONSE_JSON, 0.0)
    plain = max(wanted.get(JSON, 0.0), wanted.get("application/*", 0.0), wanted.get("*/*", 0.0))
    return GRAPHQL_RESPONSE_JSON if graphql_response > 0 and graphql_response >= plain else JSON


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]},
                      ensure_ascii=False).encode()


def request_error_response(error: HTTPException, media_type: str) -> Response:
    code = error.code if isinstance(error, RequestError) else _CODES.get(error.status_code, "BAD_REQUEST")
    headers = error.headers if isinstance(error, RequestError) else {}
    return Response(error_body(code, error.reason), status_code=error.status_code, media_type=media_type,
                    headers=headers)


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses a request body over `max_bytes` with 413: at once when Content-Length says so, otherwise as soon as
    the bytes received pass the limit (a chunked body is never read further)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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
        body = error_body("REQUEST_TOO_LARGE", f"the request body is larger than {self.max_bytes} bytes "
                                               f"(HUB_MAX_BODY_BYTES)")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", media_type.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
