"""Time limits, the holiday calendar and the supervisors' views."""

import base64
import uuid
from datetime import datetime
from enum import Enum

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.types import Info

from hub import clock_control
from hub.calendar import service as calendar_service
from hub.calendar.models import CalendarDay, CalendarYear as CalendarYearRow
from hub.enums import Role
from hub.errors import HubError
from hub.graphql import resolvers as r
from hub.graphql.errors import UserError, graphql_error
from hub.graphql.types.cases import Assignment
from hub.graphql.types.timelimits import CalendarYear, StatusCount, TimeLimitGroup, TimeLimitRule
from hub.i18n import _l
from hub.policy import access, filters
from hub.timelimits import rules, supervision
from hub.timelimits.models import TimeLimitRule as RuleRow


@strawberry.enum(description="How time-limit statistics are grouped.")
class StatisticsGroup(Enum):
    UTILITY = "UTILITY"
    SERVICE = "SERVICE"
    CASE_TYPE = "CASE_TYPE"
    DISTRICT = "DISTRICT"
    CHANNEL = "CHANNEL"


@strawberry.input
class SetTimeLimitRuleInput:
    case_type: str
    service: str
    variant: str = "DEFAULT"
    unit: str = strawberry.field(description="WORKING_DAYS, WORKING_HOURS or SAME_WORKING_DAY.")
    amount: float = 0
    source: str = strawberry.field(description="The rule's basis, e.g. the regulation and article.")


@strawberry.input(description="A year's official arrangement: weekday holidays and weekend make-up working days (调休). "
                               "Each problem is returned as a UserError naming its field, e.g. `holidays[2]`.")
class ImportCalendarYearInput:
    year: int = strawberry.field(description="2000–2100.")
    holidays: list[str] = strawberry.field(description="Weekday rest days of the year, YYYY-MM-DD, each once.")
    workdays: list[str] = strawberry.field(description="Weekend make-up working days (调休) of the year, YYYY-MM-DD, each once.")
    source: str = strawberry.field(default="国务院办公厅节假日安排", description="The official notice, e.g. 国办发明电〔2026〕…号.")


@strawberry.input(description="Where the hub's clock is put (not in production).")
class SetClockInput:
    at: datetime = strawberry.field(description="The time the clock reads from now on, with its UTC offset.")
    frozen: bool = strawberry.field(default=False, description="Stand still at `at` (else run on from it).")


@strawberry.type
class TimeLimitRulePayload:
    rule: TimeLimitRule | None
    errors: list[UserError]


@strawberry.type
class CalendarImportPayload:
    year: int | None
    recomputed_deadlines: int | None = strawberry.field(
        description="Open assignments whose time limit depended on a changed or provisional day and was recounted.")
    moved_deadlines: int | None = strawberry.field(
        description="Of those, the deadlines that moved; each is announced to its utility as DEADLINE_CHANGED.")
    errors: list[UserError]


@strawberry.type
class ClockPayload:
    now: datetime | None = strawberry.field(description="The hub's time after the change.")
    frozen: bool | None
    errors: list[UserError]


def _encode(at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"late:{at.isoformat()}|{row_id}".encode()).decode()


def _decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    prefix, _, rest = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    if prefix != "late":
        raise ValueError("not a cursor of this list")
    at, row_id = rest.split("|")
    return datetime.fromisoformat(at), uuid.UUID(row_id)


async def _late(info: Info, overdue: bool, first: int, after: str | None) -> relay.Connection[Assignment]:
    try:
        access.ensure_role(info.context.principal, Role.SUPERVISOR)
        # which assignments are late, and their order, compare their time limits: the supervisors must see them
        filters.ensure_role_reads(info.context.plan, Role.SUPERVISOR, filters.LATE_LISTS,
                                  _l("you may not list {field}", field=info.field_name))
    except HubError as error:
        raise graphql_error(error) from None
    async with info.context.db.read() as session:
        rows = await supervision.late(session, info.context.now(), overdue=overdue, first=r.check_page_size(first) + 1,
                                      after=r.decode(after, _decode))
    more, rows = len(rows) > first, rows[:first]
    edges = [relay.Edge(cursor=_encode(row.deadline_at, row.id), node=Assignment.from_row(row)) for row in rows]
    return r.connection(edges, more, after is not None)


