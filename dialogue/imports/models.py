"""A file uploaded for import, kept between its preview and its confirmation."""

from __future__ import annotations

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.db import Base, foreign_key


class ImportUpload(Base):
    """The bytes of an uploaded file and who sent it. Kept in the database, not in a server
    process (several may serve the app) nor in the session cookie; deleted once imported,
    and purged after a day (`dialogue.imports.service.KEEP`)."""

    __table_args__ = (Index("ix_import_upload_created_at", "created_at"),)

    account_id: Mapped[int] = foreign_key("account", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
