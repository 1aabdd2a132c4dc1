"""无差别受理 (any window takes any case): who may find a case taken at another window, by which keys, and who may
add materials (补正) to it.

A clerk (CLERK of an organisation) reaches every case through its any-window lane (hub.policy.plan.ANY_WINDOW_LANE):
`searchCases` finds cases by number, ID number, phone or address, and `addMaterials` writes to them. Reached cases
are read with the grants to CLERK_ANY_WINDOW (people and address masked by default) and are never listed: `cases`,
`caseByNumber`, `node`, the event feeds and file downloads keep to the clerk's own windows.

A search compares personal values that a filter could not (hub.policy.filters evaluates an argument only where
the caller sees the value, and the any-window lane sees it masked). It is allowed because the clerk is the intake
side: the CLERK role must read every compared item in full on the cases it takes, so a search never compares an
item that governance has withdrawn from clerks. Every search is audited as a personal read.
"""

from collections.abc import Mapping

from hub.enums import Role
from hub.errors import Forbidden
from hub.policy.access import SUBMITTING_ROLES, CaseScope, union
from hub.policy.plan import ANY_WINDOW_LANE, AccessPlan, Lane
from hub.i18n import _l

Items = tuple[str, ...]

CASE_SEARCH: dict[str, Items] = {  # searchCases(by:)
    "caseNumber": ("Case.number",),
    "idNumber": ("Case.applicant", "Applicant.idNumber", "Case.agent", "Agent.idNumber"),
    "phone": ("Case.applicant", "Applicant.phone", "Case.agent", "Agent.phone"),
    "address": ("Case.site", "Site.address"),
}
OBJECTS = frozenset({"Case.applicant", "Case.agent", "Case.site"})  # gates on the way to the compared values
SUPPLEMENTING = (*SUBMITTING_ROLES, ANY_WINDOW_LANE)
SEARCH_REFUSAL = _l("searching cases needs the role CLERK")  # the same for every caller and every value


def ensure_may_search(plan: AccessPlan) -> None:
    """Only a clerk of an organisation searches; decided before the term is even read."""
    if plan.reach is None or plan.lane(Role.CLERK) is None:
        raise Forbidden(SEARCH_REFUSAL)


def search_grants(plan: AccessPlan, argument: str) -> list[str]:
    """The CLERK grants a search by `argument` rests on (recorded in the audit); FORBIDDEN when the CLERK role
    does not read every compared item in full."""
    ensure_may_search(plan)
    reads = plan.lane(Role.CLERK).reads  # type: ignore[union-attr]
    accesses = [reads.get(code) for code in CASE_SEARCH[argument]]
    if any(access is None or not access.shows_value for access in accesses):
        raise Forbidden(_l("you may not search by {argument}", argument=argument))
    return sorted({access.grant_id for access in accesses if access is not None})


def supplement_scope(plan: AccessPlan) -> CaseScope:
    """补正 reaches the caller's rows and, for a clerk, every case."""
    return union([plan.rows, *([plan.reach.rows] if plan.reach else [])])


def supplementing_lanes(plan: AccessPlan, case_roles: frozenset) -> list[Lane]:
    """The lanes that write 补正 on a case: the applicant's, a clerk's or the platform's that scopes it, and a
    clerk's any-window lane; FORBIDDEN when there is none."""
    lanes = [lane for lane in plan.covering(None, case_roles) or () if lane.role in SUPPLEMENTING]
    if not lanes:
        raise Forbidden(_l("adding materials needs the role APPLICANT, CLERK or PLATFORM"))
    return lanes


def shown_numbers(plan: AccessPlan, case_roles: Mapping) -> set:  # type: ignore[type-arg]
    """Of the cases in `case_roles` (case id → the caller's roles whose rows include it), those whose number the
    caller reads: a possible duplicate is named only to a caller who may see it (a clerk: any case through its
    any-window lane; an applicant: only its own)."""
    return {case_id for case_id, roles in case_roles.items() if _shows(plan.record_reads(None, roles), "Case.number")}


def _shows(reads: Mapping, code: str) -> bool:  # type: ignore[type-arg]
    access = reads.get(code)
    return access is not None and access.shows_value


def compared_items(argument: str) -> list[str]:
    """The items a search by `argument` compared (the audit's `items`: which kind of key, never the value)."""
    return [code for code in CASE_SEARCH[argument] if code not in OBJECTS]
