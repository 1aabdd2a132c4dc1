"""Loads the calendar years chinesecalendar knows and the default time-limit rules."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.calendar import store as calendar_store
from hub.timelimits import rules


async def load_time_limits(session: AsyncSession, now: datetime) -> tuple[list[int], int]:
    """(calendar years added, rules added); both idempotent."""
    return await calendar_store.seed_from_package(session, now), await rules.load_defaults(session, now)
