"""Governance of the holiday table: load a year's official arrangement; provisional deadlines follow."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.calendar import store
from hub.catalogue import changes
from hub.config import get_settings
from hub.policy import access
from hub.timelimits import clock


async def import_year(session: AsyncSession, *, principal: Principal, year: int, holidays: list[date],
                      workdays: list[date], source: str, now: datetime) -> int:
    """Replace `year`'s arrangement and recompute every running deadline that was provisional; how many."""
    access.ensure_governance(principal)
    await store.replace_year(session, year, holidays, workdays, source=source or "official", actor=principal.subject,
                             now=now)
    changes.record(session, principal, now, entity="CALENDAR", entity_id=str(year), action="IMPORT",
                   after={"holidays": [d.isoformat() for d in holidays], "workdays": [d.isoformat() for d in workdays],
                          "source": source})
    calendar = await store.load(session)
    share = get_settings().time_limit_warning_share
    rows = (await session.scalars(select(Assignment).where(
        Assignment.deadline_provisional.is_(True), Assignment.clock_running_since.is_not(None)).with_for_update())).all()
    for assignment in rows:
        clock.schedule(assignment, calendar, share)
    return len(rows)
