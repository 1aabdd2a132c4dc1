"""The supervisors' questions: who is at risk or late, and how each utility, service, district and channel does."""

import statistics
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.cases.models import Case, Site
from hub.timelimits.clock import DAY

GROUPS = {
    "UTILITY": Assignment.organisation_code,
    "SERVICE": Assignment.service,
    "CASE_TYPE": Case.case_type,
    "DISTRICT": Site.district_code,
    "CHANNEL": Case.channel,
}


async def late(session: AsyncSession, now: datetime, *, overdue: bool, first: int,
               after: tuple[datetime, uuid.UUID] | None) -> list[Assignment]:
    """Open assignments past their deadline (overdue) or past the warning point but not yet the deadline."""
    cond = [Assignment.finished_at.is_(None), Assignment.deadline_at.is_not(None)]
    cond.append(Assignment.deadline_at <= now if overdue else and_(Assignment.warning_at <= now, Assignment.deadline_at > now))
    stmt = select(Assignment).where(*cond)
    if after:
        stmt = stmt.where(tuple_(Assignment.deadline_at, Assignment.id) > tuple_(*after))
    return list((await session.scalars(stmt.order_by(Assignment.deadline_at, Assignment.id).limit(first))).all())


@dataclass
class Group:
    key: str
    by_status: dict[str, int] = field(default_factory=dict)
    finished: int = 0
    on_time: int = 0
    correction_rounds: int = 0
    working_days: list[float] = field(default_factory=list)
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.finished if self.finished else None


async def statistics_by(session: AsyncSession, group_by: str, since: datetime, until: datetime) -> list[Group]:
    """Counts by status, on-time rate, 补正 rounds and handling time (working days) per group, for cases
    submitted in [since, until). On PostgreSQL the percentiles are computed in SQL; SQLite has no
    percentile function, so there they are computed from the per-group values."""
    key = GROUPS[group_by]
    base = (select(Assignment).join(Case, Case.id == Assignment.case_id)
            .where(Case.submitted_at >= since, Case.submitted_at < until))
    if group_by == "DISTRICT":  # the site table is read only when grouping by it
        base = base.join(Site, Site.case_id == Case.id)
    counts = (await session.execute(base.with_only_columns(key, Assignment.status, func.count())
                                    .group_by(key, Assignment.status))).all()
    groups: dict[str, Group] = {}
    for k, status, n in counts:
        groups.setdefault(k, Group(k)).by_status[status] = n
    finished = Assignment.finished_at.is_not(None) & Assignment.clock_started_at.is_not(None)
    days = Assignment.clock_elapsed_seconds / DAY
    totals = base.with_only_columns(
        key, func.count().filter(finished), func.count().filter(finished & Assignment.on_time.is_(True)),
        func.coalesce(func.sum(Assignment.correction_rounds), 0)).group_by(key)
    if session.bind.dialect.name == "postgresql":
        totals = totals.add_columns(func.percentile_cont(0.5).within_group(days).filter(finished),
                                    func.percentile_cont(0.9).within_group(days).filter(finished))
    for row in (await session.execute(totals)).all():
        group = groups[row[0]]
        group.finished, group.on_time, group.correction_rounds = row[1], row[2], row[3]
        if len(row) > 4:
            group.median_days, group.p90_days = row[4], row[5]
    if session.bind.dialect.name != "postgresql":
        await _percentiles_in_python(session, base, key, days, finished, groups)
    return sorted(groups.values(), key=lambda g: g.key)


async def _percentiles_in_python(session, base, key, days, finished, groups) -> None:  # type: ignore[no-untyped-def]
    values = (await session.execute(base.with_only_columns(key, days).where(finished))).all()
    for k, d in values:
        groups[k].working_days.append(d)
    for group in groups.values():
        if group.working_days:
            ordered = sorted(group.working_days)
            group.median_days = statistics.median(ordered)
            group.p90_days = _percentile_cont(ordered, 0.9)


def _percentile_cont(ordered: list[float], q: float) -> float:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

