"""Reference data held in memory: read on nearly every write, changed almost never.

Kept per database for REFRESH_SECONDS, and dropped at once in this process by
`hub load-catalogue`'s loader; other instances pick a change up within that time.
"""

import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hub.commitments import repository as commitments_repository
from hub.commitments.rules import PublishedText
from hub.materials import repository as materials_repository
from hub.notifications import templates
from hub.notifications.templates import Templates
from hub.reference import repository as reference_repository

REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Requirement:
    groups: list
    required_at_application: bool
    notes: list
    conditions: list  # preconditions the utility confirms before completing, e.g. GAS_SAFETY_CHECK_DONE


@dataclass(frozen=True)
class ReferenceSnapshot:
    active_districts: frozenset[str]
    material_types: frozenset[str]
    providers: dict[str, str]  # service → organisation code
    organisation_names: dict[str, str]  # code → name
    organisation_kinds: dict[str, str]  # code → kind, in code order
    requirements: dict[tuple[str, str, str], Requirement]  # (case type, service, applicant kind)
    sms: Templates
    commitment_texts: dict[str, PublishedText]  # version → text (申请人承诺)

    def requirement(self, case_type: str, service: str, applicant_kind: str) -> Requirement | None:
        return self.requirements.get((case_type, service, applicant_kind))


_cache: dict[str, tuple[float, ReferenceSnapshot]] = {}


async def current(session: AsyncSession) -> ReferenceSnapshot:
    key = str(session.bind.url)
    hit = _cache.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    organisations = sorted(await reference_repository.organisations(session), key=lambda o: o.code)
    snapshot = ReferenceSnapshot(
        active_districts=await reference_repository.active_district_codes(session),
        material_types=await materials_repository.material_type_codes(session),
        providers=await reference_repository.providers(session),
        organisation_names={o.code: o.name for o in organisations},
        organisation_kinds={o.code: o.kind for o in organisations},
        requirements={
            (r.case_type, r.service, r.applicant_kind): Requirement(list(r.groups), r.required_at_application,
                                                                   list(r.notes), list(r.conditions))
            for r in await materials_repository.requirements(session)
        },
        sms=await templates.stored(session),
        commitment_texts=await commitments_repository.published_texts(session),
    )
    _cache[key] = (time.monotonic() + REFRESH_SECONDS, snapshot)
    return snapshot


def invalidate() -> None:
    _cache.clear()
