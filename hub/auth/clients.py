"""OAuth clients (client credentials) for utility systems and the government platform."""

import secrets as pysecrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth import secrets
from hub.auth.models import OAuthClient
from hub.auth.principal import Principal
from hub.catalogue import changes
from hub.enums import Role
from hub.errors import ErrorCode, IllegalTransition, NotFound
from hub.i18n import _l
from hub.policy import access
from hub.reference.models import Organisation
from hub.validation.checker import Checker

MACHINE_ROLES = {Role.UTILITY.value, Role.PLATFORM.value}
CLIENT_FIELDS = ("client_id", "name", "organisation_code", "roles", "secret_generation", "enabled")


async def register(session: AsyncSession, *, principal: Principal, name: str, organisation: str, roles: list[str],
                   now: datetime) -> tuple[OAuthClient, str]:
    """(client, secret). The secret is shown once; only its hash is kept."""
    access.ensure_governance(principal)
    c = Checker()
    c.text({"name": name}, "name", "name", max_len=200, required=True)
    org = await session.get(Organisation, organisation)
    if org is None:
        c.fail("organisation", ErrorCode.INVALID, _l("is not a known organisation"))
    if not roles or not set(roles) <= MACHINE_ROLES:
        c.fail("roles", ErrorCode.INVALID, _l("a client holds UTILITY and/or PLATFORM"))
    elif org is not None and Role.UTILITY.value in roles and org.kind != "UTILITY":
        c.fail("roles", ErrorCode.INVALID, _l("the UTILITY role belongs to a utility organisation"))
    c.raise_if_any()
    secret = secrets.new_secret()
    client = OAuthClient(client_id=f"hub-{pysecrets.token_hex(8)}", name=name.strip(), organisation_code=organisation,
                         roles=sorted(set(roles)), secret_hash=secrets.hash_secret(secret), secret_generation=1,
                         enabled=True, created_at=now, created_by=principal.subject)
    session.add(client)
    changes.record(session, principal, now, entity="CLIENT", entity_id=client.client_id, action="REGISTER",
                   after=changes.snapshot_of(client, CLIENT_FIELDS))
    return client, secret


async def rotate(session: AsyncSession, *, principal: Principal, client_id: str, now: datetime) -> tuple[OAuthClient, str]:
    """A new secret; the old one and every token issued under it stop working."""
    client = await _locked(session, principal, client_id)
    if not client.enabled:
        raise IllegalTransition(_l("the client is disabled"))
    before = changes.snapshot_of(client, CLIENT_FIELDS)
    secret = secrets.new_secret()
    client.secret_hash, client.rotated_at = secrets.hash_secret(secret), now
    client.secret_generation += 1
    changes.record(session, principal, now, entity="CLIENT", entity_id=client_id, action="ROTATE",
                   before=before, after=changes.snapshot_of(client, CLIENT_FIELDS))
    return client, secret


async def disable(session: AsyncSession, *, principal: Principal, client_id: str, now: datetime) -> OAuthClient:
    client = await _locked(session, principal, client_id)
    if not client.enabled:
        raise IllegalTransition(_l("the client is already disabled"))
    before = changes.snapshot_of(client, CLIENT_FIELDS)
    client.enabled, client.disabled_at = False, now
    changes.record(session, principal, now, entity="CLIENT", entity_id=client_id, action="DISABLE",
                   before=before, after=changes.snapshot_of(client, CLIENT_FIELDS))
    return client


async def _locked(session: AsyncSession, principal: Principal, client_id: str) -> OAuthClient:
    access.ensure_governance(principal)
    client = await session.get(OAuthClient, client_id, with_for_update=True)
    if client is None:
        raise NotFound(_l("no such client"))
    return client


async def authenticate(session: AsyncSession, client_id: str, secret: str) -> OAuthClient | None:
    """The enabled client with this id and secret, or None (the caller cannot tell which part was wrong)."""
    client = await session.get(OAuthClient, client_id)
    if client is None:
        secrets.check_secret(secret, _DUMMY_HASH)  # same work whether or not the id exists
        return None
    if not secrets.check_secret(secret, client.secret_hash) or not client.enabled:
        return None
    return client


_DUMMY_HASH = secrets.hash_secret("not-a-client")
