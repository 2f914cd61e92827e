"""Agenda items, their documents, positions and outcomes."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.bilingual import Translated
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Versioned, foreign_key
from dialogue.i18n import N_, pgettext
from dialogue.meetings.models import Meeting
from dialogue.people.models import Person, Side


class C144Matter(Choice):
    """ILO Convention No. 144, Article 5(1): the matters tripartite consultations cover."""

    A = "a", N_("(a) Replies to ILO questionnaires on Conference agenda items")
    B = "b", N_("(b) Submission of new Conventions and Recommendations to the competent authorities")
    C = "c", N_("(c) Re-examination of unratified Conventions and of Recommendations")
    D = "d", N_("(d) Questions arising on reports on ratified Conventions (art. 22)")
    E = "e", N_("(e) Proposals to denounce a Convention")

    @property
    def letter(self) -> str:
        """The sub-paragraph letter as written in the user's language: "a" in French, "أ" in Arabic."""
        letters = {
            "a": pgettext("C144 Art. 5(1) sub-paragraph", "a"),
            "b": pgettext("C144 Art. 5(1) sub-paragraph", "b"),
            "c": pgettext("C144 Art. 5(1) sub-paragraph", "c"),
            "d": pgettext("C144 Art. 5(1) sub-paragraph", "d"),
            "e": pgettext("C144 Art. 5(1) sub-paragraph", "e"),
        }
        return letters[self.value]


class Stance(Choice):
    NONE = "none", N_("No position yet")
    SUPPORT = "support", N_("Support")
    OPPOSE = "oppose", N_("Oppose")
    RESERVATION = "reservation", N_("Reservation")
    CONDITIONAL = "conditional", N_("Conditional")


class OutcomeKind(Choice):
    TRIPARTITE_AGREEMENT = "tripartite_agreement", N_("Tripartite agreement")
    BILATERAL_AGREEMENT = "bilateral_agreement", N_("Bilateral agreement")
    NO_AGREEMENT = "no_agreement", N_("No agreement")
    DEFERRED = "deferred", N_("Deferred")
    FOR_INFORMATION = "for_information", N_("For information")


class AgendaItem(Translated, Versioned, Base):
    __table_args__ = (Index("ix_agenda_item_meeting_rank", "meeting_id", "rank"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[FreeText]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    presenter_id: Mapped[int | None] = foreign_key("person", ondelete="RESTRICT", default=None)
    c144_matter: Mapped[C144Matter | None] = mapped_column(ChoiceType(C144Matter, 1), default=None, index=True)
    # The "follow-up of commitments" (matters arising) item proposed when the meeting was
    # scheduled: pages and minutes show the live list of open commitments under it.
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    presenter: Mapped[Person | None] = relationship(lazy="raise")
    documents: Mapped[list[AgendaDocument]] = relationship(
        back_populates="item", lazy="raise", cascade="all, delete-orphan", order_by="AgendaDocument.id"
    )
    positions: Mapped[list[Position]] = relationship(back_populates="item", lazy="raise", cascade="all, delete-orphan")
    outcome: Mapped[Outcome | None] = relationship(back_populates="item", lazy="raise", cascade="all, delete-orphan")


class AgendaDocument(Base):
    item_id: Mapped[int] = foreign_key("agenda_item", ondelete="CASCADE")
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500))

    item: Mapped[AgendaItem] = relationship(back_populates="documents", lazy="raise")


class Position(Versioned, Base):
    """One side's stance on one agenda item, with its statement."""

    __table_args__ = (UniqueConstraint("item_id", "side"),)

    item_id: Mapped[int] = foreign_key("agenda_item", ondelete="CASCADE")
    side: Mapped[Side] = mapped_column(ChoiceType(Side, 20))
    stance: Mapped[Stance] = mapped_column(ChoiceType(Stance, 20), default=Stance.NONE)
    statement: Mapped[FreeText]
    # A draft kept inside the side: only its delegates and the secretariat see it.
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    item: Mapped[AgendaItem] = relationship(back_populates="positions", lazy="raise")


class Outcome(Translated, Versioned, Base):
    """What the meeting concluded on an item."""

    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[OutcomeKind] = mapped_column(ChoiceType(OutcomeKind, 30))
    # For a bilateral agreement: the two sides that agreed, e.g. "government,workers".
    sides: Mapped[str] = mapped_column(String(60), default="")
    text: Mapped[FreeText]

    item: Mapped[AgendaItem] = relationship(back_populates="outcome", lazy="raise")

    @property
    def agreeing_sides(self) -> list[Side]:
        return [Side(value) for value in self.sides.split(",") if value]
