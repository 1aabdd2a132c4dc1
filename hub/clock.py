"""The hub's notion of now (UTC) and of the local calendar day (Asia/Shanghai)."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()
