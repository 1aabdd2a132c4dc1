"""The hub's notion of now (UTC) and of the local calendar day (Asia/Shanghai).

`Clock` is what the running hub asks for the time of everything it records and
decides (submissions, deadlines, warnings, the SMS outbox, audit). Outside
production it can be moved — started at `HUB_CLOCK_START`, set by governance
(`setClock`), frozen by tests — to show or check deadlines around a holiday
without touching the system time. Token lifetimes always follow real time.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


def aware(moment: datetime) -> datetime:
    """A time without an offset is Kaifeng local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL)


@dataclass
class Clock:
    offset: timedelta = timedelta(0)
    frozen: datetime | None = None
    movable: bool = True  # False in production: the clock is the system's

    def now(self) -> datetime:
        return self.frozen if self.frozen is not None else utcnow() + self.offset

    def freeze_at(self, moment: datetime) -> None:
        """The clock reads `moment` until moved again."""
        self.frozen = moment.astimezone(timezone.utc)

    def run_from(self, moment: datetime) -> None:
        """The clock reads `moment` now and runs on from there at the normal pace."""
        self.frozen, self.offset = None, moment.astimezone(timezone.utc) - utcnow()

    def reset(self) -> None:
        self.frozen, self.offset = None, timedelta(0)


class ClockSettings(Protocol):
    is_embedded: bool
    clock_start: datetime | None


def clock_for(settings: ClockSettings) -> Clock:
    """The process's clock: from HUB_CLOCK_START if set, which production refuses (SystemExit, one line)."""
    if not settings.is_embedded:
        if settings.clock_start is not None:
            raise SystemExit("hub: refused to start: HUB_CLOCK_START is not allowed with HUB_ENVIRONMENT=production "
                             "(a production hub runs on the system clock); unset it")
        return Clock(movable=False)
    clock = Clock()
    if settings.clock_start is not None:
        clock.run_from(aware(settings.clock_start))
    return clock
