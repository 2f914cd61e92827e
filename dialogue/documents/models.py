"""A document and its versions. The bytes are in the storage backend (dialogue/documents/
storage.py) under each version's `storage_key`; the rows say what, who and when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.accounts.models import Account
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, foreign_key
from dialogue.i18n import N_
from dialogue.people.models import Side


class Attachment(Choice):
    """What a document is attached to (the address `/documents/for/<kind>/<id>`)."""

    MEETING = "meeting", N_("The meeting")
    ITEM = "item", N_("Agenda item")
    POSITION = "position", N_("Position")
    PROGRESS = "progress", N_("Progress note")


class Document(Base):
    """A titled document attached to exactly one meeting, agenda item, position or progress
    note. `meeting_id` (or `commitment_id` for a progress note) names the record it belongs
    to, for its lists and its history; the target is the most specific column set."""

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN agenda_item_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN position_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN progress_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_target",
        ),
        CheckConstraint("meeting_id IS NOT NULL OR progress_id IS NOT NULL", name="has_record"),
        CheckConstraint("internal = false OR side IS NOT NULL", name="internal_has_side"),
    )

    title: Mapped[str] = mapped_column(String(300))
    meeting_id: Mapped[int | None] = foreign_key("meeting", ondelete="CASCADE")
    agenda_item_id: Mapped[int | None] = foreign_key("agenda_item", ondelete="CASCADE", default=None)
    position_id: Mapped[int | None] = foreign_key("position", ondelete="CASCADE", default=None)
    commitment_id: Mapped[int | None] = foreign_key("commitment", ondelete="CASCADE", default=None)
    progress_id: Mapped[int | None] = foreign_key("commitment_update", ondelete="CASCADE", default=None)
    # Internal to `side`: only that side's delegates and the secretariat see it (and its files).
    side: Mapped[Side | None] = mapped_column(ChoiceType(Side, 20), default=None)
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    current_version: Mapped[int] = mapped_column(Integer, default=1)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="DocumentVersion.number.desc()",
    )

    @property
    def attachment(self) -> Attachment:
        if self.progress_id is not None:
            return Attachment.PROGRESS
        if self.position_id is not None:
            return Attachment.POSITION
        if self.agenda_item_id is not None:
            return Attachment.ITEM
        return Attachment.MEETING

    @property
    def latest(self) -> DocumentVersion:
        return self.versions[0]


class DocumentVersion(Base):
    """One uploaded file of a document: version `number`, by whom (`created_at`: when)."""

    __table_args__ = (UniqueConstraint("document_id", "number"),)

    document_id: Mapped[int] = foreign_key("document", ondelete="CASCADE")
    number: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = foreign_key("account", ondelete="SET NULL", default=None)

    document: Mapped[Document] = relationship(back_populates="versions", lazy="raise")
    uploaded_by: Mapped[Account | None] = relationship(lazy="raise")

    @property
    def uploaded_at(self) -> dt.datetime:
        return self.created_at
