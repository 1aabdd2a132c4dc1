import base64
from urllib.parse import unquote

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kaifeng_hub_client import ClientCredentials, HubClient, HubError, StaticToken, TokenError

CLIENT_ID, SECRET = "hub-gas-01", "s3cr:t/+&%="


class TokenEndpoint:
    """The hub's /oauth/token (RFC 6749 §4.4, errors per §5.2), and a /graphql that takes only the newest token."""

    def __init__(self, expires_in: int = 900):
        self.expires_in = expires_in
        self.issued: list[str] = []

    def app(self) -> Starlette:
        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            if form.get("grant_type") != "client_credentials":
                return _error(400, "unsupported_grant_type", "only client_credentials is supported")
            scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
            if scheme != "Basic" or (unquote(client_id), unquote(secret)) != (CLIENT_ID, SECRET):
                return _error(401, "invalid_client", "unknown client, wrong secret or disabled client")
            self.issued.append(f"token-{len(self.issued) + 1}")
            return JSONResponse({"access_token": self.issued[-1], "token_type": "Bearer",
                                 "expires_in": self.expires_in, "scope": "UTILITY"})

        async def graphql(request: Request) -> JSONResponse:
            if request.headers.get("authorization") != f"Bearer {self.issued[-1] if self.issued else ''}":
                error = {"message": "token expired", "extensions": {"code": "UNAUTHENTICATED"}}
                return JSONResponse({"errors": [error]}, status_code=401)
            return JSONResponse({"data": {"viewer": {"organisation": "KF-GAS"}}})

        return Starlette(routes=[Route("/oauth/token", token, methods=["POST"]),
                                 Route("/graphql", graphql, methods=["POST"])])


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_token_is_fetched_once_and_cached(serve):
    endpoint = TokenEndpoint()
    url = serve(endpoint.app())
    credentials = ClientCredentials(f"{url}/oauth/token", CLIENT_ID, SECRET)
    assert await credentials.token() == "token-1"
    assert await credentials.token() == "token-1"
    assert endpoint.issued == ["token-1"]
    assert credentials.scope == "UTILITY"


async def test_token_is_renewed_shortly_before_it_expires(serve):
    endpoint = TokenEndpoint(expires_in=900)
    clock = Clock()
    credentials = ClientCredentials(f"{serve(endpoint.app())}/oauth/token", CLIENT_ID, SECRET,
                                    refresh_margin=60, clock=clock)
    assert await credentials.token() == "token-1"
    clock.now += 839
    assert await credentials.token() == "token-1"
    clock.now += 2  # 841 s of 900: inside the margin
    assert await credentials.token() == "token-2"


async def test_a_short_lived_token_is_renewed_halfway(serve):
    endpoint = TokenEndpoint(expires_in=20)
    clock = Clock()
    credentials = ClientCredentials(f"{serve(endpoint.app())}/oauth/token", CLIENT_ID, SECRET,
                                    refresh_margin=60, clock=clock)
    await credentials.token()
    clock.now += 9
    assert await credentials.token() == "token-1"
    clock.now += 2
    assert await credentials.token() == "token-2"


async def test_the_hub_answering_401_renews_the_token_once(serve):
    endpoint = TokenEndpoint()
    url = serve(endpoint.app())
    credentials = ClientCredentials(f"{url}/oauth/token", CLIENT_ID, SECRET)
    async with HubClient(url, credentials) as hub:
        assert await hub.query("{ viewer { organisation } }") == {"viewer": {"organisation": "KF-GAS"}}
        endpoint.issued.append("token-rotated-elsewhere")  # the hub no longer takes token-1
        assert await hub.query("{ viewer { organisation } }") == {"viewer": {"organisation": "KF-GAS"}}
    assert endpoint.issued[-1] == "token-3"


async def test_a_static_token_is_not_retried(serve):
    url = serve(TokenEndpoint().app())
    async with HubClient(url, StaticToken("stale")) as hub:
        with pytest.raises(HubError) as refused:
            await hub.query("{ viewer { organisation } }")
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refusal_carries_the_rfc_6749_error(serve):
    url = serve(TokenEndpoint().app())
    credentials = ClientCredentials(f"{url}/oauth/token", CLIENT_ID, "wrong")
    with pytest.raises(TokenError) as refused:
        await credentials.token()
    assert (refused.value.error, refused.value.status) == ("invalid_client", 401)
    assert refused.value.description == "unknown client, wrong secret or disabled client"
