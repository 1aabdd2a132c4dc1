"""The clock of an assignment: starts when materials are complete, pauses during 补正, stops at the end.

Working time is kept as seconds of working-day time (hub/calendar); the
deadline and the warning moment are recomputed whenever the clock (re)starts,
and everything is recounted from the recorded running periods when a calendar
year is corrected (`recount`).
"""

from datetime import datetime

from hub.assignments.models import Assignment
from hub.calendar.calendar import WorkingCalendar
from hub.timelimits.models import TimeLimitRule

HOUR = 3600.0
DAY = 86400.0


def allowed_seconds(rule: TimeLimitRule, calendar: WorkingCalendar, start: datetime) -> float:
    if rule.unit == "WORKING_DAYS":
        return rule.amount * DAY
    if rule.unit == "WORKING_HOURS":
        return rule.amount * HOUR
    end = calendar.end_of_working_day(start).at
    return calendar.working_seconds_between(start, end) or DAY  # started on a rest day: all of the next working day


def start(a: Assignment, rule: TimeLimitRule | None, calendar: WorkingCalendar, now: datetime, share: float) -> None:
    if rule is None or a.clock_started_at is not None:
        return
    a.limit_rule_id = rule.id
    a.limit_seconds = allowed_seconds(rule, calendar, now)
    a.clock_started_at, a.clock_elapsed_seconds, a.clock_periods = now, 0.0, []
    resume(a, calendar, now, share)


def pause(a: Assignment, calendar: WorkingCalendar, now: datetime) -> None:
    if a.clock_running_since is None:
        return
    _close_period(a, calendar, now)
    a.warning_at = a.deadline_at = None  # no deadline while the applicant is being waited for


def resume(a: Assignment, calendar: WorkingCalendar, now: datetime, share: float) -> None:
    if a.clock_started_at is None or a.clock_running_since is not None or a.limit_seconds is None:
        return
    a.clock_running_since = now
    schedule(a, calendar, share)


def schedule(a: Assignment, calendar: WorkingCalendar, share: float) -> None:
    """Deadline and warning moment of a running clock (also after a newly loaded calendar year)."""
    since, used = a.clock_running_since, a.clock_elapsed_seconds
    deadline = calendar.add_working_time(since, a.limit_seconds - used)
    warning = calendar.add_working_time(since, share * a.limit_seconds - used)
    a.deadline_at, a.warning_at = deadline.at, warning.at
    a.deadline_provisional = deadline.provisional


def stop(a: Assignment, calendar: WorkingCalendar, now: datetime) -> None:
    """At completion or rejection: record the working time used and whether it was on time (the deadline stays)."""
    if a.clock_running_since is not None:
        _close_period(a, calendar, now)
        a.warning_at = None
    if a.clock_started_at is not None:
        a.on_time = a.clock_elapsed_seconds <= a.limit_seconds


def _close_period(a: Assignment, calendar: WorkingCalendar, now: datetime) -> None:
    a.clock_elapsed_seconds += calendar.working_seconds_between(a.clock_running_since, now)
    if a.clock_periods is not None:
        a.clock_periods = [*a.clock_periods, [a.clock_running_since.isoformat(), now.isoformat()]]
    a.clock_running_since = None


def recount(a: Assignment, rule: TimeLimitRule | None, calendar: WorkingCalendar, share: float) -> None:
    """After a calendar year is loaded or corrected: the time allowed (a same-working-day limit depends on
    the day it started), the working time used in finished periods, and a running clock's deadline."""
    if rule is not None and rule.unit == "SAME_WORKING_DAY":
        a.limit_seconds = allowed_seconds(rule, calendar, a.clock_started_at)
    if a.clock_periods is not None:
        a.clock_elapsed_seconds = sum(
            calendar.working_seconds_between(datetime.fromisoformat(start), datetime.fromisoformat(end))
            for start, end in a.clock_periods)
    if a.clock_running_since is not None:
        schedule(a, calendar, share)
