"""Walk the audit chain and check it against its head and every signed checkpoint.

Found: a changed record (its hash), a removed or re-ordered one (the next
record's link), removed newest records or all of them (the head, and any
checkpoint naming a record past the chain's end), records added past the head,
and a chain rewritten from some record on (a checkpoint naming that record or
a later one). Everything is read in one snapshot, so appends running meanwhile
are not mistaken for tampering.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import checkpoints
from hub.audit.models import AuditHead, AuditRecord
from hub.audit.service import GENESIS, HEAD_ID, content, digest
from hub.i18n import _l


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_bad_id: int | None = None
    problem: str | None = None
    checkpoints: int = 0  # signed checkpoints the chain was found to pass through

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _Expected:
    checkpoint: checkpoints.Checkpoint
    source: str  # "checkpoint 7" (stored) or "saved checkpoint 2" (given by the verifier)


async def verify(session: AsyncSession, *, key: ECKey | None, saved: Sequence[str] = (),
                 batch: int = 5000) -> ChainReport:
    """`saved`: checkpoint tokens kept outside the database, which its owners cannot have removed."""
    if session.bind.dialect.name == "postgresql":  # SQLite's read transaction is a snapshot already
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    head = await session.get(AuditHead, HEAD_ID)
    expected, problem = await _checkpoints(session, key, saved)
    if problem:
        return ChainReport(0, None, problem)
    return await _walk(session, head, expected, batch)


async def _checkpoints(session: AsyncSession, key: ECKey | None,
                       saved: Sequence[str]) -> tuple[list[_Expected], str | None]:
    tokens = [(_l("checkpoint {id}", id=row_id), token) for row_id, token in await checkpoints.stored(session)]
    tokens += [(_l("saved checkpoint {n}", n=n), token) for n, token in enumerate(saved, 1)]
    if tokens and key is None:
        return [], _l("signed checkpoints exist but the hub's signing key is not available to check them")
    expected = []
    for source, token in tokens:
        try:
            expected.append(_Expected(checkpoints.read(token, key), source))
        except checkpoints.BadCheckpoint as error:
            return [], _l("{source} is {error}: forged or altered", source=source, error=error.args[0])
    return sorted(expected, key=lambda e: e.checkpoint.last_id), None


async def _walk(session: AsyncSession, head: AuditHead | None, expected: list[_Expected], batch: int) -> ChainReport:
    previous, count, last_id, passed, next_cp = GENESIS, 0, 0, 0, 0
    past_head: int | None = None
    while rows := (await session.scalars(
            select(AuditRecord).where(AuditRecord.id > last_id).order_by(AuditRecord.id).limit(batch))).all():
        for row in rows:
            if row.prev_hash != previous:
                return ChainReport(count, row.id, _l("does not link to the record before it (removed or re-ordered)"),
                                   passed)
            if digest(previous, content(row)) != row.hash:
                return ChainReport(count, row.id, _l("content does not match its hash (changed)"), passed)
            while next_cp < len(expected) and expected[next_cp].checkpoint.last_id <= row.id:
                wanted = expected[next_cp]
                if wanted.checkpoint.last_id < row.id:
                    return ChainReport(count, wanted.checkpoint.last_id,
                                       _l("is missing, though {source} names it (removed)", source=_source(wanted)), passed)
                if wanted.checkpoint.last_hash != row.hash:
                    return ChainReport(count, row.id,
                                       _l("does not match {source}: the chain was rewritten", source=_source(wanted)), passed)
                next_cp, passed = next_cp + 1, passed + 1
            if head is not None and past_head is None and row.id > head.last_id:
                past_head = row.id
            previous, last_id, count = row.hash, row.id, count + 1
    return _end(count, last_id, previous, head, past_head, expected[next_cp:], passed)


def _end(count: int, last_id: int, last_hash: str, head: AuditHead | None, past_head: int | None,
         beyond: list[_Expected], passed: int) -> ChainReport:
    """The chain's end against its head and the checkpoints not yet reached."""
    if head is None:
        return ChainReport(count, None, _l("the chain head (audit_head) is missing"), passed)
    end, removed = ((_l("the chain ends at record {id}", id=last_id), _l("the newest records were removed")) if count
                    else (_l("the chain is empty"), _l("every record was removed")))
    if head.last_id > last_id:
        return ChainReport(count, head.last_id, _l("is missing: {end} but its head names record {id} ({removed})",
                                                   end=end, id=head.last_id, removed=removed), passed)
    if beyond:
        wanted = beyond[0]
        return ChainReport(count, wanted.checkpoint.last_id, _l("is missing: {end}, though {source} names it ({removed})",
                                                                end=end, source=_source(wanted), removed=removed),
                           passed)
    if past_head is not None:
        return ChainReport(count, past_head, _l("is past the chain head (record {id}): written outside the hub, or the "
                                                "head was set back", id=head.last_id), passed)
    if head.last_hash != last_hash:
        return ChainReport(count, last_id, _l("does not match the chain head's hash (the newest record was replaced)"),
                           passed)
    return ChainReport(count, None, None, passed)


def _source(wanted: _Expected) -> str:
    return _l("{source} (signed {at})", source=wanted.source, at=wanted.checkpoint.at.isoformat(timespec="seconds"))
