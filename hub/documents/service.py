"""Registering persisted documents (GOVERNANCE): a manifest in, each new document recorded as a governance change."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.catalogue import changes
from hub.documents import manifest, repository
from hub.documents.models import PersistedDocument
from hub.errors import InvalidInput
from hub.policy import access
from hub.validation.checker import Checker


@dataclass(frozen=True)
class Registration:
    added: list[PersistedDocument]  # as written (not attached to the session)
    already_registered: int
    audit_details: dict = field(default_factory=dict)


async def register(session: AsyncSession, *, principal: Principal, documents: Any, client_name: str | None,
                   client_version: str | None, inspect: Callable[[str], tuple[str, ...]],
                   now: datetime) -> Registration:
    """Register every document of the manifest `documents` that is not registered yet; nothing if any entry is
    refused. `inspect` (the API layer's) tells what a text's operations are, or why the hub could not serve it."""
    access.ensure_governance(principal)
    c = Checker()
    given = {"client_name": client_name, "client_version": client_version}
    name = c.text(given, "client_name", "clientName", max_len=100)
    version = c.text(given, "client_version", "clientVersion", max_len=50)
    try:
        entries = manifest.parse(documents, inspect)
    except InvalidInput as refusal:
        c.problems += refusal.problems
    c.raise_if_any()
    rows = [{"sha256": e.sha256, "document": e.text, "operation_names": list(e.operation_names),
             "registered_at": now, "registered_by": principal.subject, "client_name": name,
             "client_version": version} for e in entries]
    added = await repository.add_missing(session, rows)
    new = [PersistedDocument(**row) for row in rows if row["sha256"] in added]
    for row in new:
        changes.record(session, principal, now, entity="PERSISTED_DOCUMENT", entity_id=manifest.PREFIX + row.sha256,
                       action="REGISTER", after={"operation_names": row.operation_names, "client_name": name,
                                                 "client_version": version})
    return Registration(new, len(entries) - len(new),
                        audit_details={"reason": f"registered {len(new)} persisted documents"})
