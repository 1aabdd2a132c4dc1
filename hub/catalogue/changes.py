"""The governance change log: versioned, attributable, and the policy version every instance watches."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.catalogue.models import GovernanceChange
from hub.policy import freshness


def record(session: AsyncSession, principal: Principal, now: datetime, *, entity: str, entity_id: str, action: str,
           before: dict | None = None, after: dict | None = None) -> None:
    session.add(GovernanceChange(at=now, actor_subject=principal.subject, actor_organisation=principal.organisation,
                                 entity=entity, entity_id=entity_id, action=action, before=before, after=after))
    freshness.announce(session)  # every instance drops its policy snapshot once this commits


def snapshot_of(row: object, fields: tuple[str, ...]) -> dict:
    """A JSON-able picture of a row for the change log."""
    out = {}
    for name in fields:
        value = getattr(row, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else (str(value) if name.endswith("id") and value else value)
    return out
