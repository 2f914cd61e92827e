"""The press release of a held meeting (one per meeting)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.bilingual import Translated
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Moment, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.meetings.models import Meeting
from dialogue.people.models import Person


class ReleaseStatus(Choice):
    DRAFT = "draft", N_("Draft")
    PUBLISHED = "published", N_("Published")


class PressRelease(Translated, Versioned, Base):
    """What the secretariat tells the public about a held meeting. Its texts are drafted from
    the record (title, place, the outcomes of the agenda, the secretariat's contact) and then
    edited, in French, Arabic and English (`translations`, dialogue/bilingual.py: the columns
    below hold the canonical text); only a published release is seen on the public pages, at `/public/events/{slug}`."""

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[ReleaseStatus] = mapped_column(ChoiceType(ReleaseStatus, 20), default=ReleaseStatus.DRAFT)
    # The texts that are written in each language (dialogue/bilingual.py).
    title: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[FreeText]  # the opening paragraph(s)
    outcomes: Mapped[FreeText]  # what was achieved, one point a line
    contacts: Mapped[FreeText]  # contact lines, as printed
    # The published contact: the only person whose name, role and address the public JSON gives.
    contact_person_id: Mapped[int | None] = foreign_key("person", ondelete="SET NULL", default=None)
    published_at: Mapped[Moment | None] = mapped_column(default=None)

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    contact_person: Mapped[Person | None] = relationship(lazy="raise")
