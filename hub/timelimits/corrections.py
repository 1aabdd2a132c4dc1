"""When a calendar year is loaded or corrected, open clocks follow it.

Every open assignment whose clock depends on a day that changed (from the start
of its clock up to its deadline), or whose deadline was provisional, is
recounted in the same transaction as the import. Each deadline that moved is
announced as DEADLINE_CHANGED to the utility that owns the assignment (and on
the case's events). A warning or overdue already raised against the old
deadline that the new one no longer justifies is withdrawn: the flag is
cleared, so the scheduler raises it again if the new moment passes.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.auth.principal import Principal
from hub.calendar.calendar import WorkingCalendar
from hub.cases.models import Case
from hub.clock import LOCAL
from hub.events import log as event_log
from hub.timelimits import clock
from hub.timelimits.models import TimeLimitRule

DEADLINE_CHANGED = "DEADLINE_CHANGED"
SECOND = 1e-6  # working-time sums recounted in another order may differ in the last bits


@dataclass(frozen=True)
class Recount:
    recomputed: int  # open clocks whose deadline, warning point, provisional flag or time used changed
    moved: int  # of those, deadlines that moved (each announced)


async def follow_calendar(session: AsyncSession, before: WorkingCalendar, after: WorkingCalendar, year: int, *,
                          principal: Principal, now: datetime, share: float) -> Recount:
    rows = await _depending(session, before.changed_days(after, year))
    rules = await _rules(session, {a.limit_rule_id for a, _ in rows})
    recomputed = moved = 0
    for assignment, case_number in rows:
        old = _state(assignment)
        clock.recount(assignment, rules.get(assignment.limit_rule_id), after, share)
        if _same(old, _state(assignment)):
            continue
        recomputed += 1
        withdrawn = _withdraw_flags(assignment, now)
        if assignment.deadline_at != old[0]:
            moved += 1
            _announce(session, assignment, case_number, old[0], withdrawn, year, principal, now)
    return Recount(recomputed, moved)


async def _depending(session: AsyncSession, changed: list[date]) -> list[tuple[Assignment, str]]:
    """Open clocks that were provisional or that span a changed day; their cases are locked first, in id
    order, as every writer does (case, then its assignments), so an import cannot dead-lock with a write."""
    depends = Assignment.deadline_provisional.is_(True)
    if changed:
        first = datetime.combine(changed[0], time(), LOCAL)
        after_last = datetime.combine(changed[-1] + timedelta(days=1), time(), LOCAL)
        depends |= (Assignment.clock_started_at < after_last) & (
            Assignment.deadline_at.is_(None) | (Assignment.deadline_at > first))
    condition = Assignment.finished_at.is_(None) & Assignment.clock_started_at.is_not(None) & depends
    if session.bind.dialect.name == "postgresql":
        await session.execute(select(Case.id).where(Case.id.in_(select(Assignment.case_id).where(condition)))
                              .order_by(Case.id).with_for_update())
    stmt = (select(Assignment, Case.number).join(Case, Case.id == Assignment.case_id).where(condition)
            .order_by(Assignment.id).with_for_update(of=Assignment).execution_options(populate_existing=True))
    return [(a, number) for a, number in (await session.execute(stmt)).all()]


async def _rules(session: AsyncSession, ids: set[int | None]) -> dict[int, TimeLimitRule]:
    ids.discard(None)
    if not ids:
        return {}
    return {r.id: r for r in (await session.scalars(select(TimeLimitRule).where(TimeLimitRule.id.in_(ids)))).all()}


def _state(a: Assignment) -> tuple:
    return a.deadline_at, a.warning_at, a.deadline_provisional, a.clock_elapsed_seconds


def _same(old: tuple, new: tuple) -> bool:
    return old[:3] == new[:3] and abs(old[3] - new[3]) < SECOND


def _withdraw_flags(a: Assignment, now: datetime) -> list[str]:
    """Clear a raised warning or overdue whose moment, by the new calendar, has not come yet."""
    withdrawn = []
    if a.warning_raised_at is not None and a.warning_at is not None and a.warning_at > now:
        a.warning_raised_at = None
        withdrawn.append("TIME_LIMIT_WARNING")
    if a.overdue_raised_at is not None and a.deadline_at is not None and a.deadline_at > now:
        a.overdue_raised_at = None
        withdrawn.append("TIME_LIMIT_OVERDUE")
    return withdrawn


def _announce(session: AsyncSession, a: Assignment, case_number: str, previous: datetime | None,
              withdrawn: list[str], year: int, principal: Principal, now: datetime) -> None:
    event_log.record(session, kind=DEADLINE_CHANGED, case_id=a.case_id, assignment_id=a.id,
                     organisation_code=a.organisation_code, at=now, actor_subject=principal.subject,
                     actor_organisation=principal.organisation,
                     payload={"caseNumber": case_number, "service": a.service, "calendarYear": year,
                              "previousDeadline": previous.isoformat() if previous else None,
                              "deadline": a.deadline_at.isoformat() if a.deadline_at else None,
                              "provisional": a.deadline_provisional, "withdrawn": withdrawn})
