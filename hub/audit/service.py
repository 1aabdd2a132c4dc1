"""Audit (审计): who read which personal items of which case on which grant, and every write.

Records form a hash chain: each record's hash covers its content and the
previous record's hash, so changing, removing or re-ordering a record breaks
the chain at that point. The chain's end is kept in `audit_head`, which every
append locks (a row lock on PostgreSQL, the database write lock on SQLite) and
moves in the same transaction, so appends from every instance form one chain
and removing the newest records shows (hub.audit.verify).
"""

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.models import AuditHead, AuditRecord
from hub.auth.principal import Principal

GENESIS = "0" * 64
HEAD_ID = 1
OPERATION_LENGTH = AuditRecord.__table__.c.operation.type.length


class ChainHeadMissing(RuntimeError):
    """Nothing can be appended without the head: the audit fails closed until it is restored."""


@dataclass
class ReadLog:
    """Personal items read during one operation (or one subscription payload), per case."""

    items: dict = field(default_factory=lambda: defaultdict(set))
    grants: dict = field(default_factory=lambda: defaultdict(set))

    def note(self, case_id: uuid.UUID | None, code: str, grant_id: str) -> None:
        self.items[case_id].add(code)
        self.grants[case_id].add(grant_id)

    def note_all(self, case_id: uuid.UUID | None, codes: frozenset[str], grants: frozenset[str]) -> None:
        self.items[case_id] |= codes
        self.grants[case_id] |= grants

    def take(self, principal: Principal, operation: str, at: datetime) -> list[dict]:
        """One READ record per case, and start afresh."""
        records = [
            entry(principal, kind="READ", operation=operation, at=at, case_id=case_id,
                  items=sorted(codes), grants=sorted(self.grants[case_id]), outcome="OK")
            for case_id, codes in self.items.items()
        ]
        self.items.clear()
        self.grants.clear()
        return records


def entry(principal: Principal, *, kind: str, operation: str, at: datetime, outcome: str,
          case_id: uuid.UUID | None = None, items: list | None = None, grants: list | None = None,
          reason: str | None = None) -> dict:
    return {
        "at": at, "subject": principal.subject, "organisation": principal.organisation,
        "client_id": principal.client_id, "kind": kind,
        "operation": (operation or "anonymous")[:OPERATION_LENGTH],  # the caller names operations
        "case_id": case_id, "items": items or [], "grants": grants or [], "outcome": outcome, "reason": reason,
    }


_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def canonical(record: dict) -> str:
    """The text a record's hash covers (after the previous record's hash): its content as compact JSON with
    sorted keys, ids and times as text. Written out key by key (it is made for every record read): the same
    text as `json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`."""
    return "{" + ",".join(f'"{key}":{_value(record[key])}' for key in sorted(record)) + "}"


def _value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, (uuid.UUID, datetime)):
        return _encode(str(value))
    return _encode(value)


def digest(prev_hash: str, record: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(record)).encode()).hexdigest()


CHAINED = ("at", "subject", "organisation", "client_id", "kind", "operation", "case_id", "items", "grants", "outcome")
CHAINED_WHEN_SET = ("reason",)  # added later: absent from the hash when empty, so older records still verify


def content(record: AuditRecord | dict) -> dict:
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k)
    content = {k: get(k) for k in CHAINED}
    content.update({k: get(k) for k in CHAINED_WHEN_SET if get(k) is not None})
    return content


def canonical_texts(records: list[dict]) -> list[str]:
    """`canonical(content(record))` of each record. A page's READ records differ only in the case, its items and
    grants: the text around those is made once per batch, by `canonical` itself (so it is the same text)."""
    frames: dict[tuple, tuple[str, str, str, str] | None] = {}
    lists: dict[tuple, str] = {}
    texts = []
    for record in records:
        shared = tuple(record.get(key) for key in _SHARED)
        if shared not in frames:
            frames[shared] = _frame(record)
        frame = frames[shared]
        if frame is None:
            texts.append(canonical(content(record)))
            continue
        head, after_case, after_grants, tail = frame
        texts.append(f"{head}{_value(record['case_id'])}{after_case}{_listed(record['grants'], lists)}"
                     f"{after_grants}{_listed(record['items'], lists)}{tail}")
    return texts


_VARYING = {"case_id": "\x00case", "grants": "\x00grants", "items": "\x00items"}  # stand-ins no value holds
_SHARED = tuple(key for key in CHAINED + CHAINED_WHEN_SET if key not in _VARYING)


def _frame(record: dict) -> tuple[str, str, str, str] | None:
    """The text around the varying values, or None if a shared value could be taken for a stand-in."""
    text = canonical(content({**record, **_VARYING}))
    pieces = []
    for key in ("case_id", "grants", "items"):
        parts = text.split(_value(_VARYING[key]))
        if len(parts) != 2:
            return None
        pieces.append(parts[0])
        text = parts[1]
    return pieces[0], pieces[1], pieces[2], text


def _listed(values: list, seen: dict[tuple, str]) -> str:
    key = tuple(values)
    text = seen.get(key)
    if text is None:
        text = seen[key] = _value(values)
    return text


async def lock_head(session: AsyncSession) -> AuditHead:
    """The head, locked until the transaction ends: the chain's one serialisation point across instances."""
    head = await session.scalar(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
                                .execution_options(populate_existing=True))
    if head is None:
        raise ChainHeadMissing("the audit chain head is missing; run `hub audit verify`")
    return head


async def append(session: AsyncSession, records: list[dict]) -> None:
    """Add records to the chain with the unit of work (hub.db.Database.write): they are chained and inserted,
    and the head moved, as its last statements before commit, or not at all (hub.events.log.append_pending)."""
    session.info.setdefault("pending_audit", []).extend(records)


def chained(last_id: int, last_hash: str, records: list[dict]) -> tuple[list[dict], int, str]:
    """The records as rows after the head (`last_id`, `last_hash`), and the head they leave.

    Numbered from the head (under its lock), not by a database sequence, so the chain's order is its id order
    on every backend, and a head set back makes appends fail instead of forking."""
    rows = []
    for record in records:
        hashed = digest(last_hash, content(record))
        last_id += 1
        rows.append({**record, "id": last_id, "prev_hash": last_hash, "hash": hashed})
        last_hash = hashed
    return rows, last_id, last_hash


def head_lock():  # type: ignore[no-untyped-def]
    """SELECT the head FOR UPDATE (Core: no ORM object for one row read under a lock)."""
    return select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == HEAD_ID).with_for_update()


async def write(session: AsyncSession, rows: list[dict], last_id: int, last_hash: str) -> None:
    """Insert chained rows and move the head (under the head's lock)."""
    await session.execute(insert(AuditRecord.__table__), rows)
    await session.execute(update(AuditHead.__table__).where(AuditHead.id == HEAD_ID)
                          .values(last_id=last_id, last_hash=last_hash))
