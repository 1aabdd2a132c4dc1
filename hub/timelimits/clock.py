"""The clock of an assignment: starts when materials are complete, pauses during 补正, stops at the end.

Working time is kept as seconds of working-day time (hub/calendar); the
deadline and the warning moment are recomputed whenever the clock (re)starts.
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
    a.clock_started_at, a.clock_elapsed_seconds = now, 0.0
    resume(a, calendar, now, share)


def pause(a: Assignment, calendar: WorkingCalendar, now: datetime) -> None:
    if a.clock_running_since is None:
        return
    a.clock_elapsed_seconds += calendar.working_seconds_between(a.clock_running_since, now)
    a.clock_running_since = None
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
        a.clock_elapsed_seconds += calendar.working_seconds_between(a.clock_running_since, now)
        a.clock_running_since, a.warning_at = None, None
    if a.clock_started_at is not None:
        a.on_time = a.clock_elapsed_seconds <= a.limit_seconds
