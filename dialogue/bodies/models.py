"""Bodies and their members."""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Moment, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.people.models import Person
from dialogue.search import Searchable, search_index


class BodyKind(Choice):
    PLENARY = "plenary", N_("Plenary")
    COMMITTEE = "committee", N_("Committee")
    WORKING_GROUP = "working_group", N_("Working group")


class QuorumRule(Choice):
    EACH_SIDE = "each_side", N_("Each side present")
    MIN_PER_SIDE = "min_per_side", N_("A minimum number per side")


class MembershipKind(Choice):
    TITULAR = "titular", N_("Titular")
    ALTERNATE = "alternate", N_("Alternate")


class Body(Searchable, Versioned, Base):
    """A plenary, committee or working group whose meetings Dialogue records."""

    __table_args__ = (search_index("body"),)

    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[BodyKind] = mapped_column(ChoiceType(BodyKind, 20), default=BodyKind.COMMITTEE)
    description: Mapped[FreeText]
    quorum_rule: Mapped[QuorumRule] = mapped_column(ChoiceType(QuorumRule, 20), default=QuorumRule.EACH_SIDE)
    quorum_min_per_side: Mapped[int] = mapped_column(Integer, default=1)
    archived_at: Mapped[Moment | None] = mapped_column(default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="body", lazy="raise", cascade="all, delete-orphan"
    )


class Membership(Base):
    __table_args__ = (UniqueConstraint("body_id", "person_id"),)

    body_id: Mapped[int] = foreign_key("body", ondelete="CASCADE")
    person_id: Mapped[int] = foreign_key("person", ondelete="RESTRICT")
    kind: Mapped[MembershipKind] = mapped_column(ChoiceType(MembershipKind, 20), default=MembershipKind.TITULAR)

    body: Mapped[Body] = relationship(back_populates="memberships", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
