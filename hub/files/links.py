"""Short-lived signed links: downloads of material files, and printed application forms.

A link names the record (a material, a case) and the caller it was made for,
signed with the hub's key under an audience of its own for each kind of link,
so a link is never accepted as an access token nor an access token as a link,
nor a link of one kind as another. Every instance holding the key honours it,
and the download decides access again with the policy in force at that
moment: a link only saves the caller from sending its token.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from hub.auth.principal import Principal
from hub.auth.tokens import principal_from_claims
from hub.errors import Unauthenticated



@dataclass(frozen=True)
class Link:
    material_id: uuid.UUID  # the record the link names (for a printed form: the case)
    principal: Principal


class FileLinks:
    """`kind` names the audience and token type, `route` the path links are served under."""

    def __init__(self, key: ECKey, issuer: str, audience: str, ttl_seconds: int, *, kind: str = "material-file",
                 route: str = "files"):
        self.key, self.issuer, self.ttl, self.kind, self.route = key, issuer, ttl_seconds, kind, route
        self.audience = f"{audience}/{kind}"

    def token(self, principal: Principal, material_id: uuid.UUID, now: datetime) -> str:
        issued = int(now.timestamp())
        expires = issued + self.ttl
        if principal.expires_at is not None:
            expires = min(expires, principal.expires_at)  # never outlives the token it was made under
        claims = {"iss": self.issuer, "aud": self.audience, "sub": principal.subject, "iat": issued, "exp": expires,
                  "roles": sorted(r.value for r in principal.roles), "mat": str(material_id)}
        if principal.organisation:
            claims["org"] = principal.organisation
        if principal.client_id:
            claims["client_id"], claims["gen"] = principal.client_id, principal.client_generation
        return jwt.encode({"alg": "ES256", "kid": self.key.kid, "typ": f"hub-{self.kind}+jwt"}, claims, self.key)

    def url(self, base_url: str, principal: Principal, material_id: uuid.UUID, now: datetime) -> str:
        """`base_url` is the address the caller reached the hub at (ws:// becomes http://)."""
        base = base_url.replace("ws", "http", 1) if base_url.startswith("ws") else base_url
        return f"{base.rstrip('/')}/{self.route}/{self.token(principal, material_id, now)}"

    def verify(self, token: str, now: datetime) -> Link | None:
        """The link's material and caller, or None for anything not a valid, current link of this hub."""
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()), iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience}, sub={"essential": True}, exp={"essential": True},
            mat={"essential": True},
        )
        try:
            decoded = jwt.decode(token, self.key, algorithms=["ES256"])
            registry.validate(decoded.claims)
            return Link(uuid.UUID(str(decoded.claims["mat"])), principal_from_claims(decoded.claims))
        except (JoseError, ValueError, Unauthenticated):
            return None
