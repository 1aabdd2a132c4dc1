"""The access plan: for one principal, which items it reads FULL, MASKED or not at all, and what it may write.

Computed once per request from the snapshot (and kept per organisation and role
set until the policy changes or a grant's validity boundary passes). Plain
data, so the GraphQL layer and any compiled read path apply the same decision.
"""

from dataclasses import dataclass
from datetime import datetime

from hub.auth.principal import Principal
from hub.enums import Role
from hub.policy.access import CaseScope, case_scope
from hub.policy.snapshot import Grant, Item, PolicySnapshot

# The intake side (who collected the data) may hold NOT_SHARED and CONDITIONAL items by role grant.
INTAKE_ROLES = frozenset({Role.APPLICANT.value, Role.CLERK.value, Role.PLATFORM.value})


@dataclass(frozen=True)
class FieldAccess:
    masked: bool
    mask: str
    grant_id: str
    audited: bool  # personal data: every read is recorded


@dataclass(frozen=True)
class AccessPlan:
    reads: dict[str, FieldAccess]
    writes: dict[str, str]  # item → grant id
    rows: CaseScope
    own_assignments_of: str | None  # a utility sees, within a case, only its own organisation's assignments
    valid_until: datetime | None

    def read(self, code: str) -> FieldAccess | None:
        return self.reads.get(code)

    def can_read(self, code: str) -> bool:
        return code in self.reads

    def missing_writes(self, codes: set[str]) -> set[str]:
        return codes - self.writes.keys()


def share_type_refusal(code: str, share_type: str, role: str | None, access: str, origin: str) -> str | None:
    """Why the item's share type forbids such a grant, or None. Governance refuses to create these grants,
    and the plan ignores any that exist all the same."""
    if share_type == "NOT_SHARED" and role not in INTAKE_ROLES:
        return f"{code} is NOT_SHARED (不予共享): only the intake roles may hold it"
    if share_type == "CONDITIONAL" and access == "READ_FULL" and role not in INTAKE_ROLES and origin != "REQUEST":
        return f"{code} is CONDITIONAL (有条件共享): full reads need an approved sharing request"
    return None


def grant_is_effective(grant: Grant, item: Item) -> bool:
    return share_type_refusal(item.code, item.share_type, grant.role, grant.access, grant.origin) is None


def _matches(grant: Grant, principal: Principal) -> bool:
    if grant.organisation is not None:
        return grant.organisation == principal.organisation
    return grant.role in {r.value for r in principal.roles}


def _next_boundary(grants: list[Grant], now: datetime) -> datetime | None:
    times = [t for g in grants for t in (g.valid_from, g.valid_until) if t is not None and t > now]
    return min(times) if times else None


@dataclass(frozen=True)
class _Grants:
    reads: dict[str, FieldAccess]
    writes: dict[str, str]
    valid_until: datetime | None


def _grants_for(snapshot: PolicySnapshot, principal: Principal, now: datetime) -> _Grants:
    """The field part of the plan depends only on organisation and roles: cached on the snapshot."""
    key = (principal.organisation, frozenset(principal.roles))
    cached = snapshot.plans.get(key)
    if cached is not None and (cached.valid_until is None or now < cached.valid_until):
        return cached
    mine = [g for g in snapshot.grants if _matches(g, principal)]
    reads: dict[str, FieldAccess] = {}
    writes: dict[str, str] = {}
    for grant in mine:
        item = snapshot.items.get(grant.item_code)
        if item is None or not grant.in_force(now) or not grant_is_effective(grant, item):
            continue
        if grant.access == "WRITE":
            writes.setdefault(item.code, grant.id)
            continue
        current = reads.get(item.code)
        if current is None or (current.masked and grant.access == "READ_FULL"):
            reads[item.code] = FieldAccess(masked=grant.access == "READ_MASKED", mask=item.mask,
                                           grant_id=grant.id, audited=item.personal)
    result = _Grants(reads=reads, writes=writes, valid_until=_next_boundary(mine, now))
    snapshot.plans[key] = result
    return result


def decide(snapshot: PolicySnapshot, principal: Principal, now: datetime) -> AccessPlan:
    grants = _grants_for(snapshot, principal, now)
    return AccessPlan(
        reads=grants.reads, writes=grants.writes, rows=case_scope(principal),
        own_assignments_of=principal.organisation if Role.UTILITY in principal.roles else None,
        valid_until=grants.valid_until,
    )
