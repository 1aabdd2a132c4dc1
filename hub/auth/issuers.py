"""External OIDC issuers: their signing keys come from a JWKS URL, cached and refreshed on an unknown key id."""

import asyncio
import time
from dataclasses import dataclass, field

import httpx
from joserfc.jwk import KeySet
from pydantic import BaseModel

from hub.errors import Unauthenticated
from hub.i18n import _l


class TrustedIssuer(BaseModel):
    """One entry of HUB_OIDC_ISSUERS. With `console_client_id` the console (/console) signs people in at this
    issuer (authorization code + PKCE, a public client); its endpoints are discovered from
    `<issuer>/.well-known/openid-configuration` unless given."""

    issuer: str
    jwks_url: str
    audience: str | None = None  # default: HUB_AUDIENCE
    name: str | None = None  # shown on the console's sign-in button
    console_client_id: str | None = None
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    scope: str = "openid"


@dataclass
class _Cached:
    keys: KeySet
    refetched_for_unknown_kid_at: float = float("-inf")


@dataclass
class JWKSCache:
    """Keys per issuer. A token naming a key id we do not hold triggers a refetch — at most one such
    refetch every `min_refresh_seconds` — so a rotated key is picked up at once and tokens with made-up
    key ids cannot hammer the issuer."""

    min_refresh_seconds: float = 30.0
    timeout_seconds: float = 5.0
    _cache: dict[str, _Cached] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def keys_for(self, issuer: TrustedIssuer, kid: str | None) -> KeySet:
        cached = self._cache.get(issuer.issuer)
        if cached and (kid is None or _has(cached.keys, kid)):
            return cached.keys
        lock = self._locks.setdefault(issuer.issuer, asyncio.Lock())
        async with lock:
            cached = self._cache.get(issuer.issuer)
            if cached is None:
                self._cache[issuer.issuer] = _Cached(await self._fetch(issuer))
                return self._cache[issuer.issuer].keys
            now = time.monotonic()
            if _has(cached.keys, kid) or now - cached.refetched_for_unknown_kid_at < self.min_refresh_seconds:
                return cached.keys
            self._cache[issuer.issuer] = _Cached(await self._fetch(issuer), refetched_for_unknown_kid_at=now)
            return self._cache[issuer.issuer].keys

    async def _fetch(self, issuer: TrustedIssuer) -> KeySet:
        try:
            async with httpx.AsyncClient(timeout=self.timeout_seconds) as http:
                response = await http.get(issuer.jwks_url)
                response.raise_for_status()
                return KeySet.import_key_set(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise Unauthenticated(_l("cannot fetch the signing keys of issuer {issuer} ({error})", issuer=issuer.issuer,
                                     error=type(exc).__name__)) from None


def _has(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)
