"""DataLoaders, built per request. Each batch opens its own short read session
(sibling fields resolve concurrently, and one AsyncSession must not be shared)."""

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from hub.assignments.models import Assignment
from hub.cases.models import Agent, Applicant, Case, PreviousHolder, Site
from hub.cases.repository import assignment_visible, assignment_visible_within_case, scope_clause, scoped_by
from hub.calendar import store as calendar_store
from hub.commitments import repository as commitments_repository
from hub.commitments.models import Commitment
from hub.db import Database
from hub.materials import repository as materials_repository
from hub.materials.models import Material
from hub.policy.plan import AccessPlan
from hub.reference import repository as reference_repository


def _one_each(db: Database, model: Any, key: Any, where: Callable[[Sequence], Any] | None = None) -> DataLoader:
    async def load(keys: Sequence) -> list:
        async with db.read() as session:
            stmt = select(model).where(key.in_(keys))
            if where is not None:
                stmt = stmt.where(where(keys))
            rows = {getattr(r, key.key): r for r in (await session.scalars(stmt)).all()}
        return [rows.get(k) for k in keys]

    return DataLoader(load)


def _many_each(db: Database, model: Any, key: Any, order: Sequence, where: Sequence = ()) -> DataLoader:
    async def load(keys: Sequence) -> list:
        async with db.read() as session:
            stmt = select(model).where(key.in_(keys), *where).order_by(*order)
            rows = (await session.scalars(stmt)).all()
        grouped: dict = defaultdict(list)
        for row in rows:
            grouped[getattr(row, key.key)].append(row)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load)


class ReferenceData:
    """Organisations, districts and the materials catalogue, read at most once per request."""

    def __init__(self, db: Database):
        self._db = db
        self._cache: dict[str, Any] = {}

    async def _get(self, name: str, fetch: Callable) -> Any:
        if name not in self._cache:
            async with self._db.read() as session:
                self._cache[name] = await fetch(session)
        return self._cache[name]

    async def organisations(self) -> dict:
        return await self._get("orgs", lambda s: _by(reference_repository.organisations(s), "code"))

    async def districts(self) -> dict:
        return await self._get("districts", lambda s: _by(reference_repository.districts(s), "code"))

    async def material_types(self) -> dict:
        return await self._get("types", lambda s: _by(materials_repository.material_types(s), "code"))

    async def requirements(self) -> list:
        return await self._get("requirements", materials_repository.requirements)

    async def commitment_texts(self) -> dict:
        return await self._get("commitment_texts", commitments_repository.published_texts)

    async def calendar(self):  # type: ignore[no-untyped-def]
        return await self._get("calendar", calendar_store.current)

    async def providers(self) -> dict[str, list[str]]:
        services = await self._get("providers", reference_repository.providers)
        by_org: dict[str, list[str]] = defaultdict(list)
        for service, org in services.items():
            by_org[org].append(service)
        return by_org


async def _by(rows_coro: Any, attr: str) -> dict:
    return {getattr(r, attr): r for r in await rows_coro}


def _case_roles(db: Database, plan: AccessPlan) -> DataLoader:
    """case id → the caller's roles whose rows include the case (for records read per role, hub.policy.plan)."""
    scopes = plan.scopes

    async def load(keys: Sequence) -> list:
        async with db.read() as session:
            found = await scoped_by(session, scopes, keys)
        return [found.get(k, frozenset()) for k in keys]

    return DataLoader(load)


@dataclass
class Loaders:
    case: DataLoader  # scoped: a case outside the caller's scope loads as None
    assignment: DataLoader  # scoped likewise: only assignments one of the caller's roles covers
    case_roles: DataLoader
    applicant: DataLoader
    agent: DataLoader
    previous_holder: DataLoader
    site: DataLoader
    materials: DataLoader
    assignments: DataLoader
    commitment: DataLoader
    reference: ReferenceData


def build_loaders(db: Database, plan: AccessPlan) -> Loaders:
    return Loaders(
        case=_one_each(db, Case, Case.id, where=lambda _keys: scope_clause(plan.rows)),
        assignment=_one_each(db, Assignment, Assignment.id, where=lambda _keys: assignment_visible(plan.lanes)),
        case_roles=_case_roles(db, plan),
        applicant=_one_each(db, Applicant, Applicant.case_id),
        agent=_one_each(db, Agent, Agent.case_id),
        previous_holder=_one_each(db, PreviousHolder, PreviousHolder.case_id),
        site=_one_each(db, Site, Site.case_id),
        materials=_many_each(db, Material, Material.case_id,
                             (Material.added_at, materials_repository.insertion_position(db.sqlite))),
        assignments=_many_each(db, Assignment, Assignment.case_id, (Assignment.service,),
                               where=assignment_visible_within_case(plan.lanes)),
        commitment=_one_each(db, Commitment, Commitment.case_id),
        reference=ReferenceData(db),
    )


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None
