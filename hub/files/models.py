"""Stored files and the uploads that give their uploaders the right to attach them to a material."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class StoredFile(Base):
    """One file's content, kept once however many materials name it (content-addressed by SHA-256)."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FileUpload(Base):
    """Who uploaded a file, and until when they may attach it to a material.

    Knowing a file's hash is not enough to attach it: only a caller who sent
    the bytes holds an upload, so a hash seen elsewhere cannot be turned into
    a download.
    """

    __tablename__ = "file_uploads"
    __table_args__ = (Index("ix_file_uploads_expires", "expires_at"),)

    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256", ondelete="CASCADE"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    organisation: Mapped[str | None] = mapped_column(String(32))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
