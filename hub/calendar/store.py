"""Reading, seeding and importing the holiday table."""

from datetime import date, datetime, timedelta

import chinese_calendar
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.calendar.calendar import WorkingCalendar
from hub.calendar.models import CalendarDay, CalendarYear
from hub.errors import ErrorCode
from hub.validation.checker import Checker

PACKAGE_SOURCE = "chinesecalendar"


async def load(session: AsyncSession) -> WorkingCalendar:
    days = (await session.scalars(select(CalendarDay))).all()
    years = (await session.scalars(select(CalendarYear.year))).all()
    return WorkingCalendar(exceptions={d.day: d.working for d in days}, known_years=frozenset(years))


def package_year(year: int) -> tuple[list[date], list[date]] | None:
    """(holidays on weekdays, make-up working days on weekends) from chinesecalendar, or None if it lacks the year."""
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
    return holidays, workdays


async def seed_from_package(session: AsyncSession, now: datetime, first_year: int = 2020) -> list[int]:
    """Load every year chinesecalendar covers from `first_year` on that is not loaded yet."""
    known = set((await session.scalars(select(CalendarYear.year))).all())
    added, year = [], first_year
    while (arrangement := package_year(year)) is not None:
        if year not in known:
            await replace_year(session, year, *arrangement, source=PACKAGE_SOURCE, actor="system:seed", now=now)
            added.append(year)
        year += 1
    return added


def check_arrangement(year: int, holidays: list[date], workdays: list[date]) -> None:
    c = Checker()
    for field, days, weekend in (("holidays", holidays, False), ("workdays", workdays, True)):
        for index, day in enumerate(days):
            if day.year != year:
                c.fail(f"{field}[{index}]", ErrorCode.INVALID, f"{day} is not in {year}")
            elif (day.weekday() >= 5) != weekend:
                c.fail(f"{field}[{index}]", ErrorCode.INVALID,
                       f"{day} is a {'weekday' if not weekend else 'weekend day'}: list only days that differ from Mon–Fri")
    c.raise_if_any()


async def replace_year(session: AsyncSession, year: int, holidays: list[date], workdays: list[date], *,
                       source: str, actor: str, now: datetime) -> None:
    check_arrangement(year, holidays, workdays)
    await session.execute(delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))
    session.add_all([CalendarDay(day=d, working=False, note="holiday") for d in holidays])
    session.add_all([CalendarDay(day=d, working=True, note="make-up working day") for d in workdays])
    row = await session.get(CalendarYear, year)
    if row is None:
        session.add(CalendarYear(year=year, source=source, loaded_at=now, loaded_by=actor))
    else:
        row.source, row.loaded_at, row.loaded_by = source, now, actor
    await session.flush()


_cache: dict[str, tuple[tuple, WorkingCalendar]] = {}


async def current(session: AsyncSession) -> WorkingCalendar:
    """The calendar, re-read only when a year was loaded since (one small query to tell)."""
    stamp = tuple((await session.execute(select(func.count(CalendarYear.year), func.max(CalendarYear.loaded_at)))).one())
    key = str(session.bind.url)
    hit = _cache.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    calendar = await load(session)
    _cache[key] = (stamp, calendar)
    return calendar
