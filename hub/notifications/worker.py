"""Delivers the SMS outbox: claims due messages, sends them, retries with exponential back-off.

Safe with several instances: a message is claimed by moving it to SENDING with a
lease in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED), so no two
workers send it at once. A worker that is stopped hands its unsettled claims
back at once; one that dies leaves the lease to expire, and the message is
sent again with the same id as its idempotency key.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from hub.background import Periodic
from hub.clock import utcnow
from hub.db import Database
from hub.notifications.models import Notification
from hub.notifications.senders import SendFailed, Sender

log = logging.getLogger("hub.sms")
LEASE = timedelta(minutes=2)


@dataclass
class OutboxWorker:
    db: Database
    sender: Sender
    poll_seconds: float = 1.0
    retry_base_seconds: float = 5.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 12
    batch: int = 20
    now: Callable[[], datetime] = utcnow  # the hub's clock: messages are due by the time they were written with

    def background(self) -> Periodic:
        return Periodic("sms-outbox", self.deliver_all_due, self.poll_seconds)

    async def deliver_all_due(self) -> None:
        while await self.deliver_due():
            pass

    async def deliver_due(self) -> int:
        """One pass: claim, send and settle up to `batch` due messages; how many were claimed."""
        claimed = await self._claim()
        unsettled = [m.id for m in claimed]
        try:
            for message in claimed:
                try:
                    await self.sender.send(message)
                except SendFailed as failure:
                    await self._settle(message.id, error=str(failure))
                else:
                    await self._settle(message.id, error=None)
                unsettled.remove(message.id)
        except asyncio.CancelledError:
            await self._release(unsettled)  # stopping: hand them back now rather than after the lease
            raise
        return len(claimed)

    async def _release(self, message_ids: list) -> None:
        if not message_ids:
            return
        async with self.db.write() as session:
            await session.execute(update(Notification).where(
                Notification.id.in_(message_ids), Notification.status == "SENDING").values(
                status="PENDING", next_attempt_at=self.now()))

    async def _claim(self) -> list[Notification]:
        now = self.now()
        async with self.db.write() as session:
            due = or_(Notification.status == "PENDING", Notification.status == "SENDING")
            stmt = select(Notification).where(due, Notification.next_attempt_at <= now).order_by(
                Notification.next_attempt_at).limit(self.batch)
            if not self.db.sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            rows = list((await session.scalars(stmt)).all())
            for row in rows:
                row.status, row.next_attempt_at = "SENDING", now + LEASE
                row.attempts += 1
        return rows

    async def _settle(self, message_id, error: str | None) -> None:  # type: ignore[no-untyped-def]
        async with self.db.write() as session:
            row = await session.get(Notification, message_id, with_for_update=True)
            if error is None:
                row.status, row.sent_at, row.last_error = "SENT", self.now(), None
                log.info("sms %s sent to %s", row.kind, row.recipient[:3] + "****" + row.recipient[-4:])
                return
            row.last_error = error
            if row.attempts >= self.max_attempts:
                row.status = "FAILED"
                log.error("sms %s to case %s failed for good: %s", row.kind, row.case_id, error)
                return
            delay = min(self.retry_base_seconds * 2 ** (row.attempts - 1), self.retry_max_seconds)
            row.status, row.next_attempt_at = "PENDING", self.now() + timedelta(seconds=delay * random.uniform(0.8, 1.2))
