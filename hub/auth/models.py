"""OAuth clients: machine callers (utility systems, the government platform) with client credentials."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class OAuthClient(Base):
    """Bound to one organisation and a set of roles; the secret is stored only as a hash."""

    __tablename__ = "oauth_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    roles: Mapped[list] = mapped_column(JSON)
    secret_hash: Mapped[str] = mapped_column(String(300))
    secret_generation: Mapped[int] = mapped_column(Integer, default=1)  # tokens of older generations are refused
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
