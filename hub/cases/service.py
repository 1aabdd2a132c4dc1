"""Rules for cases: intake (一次申请), routing to utilities (分发), 补正 and the derived status."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ONETOMANY

from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.assignments.idempotency import request_hash
from hub.cases import duplicates, repository, submissions
from hub.cases.models import Agent, Applicant, Case, CaseSearchKey, PreviousHolder, Site
from hub.cases.numbers import new_case_number
from hub.cases.search import SearchKeys
from hub.cases.status import derive_status
from hub.commitments.models import Commitment
from hub.catalogue import items
from hub.cases.validation import Reference, validate_materials, validate_submission
from hub.clock import local_day
from hub.db import queue_insert, row_of
from hub.enums import TERMINAL_ASSIGNMENT_STATUSES, AssignmentStatus, CaseStatus, Role
from hub.errors import Conflict, ErrorCode, FieldProblem, NotFound, PossibleDuplicate
from hub.events import log
from hub.files import service as files
from hub.i18n import _l
from hub.materials.completeness import missing_groups
from hub.materials.models import Material
from hub.notifications import service as notifications
from hub.policy import access, anywindow
from hub.policy.plan import AccessPlan, writes_of
from hub.reference import snapshot as reference
from hub.reference.snapshot import Requirement
from hub.timelimits.service import Clocks
from hub.validation.checker import Checker


DUPLICATE_OVERRIDE_ITEMS = frozenset({"Case.duplicateOverride", "DuplicateOverride.reason"})
CLOSING_MESSAGES = {CaseStatus.COMPLETED: "CASE_COMPLETED", CaseStatus.PARTIALLY_COMPLETED: "CASE_CLOSED"}


async def _reference(session: AsyncSession, now: datetime, notice_sha256: str | None = None) -> Reference:
    snapshot = await reference.current(session)
    return Reference(today=local_day(now), districts=snapshot.active_districts, material_types=snapshot.material_types,
                     now=now, commitment_texts=snapshot.commitment_texts, notice_sha256=notice_sha256)


async def submit_case(
    session: AsyncSession, *, principal: Principal, plan: AccessPlan, data: dict, now: datetime, notice_sha256: str,
    keys: SearchKeys,
) -> Case:
    """Validate a whole application, record it and create one assignment per requested service.
    `notice_sha256`: the personal-information notice in force, which the applicant must have been shown.

    A possible duplicate (hub.cases.duplicates) is refused unless `duplicate_override` gives a reason; with an
    `idempotency_key`, a retry returns the case the first request filed."""
    role = access.submitting_role(principal, data.get("channel") or "")
    key, override = data.pop("idempotency_key", None), data.pop("duplicate_override", None)
    digest = request_hash(role=role, data=data, override=override)
    ref = await _reference(session, now, notice_sha256)
    valid = validate_submission(data, ref)
    valid["intake"] = _intake(valid["intake"] or {}, principal, role, await reference.current(session))
    reason = duplicates.override_reason(override)
    written = items.submission_items(valid) | (DUPLICATE_OVERRIDE_ITEMS if reason else set())
    access.ensure_may_write(plan.lane(role).writes, written)  # as the role it submits in
    if key is not None and (filed := await submissions.earlier(session, principal.subject, key, digest)):
        return filed
    uploads = await files.attachable(session, principal, valid["materials"], path="materials", now=now)
    matches = await duplicates.find(session, keys, valid)  # a valid submission only: the flag asks to confirm it
    if matches and reason is None:
        raise await _possible_duplicate(session, plan, matches)
    case = Case(
        id=uuid.uuid4(),
        number=await _unused_number(session, now),
        case_type=valid["case_type"],
        channel=valid["channel"],
        status=CaseStatus.SUBMITTED,
        version=1,
        submitted_at=now,
        updated_at=now,
        submitted_by_subject=principal.subject,
        submitted_by_organisation=principal.organisation,
        submitted_by_role=role,
        note=valid["note"],
        vat_invoice_wanted=valid["vat_invoice_wanted"],
        vat_invoice=valid["vat_invoice"],
        contact_name=(valid["contact"] or {}).get("name"),
        contact_phone=(valid["contact"] or {}).get("phone"),
        **_intake_columns(valid["intake"] or {}),
    )
    case.applicant = _applicant(valid["applicant"], principal, role, case.id)
    case.previous_holder = (_previous_holder(valid["previous_holder"], case.id) if valid["previous_holder"]
                            else None)
    case.agent = Agent(**valid["agent"], case_id=case.id) if valid["agent"] else None
    case.site = Site(**valid["site"], case_id=case.id)
    case.commitment = _commitment(valid["commitment"], ref, principal, now, case.id)
    case.materials = [_material(item, principal, now, uploads, case.id) for item in valid["materials"]]
    case.assignments = await _route(session, case, valid["services"], now)
    if matches:
        _record_duplicate_override(case, reason, principal, now)
    _insert(session, case)
    for key_row in keys.rows_of_case(case):  # after the case: these rows name it
        queue_insert(session, CaseSearchKey.__table__, key_row)
    if key is not None:
        submissions.remember(session, principal.subject, key, digest, case.id, now)
    _record(session, case, "CASE_SUBMITTED", principal, now, {"number": case.number, "status": case.status})
    await notifications.notify(session, case, "CASE_SUBMITTED", now)
    for assignment in case.assignments:
        record_assignment_event(session, assignment, case, "ASSIGNMENT_CREATED", principal, now)
    return case


def _insert(session: AsyncSession, case: Case) -> None:
    """The case and every part of it (each relationship of Case: parties, site, materials, assignments, …),
    one INSERT per table with the unit of work's commit. The objects are not tracked by the session and stay
    as they are, so the answer is built from them without reading anything back."""
    queue_insert(session, Case.__table__, row_of(case))
    for relation in inspect(Case).relationships:
        if relation.direction is not ONETOMANY or relation.viewonly:
            continue  # only what belongs to the case (a reference to existing data is no part of it)
        value = getattr(case, relation.key)
        for part in value if relation.uselist else [] if value is None else [value]:
            for column, foreign_key in relation.local_remote_pairs:
                setattr(part, foreign_key.key, getattr(case, column.key))
            queue_insert(session, type(part).__table__, row_of(part))


async def _possible_duplicate(session: AsyncSession, plan: AccessPlan, matches: list[duplicates.Match]) -> PossibleDuplicate:
    """POSSIBLE_DUPLICATE naming, per matching field, the other cases the caller may see by number (a clerk: any;
    an applicant: only its own), and else saying only that an open case asks for the same."""
    ids = {case_id for match in matches for case_id in match.case_ids}
    shown = anywindow.shown_numbers(plan, await repository.scoped_by(session, plan.scopes, ids))
    numbers = dict((await session.execute(select(Case.id, Case.number).where(Case.id.in_(shown)))).all()) if shown else {}
    problems = []
    for match in matches:
        named = ", ".join(sorted(numbers[i] for i in match.case_ids if i in numbers))
        problems.append(FieldProblem(match.field, ErrorCode.POSSIBLE_DUPLICATE,
                                     _duplicate_message(match.field == "site.address", named, match.service)))
    return PossibleDuplicate(problems)


def _duplicate_message(same_site: bool, numbers: str, service: str) -> str:
    if same_site:
        return _l("possible duplicate: open case {numbers} already asks for {service} at this site; resubmit with "
                  "duplicateOverride.reason to file it all the same", numbers=numbers, service=service) if numbers \
            else _l("possible duplicate: an open case already asks for {service} at this site; resubmit with "
                    "duplicateOverride.reason to file it all the same", service=service)
    return _l("possible duplicate: open case {numbers} already transfers this {service} account; resubmit with "
              "duplicateOverride.reason to file it all the same", numbers=numbers, service=service) if numbers \
        else _l("possible duplicate: an open case already transfers this {service} account; resubmit with "
                "duplicateOverride.reason to file it all the same", service=service)


def _record_duplicate_override(case: Case, reason: str | None, principal: Principal, now: datetime) -> None:
    """Filed over a possible duplicate: the reason is kept on the case and in the write's audit record."""
    case.duplicate_override_reason, case.duplicate_override_by, case.duplicate_override_at = reason, principal.subject, now
    case.audit_details = {"reason": reason, "items": sorted(DUPLICATE_OVERRIDE_ITEMS)}


