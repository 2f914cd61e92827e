"""Rules of organisations and their sides: the sides overview, list, add, edit, archive, delete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import Commitment
from dialogue.db import utcnow
from dialogue.forms import Form
from dialogue.i18n import _, listed, ngettext
from dialogue.listing import Sort
from dialogue.people.models import Organisation, Person, Side
from dialogue.search import matches
from dialogue.web import Refused, check_version
from dialogue.people.service import DESCRIPTION_MAX, SLUG, counts_for_quorum, flush_unique, side_rank


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


def _people_count():  # type: ignore[no-untyped-def]
    """How many active people an organisation has (a correlated subquery: no N+1)."""
    return (
        select(func.count(Person.id))
        .where(Person.organisation_id == Organisation.id, Person.archived_at.is_(None))
        .correlate(Organisation)
        .scalar_subquery()
    )


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


async def active_organisations(db: AsyncSession) -> list[Organisation]:
    """Organisations that pickers may propose (not archived), ordered by name."""
    result = await db.scalars(
        select(Organisation).where(Organisation.archived_at.is_(None)).order_by(Organisation.name, Organisation.id)
    )
    return list(result)


async def all_organisations(db: AsyncSession) -> list[Organisation]:
    """Every organisation, archived ones included (for filters), ordered by name."""
    result = await db.scalars(select(Organisation).order_by(Organisation.name, Organisation.id))
    return list(result)


ORGANISATION_SORTS = ("name", "acronym", "side", "people")


def _organisation_filters(
    query: Select[Any], side: Side | None, q: str | None, archived: bool
) -> Select[Any]:
    if side is not None:
        query = query.where(Organisation.side == side)
    if q:
        query = query.where(matches(Organisation.search_text, q))
    if not archived:
        query = query.where(Organisation.archived_at.is_(None))
    return query


async def list_organisations(
    db: AsyncSession,
    *,
    side: Side | None = None,
    q: str | None = None,
    archived: bool = False,
    limit: int | None = 25,
    offset: int = 0,
    sort: Sort | None = None,
) -> tuple[list[tuple[Organisation, int]], int]:
    """One page of organisations with their number of active people, and the total.

    `archived=True` includes archived organisations; `q` searches name, acronym and slug.
    """
    total = await db.scalar(_organisation_filters(select(func.count(Organisation.id)), side, q, archived))
    people = _people_count()
    columns = {
        "name": (func.lower(Organisation.name),),
        "acronym": (func.lower(Organisation.acronym),),
        "side": (side_rank(Organisation.side),),
        "people": (people,),
    }
    tiebreak = (Organisation.name, Organisation.id)
    rows = await db.execute(
        _organisation_filters(select(Organisation, people.label("people")), side, q, archived)
        .order_by(*(sort.clauses(columns, tiebreak) if sort else tiebreak))
        .limit(limit)
        .offset(offset)
    )
    return [(org, count) for org, count in rows.all()], total or 0


async def get_organisation(db: AsyncSession, organisation_id: int) -> Organisation:
    org = await db.get(Organisation, organisation_id)
    if org is None:
        raise NotFoundException()
    return org


def organisation_values(org: Organisation) -> dict[str, Any]:
    """The editable fields of `org`, as a form shows them."""
    return {
        "slug": org.slug,
        "name": org.name,
        "acronym": org.acronym,
        "side": org.side.value,
        "description": org.description,
        "version": org.version,
    }


def _read_organisation(values: Mapping[str, Any]) -> tuple[Form, dict[str, Any]]:
    form = Form(values)
    slug = form.text("slug", required=True, max_length=40).lower()
    if slug and "slug" not in form.errors and not SLUG.match(slug):
        form.error("slug", _("Use lowercase letters, digits and hyphens only (for example: ugtt)."))
    fields = {
        "slug": slug,
        "name": form.text("name", required=True, max_length=200),
        "acronym": form.text("acronym", max_length=30),
        "side": form.choice("side", Side),
        "description": form.text("description", max_length=DESCRIPTION_MAX),
    }
    return form, fields


async def _slug_taken(db: AsyncSession, slug: str, except_id: int | None = None) -> bool:
    query = select(Organisation.id).where(Organisation.slug == slug)
    if except_id is not None:
        query = query.where(Organisation.id != except_id)
    return (await db.scalar(query.limit(1))) is not None


def _duplicate_slug() -> str:
    return _("Another organisation already uses this short identifier: choose another one.")


async def create_organisation(db: AsyncSession, values: Mapping[str, Any]) -> Organisation:
    """Validate and add an organisation; its slug must be unused."""
    form, fields = _read_organisation(values)
    if "slug" not in form.errors and await _slug_taken(db, fields["slug"]):
        form.error("slug", _duplicate_slug())
    form.check()
    org = Organisation(**fields)
    db.add(org)
    await flush_unique(db, form, "slug", _duplicate_slug())
    return org


async def update_organisation(
    db: AsyncSession, org: Organisation, values: Mapping[str, Any], version: int | None
) -> Organisation:
    """Change an organisation edited from `version`; a stale version raises `Stale`."""
    check_version(org, version)
    form, fields = _read_organisation(values)
    if "slug" not in form.errors and await _slug_taken(db, fields["slug"], except_id=org.id):
        form.error("slug", _duplicate_slug())
    form.check()
    for name, value in fields.items():
        setattr(org, name, value)
    await flush_unique(db, form, "slug", _duplicate_slug(), org)
    return org


async def set_organisation_archived(db: AsyncSession, org: Organisation, archived: bool) -> Organisation:
    """Archive (hide from pickers and default lists) or bring back an organisation."""
    if archived and org.archived_at is None:
        org.archived_at = utcnow()
    elif not archived and org.archived_at is not None:
        org.archived_at = None
    await db.flush()
    return org


async def organisation_references(db: AsyncSession, organisation_id: int) -> dict[str, int]:
    """What depends on an organisation: its people (archived too) and commitments."""
    row = (
        await db.execute(
            select(
                select(func.count(Person.id)).where(Person.organisation_id == organisation_id).scalar_subquery(),
                select(func.count(Commitment.id))
                .where(Commitment.organisation_id == organisation_id)
                .scalar_subquery(),
            )
        )
    ).one()
    return {"people": row[0], "commitments": row[1]}


async def delete_organisation(db: AsyncSession, org: Organisation) -> None:
    """Delete an organisation nobody depends on; otherwise refuse and explain (archive it)."""
    refs = await organisation_references(db, org.id)
    reasons = []
    if refs["people"]:
        reasons.append(
            ngettext("it has %(num)d person", "it has %(num)d people", refs["people"]) % {"num": refs["people"]}
        )
    if refs["commitments"]:
        reasons.append(
            ngettext("it holds %(num)d commitment", "it holds %(num)d commitments", refs["commitments"])
            % {"num": refs["commitments"]}
        )
    if reasons:
        raise Refused(
            _(
                "This organisation cannot be deleted: {reasons}. Archive it instead: it will no longer "
                "be proposed, and the record keeps it."
            ).format(reasons=listed(reasons))
        )
    await db.refresh(org, ["people"])  # empty, but the ORM looks at it before deleting
    await db.delete(org)
    await db.flush()
