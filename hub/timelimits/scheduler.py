"""Early warning (预警): raise WARNING at the warning share of a limit and OVERDUE at 100%, each exactly once.

Each pass runs in one transaction. "Exactly once" rests on the rows themselves:
an assignment is flagged in the same transaction as its event is appended,
and only if it was not flagged yet, so neither two instances nor a restart can
raise it twice, and a pass that did not run (the hub was down) is made up by
the next one. On PostgreSQL one instance at a time does the pass
(pg_try_advisory_xact_lock), the others skip it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.background import Periodic
from hub.cases.models import Case
from hub.db import Database
from hub.events import log as event_log

log = logging.getLogger("hub.timelimits")
SCHEDULER_LOCK = 0x4B46_4855_4203
BATCH = 500
SYSTEM = "system:time-limits"


@dataclass
class TimeLimitScheduler:
    db: Database
    now: Callable[[], datetime]
    scan_seconds: float = 30.0

    def background(self) -> Periodic:
        return Periodic("time-limits", self.run_once, self.scan_seconds)

    async def run_once(self) -> tuple[int, int]:
        """(warnings raised, overdue raised) in this pass."""
        now = self.now()
        async with self.db.write() as session:
            if not self.db.sqlite and not await session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SCHEDULER_LOCK}):
                return 0, 0
            warned = await self._raise(session, now, "TIME_LIMIT_WARNING", Assignment.warning_raised_at, Assignment.warning_at)
            overdue = await self._raise(session, now, "TIME_LIMIT_OVERDUE", Assignment.overdue_raised_at, Assignment.deadline_at)
        if warned or overdue:
            log.info("time limits: %d warnings, %d overdue", warned, overdue)
        return warned, overdue

    async def _raise(self, session: AsyncSession, now: datetime, kind: str, flag, due) -> int:  # type: ignore[no-untyped-def]
        stmt = (select(Assignment, Case.number).join(Case, Case.id == Assignment.case_id)
                .where(Assignment.clock_running_since.is_not(None), flag.is_(None), due <= now)
                .order_by(due).limit(BATCH))
        if not self.db.sqlite:
            stmt = stmt.with_for_update(of=Assignment, skip_locked=True)
        rows = (await session.execute(stmt)).all()
        for assignment, number in rows:
            setattr(assignment, flag.key, now)
            event_log.record(session, kind=kind, case_id=assignment.case_id, assignment_id=assignment.id,
                             organisation_code=assignment.organisation_code, at=now, actor_subject=SYSTEM,
                             actor_organisation=None,
                             payload={"caseNumber": number, "service": assignment.service,
                                      "deadline": assignment.deadline_at.isoformat()})
        return len(rows)
