"""The policy as plain data, reloaded only when governance changed something.

Each request asks the database one cheap question — the newest governance
change id — and reuses the snapshot while it is unchanged. Every instance asks
on every request, so a change takes effect on the very next request anywhere.
"""

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.models import OAuthClient
from hub.catalogue.models import CatalogueItem, GovernanceChange, SharingGrant
from hub.db import Database


@dataclass(frozen=True)
class Item:
    code: str
    sensitivity: str
    share_type: str
    mask: str
    name: str = ""  # 信息项名称, as the personal-information notice names it

    @property
    def personal(self) -> bool:
        return self.sensitivity in ("PERSONAL", "SENSITIVE_PERSONAL")


@dataclass(frozen=True)
class Grant:
    id: str
    item_code: str
    role: str | None
    organisation: str | None
    access: str
    origin: str
    valid_from: datetime | None
    valid_until: datetime | None
    purpose: str = ""

    def in_force(self, now: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= now) and (self.valid_until is None or now < self.valid_until)


@dataclass(frozen=True)
class ClientState:
    enabled: bool
    generation: int


@dataclass
class PolicySnapshot:
    version: int
    items: dict[str, Item]
    grants: list[Grant]
    clients: dict[str, ClientState]
    plans: dict = field(default_factory=dict)  # (organisation, role) → that role's grants, filled by hub.policy.plan


async def _load(session: AsyncSession, version: int) -> PolicySnapshot:
    items = {i.code: Item(i.code, i.sensitivity, i.share_type, i.mask, i.name)
             for i in (await session.scalars(select(CatalogueItem))).all()}
    grants = [
        Grant(str(g.id), g.item_code, g.grantee_role, g.grantee_organisation, g.access, g.origin, g.valid_from,
              g.valid_until, g.purpose)
        for g in (await session.scalars(select(SharingGrant).where(SharingGrant.revoked_at.is_(None)))).all()
    ]
    clients = {c.client_id: ClientState(c.enabled, c.secret_generation)
               for c in (await session.scalars(select(OAuthClient))).all()}
    return PolicySnapshot(version=version, items=items, grants=grants, clients=clients)


class PolicyStore:
    """One per process: the current snapshot, refreshed when the policy version moves."""

    def __init__(self, db: Database):
        self.db = db
        self._snapshot: PolicySnapshot | None = None
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    async def current(self, max_age: float = 0.0) -> PolicySnapshot:
        """The snapshot; `max_age` lets long-lived subscriptions share one version check per interval."""
        if self._snapshot is not None and time.monotonic() - self._checked_at < max_age:
            return self._snapshot
        self._checked_at = time.monotonic()
        async with self.db.read() as session:
            version = (await session.scalar(select(func.max(GovernanceChange.id)))) or 0
            if self._snapshot is not None and self._snapshot.version == version:
                return self._snapshot
            async with self._lock:
                if self._snapshot is None or self._snapshot.version != version:
                    self._snapshot = await _load(session, version)
        return self._snapshot