async def _unused_number(session: AsyncSession, now: datetime) -> str:
    while True:  # 32^8 numbers a day: a repeat is rare, two in a row practically never
        number = new_case_number(now)
        if not await repository.number_taken(session, number):
            return number


def _applicant(data: dict, principal: Principal, role: Role, case_id: uuid.UUID) -> Applicant:
    legal = data.get("legal_representative") or {}
    return Applicant(
        case_id=case_id,
        kind=data["kind"],
        name=data["name"],
        phone=data.get("phone"),
        id_number=data.get("id_number"),
        credit_code=data.get("credit_code"),
        enterprise_type=data.get("enterprise_type"),
        address=data.get("address"),
        legal_rep_name=legal.get("name"),
        legal_rep_phone=legal.get("phone"),
        legal_rep_id_number=legal.get("id_number"),
        # An applicant filing from the app owns the case; a clerk may link the applicant's account.
        subject=principal.subject if role == Role.APPLICANT else data.get("subject"),
    )


def _commitment(data: dict, ref: Reference, principal: Principal, now: datetime, case_id: uuid.UUID) -> Commitment:
    """What was agreed is kept by the text's hash too, so the record proves the wording even if a text were lost."""
    return Commitment(**data, case_id=case_id, text_sha256=ref.commitment_texts[data["version"]].sha256, recorded_by=principal.subject,
                      recorded_at=now)


