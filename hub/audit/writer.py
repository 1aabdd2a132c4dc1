"""Group commit of audit records: one appender per process.

A request hands its records over and waits until they are committed; the
appender takes every record waiting at that moment from all concurrent
requests and appends them in one transaction, so the chain's lock is taken
once per batch instead of once per request. While a batch commits the next one
gathers: batches grow with the load by themselves, and a lone request waits
for no timer. The lock is the chain head's (a database lock), so the batches of
several instances on one database still form one chain.
"""

import asyncio

from hub.audit.service import canonical_texts
from hub.db import Database
from hub.events.log import append_audit

Pending = tuple[list[dict], list[str] | None, asyncio.Future]


class AuditWriter:
    def __init__(self, db: Database):
        self.db = db
        self._pending: list[Pending] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False

    async def append(self, records: list[dict]) -> None:
        """Return once the records are durable in the chain; raise if they could not be written."""
        if not records:
            return
        future = asyncio.get_running_loop().create_future()
        # the hashed texts are made here, by each request, so that the appender only sends them
        self._pending.append((records, None if self.db.sqlite else canonical_texts(records), future))
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="audit-writer")
        self._wake.set()
        await future

    async def stop(self) -> None:
        """Write what is still waiting, then end the appender."""
        if self._task is not None and not self._task.done():
            self._stopping = True
            self._wake.set()
            await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if batch:
                await self._write(batch)
            if self._stopping and not self._pending:
                return

    async def _write(self, batch: list[Pending]) -> None:
        try:
            texts = None if self.db.sqlite else [text for _, made, _ in batch for text in made]
            await append_audit(self.db, [record for records, _, _ in batch for record in records], texts)
        except Exception as error:  # noqa: BLE001  (handed to the waiting requests)
            if len(batch) > 1:  # one request's records must not fail the others': each on its own
                for pending in batch:
                    await self._write([pending])
                return
            _settle(batch, error)
        else:
            _settle(batch, None)


def _settle(batch: list[Pending], error: Exception | None) -> None:
    for _, _, future in batch:
        if future.done():  # the request was cancelled (socket gone); its records are written all the same
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
