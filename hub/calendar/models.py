"""The holiday table: official arrangements per year, stored as the days that differ from Mon–Fri."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class CalendarYear(Base):
    """A year whose official arrangement (国务院办公厅节假日安排) is loaded."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    loaded_by: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer, default=1)  # +1 per re-import: tells caches the year changed


class CalendarDay(Base):
    """A holiday on a weekday (working = false) or a make-up working day on a weekend (调休, working = true)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(100), default="")
