"""Time-limit types: an assignment's clock, rules, calendar years and supervision statistics."""

import uuid
from datetime import date, datetime

import strawberry

from hub.timelimits.clock import DAY


@strawberry.type(description="The assignment's time limit (时限): running, paused during 补正, or finished.")
class AssignmentClock:
    started_at: datetime | None = strawberry.field(description="When the materials were complete (材料齐全).")
    deadline: datetime | None = strawberry.field(description="Null while paused; kept after the end.")
    warning_at: datetime | None
    paused: bool | None = strawberry.field(description="Waiting on the applicant (补正): the clock does not run.")
    provisional: bool | None = strawberry.field(description="The deadline falls in a year whose holiday arrangement is not loaded yet: it will be recomputed.")
    warning_raised_at: datetime | None
    overdue_raised_at: datetime | None
    on_time: bool | None = strawberry.field(description="Set when the assignment finished.")
    working_days_used: float | None = strawberry.field(description="Working time used so far, in working days (paused time excluded).")
    correction_rounds: int | None = strawberry.field(description="How many times materials were requested (补正).")
    case_ref: strawberry.Private[uuid.UUID | None] = None
    assignment_of: strawberry.Private[str | None] = None  # the organisation whose assignment this is

    @classmethod
    def from_row(cls, row, now: datetime, calendar) -> "AssignmentClock":  # type: ignore[no-untyped-def]
        used = row.clock_elapsed_seconds or 0.0
        if row.clock_running_since is not None:
            used += calendar.working_seconds_between(row.clock_running_since, now)
        started = row.clock_started_at is not None
        return cls(
            started_at=row.clock_started_at, deadline=row.deadline_at, warning_at=row.warning_at,
            paused=started and row.clock_running_since is None and row.finished_at is None,
            provisional=row.deadline_provisional, warning_raised_at=row.warning_raised_at,
            overdue_raised_at=row.overdue_raised_at, on_time=row.on_time,
            working_days_used=round(used / DAY, 4) if started else None,
            correction_rounds=row.correction_rounds, case_ref=row.case_id, assignment_of=row.organisation_code,
        )


@strawberry.type(description="A time-limit rule (时限规则); each change is a new version.")
class TimeLimitRule:
    id: strawberry.ID
    case_type: str
    service: str
    variant: str = strawberry.field(description="DEFAULT, HIGH_VOLTAGE or LOW_VOLTAGE_EXTERNAL_WORKS.")
    unit: str = strawberry.field(description="WORKING_DAYS, WORKING_HOURS or SAME_WORKING_DAY.")
    amount: float
    source: str
    created_at: datetime
    created_by: str

    @classmethod
    def from_row(cls, row) -> "TimeLimitRule":  # type: ignore[no-untyped-def]
        return cls(id=strawberry.ID(str(row.id)), case_type=row.case_type, service=row.service, variant=row.variant,
                   unit=row.unit, amount=row.amount, source=row.source, created_at=row.created_at,
                   created_by=row.created_by)


@strawberry.type(description="A year whose official holiday arrangement is loaded.")
class CalendarYear:
    year: int
    source: str
    loaded_at: datetime
    loaded_by: str
    holidays: list[date] = strawberry.field(description="Weekday rest days of the year.")
    workdays: list[date] = strawberry.field(description="Weekend make-up working days (调休) of the year.")


@strawberry.type
class StatusCount:
    status: str
    count: int


@strawberry.type(description="Time-limit statistics of one group (utility, service, case type, district or channel).")
class TimeLimitGroup:
    key: str
    total: int
    by_status: list[StatusCount]
    finished: int
    on_time: int
    on_time_rate: float | None
    median_working_days: float | None
    p90_working_days: float | None
    correction_rounds: int = strawberry.field(description="补正 rounds, summed.")
