"""The OAuth 2.0 token endpoint, client-credentials grant only (RFC 6749 §4.4, errors per §5.2)."""

import base64
import binascii
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.auth import clients
from hub.auth.tokens import TokenService
from hub.db import Database, is_unavailable
from hub.enums import Role
from hub.faults import RETRY_AFTER, UNAVAILABLE_MESSAGE, log_fault
from hub.validation.text import unstorable

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(status: int, error: str, description: str, basic: bool = False) -> JSONResponse:
    headers = dict(NO_STORE)
    if basic:
        headers["WWW-Authenticate"] = 'Basic realm="hub"'
    if status == 503:
        headers.update(RETRY_AFTER)
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _credentials(request: Request, form: dict) -> tuple[str, str, bool] | None:
    """(client_id, secret, via_basic) from HTTP Basic (client_secret_basic) or the form (client_secret_post)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret), True
    if form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"], False
    return None


def token_endpoint(db: Database, tokens: TokenService, ttl_seconds: int):  # type: ignore[no-untyped-def]
    async def issue(request: Request) -> JSONResponse:
        form = dict(await request.form())
        if form.get("grant_type") != "client_credentials":
            if not form.get("grant_type"):
                return _error(400, "invalid_request", "grant_type is required")
            return _error(400, "unsupported_grant_type", "only client_credentials is supported")
        credentials = _credentials(request, form)
        if credentials is None:
            return _error(401, "invalid_client", "client authentication is required", basic=True)
        client_id, secret, via_basic = credentials
        if reason := unstorable(client_id) or unstorable(secret):
            return _error(400, "invalid_request", f"client credentials: {reason}")
        try:
            async with db.read() as session:
                client = await clients.authenticate(session, client_id, secret)
        except Exception as error:  # noqa: BLE001  (an outage is answered as RFC 6749 says; anything else re-raised)
            if not is_unavailable(error):
                raise
            log_fault(error, "POST /oauth/token")
            return _error(503, "temporarily_unavailable", UNAVAILABLE_MESSAGE)
        if client is None:
            return _error(401, "invalid_client", "unknown client, wrong secret or disabled client", basic=via_basic)
        token = tokens.issue(subject=f"client:{client.client_id}", organisation=client.organisation_code,
                             roles=[Role(r) for r in client.roles], ttl_seconds=ttl_seconds,
                             client_id=client.client_id, client_generation=client.secret_generation)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": ttl_seconds,
                             "scope": " ".join(client.roles)}, headers=NO_STORE)

    return issue
