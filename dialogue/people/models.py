"""Sides, organisations and people."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Moment, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.search import Searchable, search_index


class Side(Choice):
    """The three sides at the table, and observers who attend but never count."""

    GOVERNMENT = "government", N_("Government")
    WORKERS = "workers", N_("Workers")
    EMPLOYERS = "employers", N_("Employers")
    OBSERVERS = "observers", N_("Observers")
    # Organisations beyond the three sides (international organisations, donors, public
    # institutions, NGOs): they take roles on events, never count and never approve.
    PARTNERS = "partners", N_("Partners")

    @classmethod
    def parties(cls) -> tuple[Side, Side, Side]:
        """The sides that hold positions, count for quorum and approve minutes."""
        return (cls.GOVERNMENT, cls.WORKERS, cls.EMPLOYERS)


class OrganisationCategory(Choice):
    """What kind of organisation a partner is (organisations of the sides have none)."""

    INTERNATIONAL = "international", N_("International organisation")
    DONOR = "donor", N_("Donor")
    PUBLIC_INSTITUTION = "public_institution", N_("Public institution")
    NGO = "ngo", N_("NGO")
    OTHER = "other", N_("Other")


class Language(Choice):
    FR = "fr", N_("French")
    AR = "ar", N_("Arabic")
    EN = "en", N_("English")


class Organisation(Searchable, Versioned, Base):
    """A ministry, agency, confederation or international organisation, on one side."""

    __table_args__ = (search_index("organisation"),)

    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str] = mapped_column(String(30), default="")
    side: Mapped[Side] = mapped_column(ChoiceType(Side, 20), index=True)
    category: Mapped[OrganisationCategory | None] = mapped_column(ChoiceType(OrganisationCategory, 20), default=None)
    description: Mapped[FreeText]
    archived_at: Mapped[Moment | None] = mapped_column(default=None)

    people: Mapped[list[Person]] = relationship(back_populates="organisation", lazy="raise")

    @property
    def display_name(self) -> str:
        return f"{self.acronym} – {self.name}" if self.acronym else self.name


class Person(Searchable, Versioned, Base):
    __table_args__ = (search_index("person"),)

    full_name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_id: Mapped[int] = foreign_key("organisation", ondelete="RESTRICT")
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), unique=True, default=None)
    phone: Mapped[str] = mapped_column(String(50), default="")
    language: Mapped[Language] = mapped_column(ChoiceType(Language, 2), default=Language.FR)
    archived_at: Mapped[Moment | None] = mapped_column(default=None)

    organisation: Mapped[Organisation] = relationship(back_populates="people", lazy="raise")
