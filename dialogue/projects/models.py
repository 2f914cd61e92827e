"""Projects and programmes (with their donors), which events and commitments can belong to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.db import Base, FreeText, Moment, Versioned, foreign_key
from dialogue.people.models import Organisation
from dialogue.search import Searchable, search_index


class Project(Searchable, Versioned, Base):
    """A project or programme run with partners (e.g. a donor-funded ILO project)."""

    __table_args__ = (search_index("project"),)

    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str] = mapped_column(String(30), default="")
    lead_organisation_id: Mapped[int | None] = foreign_key("organisation", ondelete="RESTRICT", default=None)
    starts_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # ISO 3166-1 alpha-2 codes, comma-separated ("TN,MA"): a handful at most, read whole.
    countries: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[FreeText]
    archived_at: Mapped[Moment | None] = mapped_column(default=None)

    lead_organisation: Mapped[Organisation | None] = relationship(lazy="raise")
    donors: Mapped[list[ProjectDonor]] = relationship(
        back_populates="project", lazy="raise", cascade="all, delete-orphan", order_by="ProjectDonor.rank"
    )

    @property
    def display_name(self) -> str:
        return f"{self.acronym} – {self.name}" if self.acronym else self.name

    @property
    def country_codes(self) -> list[str]:
        return [code for code in self.countries.split(",") if code]


class ProjectDonor(Base):
    """An organisation funding a project."""

    __table_args__ = (UniqueConstraint("project_id", "organisation_id"),)

    project_id: Mapped[int] = foreign_key("project", ondelete="CASCADE")
    organisation_id: Mapped[int] = foreign_key("organisation", ondelete="RESTRICT")
    rank: Mapped[int] = mapped_column(Integer, default=0)

    project: Mapped[Project] = relationship(back_populates="donors", lazy="raise")
    organisation: Mapped[Organisation] = relationship(lazy="raise")
