"""Who is calling: established once per request from the bearer token."""

from dataclasses import dataclass, field

from hub.enums import Role


@dataclass(frozen=True)
class Principal:
    subject: str
    organisation: str | None
    roles: frozenset[Role] = field(default_factory=frozenset)
    client_id: str | None = None
    client_generation: int | None = None  # secret generation an OAuth client's token was issued under
    expires_at: int | None = None  # the token's exp (seconds since the epoch): live subscriptions end there

    def has(self, role: Role) -> bool:
        return role in self.roles