def _previous_holder(data: dict, case_id: uuid.UUID) -> PreviousHolder:
    legal = data.get("legal_representative") or {}
    return PreviousHolder(
        case_id=case_id, kind=data["kind"], name=data["name"], phone=data.get("phone"), id_number=data.get("id_number"),
        credit_code=data.get("credit_code"), legal_rep_name=legal.get("name"), legal_rep_phone=legal.get("phone"),
        legal_rep_id_number=legal.get("id_number"),
    )


def _intake(data: dict, principal: Principal, role: Role, snapshot: reference.ReferenceSnapshot) -> dict | None:
    """受理单位 and 接件人: a window clerk took the case, so unless the form names them they are the clerk's
    organisation and the clerk's account. Cases from the app or pushed by the platform carry what they were given.
    Filled in before the WRITE check, which thus covers what is recorded, given or not."""
    intake = dict(data)
    if role == Role.CLERK:
        own = snapshot.organisation_names.get(principal.organisation or "")
        intake["accepting_unit"] = data.get("accepting_unit") or own
        intake["received_by"] = data.get("received_by") or principal.subject
    return intake if any(intake.values()) else None


def _intake_columns(intake: dict) -> dict:
    return {"accepting_unit": intake.get("accepting_unit"), "received_by": intake.get("received_by"),
            "acceptance_notes": intake.get("notes"), "acceptance_opinion": intake.get("opinion")}


def _material(item: dict, principal: Principal, now: datetime, uploads: dict, case_id: uuid.UUID) -> Material:
    verified = item.pop("verified")
    file = item.pop("file")
    return Material(
        **item,
        id=uuid.uuid4(),
        case_id=case_id,
        **(files.file_columns(uploads[file["sha256"]]) if file else {}),
        added_at=now,
        verified_by=principal.subject if verified else None,
        verified_at=now if verified else None,
    )


async def _route(session: AsyncSession, case: Case, services: dict, now: datetime) -> list[Assignment]:
    snapshot = await reference.current(session)
    clocks = Clocks(session)
    presented = [m.type_code for m in case.materials]
    assignments = []
    for service, form in services.items():
        account_number = form.pop("account_number", None)
        assignment = Assignment(
            id=uuid.uuid4(),
            case_id=case.id,
            service=service,
            organisation_code=snapshot.providers[service],
            status=AssignmentStatus.PENDING,
            version=1,
            form=form,
            account_number=account_number,
            created_at=now,
            updated_at=now,
        )
        requirement = snapshot.requirement(case.case_type, service, case.applicant.kind)
        _assess_materials(assignment, requirement, presented)
        await clocks.assign_rule(assignment, case.case_type)
        if assignment.materials_complete or (requirement and not requirement.required_at_application):
            await clocks.materials_ready(assignment, now)
        assignments.append(assignment)
    return assignments