@strawberry.type
class TimeLimitQuery:
    @strawberry.field(description="Open assignments past their deadline, earliest deadline first (SUPERVISOR).")
    async def overdue_assignments(self, info: Info, first: int = 50, after: str | None = None) -> relay.Connection[Assignment]:
        return await _late(info, True, first, after)

    @strawberry.field(description="Open assignments past the warning point but not yet late (SUPERVISOR).")
    async def at_risk_assignments(self, info: Info, first: int = 50, after: str | None = None) -> relay.Connection[Assignment]:
        return await _late(info, False, first, after)

    @strawberry.field(description="Counts, on-time rate, handling time and 补正 rounds per group, for cases submitted in [submittedFrom, submittedBefore) (SUPERVISOR).")
    async def time_limit_statistics(self, info: Info, group_by: StatisticsGroup, submitted_from: datetime,
                                    submitted_before: datetime) -> list[TimeLimitGroup]:
        plan = info.context.plan
        try:
            access.ensure_role(info.context.principal, Role.SUPERVISOR)
            # over every case: the supervisors' own grants must read in full what is compared, grouped and counted
            compared = {**filters.STATISTICS_WINDOW, "groupBy": filters.STATISTICS_GROUPS[group_by.value]}
            for argument, items in compared.items():
                filters.ensure_role_reads(plan, Role.SUPERVISOR, items,
                                          _l("you may not filter by {argument}", argument=argument))
            filters.ensure_role_reads(plan, Role.SUPERVISOR, filters.STATISTICS_COUNTS,
                                      _l("you may not read time-limit statistics"))
        except HubError as error:
            raise graphql_error(error) from None
        async with info.context.db.read() as session:
            groups = await supervision.statistics_by(session, group_by.value, submitted_from, submitted_before)
        return [TimeLimitGroup(
            key=g.key, total=g.total, by_status=[StatusCount(status=s, count=n) for s, n in sorted(g.by_status.items())],
            finished=g.finished, on_time=g.on_time, on_time_rate=g.on_time_rate, median_working_days=g.median_days,
            p90_working_days=g.p90_days, correction_rounds=g.correction_rounds) for g in groups]

    @strawberry.field(description="The time-limit rules in force (newest version of each).")
    async def time_limit_rules(self, info: Info) -> list[TimeLimitRule]:
        async with info.context.db.read() as session:
            current = await rules.current_rules(session)
        return [TimeLimitRule.from_row(row) for _, row in sorted(current.items())]

    @strawberry.field(description="Every version of the time-limit rules (GOVERNANCE).")
    async def time_limit_rule_history(self, info: Info) -> list[TimeLimitRule]:
        try:
            access.ensure_governance(info.context.principal)
        except HubError as error:
            raise graphql_error(error) from None
        async with info.context.db.read() as session:
            rows = (await session.scalars(select(RuleRow).order_by(RuleRow.id))).all()
        return [TimeLimitRule.from_row(row) for row in rows]

    @strawberry.field(description="Years whose official holiday arrangement is loaded; other years count weekends only, provisionally.")
    async def calendar_years(self, info: Info) -> list[CalendarYear]:
        async with info.context.db.read() as session:
            rows = (await session.scalars(select(CalendarYearRow).order_by(CalendarYearRow.year))).all()
            days = (await session.scalars(select(CalendarDay).order_by(CalendarDay.day))).all()
        return [CalendarYear(year=y.year, source=y.source, loaded_at=y.loaded_at, loaded_by=y.loaded_by,
                             holidays=[d.day for d in days if d.day.year == y.year and not d.working],
                             workdays=[d.day for d in days if d.day.year == y.year and d.working]) for y in rows]


@strawberry.type
class TimeLimitMutation:
    @strawberry.mutation(description="A new version of a time-limit rule; applies to assignments created from now on (GOVERNANCE).")
    async def set_time_limit_rule(self, info: Info, input: SetTimeLimitRuleInput) -> TimeLimitRulePayload | None:
        row, errors = await r.write(info, rules.set_rule, case_type=input.case_type, service=input.service,
                                    variant=input.variant, unit=input.unit, amount=input.amount, source=input.source)
        return TimeLimitRulePayload(rule=TimeLimitRule.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Load or correct a year's official holiday arrangement; open deadlines that depend "
                                     "on a changed or provisional day are recounted (GOVERNANCE).")
    async def import_calendar_year(self, info: Info, input: ImportCalendarYearInput) -> CalendarImportPayload | None:
        done, errors = await r.write(info, calendar_service.import_year, data=r.plain(input))
        if done is None:
            return CalendarImportPayload(year=None, recomputed_deadlines=None, moved_deadlines=None, errors=errors)
        return CalendarImportPayload(year=done.year, recomputed_deadlines=done.recount.recomputed,
                                     moved_deadlines=done.recount.moved, errors=[])

    @strawberry.mutation(description="Put the hub's clock at another time, for demonstrations and acceptance "
                                     "(GOVERNANCE; FORBIDDEN in production). Moves this instance's clock only.")
    async def set_clock(self, info: Info, input: SetClockInput) -> ClockPayload | None:
        clock, errors = await r.write(info, clock_control.set_clock, clock=info.context.clock, at=input.at,
                                      frozen=input.frozen)
        if clock is None:
            return ClockPayload(now=None, frozen=None, errors=errors)
        return ClockPayload(now=clock.now(), frozen=clock.frozen is not None, errors=[])
