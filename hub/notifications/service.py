"""Which changes tell the applicant, in which words, and to whom. Called inside the writing transaction."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases.models import Case
from hub.notifications.models import Notification
from hub.reference.loader import CATALOGUE_DIR


@dataclass(frozen=True)
class Templates:
    signature: str
    case_types: dict
    services: dict
    texts: dict


@lru_cache
def templates() -> Templates:
    doc = yaml.safe_load((CATALOGUE_DIR / "sms_templates.yaml").read_text(encoding="utf-8"))
    return Templates(doc["signature"], doc["case_types"], doc["services"], doc["templates"])


def render(kind: str, case: Case, service: str | None = None, reason: str | None = None) -> str:
    t = templates()
    body = t.texts[kind].format(number=case.number, case_type=t.case_types[case.case_type],
                                service=t.services.get(service or "", ""), reason=reason or "")
    return t.signature + body


def recipients(case: Case) -> list[tuple[str, str]]:
    """(phone, role): the applicant's contact number and the agent's, each once."""
    out: list[tuple[str, str]] = []
    if case.applicant.phone:
        out.append((case.applicant.phone, "APPLICANT"))
    if case.agent is not None and case.agent.phone not in {phone for phone, _ in out}:
        out.append((case.agent.phone, "AGENT"))
    return out


def notify(session: AsyncSession, case: Case, kind: str, now: datetime, *, service: str | None = None,
           reason: str | None = None) -> None:
    text = render(kind, case, service, reason)
    for phone, role in recipients(case):
        session.add(Notification(id=uuid.uuid4(), case_id=case.id, kind=kind, recipient=phone, recipient_role=role,
                                 text=text, status="PENDING", attempts=0, next_attempt_at=now, created_at=now))
