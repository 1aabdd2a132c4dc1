"""Issuing and verifying bearer JWTs (ES256)."""

import time
import uuid
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from hub.auth.principal import Principal
from hub.enums import Role
from hub.errors import Unauthenticated

ALGORITHMS = ["ES256"]
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class TokenService:
    key: ECKey
    issuer: str
    audience: str

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
        try:
            decoded = jwt.decode(token, self.key, algorithms=ALGORITHMS)
        except (JoseError, ValueError) as exc:
            raise Unauthenticated(f"token signature or format is invalid ({type(exc).__name__})") from None
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            sub={"essential": True},
            exp={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as exc:
            raise Unauthenticated(f"token rejected: {exc.description or exc.error}") from None
        return principal_from_claims(decoded.claims)


def principal_from_claims(claims: dict) -> Principal:
    raw_roles = claims.get("roles") or []
    try:
        roles = frozenset(Role(r) for r in raw_roles)
    except ValueError:
        raise Unauthenticated("token names an unknown role") from None
    return Principal(subject=str(claims["sub"]), organisation=claims.get("org"), roles=roles,
                     client_id=claims.get("client_id"), client_generation=claims.get("gen"))
