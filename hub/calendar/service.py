"""Governance of the holiday table: load or correct a year's official arrangement; open clocks follow."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.principal import Principal
from hub.calendar import arrangement, store
from hub.catalogue import changes
from hub.config import get_settings
from hub.policy import access
from hub.timelimits.corrections import Recount, follow_calendar


@dataclass(frozen=True)
class YearImported:
    year: int
    recount: Recount


async def import_year(session: AsyncSession, *, principal: Principal, data: Any, now: datetime) -> YearImported:
    """Check `data` (year, holidays, workdays, source: hub/calendar/arrangement.py), replace the year's
    arrangement, and recount every open clock that depends on a day that changed or was provisional."""
    access.ensure_governance(principal)
    checked = arrangement.parse(data)
    await store.lock(session)
    before = await store.load(session)
    await store.replace_year(session, checked, actor=principal.subject, now=now)
    changes.record(session, principal, now, entity="CALENDAR", entity_id=str(checked.year), action="IMPORT",
                   after={"holidays": [d.isoformat() for d in checked.holidays],
                          "workdays": [d.isoformat() for d in checked.workdays], "source": checked.source})
    recount = await follow_calendar(session, before, await store.load(session), checked.year, principal=principal,
                                    now=now, share=get_settings().time_limit_warning_share)
    return YearImported(checked.year, recount)
