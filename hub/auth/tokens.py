"""Issuing and verifying bearer JWTs: the hub's own (ES256) and those of trusted OIDC issuers (JWKS)."""

import base64
import json
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import ECKey, KeySet

from hub.auth.issuers import JWKSCache, TrustedIssuer
from hub.auth.principal import Principal
from hub.enums import Role
from hub.errors import Unauthenticated
from hub.i18n import _l
from hub.validation.text import unstorable

OWN_ALGORITHMS = ["ES256"]
EXTERNAL_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]
LEEWAY_SECONDS = 30
VERIFIED_KEPT = 4096  # own tokens whose signature was checked, per process


def _unverified(token: str) -> tuple[dict, dict]:
    """Header and claims before verification: only to choose which keys to verify with."""
    try:
        header, payload, _ = token.split(".")
        decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
        return decode(header), decode(payload)
    except (ValueError, UnicodeDecodeError):
        raise Unauthenticated(_l("token is not a JWT")) from None


@dataclass
class TokenService:
    key: ECKey
    issuer: str
    audience: str
    trusted: list[TrustedIssuer] = field(default_factory=list)
    jwks: JWKSCache = field(default_factory=JWKSCache)
    _verified: OrderedDict = field(default_factory=OrderedDict, repr=False)  # token → claims, oldest first

    def issue(self, *, subject: str, organisation: str | None, roles: list[Role], ttl_seconds: int,
              client_id: str | None = None, client_generation: int | None = None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.audience, "sub": subject, "iat": now, "nbf": now,
            "exp": now + ttl_seconds, "jti": uuid.uuid4().hex, "roles": [r.value for r in roles],
        }
        if organisation:
            claims["org"] = organisation
        if client_id:
            claims["client_id"] = client_id
            claims["gen"] = client_generation
        return jwt.encode({"alg": "ES256", "kid": self.key.kid, "typ": "JWT"}, claims, self.key)

    async def verify(self, token: str) -> Principal:
        """The caller a token names; raises Unauthenticated with a reason a client can act on."""
        header, claims = _unverified(token)
        issuer, audience = claims.get("iss"), self.audience
        if issuer == self.issuer:
            keys, algorithms = self.key, OWN_ALGORITHMS
        else:
            trusted = next((t for t in self.trusted if t.issuer == issuer), None)
            if trusted is None:
                raise Unauthenticated(_l("token rejected: claim 'iss' names an issuer that is not trusted"))
            keys, algorithms = await self.jwks.keys_for(trusted, header.get("kid")), EXTERNAL_ALGORITHMS
            audience = trusted.audience or self.audience
        claims = self._verified_claims(token, keys, algorithms, own=issuer == self.issuer)
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            sub={"essential": True},
            exp={"essential": True},
        )
        try:
            registry.validate(claims)  # every time: expiry and not-before move with the clock
        except JoseError as exc:
            raise Unauthenticated(_claim_refusal(exc)) from None
        return principal_from_claims(claims)

    def _verified_claims(self, token: str, keys: ECKey | KeySet, algorithms: list[str], *, own: bool) -> dict:
        """The claims of a token whose signature holds. The hub's own tokens are checked once per process (an
        app calls with the same token for minutes; the key cannot change under a running hub); an external
        issuer's every time, so a key it withdraws stops its tokens at once."""
        if own and (claims := self._verified.get(token)) is not None:
            return claims
        claims = self._decode(token, keys, algorithms).claims
        if own:
            self._verified[token] = claims
            if len(self._verified) > VERIFIED_KEPT:
                self._verified.popitem(last=False)
        return claims

    @staticmethod
    def _decode(token: str, keys: ECKey | KeySet, algorithms: list[str]):  # type: ignore[no-untyped-def]
        try:
            return jwt.decode(token, keys, algorithms=algorithms)
        except (JoseError, ValueError) as exc:
            raise Unauthenticated(_l("token signature or format is invalid ({error})", error=type(exc).__name__)) from None


def _claim_refusal(exc: JoseError) -> str:
    """Why the claims were refused, in words a caller can act on (the token library's own are English only)."""
    if isinstance(exc, ExpiredTokenError):
        return _l("token rejected: it has expired")
    if isinstance(exc, InvalidClaimError) and exc.claim == "nbf":
        return _l("token rejected: it is not yet valid")
    if isinstance(exc, MissingClaimError):
        return _l("token rejected: claim '{claim}' is missing", claim=exc.claim)
    if isinstance(exc, InvalidClaimError):
        return _l("token rejected: claim '{claim}' is invalid", claim=exc.claim)
    return _l("token rejected: {reason}", reason=exc.description or exc.error)


def principal_from_claims(claims: dict) -> Principal:
    raw_roles = claims.get("roles") or []
    try:
        roles = frozenset(Role(r) for r in raw_roles)
    except ValueError:
        raise Unauthenticated(_l("token names an unknown role")) from None
    for claim in ("sub", "org", "client_id"):  # recorded with every write and audited read
        if isinstance(claims.get(claim), str) and (reason := unstorable(claims[claim])):
            raise Unauthenticated(_l("token claim '{claim}' {reason}", claim=claim, reason=reason))
    return Principal(subject=str(claims["sub"]), organisation=claims.get("org"), roles=roles,
                     client_id=claims.get("client_id"), client_generation=claims.get("gen"), expires_at=claims.get("exp"))
