"""Write-back by the owning utility (回传): the assignment's state machine."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments import idempotency, preconditions
from hub.assignments.locking import locked_for_write_back, write_changes
from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.cases.models import Case
from hub.cases.service import record_assignment_event, refresh_status
from hub.enums import AssignmentStatus as S
from hub.errors import Conflict, ErrorCode, FieldProblem, IllegalTransition, InvalidInput
from hub.catalogue import items
from hub.i18n import _l
from hub.notifications import service as notifications
from hub.policy.plan import AccessPlan
from hub.reference import snapshot as reference
from hub.timelimits.service import Clocks
from hub.validation.checker import Checker


class Action(StrEnum):
    ACKNOWLEDGE = "ACKNOWLEDGE"  # 已接收
    ACCEPT = "ACCEPT"  # 受理
    REQUEST_MATERIALS = "REQUEST_MATERIALS"  # 补正
    COMPLETE = "COMPLETE"  # 办结
    REJECT = "REJECT"  # 不予受理 / 退回


@dataclass(frozen=True)
class Move:
    allowed_from: frozenset[S]
    to: S
    event: str


OVERRIDE_REASON_LENGTH = 500  # the audit record's reason column
APPLICANT_MESSAGES = {"ASSIGNMENT_ACCEPTED": "ASSIGNMENT_ACCEPTED", "MATERIALS_REQUESTED": "MATERIALS_REQUESTED",
                      "ASSIGNMENT_REJECTED": "ASSIGNMENT_REJECTED"}
MOVES = {
    Action.ACKNOWLEDGE: Move(frozenset({S.PENDING}), S.RECEIVED, "ASSIGNMENT_RECEIVED"),
    Action.ACCEPT: Move(frozenset({S.RECEIVED}), S.ACCEPTED, "ASSIGNMENT_ACCEPTED"),
    Action.REQUEST_MATERIALS: Move(frozenset({S.RECEIVED, S.ACCEPTED}), S.NEEDS_MATERIALS, "MATERIALS_REQUESTED"),
    Action.COMPLETE: Move(frozenset({S.ACCEPTED}), S.COMPLETED, "ASSIGNMENT_COMPLETED"),
    Action.REJECT: Move(frozenset({S.PENDING, S.RECEIVED, S.ACCEPTED, S.NEEDS_MATERIALS}), S.REJECTED, "ASSIGNMENT_REJECTED"),
}


async def transition(
    session: AsyncSession, *, principal: Principal, plan: AccessPlan, assignment_id: uuid.UUID,
    expected_version: int, action: Action, now: datetime, reason: str | None = None, result: dict | None = None,
    idempotency_key: str | None = None, override: dict | None = None,
) -> Assignment:
    """Apply one write-back; refuses stale versions and moves the state machine does not allow.

    With an idempotency key, a retry of the same request returns the assignment without applying anything.
    """
    locked = await locked_for_write_back(session, principal, plan, assignment_id, items.transition_items(action.value))
    case, assignments = locked.case, locked.assignments
    assignment = next(a for a in assignments if a.id == assignment_id)
    digest = idempotency.request_hash(action=action.value, assignment=str(assignment_id), version=expected_version,
                                      reason=reason, result=result, override=override)
    if idempotency_key and await idempotency.seen(session, principal.subject, idempotency_key, digest):
        return assignment
    if assignment.version != expected_version:
        raise Conflict(_l("the assignment is at version {current}, not {expected}; reload and retry",
                          current=assignment.version, expected=expected_version))
    move = MOVES[action]
    if assignment.status not in move.allowed_from:
        raise IllegalTransition(_l("cannot {action} an assignment that is {status}", action=action.value,
                                   status=assignment.status))
    details = _details(action, reason, result or {}, override)
    if action == Action.COMPLETE:
        preconditions.ensure_met(await preconditions.conditions_of(session, case, assignment), assignment)
        await _ensure_materials_complete(session, case, assignment, details["override"])
    _apply(assignment, move.to, details, now)
    if details["override"]:
        _record_override(assignment, details["override"], principal, now)
    await Clocks(session).moved(assignment, now)
    record_assignment_event(session, assignment, case, move.event, principal, now, _event_extra(details))
    if move.event in APPLICANT_MESSAGES:
        await notifications.notify(session, case, APPLICANT_MESSAGES[move.event], now, service=assignment.service,
                                   reason=details["reason"])
    await refresh_status(session, case, assignments, principal, now)
    if idempotency_key:
        idempotency.remember(session, principal.subject, idempotency_key, digest, assignment.id, now)
    write_changes(session, locked)
    return assignment


def _details(action: Action, reason: str | None, result: dict, override: dict | None) -> dict:
    c = Checker()
    needs_reason = action in (Action.REQUEST_MATERIALS, Action.REJECT)
    out = {"reason": c.text({"reason": reason}, "reason", "reason", max_len=1000, required=needs_reason)}
    out["override"] = None if override is None else c.text(
        override, "reason", "overrideIncompleteMaterials.reason", max_len=OVERRIDE_REASON_LENGTH, required=True)
    if action == Action.COMPLETE:
        out["account_number"] = c.text(result, "account_number", "result.account_number", max_len=40, required=True)
        out["remarks"] = c.text(result, "remarks", "result.remarks", max_len=1000)
    elif result:
        c.fail("result", ErrorCode.INVALID, _l("a result is given only when completing"))
    c.raise_if_any()
    return out


async def _ensure_materials_complete(session: AsyncSession, case: Case, assignment: Assignment,
                                     override: str | None) -> None:
    """材料齐全即时办理: completing needs the materials the catalogue asks for at application, or a stated
    override. An override is refused where nothing is missing, so the audit never records one needlessly."""
    requirement = (await reference.current(session)).requirement(case.case_type, assignment.service,
                                                                 case.applicant.kind)
    incomplete = not assignment.materials_complete and (requirement is None or requirement.required_at_application)
    if incomplete and override is None:
        names = "、".join(group["name"] for group in assignment.missing_groups)
        raise InvalidInput(problems=[FieldProblem("input", ErrorCode.INVALID, _l(
            "materials incomplete (材料不齐全), missing: {names}; add them (补正) or complete with "
            "overrideIncompleteMaterials and a reason", names=names))])
    if not incomplete and override is not None:
        raise InvalidInput(problems=[FieldProblem("overrideIncompleteMaterials", ErrorCode.INVALID,
                                                  _l("the materials are complete; there is nothing to override"))])


def _record_override(assignment: Assignment, reason: str, principal: Principal, now: datetime) -> None:
    assignment.materials_override_reason = reason
    assignment.materials_override_by = principal.subject
    assignment.materials_override_at = now
    # Not a column: read by the API's write audit, so the record of this write carries the reason.
    assignment.audit_details = {"reason": reason, "items": ["Assignment.materialsOverride"]}


def _apply(assignment: Assignment, to: S, details: dict, now: datetime) -> None:
    assignment.status = to
    assignment.version += 1
    assignment.updated_at = now
    if to == S.RECEIVED:
        assignment.received_at = now
    elif to == S.ACCEPTED:
        assignment.accepted_at = now
    elif to == S.COMPLETED:
        assignment.result_account_number = details["account_number"]
        assignment.result_remarks = details["remarks"]
    if to in (S.COMPLETED, S.REJECTED):
        assignment.finished_at = now
    assignment.reason = details["reason"] if to in (S.NEEDS_MATERIALS, S.REJECTED) else None


def _event_extra(details: dict) -> dict:
    extra = {k: v for k, v in details.items() if v is not None and k != "override"}
    if details["override"]:
        extra["materialsOverride"] = True  # the reason itself stays in the audit and on the assignment
    return extra
