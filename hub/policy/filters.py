"""Filters, lookups and groupings never reveal what the caller cannot read.

Each argument names the catalogue items it compares, along the path from the row it filters. It is evaluated
on a row only where the caller sees the value of every one of those items on that row (a full read, or a
masked one whose mask is NONE) — a masked or withheld value cannot be compared without revealing it — and
elsewhere as if the value were absent, so it does not match.
Within a case, a utility's filter looks only at its own assignment. An argument that none of the caller's
roles sees anywhere is refused (FORBIDDEN); that depends on the caller's grants alone, never on data.

The repositories turn a `Readable` into SQL; the lists below are every filter argument of the API (a test
fails when a list gains an argument that is not here).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hub.enums import Role
from hub.errors import Forbidden
from hub.i18n import _l
from hub.policy.plan import ASSIGNMENT_RECORDS, AccessPlan, FieldAccess, Lane

Items = tuple[str, ...]

CASE_FILTER: dict[str, Items] = {  # cases(filter:)
    "statuses": ("Case.status",),
    "caseType": ("Case.caseType",),
    "service": ("Case.assignments", "Assignment.service"),
    "districtCode": ("Case.site", "Site.districtCode"),
    "submittedFrom": ("Case.submittedAt",),
    "submittedBefore": ("Case.submittedAt",),
}
WORK_QUEUE_FILTER: dict[str, Items] = {  # workQueue(filter:)
    "statuses": ("Assignment.status",),
    "service": ("Assignment.service",),
    "createdFrom": ("Assignment.createdAt",),
    "createdBefore": ("Assignment.createdAt",),
}
CASE_LOOKUP: dict[str, Items] = {"number": ("Case.number",)}  # caseByNumber(number:)
STATISTICS_WINDOW: dict[str, Items] = {"submittedFrom": ("Case.submittedAt",), "submittedBefore": ("Case.submittedAt",)}
STATISTICS_GROUPS: dict[str, Items] = {  # timeLimitStatistics(groupBy:)
    "UTILITY": ("Case.assignments", "Assignment.organisationCode"),
    "SERVICE": ("Case.assignments", "Assignment.service"),
    "CASE_TYPE": ("Case.caseType",),
    "DISTRICT": ("Case.site", "Site.districtCode"),
    "CHANNEL": ("Case.channel",),
}
STATISTICS_COUNTS: Items = ("Case.assignments", "Assignment.status", "Assignment.timeLimit", "AssignmentClock.onTime",
                            "AssignmentClock.workingDaysUsed", "AssignmentClock.correctionRounds")
LATE_LISTS: Items = ("Case.assignments", "Assignment.finishedAt", "Assignment.timeLimit",  # overdue / atRisk
                     "AssignmentClock.deadline", "AssignmentClock.warningAt")
REFERENCE_FILTER: dict[str, Items] = {  # materialsCatalogue(…): reference data, not tied to a case
    "caseType": ("MaterialRequirement.caseType",),
    "service": ("MaterialRequirement.service",),
    "applicantKind": ("MaterialRequirement.applicantKind",),
}


@dataclass(frozen=True)
class Readable:
    """The rows on which an argument may look. Each entry is one item's alternatives — the lanes that see its
    value, any one of which must cover the row (the case, or for assignment items the assignment) — and every
    entry must hold. No entries: every row the caller sees."""

    case_items: tuple[tuple[Lane, ...], ...] = ()
    assignment_items: tuple[tuple[Lane, ...], ...] = ()


EVERYWHERE = Readable()


def _shows(access: FieldAccess | None) -> bool:
    return access is not None and access.shows_value


def readable(plan: AccessPlan, argument: str, items: Items) -> Readable:
    """Where `argument` (comparing `items`) is evaluated; FORBIDDEN if none of the caller's roles reads them."""
    row_lanes = plan.row_lanes
    case_items, assignment_items = [], []
    for code in items:
        lanes = tuple(lane for lane in row_lanes if _shows(lane.reads.get(code)))
        if not lanes:
            raise Forbidden(_l("you may not filter by {argument}", argument=argument))
        if len(lanes) < len(row_lanes):  # some roles that show rows do not see it: only where another one covers
            target = assignment_items if code.partition(".")[0] in ASSIGNMENT_RECORDS else case_items
            target.append(lanes)
    return Readable(tuple(case_items), tuple(assignment_items))


def readable_arguments(plan: AccessPlan, spec: Mapping[str, Items], used: Iterable[str]) -> dict[str, Readable]:
    """`readable` for each argument in use (by its API name)."""
    return {argument: readable(plan, argument, spec[argument]) for argument in used}


def ensure_role_reads(plan: AccessPlan, role: Role, items: Items, refusal: str) -> None:
    """For views over every row of one role (the supervisors' lists and statistics): that role sees the values
    of `items`; else FORBIDDEN with `refusal`."""
    lane = plan.lane(role)
    if lane is None or not all(_shows(lane.reads.get(code)) for code in items):
        raise Forbidden(refusal)


def ensure_reference_reads(plan: AccessPlan, argument: str, items: Items) -> None:
    if not all(_shows(plan.read(code)) for code in items):
        raise Forbidden(_l("you may not filter by {argument}", argument=argument))
