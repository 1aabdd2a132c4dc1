"""Signed checkpoints (签名检查点) of the audit chain's head.

Now and then the hub signs "the chain ended at record N with hash H at time T"
with its own signing key (ES256, the key that signs its tokens) and keeps the
signature in `audit_checkpoints`; it also logs it, and `hub audit checkpoint`
prints one, so copies can be kept where the database's owners cannot reach.
Whoever can write the database cannot make a checkpoint without the key, so
every checkpoint verify sees is a point the chain must still pass through
unchanged.
"""

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.models import AuditCheckpoint
from hub.audit.service import lock_head
from hub.background import Periodic
from hub.db import Database
from hub.i18n import _l

TYPE = "hub-audit-checkpoint+jws"
log = logging.getLogger("hub.audit")


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    last_hash: str
    at: datetime


class BadCheckpoint(ValueError):
    pass


def sign(key: ECKey, last_id: int, last_hash: str, at: datetime) -> str:
    payload = json.dumps({"lastId": last_id, "hash": last_hash, "at": at.isoformat()}, separators=(",", ":"))
    return jws.serialize_compact({"alg": "ES256", "kid": key.kid, "typ": TYPE}, payload, key, algorithms=["ES256"])


def read(token: str, key: ECKey) -> Checkpoint:
    """The checkpoint a token states, if this hub's key signed it."""
    try:
        signed = jws.deserialize_compact(token.strip(), key, algorithms=["ES256"])
        if signed.protected.get("typ") != TYPE:
            raise BadCheckpoint(_l("not an audit checkpoint"))
        data = json.loads(signed.payload)
        return Checkpoint(int(data["lastId"]), str(data["hash"]), datetime.fromisoformat(data["at"]))
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise BadCheckpoint(_l("not signed by this hub's key")) from None


async def stored(session: AsyncSession) -> list[tuple[int, str]]:
    """(row id, token) of every checkpoint kept in the database, oldest first."""
    rows = await session.execute(select(AuditCheckpoint.id, AuditCheckpoint.token).order_by(AuditCheckpoint.id))
    return [(row_id, token) for row_id, token in rows]


async def take(session: AsyncSession, key: ECKey, now: datetime, *, always: bool = False) -> str | None:
    """Sign the head as it is now (skipped when unchanged since the newest checkpoint, unless `always`)."""
    head = await lock_head(session)
    newest = await session.scalar(select(func.max(AuditCheckpoint.last_id)))
    if head.last_id == 0 or (not always and newest is not None and newest >= head.last_id):
        return None
    token = sign(key, head.last_id, head.last_hash, now)
    session.add(AuditCheckpoint(at=now, last_id=head.last_id, token=token))
    return token


def checkpointer(db: Database, key: ECKey, now, interval: float) -> Periodic:  # type: ignore[no-untyped-def]
    async def step() -> None:
        async with db.write() as session:
            token = await take(session, key, now())
        if token:
            log.info("audit checkpoint %s", token)  # a copy outside the database, wherever the logs go

    return Periodic("audit-checkpoints", step, interval)


def parse_lines(lines: Iterable[str]) -> list[str]:
    """Tokens from a file of saved checkpoints or log lines: the last word of each non-empty line."""
    return [line.split()[-1] for line in lines if line.strip()]
