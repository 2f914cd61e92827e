"""Minutes of a meeting: the draft's narratives, the circulated versions, each side's
decision on a version, and the addenda written after adoption.

The structured parts of the minutes (attendance, positions, outcomes, commitments) are not
stored here while the minutes are a draft: they are rebuilt from the record on every view.
Circulating freezes them, with the narratives, into a `MinutesVersion` (the canonical JSON
of a `MinutesDocument`, dialogue/minutes/document.py).

Every table carries `meeting_id` so that the audit trail files its changes under the meeting.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.bilingual import Translated
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Moment, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.people.models import Side


class MinutesStatus(Choice):
    DRAFT = "draft", N_("Draft")
    CIRCULATED = "circulated", N_("Circulated")
    ADOPTED = "adopted", N_("Adopted")


class Decision(Choice):
    """A side's answer to a circulated version."""

    APPROVED = "approved", N_("Approved")
    RESERVATIONS = "reservations", N_("Approved with reservations")
    CHANGES_REQUESTED = "changes_requested", N_("Changes requested")

    @property
    def approves(self) -> bool:
        return self in (Decision.APPROVED, Decision.RESERVATIONS)


class Minutes(Translated, Versioned, Base):
    """The minutes of one meeting: where they stand and the narratives the secretariat writes
    (the text of each agenda item is a `MinutesItemNote`). `version` (optimistic locking)
    guards the narratives; `current_version` is the number of the last circulated version."""

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(ChoiceType(MinutesStatus, 20), default=MinutesStatus.DRAFT)
    introduction: Mapped[FreeText]
    closing: Mapped[FreeText]
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    adopted_at: Mapped[Moment | None] = mapped_column(default=None)
    # SHA-256 of the adopted document (document.content_hash), shown with the minutes.
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)


class MinutesItemNote(Translated, Base):
    """The secretariat's summary of one agenda item, in the draft."""

    __table_args__ = (UniqueConstraint("minutes_id", "agenda_item_id"),)

    minutes_id: Mapped[int] = foreign_key("minutes", ondelete="CASCADE")
    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    agenda_item_id: Mapped[int] = foreign_key("agenda_item", ondelete="CASCADE")
    summary: Mapped[FreeText]


class MinutesVersion(Base):
    """A circulated version: the document frozen as canonical JSON, and the party sides
    that must approve it (those with members present, counted as for the quorum)."""

    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    minutes_id: Mapped[int] = foreign_key("minutes", ondelete="CASCADE")
    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    number: Mapped[int] = mapped_column(Integer)
    circulated_at: Mapped[Moment]
    circulated_by_id: Mapped[int | None] = foreign_key("account", ondelete="SET NULL", default=None)
    circulated_by: Mapped[str] = mapped_column(String(254), default="")
    # Comma-separated Side values, e.g. "government,workers,employers".
    sides: Mapped[str] = mapped_column(String(60), default="")
    content: Mapped[str] = mapped_column(Text)

    @property
    def approving_sides(self) -> list[Side]:
        return [Side(value) for value in self.sides.split(",") if value]


class MinutesDecision(Versioned, Base):
    """One side's decision on one version (a side may change it while the version is
    circulated; a revision starts with none)."""

    __table_args__ = (UniqueConstraint("version_id", "side"),)

    version_id: Mapped[int] = foreign_key("minutes_version", ondelete="CASCADE")
    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    side: Mapped[Side] = mapped_column(ChoiceType(Side, 20))
    account_id: Mapped[int | None] = foreign_key("account", ondelete="SET NULL", default=None)
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    decision: Mapped[Decision] = mapped_column(ChoiceType(Decision, 20))
    # The reservation (it goes into the minutes) or the general comment.
    text: Mapped[FreeText]
    decided_at: Mapped[Moment]


class MinutesItemComment(Base):
    """A side's comment on one agenda item, with its decision ("changes requested")."""

    decision_id: Mapped[int] = foreign_key("minutes_decision", ondelete="CASCADE")
    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    agenda_item_id: Mapped[int | None] = foreign_key("agenda_item", ondelete="SET NULL", default=None)
    # The item's title as the version showed it (the item may change or go later).
    item_title: Mapped[str] = mapped_column(String(300), default="")
    comment: Mapped[str] = mapped_column(Text)


class MinutesAddendum(Base):
    """A dated correction to adopted minutes: shown at the end of every export; the adopted
    document and its SHA-256 stay as they were."""

    minutes_id: Mapped[int] = foreign_key("minutes", ondelete="CASCADE")
    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    written_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    account_id: Mapped[int | None] = foreign_key("account", ondelete="SET NULL", default=None)
    written_by: Mapped[str] = mapped_column(String(254), default="")


class RenderedMinutes(Base):
    """An export of adopted minutes, made once and served to everyone after (every app
    process reads it here): `key` is the SHA-256 of the document, the format, the language
    and the renderer (dialogue/minutes/rendered.py), so anything that would change the file
    gives another key. Drafts and circulated versions are never kept."""

    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    key: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(LargeBinary)
