"""Commitments and their progress updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, Index, String, Text, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.agenda.models import AgendaItem
from dialogue.bilingual import Translated
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.meetings.models import Meeting
from dialogue.people.models import Organisation, Person, Side
from dialogue.projects.models import Project
from dialogue.search import Searchable, search_index


class CommitmentStatus(Choice):
    OPEN = "open", N_("Open")
    IN_PROGRESS = "in_progress", N_("In progress")
    DONE = "done", N_("Done")
    DROPPED = "dropped", N_("Dropped")

    @classmethod
    def active(cls) -> tuple[CommitmentStatus, CommitmentStatus]:
        """Statuses of a commitment still to be kept: these can be overdue."""
        return (cls.OPEN, cls.IN_PROGRESS)


class Commitment(Translated, Searchable, Versioned, Base):
    __table_args__ = (
        Index("ix_commitment_status_due", "status", "due_on"),
        # The dashboard's counts by side and status (with the overdue and due-soon sums) read
        # this index alone, not the table: at ten years of records a tenth of the time.
        Index("ix_commitment_side_status_due", "side", "status", "due_on"),
        search_index("commitment"),
    )

    meeting_id: Mapped[int | None] = foreign_key("meeting", ondelete="RESTRICT", default=None)
    agenda_item_id: Mapped[int | None] = foreign_key("agenda_item", ondelete="RESTRICT", default=None)
    project_id: Mapped[int | None] = foreign_key("project", ondelete="RESTRICT", default=None)
    # True when the commitment is part of the item's outcome (an agreement), not only the item.
    from_outcome: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    # The commitment's number in the secretariat's own follow-up (a spreadsheet it imported,
    # dialogue/imports): a second import of the same sheet finds the same commitment.
    reference: Mapped[str | None] = mapped_column(String(60), unique=True, index=True, default=None)
    description: Mapped[FreeText]
    side: Mapped[Side] = mapped_column(ChoiceType(Side, 20))
    organisation_id: Mapped[int | None] = foreign_key("organisation", ondelete="RESTRICT", default=None)
    responsible_id: Mapped[int | None] = foreign_key("person", ondelete="RESTRICT", default=None)
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    status: Mapped[CommitmentStatus] = mapped_column(ChoiceType(CommitmentStatus, 20), default=CommitmentStatus.OPEN)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    meeting: Mapped[Meeting | None] = relationship(lazy="raise")
    project: Mapped[Project | None] = relationship(lazy="raise")
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="raise")
    organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    responsible: Mapped[Person | None] = relationship(lazy="raise")
    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(CommitmentUpdate.written_on.desc(), CommitmentUpdate.id.desc())",
    )

    def is_overdue(self, today: dt.date) -> bool:
        """Overdue is derived, never stored: an active commitment past its due date."""
        return self.status in CommitmentStatus.active() and self.due_on is not None and self.due_on < today


def _commitment_side(context: Any) -> Any:
    """The default side of a note: its commitment's side at the time of writing."""
    commitment_id = context.get_current_parameters()["commitment_id"]
    return context.connection.execute(select(Commitment.side).where(Commitment.id == commitment_id)).scalar()


class CommitmentUpdate(Base):
    """A dated note on a commitment's progress, with optional evidence and a new status."""

    commitment_id: Mapped[int] = foreign_key("commitment", ondelete="CASCADE")
    written_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[CommitmentStatus | None] = mapped_column(ChoiceType(CommitmentStatus, 20), default=None)
    # A note kept inside its side: only that side's delegates and the secretariat see it.
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The side that wrote the note (the commitment's side when it was written). An internal
    # note stays with it whatever later happens to the commitment (moved to another side).
    side: Mapped[Side] = mapped_column(ChoiceType(Side, 20), default=_commitment_side)

    commitment: Mapped[Commitment] = relationship(back_populates="updates", lazy="raise")