def _assess_materials(assignment: Assignment, requirement: Requirement | None, presented: Sequence[str]) -> None:
    missing = missing_groups(requirement.groups, presented) if requirement else []
    assignment.missing_groups = missing
    assignment.materials_complete = not missing


async def add_materials(
    session: AsyncSession, *, principal: Principal, plan: AccessPlan, case_id: uuid.UUID, expected_version: int,
    materials: list, now: datetime,
) -> Case:
    """补正: add materials to a case, re-assess each open assignment and resume those waiting on them. A clerk
    supplements a case taken at any window; events and audit name the clerk's organisation."""
    case = await repository.lock_for_write(session, anywindow.supplement_scope(plan), case_id)
    if case is None:
        raise NotFound(_l("no such case"))
    case_roles = (await repository.scoped_by(session, plan.scopes, [case.id]))[case.id]
    writers = anywindow.supplementing_lanes(plan, case_roles)  # a clerk: at any window (无差别受理)
    if case.version != expected_version:
        raise Conflict(_l("the case is at version {current}, not {expected}; reload and retry",
                          current=case.version, expected=expected_version))
    checker = Checker()
    new_items = validate_materials(checker, materials, await _reference(session, now), path="materials")
    if not new_items:
        checker.fail("materials", ErrorCode.REQUIRED, _l("add at least one material"))
    checker.raise_if_any()
    access.ensure_may_write(writes_of(writers), {"Case.materials"}.union(*(items.material_items(m) for m in new_items)))
    uploads = await files.attachable(session, principal, new_items, path="materials", now=now)
    added = [_material(item, principal, now, uploads, case.id) for item in new_items]
    case.materials.extend(added)
    assignments = await lock_assignments(session, case.id)
    snapshot = await reference.current(session)
    clocks = Clocks(session)
    presented = [m.type_code for m in case.materials]
    for assignment in assignments:
        if assignment.status in TERMINAL_ASSIGNMENT_STATUSES:
            continue
        _assess_materials(assignment, snapshot.requirement(case.case_type, assignment.service, case.applicant.kind), presented)
        kind = "MATERIALS_ADDED"
        if assignment.status == AssignmentStatus.NEEDS_MATERIALS:
            assignment.status = AssignmentStatus.RECEIVED
            assignment.reason = None
            kind = "MATERIALS_SUPPLIED"
        if assignment.materials_complete or kind == "MATERIALS_SUPPLIED":
            await clocks.materials_ready(assignment, now)
        assignment.version += 1
        assignment.updated_at = now
        record_assignment_event(session, assignment, case, kind, principal, now,
                                {"materials": [m.type_code for m in added]})
    await refresh_status(session, case, assignments, principal, now)
    return case


async def lock_assignments(session: AsyncSession, case_id: uuid.UUID) -> list[Assignment]:
    stmt = (
        select(Assignment)
        .where(Assignment.case_id == case_id)
        .order_by(Assignment.service)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def refresh_status(
    session: AsyncSession, case: Case, assignments: Sequence[Assignment], principal: Principal, now: datetime
) -> None:
    """Re-derive the case's status after its assignments changed; every change bumps its version."""
    status, completed_at = derive_status(assignments)
    previous = case.status
    case.status, case.completed_at = status, completed_at
    case.version += 1
    case.updated_at = now
    if status != previous:
        _record(session, case, "CASE_STATUS_CHANGED", principal, now, {"from": previous, "status": status})
        if status in CLOSING_MESSAGES:
            await notifications.notify(session, case, CLOSING_MESSAGES[status], now, assignments=assignments)


def _record(session: AsyncSession, case: Case, kind: str, principal: Principal, now: datetime, payload: dict) -> None:
    log.record(session, kind=kind, case_id=case.id, at=now, actor_subject=principal.subject,
               actor_organisation=principal.organisation, payload=payload)


def record_assignment_event(
    session: AsyncSession, assignment: Assignment, case: Case, kind: str, principal: Principal,
    now: datetime, extra: dict | None = None,
) -> None:
    log.record(
        session, kind=kind, case_id=case.id, assignment_id=assignment.id,
        organisation_code=assignment.organisation_code, at=now, actor_subject=principal.subject,
        actor_organisation=principal.organisation,
        payload={"caseNumber": case.number, "service": assignment.service, "status": assignment.status,
                 "version": assignment.version, **(extra or {})},
    )
