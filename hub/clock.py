"""The hub's notion of now (UTC) and of the local calendar day (Asia/Shanghai).

`Clock` is what the running hub asks; operators and tests can move it (for
example to check deadlines around a holiday) without touching the system time.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


@dataclass
class Clock:
    offset: timedelta = timedelta(0)
    frozen: datetime | None = None

    def now(self) -> datetime:
        return self.frozen if self.frozen is not None else utcnow() + self.offset

    def freeze_at(self, moment: datetime) -> None:
        """The clock reads `moment` until moved again."""
        self.frozen = moment.astimezone(timezone.utc)

    def reset(self) -> None:
        self.frozen, self.offset = None, timedelta(0)
