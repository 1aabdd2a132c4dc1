"""Reading, seeding and importing the holiday table."""

from datetime import date, datetime, timedelta

import chinese_calendar
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.calendar.arrangement import Arrangement
from hub.calendar.calendar import WorkingCalendar
from hub.calendar.models import CalendarDay, CalendarYear
from hub.kept import Kept, announce

PACKAGE_SOURCE = "chinesecalendar"
IMPORT_LOCK = 0x4B46_4855_CA01  # arbitrary, fixed key for pg_advisory_xact_lock


async def load(session: AsyncSession) -> WorkingCalendar:
    days = (await session.scalars(select(CalendarDay))).all()
    years = (await session.scalars(select(CalendarYear.year))).all()
    return WorkingCalendar(exceptions={d.day: d.working for d in days}, known_years=frozenset(years))


def package_year(year: int) -> Arrangement | None:
    """The year as chinesecalendar knows it, or None if it lacks the year."""
    day, holidays, workdays = date(year, 1, 1), [], []
    try:
        while day.year == year:
            working = chinese_calendar.is_workday(day)
            if day.weekday() < 5 and not working:
                holidays.append(day)
            elif day.weekday() >= 5 and working:
                workdays.append(day)
            day += timedelta(days=1)
    except NotImplementedError:
        return None
    return Arrangement(year, tuple(holidays), tuple(workdays), PACKAGE_SOURCE)


async def lock(session: AsyncSession) -> None:
    """One import at a time, held to commit: two would both insert a year's days, and each must see
    the calendar as the one before left it. (SQLite: the write lock of BEGIN IMMEDIATE does this.)"""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


async def seed_from_package(session: AsyncSession, now: datetime, first_year: int = 2020) -> list[int]:
    """Load every year chinesecalendar covers from `first_year` on that is not loaded yet."""
    await lock(session)
    known = set((await session.scalars(select(CalendarYear.year))).all())
    added, year = [], first_year
    while (arrangement := package_year(year)) is not None:
        if year not in known:
            await replace_year(session, arrangement, actor="system:seed", now=now)
            added.append(year)
        year += 1
    return added


async def replace_year(session: AsyncSession, arrangement: Arrangement, *, actor: str, now: datetime) -> None:
    """Store a checked arrangement (hub/calendar/arrangement.py) in place of the year's previous one
    (under `lock`)."""
    year = arrangement.year
    await session.execute(delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))
    session.add_all([CalendarDay(day=d, working=False, note="holiday") for d in arrangement.holidays])
    session.add_all([CalendarDay(day=d, working=True, note="make-up working day") for d in arrangement.workdays])
    announce(session, KEPT.name)
    row = await session.get(CalendarYear, year)
    if row is None:
        session.add(CalendarYear(year=year, source=arrangement.source, loaded_at=now, loaded_by=actor, revision=1))
    else:
        row.source, row.loaded_at, row.loaded_by = arrangement.source, now, actor
        row.revision += 1
    await session.flush()


async def _stamp(session: AsyncSession) -> tuple:
    """Changes when a year is loaded or re-loaded (the revisions only grow, so their sum tells even two loads in
    the same instant apart)."""
    return tuple((await session.execute(select(func.count(CalendarYear.year), func.sum(CalendarYear.revision)))).one())


KEPT = Kept("calendar", load, _stamp)


async def current(session: AsyncSession) -> WorkingCalendar:
    """The calendar, kept in memory until a year is loaded or corrected (hub/kept.py): no query per request."""
    return await KEPT.get(session)
