"""The assignment (分发): one requested service of a case, owned by the utility that provides it."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, UTCDateTime

if TYPE_CHECKING:
    from hub.cases.models import Case


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("case_id", "service"),
        Index("ix_assignments_queue", "organisation_code", "status", "created_at", "id"),
        Index("ix_assignments_org_created", "organisation_code", "created_at", "id"),
        Index("ix_assignments_service_case", "service", "case_id"),
        Index("ix_assignments_org_case", "organisation_code", "case_id"),  # a utility's row scope, index only
        Index("ix_assignments_warning_due", "warning_raised_at", "warning_at"),
        Index("ix_assignments_overdue_due", "overdue_raised_at", "deadline_at"),
        Index("ix_assignments_open_deadline", "finished_at", "deadline_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(20))
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The service's section of the unified form; for a transfer, the existing 户号 is account_number.
    form: Mapped[dict] = mapped_column(JSON, default=dict)
    account_number: Mapped[str | None] = mapped_column(String(40))
    materials_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    missing_groups: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(String(1000))
    result_account_number: Mapped[str | None] = mapped_column(String(40))
    result_remarks: Mapped[str | None] = mapped_column(String(1000))
    # 材料齐全即时办理: completed although materials were incomplete — who decided so, when, and why.
    materials_override_reason: Mapped[str | None] = mapped_column(String(500))
    materials_override_by: Mapped[str | None] = mapped_column(String(200))
    materials_override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Preconditions of the catalogue (e.g. gas transfer: 安检完毕, 费用结清) the utility confirmed:
    # {code: {"on": ISO date, "by": subject, "at": ISO time}}; None when none was confirmed.
    preconditions: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The clock (时限): runs while the utility works, pauses during 补正, stops at the end.
    limit_rule_id: Mapped[int | None] = mapped_column(ForeignKey("time_limit_rules.id"))
    limit_seconds: Mapped[float | None] = mapped_column(Float)  # working time allowed, fixed when the clock starts
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_elapsed_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # working time used before running_since
    # The finished running periods [[start, end], …] (ISO): the elapsed time is recounted from them when a
    # calendar year is corrected. NULL on clocks started before they were recorded (elapsed kept as is).
    clock_periods: Mapped[list | None] = mapped_column(JSON)
    warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    warning_raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    correction_rounds: Mapped[int] = mapped_column(Integer, default=0)

    case: Mapped["Case"] = relationship(lazy="raise", back_populates="assignments")
