"""Bearer tokens for the hub: client credentials from `/oauth/token` (RFC 6749 §4.4), or a pre-issued token."""

import asyncio
import math
import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from kaifeng_hub_client.errors import HubError, TokenError


class TokenSource(Protocol):
    """Where `HubClient` and the subscriptions get their bearer token."""

    async def token(self) -> str:
        """A token that is believed valid now."""
        ...

    def expire(self, token: str) -> bool:
        """The hub refused `token`: forget it. False if there is no way to get another one."""
        ...


class StaticToken:
    """A bearer token issued out of band (e.g. `hub token`); it cannot be renewed."""

    def __init__(self, token: str):
        self._token = token

    async def token(self) -> str:
        return self._token

    def expire(self, token: str) -> bool:
        return False


class ClientCredentials:
    """Tokens from the hub's token endpoint with a client id and secret (HTTP Basic, `client_secret_basic`).

    The token is cached and fetched again `refresh_margin` seconds before `expires_in` runs out (at most
    halfway through a short lifetime), or after the hub refused it (`expire`).
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        refresh_margin: float = 60.0,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._refresh_margin = refresh_margin
        self._timeout = timeout
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self.scope: str | None = None
        # One fetch at a time: concurrent callers wait for it instead of each asking for a token.
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                await self._fetch()
            assert self._token is not None
            return self._token

    def expire(self, token: str) -> bool:
        if token == self._token:
            self._token = None
        return True

    async def _fetch(self) -> None:
        asked_at = self._clock()  # count the lifetime from before the request: never overestimate it
        # RFC 6749 §2.3.1: id and secret are form-encoded before they go into the Basic header.
        basic = httpx.BasicAuth(quote(self.client_id, safe=""), quote(self._secret, safe=""))
        async with httpx.AsyncClient(timeout=self._timeout) as http:
            response = await http.post(self.token_url, data={"grant_type": "client_credentials"}, auth=basic,
                                       headers={"Accept": "application/json"})
        body = _json_object(response)
        if response.status_code != 200:
            if isinstance(body.get("error"), str):
                raise TokenError(body["error"], body.get("error_description"), response.status_code)
            response.raise_for_status()
        if not isinstance(body.get("access_token"), str) or str(body.get("token_type", "")).lower() != "bearer":
            raise HubError(f"the token endpoint answered without a bearer access_token (HTTP {response.status_code})")
        lifetime = body.get("expires_in")
        if isinstance(lifetime, int | float) and lifetime > 0:
            self._refresh_at = asked_at + lifetime - min(self._refresh_margin, lifetime / 2)
        else:  # expires_in is only RECOMMENDED; without it, renew when the hub refuses the token
            self._refresh_at = math.inf
        self._token = body["access_token"]
        self.scope = body.get("scope")


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
