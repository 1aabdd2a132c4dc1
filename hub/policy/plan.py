"""The access plan: for one principal, which rows it sees, which items it reads FULL, MASKED or not at all on
each of them, and what it may write.

A principal may hold several roles (an OAuth client registered as UTILITY and PLATFORM, a single-sign-on user
with several roles). Each role is a *lane*: the rows that role scopes, read and written with that role's grants
together with the grants to the principal's organisation — exactly what a principal holding that role alone
would have. A record is read with the union of the lanes that cover it, never with the grants of a role that
does not: a client that is both PLATFORM and UTILITY reads the cases it pushed as the platform does, and the
cases it was only assigned as a utility does (ID numbers masked, unless its organisation was granted more).

A record is either a case (with its parties, site, materials and invoice) or one assignment (with its section of
the form, result, clock and materials check). A lane covers an assignment when it scopes the case and, for a
utility, the assignment is its own organisation's. Which of the caller's lanes scope a case is a fact of the case
(who applied, who submitted it, which organisations it was assigned to), never changed once submitted.

Computed once per request from the snapshot (the grants of each organisation and role are kept until the
policy changes or a grant's validity boundary passes). Plain data, so the GraphQL layer, the repositories and
the event streams apply the same decision.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from hub.auth.principal import Principal
from hub.enums import Role
from hub.i18n import _l
from hub.policy.access import CaseScope, role_scope, union
from hub.policy.snapshot import Grant, Item, PolicySnapshot

# The results feed (回传 to the 一体化政务平台): PLATFORM hears the results of every case, whatever the channel,
# through this lane. It scopes every case and reads with the grants to this name in the catalogue (grants.yaml
# `grantee: {role: PLATFORM_RESULTS}`), not with PLATFORM's: the data of a case the platform did not push is read
# as far as those grants say (results in full, personal data masked or not at all). A case it pushed is also in
# its PLATFORM lane and read as before. Not an intake role, so NOT_SHARED items and full CONDITIONAL ones are
# never granted to it.
RESULTS_LANE = "PLATFORM_RESULTS"
# The intake side (who collected the data) may hold NOT_SHARED and CONDITIONAL items by role grant.
INTAKE_ROLES = frozenset({Role.APPLICANT.value, Role.CLERK.value, Role.PLATFORM.value})
# Types whose records belong to one assignment (and so to the utility that owns it); every other governed type
# with a case belongs to the case itself.
ASSIGNMENT_RECORDS = frozenset({
    "Assignment", "AssignmentResult", "AssignmentClock", "MaterialsCheck", "MaterialsOverride", "Precondition",
    "WaterSection", "ElectricitySection", "GasSection", "HeatingSection", "HeatingLoad", "TelecomSection",
})


@dataclass(frozen=True)
class FieldAccess:
    masked: bool
    mask: str
    grant_id: str
    audited: bool  # personal data: every read is recorded

    @property
    def shows_value(self) -> bool:
        """The caller sees the value itself: a full read, or a masked one whose mask shows everything (NONE)."""
        return not self.masked or self.mask == "NONE"


@dataclass(frozen=True)
class Lane:
    """One role of the caller: the rows it scopes and what it reads and writes on them."""

    role: Role | str  # a Role, or RESULTS_LANE
    rows: CaseScope
    own_assignments_of: str | None  # a utility covers, within a case, only its own organisation's assignments
    reads: Mapping[str, FieldAccess]
    writes: Mapping[str, str]  # item → grant id

    def covers(self, organisation: str | None, case_in_rows: bool | None) -> bool | None:
        """Whether this lane covers a record of a case: the case itself (`organisation` None) or an assignment
        of `organisation`. `case_in_rows` says whether the case is in this lane's rows (None: not known);
        None is returned when the answer needs it."""
        if organisation is not None and self.own_assignments_of not in (None, organisation):
            return False  # another organisation's assignment
        if self.rows.everything:
            return True
        if self.rows.empty:
            return False
        if organisation is not None and organisation == self.rows.assigned_to:
            return True  # a case with an assignment of this organisation is, by definition, assigned to it
        return case_in_rows


@dataclass(frozen=True)
class AccessPlan:
    lanes: tuple[Lane, ...]
    rows: CaseScope  # every case some lane scopes
    reads: Mapping[str, FieldAccess]  # the best of the lanes: for data that belongs to no case (reference data)
    uniform_reads: Mapping[str, FieldAccess] | None  # what every record reads when all covering lanes agree
    valid_until: datetime | None
    _merged: dict = field(default_factory=dict, compare=False, repr=False)  # covering roles → their reads

    @property
    def row_lanes(self) -> tuple[Lane, ...]:
        """The lanes that can cover a record (GOVERNANCE, for one, scopes no case)."""
        return tuple(lane for lane in self.lanes if not lane.rows.empty)

    @property
    def scopes(self) -> dict[Role | str, CaseScope]:
        return {lane.role: lane.rows for lane in self.lanes}

    def lane(self, role: Role) -> Lane | None:
        return next((lane for lane in self.lanes if lane.role == role), None)

    def read(self, code: str) -> FieldAccess | None:
        """Access to an item of data that belongs to no case (reference data): the best of the lanes."""
        return self.reads.get(code)

    def covering(self, organisation: str | None, case_roles: frozenset[Role] | None) -> tuple[Lane, ...] | None:
        """The lanes that cover a record of a case — the case (`organisation` None) or an assignment of
        `organisation` — given the roles whose rows include the case (`case_roles`); None when that is needed
        and not given. Lane.covers is the one rule behind record reads, writes and event delivery."""
        lanes, undecided = [], False
        for lane in self.lanes:
            covers = lane.covers(organisation, None if case_roles is None else lane.role in case_roles)
            if covers:
                lanes.append(lane)
            undecided = undecided or covers is None
        return None if undecided else tuple(lanes)

    def record_reads(self, organisation: str | None, case_roles: frozenset[Role]) -> Mapping[str, FieldAccess]:
        """What the caller reads of one record: item by item the best access among the lanes that cover it."""
        lanes = self.covering(organisation, case_roles) or ()
        key = tuple(lane.role for lane in lanes)
        if key not in self._merged:
            self._merged[key] = best_reads(lane.reads for lane in lanes)
        return self._merged[key]


def best_reads(maps: Iterable[Mapping[str, FieldAccess]]) -> dict[str, FieldAccess]:
    """Item by item, the best access: FULL beats MASKED."""
    best: dict[str, FieldAccess] = {}
    for reads in maps:
        for code, access in reads.items():
            current = best.get(code)
            if current is None or (current.masked and not access.masked):
                best[code] = access
    return best


def writes_of(lanes: Iterable[Lane]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for lane in lanes:
        for code, grant_id in lane.writes.items():
            merged.setdefault(code, grant_id)
    return merged


def share_type_refusal(code: str, share_type: str, role: str | None, access: str, origin: str) -> str | None:
    """Why the item's share type forbids such a grant, or None. Governance refuses to create these grants,
    and the plan ignores any that exist all the same."""
    if share_type == "NOT_SHARED" and role not in INTAKE_ROLES:
        return _l("{code} is NOT_SHARED (不予共享): only the intake roles may hold it", code=code)
    if share_type == "CONDITIONAL" and access == "READ_FULL" and role not in INTAKE_ROLES and origin != "REQUEST":
        return _l("{code} is CONDITIONAL (有条件共享): full reads need an approved sharing request", code=code)
    return None


def grant_is_effective(grant: Grant, item: Item) -> bool:
    return share_type_refusal(item.code, item.share_type, grant.role, grant.access, grant.origin) is None


def _matches(grant: Grant, organisation: str | None, role: Role | str) -> bool:
    if grant.organisation is not None:
        return grant.organisation == organisation and role != RESULTS_LANE  # results read by catalogue role only
    return grant.role == role


def _next_boundary(grants: list[Grant], now: datetime) -> datetime | None:
    times = [t for g in grants for t in (g.valid_from, g.valid_until) if t is not None and t > now]
    return min(times) if times else None


@dataclass(frozen=True)
class _Grants:
    reads: dict[str, FieldAccess]
    writes: dict[str, str]
    valid_until: datetime | None


def _grants_for(snapshot: PolicySnapshot, organisation: str | None, role: Role | str, now: datetime) -> _Grants:
    """One role's grants together with its organisation's; cached on the snapshot per organisation and role."""
    key = (organisation, role)
    cached = snapshot.plans.get(key)
    if cached is not None and (cached.valid_until is None or now < cached.valid_until):
        return cached
    mine = [g for g in snapshot.grants if _matches(g, organisation, role)]
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


def decide(snapshot: PolicySnapshot, principal: Principal, now: datetime, *, results: bool = False) -> AccessPlan:
    """The caller's plan; with `results`, for the results feed: a PLATFORM caller gains the RESULTS_LANE."""
    lanes, bounds = [], []
    for role in sorted(principal.roles):
        grants = _grants_for(snapshot, principal.organisation, role, now)
        lanes.append(Lane(role=role, rows=role_scope(principal, role),
                          own_assignments_of=principal.organisation if role == Role.UTILITY else None,
                          reads=grants.reads, writes=grants.writes))
        bounds.append(grants.valid_until)
    if results and Role.PLATFORM in principal.roles:
        grants = _grants_for(snapshot, principal.organisation, RESULTS_LANE, now)
        lanes.append(Lane(role=RESULTS_LANE, rows=CaseScope(everything=True), own_assignments_of=None,
                          reads=grants.reads, writes={}))  # reads only: nothing is written through the feed
        bounds.append(grants.valid_until)
    times = [t for t in bounds if t is not None]
    row_reads = [lane.reads for lane in lanes if not lane.rows.empty]
    uniform = row_reads[0] if row_reads and all(r is row_reads[0] or r == row_reads[0] for r in row_reads) else None
    return AccessPlan(
        lanes=tuple(lanes), rows=union([lane.rows for lane in lanes]),
        reads=lanes[0].reads if len(lanes) == 1 else best_reads(lane.reads for lane in lanes),
        uniform_reads={} if not row_reads else uniform, valid_until=min(times) if times else None,
    )
