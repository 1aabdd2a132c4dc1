"""Idempotency keys for submitCase: a retried submission returns the case the first one filed, never a second.

The same scheme as write-back's (hub.assignments.idempotency): one key per caller, remembered with a hash of the
request; the same key with a different request is CONFLICT. The key is locked before it is looked up
(hub.db.lock_names), so two concurrent retries file one case: the second waits and then finds the first.
"""

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases.models import Case, SubmissionKey
from hub.db import lock_names, queue_insert
from hub.errors import Conflict, ErrorCode, FieldProblem, InvalidInput

KEY_LENGTH = SubmissionKey.__table__.c.key.type.length


async def earlier(session: AsyncSession, subject: str, key: str, digest: str) -> Case | None:
    """The case this caller's key already filed, or None; Conflict if the key named a different request."""
    if not 1 <= len(key) <= KEY_LENGTH:
        raise InvalidInput([FieldProblem("idempotencyKey", ErrorCode.OUT_OF_RANGE,
                                         f"must be 1 to {KEY_LENGTH} characters")])
    await lock_names(session, [f"submission|{subject}|{key}"])
    row = await session.scalar(select(SubmissionKey).where(SubmissionKey.subject == subject, SubmissionKey.key == key))
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict("this idempotency key was already used for a different submission")
    return await session.get(Case, row.case_id)


def remember(session: AsyncSession, subject: str, key: str, digest: str, case_id: uuid.UUID, now: datetime) -> None:
    queue_insert(session, SubmissionKey.__table__, {"subject": subject, "key": key, "request_hash": digest,
                                                     "case_id": case_id, "created_at": now})  # after the case it names
