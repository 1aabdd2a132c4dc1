"""Time-limit rules (时限规则), versioned: every change is a new row; assignments keep the rule they started with."""

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class TimeLimitRule(Base):
    __tablename__ = "time_limit_rules"
    __table_args__ = (Index("ix_time_limit_rules_key", "case_type", "service", "variant", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_type: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(20))
    variant: Mapped[str] = mapped_column(String(40))  # DEFAULT, HIGH_VOLTAGE, LOW_VOLTAGE_EXTERNAL_WORKS
    unit: Mapped[str] = mapped_column(String(20))  # WORKING_DAYS | WORKING_HOURS | SAME_WORKING_DAY
    amount: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
