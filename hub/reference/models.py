"""Reference data: organisations (单位), who provides which service, and districts (行政区域)."""

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base


class Organisation(Base):
    """A utility company or government unit taking part in the reform."""

    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # UTILITY | GOVERNMENT
    description: Mapped[str] = mapped_column(String(500), default="")


class ServiceProvider(Base):
    """Which organisation handles each service; assignments are routed by it."""

    __tablename__ = "service_providers"

    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"))


class District(Base):
    """A GB/T 2260 administrative division of Kaifeng."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(300), default="")
