"""Audit (审计): who read which personal items of which case on which grant, and every write.

Records form a hash chain: each record's hash covers its content and the
previous record's hash, so changing, removing or re-ordering a record breaks
the chain at that point (`hub audit verify`). Appends are serialised with the
same kind of transaction-scoped lock as the event log.
"""

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.models import AuditRecord
from hub.auth.principal import Principal

GENESIS = "0" * 64
AUDIT_APPEND_LOCK = 0x4B46_4855_4202


@dataclass
class ReadLog:
    """Personal items read during one operation, per case."""

    items: dict = field(default_factory=lambda: defaultdict(set))
    grants: dict = field(default_factory=lambda: defaultdict(set))

    def note(self, case_id: uuid.UUID | None, code: str, grant_id: str) -> None:
        self.items[case_id].add(code)
        self.grants[case_id].add(grant_id)

    def records(self, principal: Principal, operation: str, at: datetime) -> list[dict]:
        return [
            entry(principal, kind="READ", operation=operation, at=at, case_id=case_id,
                  items=sorted(codes), grants=sorted(self.grants[case_id]), outcome="OK")
            for case_id, codes in self.items.items()
        ]


def entry(principal: Principal, *, kind: str, operation: str, at: datetime, outcome: str,
          case_id: uuid.UUID | None = None, items: list | None = None, grants: list | None = None,
          reason: str | None = None) -> dict:
    return {
        "at": at, "subject": principal.subject, "organisation": principal.organisation,
        "client_id": principal.client_id, "kind": kind, "operation": operation or "anonymous",
        "case_id": case_id, "items": items or [], "grants": grants or [], "outcome": outcome, "reason": reason,
    }


def _digest(prev_hash: str, record: dict) -> str:
    content = {k: (str(v) if isinstance(v, (uuid.UUID, datetime)) else v) for k, v in record.items()}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


CHAINED = ("at", "subject", "organisation", "client_id", "kind", "operation", "case_id", "items", "grants", "outcome")
CHAINED_WHEN_SET = ("reason",)  # added later: absent from the hash when empty, so older records still verify


def _content(record: AuditRecord | dict) -> dict:
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k)
    content = {k: get(k) for k in CHAINED}
    content.update({k: get(k) for k in CHAINED_WHEN_SET if get(k) is not None})
    return content


async def append(session: AsyncSession, records: list[dict]) -> None:
    """Chain and insert records; call inside the writing transaction."""
    if not records:
        return
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_APPEND_LOCK})
    previous = await session.scalar(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)) or GENESIS
    for record in records:
        digest = _digest(previous, _content(record))
        session.add(AuditRecord(**record, prev_hash=previous, hash=digest))
        previous = digest
    await session.flush()


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_bad_id: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_bad_id is None


async def verify(session: AsyncSession, batch: int = 5000) -> ChainReport:
    """Walk the chain from the start; report the first record that does not follow from its predecessor."""
    previous, count, last_id = GENESIS, 0, 0
    while True:
        rows = (await session.scalars(
            select(AuditRecord).where(AuditRecord.id > last_id).order_by(AuditRecord.id).limit(batch))).all()
        if not rows:
            return ChainReport(count, None, None)
        for row in rows:
            if row.prev_hash != previous:
                return ChainReport(count, row.id, "does not link to the record before it (removed or re-ordered)")
            if _digest(previous, _content(row)) != row.hash:
                return ChainReport(count, row.id, "content does not match its hash (changed)")
            previous, last_id, count = row.hash, row.id, count + 1
