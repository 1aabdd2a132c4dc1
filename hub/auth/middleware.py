"""Bearer-token authentication for HTTP requests to the API (WebSockets authenticate at connection_init)."""

import json
import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from hub.auth.tokens import TokenService
from hub.errors import Unauthenticated
from hub.i18n import _l, localise
from hub.policy.access import ensure_client_active
from hub.policy.snapshot import PolicyStore

log = logging.getLogger("hub.auth")


def bearer_token(header: str | None) -> str:
    if not header:
        raise Unauthenticated(_l("missing Authorization: Bearer <token> header"))
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(_l("Authorization header must be 'Bearer <token>'"))
    return token.strip()


class BearerAuthMiddleware:
    """Turns the bearer token into a Principal (and the current policy) on `scope["state"]`, or answers 401.

    The GraphiQL page itself (a browser GET asking for HTML, with or without `?query=`) is served without a token
    (hub/graphql/ide.py answers every such request, so none reaches the API); so are file downloads
    (`/files/{link}`) and printed forms by link (`/forms/{link}`), whose signed link names the caller.
    Paths under a protected prefix (`/cases/…`, the printed form by number) need a token.
    """

    def __init__(self, app: ASGIApp, *, tokens: TokenService, policies: PolicyStore,
                 protected_paths: frozenset[str] = frozenset({"/graphql", "/files"}),
                 protected_prefixes: tuple[str, ...] = ("/cases/",)):
        self.app = app
        self.tokens = tokens
        self.policies = policies
        self.protected_paths = protected_paths
        self.protected_prefixes = protected_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].rstrip("/") if scope["type"] == "http" else None
        protected = path is not None and (path in self.protected_paths or path.startswith(self.protected_prefixes))
        if not protected or (path == "/graphql" and is_page_request(scope)):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            principal = await self.tokens.verify(bearer_token(headers.get("authorization")))
            snapshot = await self.policies.current()
            ensure_client_active(snapshot, principal)
        except Unauthenticated as error:
            log.info("refused: UNAUTHENTICATED: %s", error.message)
            await _unauthorised(send, error.message)
            return
        state = scope.setdefault("state", {})
        state["principal"], state["policy"] = principal, snapshot
        await self.app(scope, receive, send)


def is_page_request(scope: Scope) -> bool:
    """A browser asking for the GraphiQL page: GET with HTML acceptable. API clients ask for JSON."""
    if scope["method"] != "GET":
        return False
    accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
    return "text/html" in accept


async def _unauthorised(send: Send, reason: str) -> None:
    """401 with the reason in the caller's language; the header keeps it in English (headers are Latin-1)."""
    body = json.dumps({"errors": [{"message": localise(reason), "extensions": {"code": "UNAUTHENTICATED"}}]},
                      ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": 401,
        "headers": [
            (b"content-type", b"application/json"),
            (b"www-authenticate", f'Bearer error="invalid_token", error_description="{reason}"'.encode()),
        ],
    })
    await send({"type": "http.response.body", "body": body})
