"""Which changes tell the applicant, in which words, and to whom. Called inside the writing transaction."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.cases.models import Case
from hub.db import queue_insert
from hub.enums import AssignmentStatus
from hub.notifications.models import Notification
from hub.notifications.templates import Templates
from hub.reference import snapshot as reference


def render(t: Templates, kind: str, case: Case, service: str | None = None, reason: str | None = None,
           assignments: Sequence[Assignment] = ()) -> str:
    results = t.results_separator.join(
        t.result.format(service=t.services[a.service], account_number=a.result_account_number)
        for a in sorted(assignments, key=lambda a: a.service) if a.status == AssignmentStatus.COMPLETED)
    body = t.texts[kind].format(number=case.number, case_type=t.case_types[case.case_type],
                                service=t.services.get(service or "", ""), reason=reason or "", results=results)
    return t.signature + body


def recipients(case: Case) -> list[tuple[str, str]]:
    """(phone, role), each number once: the applicant's own number — for an enterprise without one, its legal
    representative's — and the agent's. Submission requires at least one of them (hub.cases.validation)."""
    out: list[tuple[str, str]] = []
    if case.applicant.phone:
        out.append((case.applicant.phone, "APPLICANT"))
    elif case.applicant.legal_rep_phone:
        out.append((case.applicant.legal_rep_phone, "LEGAL_REP"))
    if case.agent is not None and case.agent.phone and case.agent.phone not in {phone for phone, _ in out}:
        out.append((case.agent.phone, "AGENT"))
    return out


async def notify(session: AsyncSession, case: Case, kind: str, now: datetime, *, service: str | None = None,
                 reason: str | None = None, assignments: Sequence[Assignment] = ()) -> None:
    text = render((await reference.current(session)).sms, kind, case, service, reason, assignments)
    for phone, role in recipients(case):  # into the outbox with the change it reports (hub.db.queue_insert)
        queue_insert(session, Notification.__table__, {
            "id": uuid.uuid4(), "case_id": case.id, "kind": kind, "recipient": phone, "recipient_role": role,
            "text": text, "status": "PENDING", "attempts": 0, "next_attempt_at": now, "last_error": None,
            "created_at": now, "sent_at": None})
