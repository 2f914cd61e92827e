"""Rules of organisations and their sides: the sides overview, list, add, edit, archive, delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advanced_alchemy.filters import OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import Commitment
from dialogue.db import count_per_row
from dialogue.i18n import _, ngettext
from dialogue.people.models import Organisation, OrganisationCategory, Person, Side
from dialogue.people.service import (
    DESCRIPTION_MAX,
    SLUG,
    Kept,
    counted_page,
    counts_for_quorum,
    delete_record,
    draft_of,
    found,
    reasons,
    references,
    refuse,
    searched,
    side_rank,
    taken,
    text_errors,
)
from dialogue.sorting import EVERY_ROW, Window

# Sides ---------------------------------------------------------------------------------


@dataclass
class SideSummary:
    side: Side
    organisations: list[tuple[Organisation, int]] = field(default_factory=list)

    @property
    def counts_for_quorum(self) -> bool:
        return counts_for_quorum(self.side)

    @property
    def people_count(self) -> int:
        return sum(count for _org, count in self.organisations)


def _people_count() -> Any:
    """How many active people an organisation has (a correlated subquery: no N+1)."""
    return count_per_row(Person, Organisation, Person.organisation_id == Organisation.id, Person.archived_at.is_(None))


async def sides_overview(db: AsyncSession) -> list[SideSummary]:
    """The four sides, each with its active organisations and their number of active people."""
    rows = await db.execute(
        select(Organisation, _people_count().label("people"))
        .where(Organisation.archived_at.is_(None))
        .order_by(Organisation.name, Organisation.id)
    )
    summaries = {side: SideSummary(side) for side in Side}
    for org, count in rows.all():
        summaries[org.side].organisations.append((org, count))
    return list(summaries.values())


# Organisations -------------------------------------------------------------------------


class OrganisationRepository(SQLAlchemyAsyncRepository[Organisation]):
    model_type = Organisation


BY_NAME = (OrderBy("name"), OrderBy("id"))


async def active_organisations(db: AsyncSession) -> list[Organisation]:
    """Organisations that pickers may propose (not archived), ordered by name."""
    return list(await OrganisationRepository(session=db).get_many(Organisation.archived_at.is_(None), *BY_NAME))


async def all_organisations(db: AsyncSession) -> list[Organisation]:
    """Every organisation, archived ones included (for filters), ordered by name."""
    return list(await OrganisationRepository(session=db).get_many(*BY_NAME))


ORGANISATION_SORTS = ("name", "acronym", "side", "people")


def _organisation_filters(query: Select[Any], side: Side | None, q: str | None, archived: bool) -> Select[Any]:
    if side is not None:
        query = query.where(Organisation.side == side)
    return searched(query, Organisation, q, archived)


async def list_organisations(
    db: AsyncSession,
    *,
    side: Side | None = None,
    q: str | None = None,
    archived: bool = False,
    window: Window = EVERY_ROW,
) -> tuple[list[tuple[Organisation, int]], int]:
    """One page of organisations with their number of active people, and the total.

    `archived=True` includes archived organisations; `q` searches name, acronym and slug.
    """
    people = _people_count()
    columns = {
        "name": (func.lower(Organisation.name),),
        "acronym": (func.lower(Organisation.acronym),),
        "side": (side_rank(Organisation.side),),
        "people": (people,),
    }
    query = _organisation_filters(select(Organisation, people.label("people")), side, q, archived)
    rows, total = await counted_page(db, query, columns, (Organisation.name, Organisation.id), window)
    return [(org, count) for org, count in rows], total


async def get_organisation(db: AsyncSession, organisation_id: int) -> Organisation:
    return await found(OrganisationRepository(session=db), Organisation.id == organisation_id)


@dataclass
class OrganisationDraft:
    """The fields of an organisation as typed (None where a field is missing or unreadable)."""

    slug: str = ""
    name: str = ""
    acronym: str = ""
    side: Side | None = None
    description: str = ""
    # Partners only (international organisation, donor...); the sides' organisations have none.
    category: OrganisationCategory | None = None

    @classmethod
    def of(cls, org: Organisation) -> OrganisationDraft:
        return draft_of(cls, org)


def _duplicate_slug() -> str:
    return _("Another organisation already uses this short identifier: choose another one.")


async def organisation_errors(
    db: AsyncSession, draft: OrganisationDraft, current: Organisation | None = None
) -> dict[str, str]:
    """Every problem with `draft`, by field; the slug must be unused (`current`: the one edited)."""
    slug = draft.slug.strip().lower()
    errors = text_errors(
        {
            "slug": (slug, 40, True),
            "name": (draft.name.strip(), 200, True),
            "acronym": (draft.acronym.strip(), 30, False),
            "description": (draft.description.strip(), DESCRIPTION_MAX, False),
        }
    )
    if "slug" not in errors:
        if not SLUG.match(slug):
            errors["slug"] = _("Use lowercase letters, digits and hyphens only (for example: ugtt).")
        elif await taken(db, Organisation.slug, slug, current):
            errors["slug"] = _duplicate_slug()
    if draft.side is None:
        errors["side"] = _("This field is required.")
    elif draft.side == Side.PARTNERS and draft.category is None:
        errors["category"] = _("Say what kind of partner this organisation is.")
    return errors


async def _apply_organisation(db: AsyncSession, org: Organisation, draft: OrganisationDraft) -> None:
    refuse(await organisation_errors(db, draft, org if org.id else None), draft)
    assert draft.side is not None
    org.slug = draft.slug.strip().lower()
    org.name = draft.name.strip()
    org.acronym = draft.acronym.strip()
    org.side = draft.side
    org.description = draft.description.strip()
    org.category = draft.category if draft.side == Side.PARTNERS else None


ORGANISATIONS = Kept(Organisation, OrganisationDraft, _apply_organisation, "slug", _duplicate_slug)
organisation_values = ORGANISATIONS.values
create_organisation, update_organisation = ORGANISATIONS.create, ORGANISATIONS.update
set_organisation_archived = ORGANISATIONS.set_archived


async def organisation_references(db: AsyncSession, organisation_id: int) -> dict[str, int]:
    """What depends on an organisation: its people (archived too) and commitments."""
    columns = {"people": Person.organisation_id, "commitments": Commitment.organisation_id}
    return await references(db, organisation_id, columns)


async def delete_organisation(db: AsyncSession, org: Organisation) -> None:
    """Delete an organisation nobody depends on; otherwise refuse and explain (archive it)."""
    why = reasons(
        await organisation_references(db, org.id),
        {
            "people": lambda n: ngettext("it has %(num)d person", "it has %(num)d people", n),
            "commitments": lambda n: ngettext("it holds %(num)d commitment", "it holds %(num)d commitments", n),
        },
    )
    if not why:
        await db.refresh(org, ["people"])  # empty, but the ORM looks at it before deleting
    refusal = _(
        "This organisation cannot be deleted: {reasons}. Archive it instead: it will no longer "
        "be proposed, and the record keeps it."
    )
    await delete_record(db, org, why, refusal)
