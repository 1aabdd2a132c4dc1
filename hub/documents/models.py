"""The registry of persisted documents: each document's exact text under the SHA-256 of its UTF-8 bytes."""

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class PersistedDocument(Base):
    """A registered GraphQL document (持久化文档). Never changed once written: its key is its content's hash."""

    __tablename__ = "persisted_documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # lowercase hex
    document: Mapped[str] = mapped_column(Text)
    operation_names: Mapped[list] = mapped_column(JSON)  # for people reading the list; null names are left out
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    registered_by: Mapped[str] = mapped_column(String(200))
    client_name: Mapped[str | None] = mapped_column(String(100))
    client_version: Mapped[str | None] = mapped_column(String(50))
