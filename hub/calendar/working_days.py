"""Working days (工作日) with China's public holidays and make-up working days (调休).

Years covered by `chinesecalendar` use the official arrangement; for a year it
does not know yet, only weekends are treated as rest days and the result is
flagged provisional, so a deadline can always be computed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class WorkingDay:
    day: date
    provisional: bool  # the year's official arrangement was not known


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working, provisional)."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


def add_working_days(start: date, days: int) -> WorkingDay:
    """The day `days` working days after `start` (start itself not counted)."""
    current, provisional, left = start, False, days
    while left > 0:
        current += timedelta(days=1)
        working, guessed = is_working_day(current)
        provisional |= guessed
        left -= working
    return WorkingDay(current, provisional)
