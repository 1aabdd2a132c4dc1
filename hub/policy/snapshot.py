"""The policy as plain data, reloaded only when governance changed something.

A request reads the snapshot from memory, without asking the database; a change
drops it in every instance (hub/policy/freshness.py), and the next request
loads the new one.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.models import OAuthClient
from hub.catalogue.models import CatalogueItem, GovernanceChange, SharingGrant
from hub.db import Database
from hub.policy import freshness


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
    derived: dict = field(default_factory=dict)  # what is computed from this policy alone, kept while it is current


async def _load(session: AsyncSession) -> PolicySnapshot:
    version = await _newest(session)
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


async def _newest(session: AsyncSession) -> int:
    return (await session.scalar(select(func.max(GovernanceChange.id)))) or 0


class PolicyStore:
    """One per instance: the current snapshot, kept until a change invalidates it.

    A change acknowledged to its caller holds for every later request on this instance: the change is committed
    before it invalidates the store (hub/policy/freshness.py), and a request is answered only with a snapshot
    whose load began after every invalidation that came before the request. Counting invalidations makes this
    exact: a load that began before a change and ends after it is never taken as current, and a request that
    comes while a load is under way waits for it instead of being answered with the snapshot it replaces.
    """

    def __init__(self, db: Database):
        self.db = db
        self._snapshot: PolicySnapshot | None = None
        self._changes = 0  # invalidations so far
        self._loaded_after = -1  # how many invalidations came before the held snapshot's load began
        self._lock = asyncio.Lock()
        self.listeners: list[Callable[[], None]] = []  # told of every invalidation (live subscriptions re-decide)
        freshness.register(db.url, self)

    @property
    def loaded_version(self) -> int | None:
        return None if self._snapshot is None else self._snapshot.version

    async def current(self) -> PolicySnapshot:
        """The snapshot, from memory unless a change came since it was loaded; then the one loaded next."""
        seen = self._changes  # the changes this request must see: every one announced before it came
        snapshot = self._snapshot
        if snapshot is not None and self._loaded_after >= seen:
            return snapshot
        async with self._lock:
            if self._snapshot is not None and self._loaded_after >= seen:
                return self._snapshot  # loaded while this request waited, by a load that began after it came
            began = self._changes
            async with self.db.read() as session:
                if not self.db.sqlite:  # one point in time for every table, as SQLite's read transaction is
                    await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                snapshot = await _load(session)
            self._snapshot, self._loaded_after = snapshot, began  # still stale if a change came during the load
            return snapshot

    def invalidate(self) -> None:
        self._changes += 1
        for listener in self.listeners:
            listener()

    async def newest_version(self) -> int:
        async with self.db.read() as session:
            return await _newest(session)
