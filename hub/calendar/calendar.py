"""Working time on China's official calendar (工作日, with holidays and make-up working days 调休).

A `WorkingCalendar` knows, for the years whose official arrangement is loaded,
which days differ from the plain rule (Monday–Friday work, weekends rest). For
a year not loaded it falls back to that plain rule and says so: results that
depended on such a day are *provisional* and recomputed once the year is
loaded. Working time is counted in whole local days (Asia/Shanghai): every
second of a working day counts, none of a rest day.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from hub.clock import LOCAL

DAY = 86400.0


@dataclass(frozen=True)
class Timed:
    """A result and whether it relied on a year whose arrangement was not known."""

    at: datetime
    provisional: bool


@dataclass
class WorkingCalendar:
    exceptions: dict[date, bool] = field(default_factory=dict)  # day → working, where it differs from Mon–Fri
    known_years: frozenset[int] = frozenset()

    def is_working(self, day: date) -> tuple[bool, bool]:
        """(working, provisional)."""
        if day in self.exceptions:
            return self.exceptions[day], False
        return day.weekday() < 5, day.year not in self.known_years

    def add_working_time(self, start: datetime, seconds: float) -> Timed:
        """The moment `seconds` of working time after `start` have passed."""
        provisional, left = False, max(seconds, 0.0)
        cursor = start.astimezone(LOCAL)
        while True:
            day = cursor.date()
            working, guessed = self.is_working(day)
            provisional |= guessed
            day_end = datetime.combine(day + timedelta(days=1), time(), LOCAL)
            available = (day_end - cursor).total_seconds() if working else 0.0
            if working and left <= available:
                return Timed(cursor + timedelta(seconds=left), provisional)
            left -= available
            cursor = day_end

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        total, cursor, end_local = 0.0, start.astimezone(LOCAL), end.astimezone(LOCAL)
        while cursor < end_local:
            day_end = datetime.combine(cursor.date() + timedelta(days=1), time(), LOCAL)
            stop = min(day_end, end_local)
            if self.is_working(cursor.date())[0]:
                total += (stop - cursor).total_seconds()
            cursor = stop
        return total

    def end_of_working_day(self, start: datetime) -> Timed:
        """The end of `start`'s day if it is a working day, else of the next working day."""
        provisional, day = False, start.astimezone(LOCAL).date()
        while True:
            working, guessed = self.is_working(day)
            provisional |= guessed
            if working:
                return Timed(datetime.combine(day + timedelta(days=1), time(), LOCAL), provisional)
            day += timedelta(days=1)

    def add_working_days(self, start: date, days: int) -> tuple[date, bool]:
        """The day `days` working days after `start` (start not counted)."""
        provisional, current, left = False, start, days
        while left > 0:
            current += timedelta(days=1)
            working, guessed = self.is_working(current)
            provisional |= guessed
            left -= working
        return current, provisional

    def changed_days(self, other: "WorkingCalendar", year: int) -> list[date]:
        """The days of `year` that are working days in one calendar and rest days in the other."""
        day, changed = date(year, 1, 1), []
        while day.year == year:
            if self.is_working(day)[0] != other.is_working(day)[0]:
                changed.append(day)
            day += timedelta(days=1)
        return changed
