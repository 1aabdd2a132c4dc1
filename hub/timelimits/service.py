"""What each step of an assignment's life does to its clock. Called inside the writing transaction."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hub.assignments.models import Assignment
from hub.calendar import store as calendar_store
from hub.config import get_settings
from hub.enums import AssignmentStatus as S
from hub.timelimits import clock, rules
from hub.timelimits.models import TimeLimitRule


class Clocks:
    """The calendar, rules and warning share for one unit of work."""

    def __init__(self, session: AsyncSession):
        self.session = session
        self.share = get_settings().time_limit_warning_share
        self._calendar = None
        self._rules: rules.Rules | None = None

    async def calendar(self):  # type: ignore[no-untyped-def]
        if self._calendar is None:
            self._calendar = await calendar_store.current(self.session)
        return self._calendar

    async def assign_rule(self, a: Assignment, case_type: str) -> None:
        """Fix the rule at creation: later rule changes apply only to newer assignments."""
        rule = rules.rule_for((await self.kept_rules()).current, case_type, a.service, a.form)
        a.limit_rule_id = rule.id if rule else None

    async def kept_rules(self) -> rules.Rules:
        if self._rules is None:
            self._rules = await rules.kept_rules(self.session)
        return self._rules

    async def _rule(self, a: Assignment) -> rules.Rule | TimeLimitRule | None:
        if not a.limit_rule_id:
            return None
        kept = (await self.kept_rules()).by_id.get(a.limit_rule_id)
        return kept if kept is not None else await self.session.get(TimeLimitRule, a.limit_rule_id)

    async def materials_ready(self, a: Assignment, now: datetime) -> None:
        """材料齐全 (or accepted by the utility): start the clock, or resume it after 补正."""
        if a.clock_started_at is None:
            clock.start(a, await self._rule(a), await self.calendar(), now, self.share)
        else:
            clock.resume(a, await self.calendar(), now, self.share)

    async def moved(self, a: Assignment, now: datetime) -> None:
        if a.status == S.NEEDS_MATERIALS:
            a.correction_rounds += 1
            clock.pause(a, await self.calendar(), now)
        elif a.status == S.ACCEPTED:
            await self.materials_ready(a, now)
        elif a.status in (S.COMPLETED, S.REJECTED):
            clock.stop(a, await self.calendar(), now)
