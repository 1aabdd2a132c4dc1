"""Preconditions of the materials catalogue (办理前提条件) that the owning utility confirms before completing.

The seed's gas transfer row: 需安检完毕，结清所有费用，再办理过户 — the gas company states the day of the safety
check and of the settlement of fees; until both are confirmed the assignment cannot be completed.
"""

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments import idempotency
from hub.assignments.locking import locked_for_write_back, write_changes
from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.cases.models import Case
from hub.cases.service import record_assignment_event, refresh_status
from hub.clock import local_day
from hub.enums import TERMINAL_ASSIGNMENT_STATUSES
from hub.errors import Conflict, ErrorCode, FieldProblem, IllegalTransition, InvalidInput
from hub.policy.plan import AccessPlan
from hub.reference import snapshot as reference
from hub.validation.checker import Checker, section
from hub.i18n import _l

WRITTEN_ITEMS = {"Assignment.preconditions", "Precondition.met", "Precondition.on"}
OLDEST_DAYS = 366 * 3  # a check or settlement older than this is a typing mistake, not a precondition met


async def conditions_of(session: AsyncSession, case: Case, assignment: Assignment) -> list[str]:
    requirement = (await reference.current(session)).requirement(case.case_type, assignment.service,
                                                                 case.applicant.kind)
    return list(requirement.conditions) if requirement else []


def unmet(conditions: list[str], assignment: Assignment) -> list[str]:
    return [code for code in conditions if code not in (assignment.preconditions or {})]


def ensure_met(conditions: list[str], assignment: Assignment) -> None:
    """Completing needs every precondition confirmed; no override (a safety rule, not a missing paper)."""
    missing = unmet(conditions, assignment)
    if missing:
        raise InvalidInput(problems=[FieldProblem("preconditions", ErrorCode.PRECONDITION_NOT_MET, _l(
            "not confirmed: {missing}; confirm them with confirmPreconditions first", missing=", ".join(missing)))])


async def confirm(
    session: AsyncSession, *, principal: Principal, plan: AccessPlan, assignment_id: uuid.UUID,
    expected_version: int, preconditions: list, now: datetime, idempotency_key: str | None = None,
) -> Assignment:
    """The owning utility states that preconditions were met, and on which day."""
    locked = await locked_for_write_back(session, principal, plan, assignment_id, WRITTEN_ITEMS)
    case, assignments = locked.case, locked.assignments
    assignment = next(a for a in assignments if a.id == assignment_id)
    digest = idempotency.request_hash(action="CONFIRM_PRECONDITIONS", assignment=str(assignment_id),
                                      version=expected_version, preconditions=preconditions)
    if idempotency_key and await idempotency.seen(session, principal.subject, idempotency_key, digest):
        return assignment
    if assignment.version != expected_version:
        raise Conflict(_l("the assignment is at version {current}, not {expected}; reload and retry",
                          current=assignment.version, expected=expected_version))
    if assignment.status in TERMINAL_ASSIGNMENT_STATUSES:
        raise IllegalTransition(_l("cannot confirm preconditions of an assignment that is {status}",
                                   status=assignment.status))
    met = _validated(preconditions, await conditions_of(session, case, assignment), local_day(now))
    stamp = {"by": principal.subject, "at": now.isoformat()}
    assignment.preconditions = {**(assignment.preconditions or {}),
                                **{code: {"on": day.isoformat(), **stamp} for code, day in met.items()}}
    assignment.version += 1
    assignment.updated_at = now
    record_assignment_event(session, assignment, case, "PRECONDITIONS_CONFIRMED", principal, now,
                            {"preconditions": sorted(met)})
    await refresh_status(session, case, assignments, principal, now)
    if idempotency_key:
        idempotency.remember(session, principal.subject, idempotency_key, digest, assignment.id, now)
    write_changes(session, locked)
    return assignment


def _validated(items: list, conditions: list[str], today) -> dict:  # type: ignore[no-untyped-def]
    c = Checker()
    if not items:
        c.fail("preconditions", ErrorCode.REQUIRED, _l("confirm at least one precondition"))
    met = {}
    for index, item in enumerate(items):
        item, at = section(item), f"preconditions[{index}]"
        code = c.text(item, "code", f"{at}.code", max_len=60, required=True)
        if code is not None and code not in conditions:
            c.fail(f"{at}.code", ErrorCode.INVALID,
                   _l("is not a precondition of this assignment (these are: {codes})", codes=", ".join(conditions))
                   if conditions else _l("is not a precondition of this assignment (it has none)"))
        day = c.day(item, "on", f"{at}.on", earliest=today - timedelta(days=OLDEST_DAYS), latest=today, required=True)
        if code in conditions and day is not None:
            met[code] = day
    c.raise_if_any()
    return met
