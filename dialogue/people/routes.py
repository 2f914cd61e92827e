"""Pages of the people area: sides, organisations and people."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from dialogue.accounts.permissions import Permission
from dialogue.crud import RecordList, RecordPages, Rows, query_flag
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.listing import Column, list_sort
from dialogue.meetings.visibility import sees_drafts
from dialogue.people import organisations as organisations_service
from dialogue.people import service
from dialogue.people.models import Language, Organisation, OrganisationCategory, Person, Side
from dialogue.people.organisations import OrganisationDraft
from dialogue.people.service import PersonDraft
from dialogue.sorting import Window
from dialogue.web import DB, render


def _text(value: str | None) -> str:
    return (value or "").strip()[:200]


# Sides ---------------------------------------------------------------------------------


@get("/sides", name="sides")
async def sides_page(request: Request, db: DB) -> Response[Any]:
    return render(request, "people/sides.html", {"sides": await organisations_service.sides_overview(db)})


# Organisations -------------------------------------------------------------------------


async def _organisations(
    request: Request, db: DB, filters: dict[str, str | None], limit: int | None, offset: int
) -> Rows:
    chosen_side = service.parse_side(filters["side"])
    text, include_archived = _text(filters["q"]), query_flag(filters["archived"])
    query: dict[str, Any] = {
        "side": chosen_side.value if chosen_side else "",
        "q": text,
        "archived": "1" if include_archived else "",
    }
    sort = list_sort(request.query_params, organisations_service.ORGANISATION_SORTS, "name", query)
    rows, total = await organisations_service.list_organisations(
        db, side=chosen_side, q=text, archived=include_archived, window=Window(limit, offset, sort)
    )
    return rows, total, query, sort


def _organisation_columns() -> list[Column]:
    return [
        Column(_("Organisation"), lambda row: row[0].name),
        Column(_("Acronym"), lambda row: row[0].acronym),
        Column(_("Side"), lambda row: row[0].side.label),
        Column(_("People"), lambda row: row[1]),
        Column(_("Archived"), lambda row: row[0].archived_at is not None),
    ]


async def _sides(db: DB) -> dict[str, Any]:
    return {"sides": Side.options()}


ORGANISATION_LIST = RecordList(
    path="/organisations",
    templates="people/organisations",
    filters=("side", "q", "archived"),
    rows=_organisations,
    columns=_organisation_columns,
    file_name=lambda: _("organisations"),
    context=_sides,
)


async def _organisation_form(db: DB, org: Organisation | None) -> dict[str, Any]:
    return {"org": org, "sides": Side.options(), "categories": OrganisationCategory.options()}


def read_organisation_form(form: Form) -> OrganisationDraft:
    slug = form.text("slug", required=True, max_length=40).lower()
    if slug and "slug" not in form.errors and not service.SLUG.match(slug):
        form.error("slug", _("Use lowercase letters, digits and hyphens only (for example: ugtt)."))
    return OrganisationDraft(
        slug=slug,
        name=form.text("name", required=True, max_length=200),
        acronym=form.text("acronym", max_length=30),
        side=form.choice("side", Side),
        description=form.text("description", max_length=service.DESCRIPTION_MAX),
        category=form.choice("category", OrganisationCategory, required=False),
    )


@get("/organisations/new", opt={"permission": Permission.SECRETARIAT})
async def new_organisation(request: Request, db: DB, side: FromQuery[str | None] = None) -> Response[Any]:
    chosen = service.parse_side(side)
    values = {"side": chosen.value} if chosen else {}
    return await ORGANISATION_PAGES.new(request, db, values)


async def _organisation_page(request: Request, db: DB, org: Organisation, **extra: Any) -> dict[str, Any]:
    people, _total = await service.list_people(db, organisation_id=org.id, archived=True, window=Window(500))
    refs = await organisations_service.organisation_references(db, org.id)
    return {
        "org": org,
        "people": people,
        "refs": refs,
        "counts_for_quorum": service.counts_for_quorum(org.side),
        **extra,
    }


ORGANISATION_PAGES = RecordPages.of(
    organisations_service,
    "organisation",
    path="/organisations",
    templates="people/organisation",
    page=_organisation_page,
    form=_organisation_form,
    read=read_organisation_form,
)


# People --------------------------------------------------------------------------------


async def _people(request: Request, db: DB, filters: dict[str, str | None], limit: int | None, offset: int) -> Rows:
    chosen_side, organisation_id = service.parse_side(filters["side"]), service.parse_id(filters["organisation"])
    text, include_archived = _text(filters["q"]), query_flag(filters["archived"])
    query: dict[str, Any] = {
        "side": chosen_side.value if chosen_side else "",
        "organisation": organisation_id or "",
        "q": text,
        "archived": "1" if include_archived else "",
    }
    sort = list_sort(request.query_params, service.PEOPLE_SORTS, "name", query)
    window = Window(limit, offset, sort)
    people, total = await service.list_people(
        db, side=chosen_side, organisation_id=organisation_id, q=text, archived=include_archived, window=window
    )
    return people, total, query, sort


def _people_columns() -> list[Column]:
    return [
        Column(_("Name"), lambda person: person.full_name),
        Column(_("Organisation"), lambda person: person.organisation.display_name),
        Column(_("Side"), lambda person: person.organisation.side.label),
        Column(_("Title"), lambda person: person.title),
        Column(_("Email"), lambda person: person.email),
        Column(_("Phone"), lambda person: person.phone),
        Column(_("Archived"), lambda person: person.archived_at is not None),
    ]


async def _people_filters(db: DB) -> dict[str, Any]:
    return {"sides": Side.options(), "organisations": await organisations_service.all_organisations(db)}


PEOPLE_LIST = RecordList(
    path="/people",
    templates="people/people",
    filters=("side", "organisation", "q", "archived"),
    rows=_people,
    columns=_people_columns,
    file_name=lambda: _("people"),
    context=_people_filters,
)


async def _person_form(db: DB, person: Person | None) -> dict[str, Any]:
    organisations = await organisations_service.active_organisations(db)
    if person is not None and all(org.id != person.organisation_id for org in organisations):
        organisations.append(person.organisation)  # an archived organisation stays choosable
    by_side = [(side, [org for org in organisations if org.side == side]) for side in Side]
    return {
        "person": person,
        "organisations_by_side": [(side, orgs) for side, orgs in by_side if orgs],
        "language_options": Language.options(),
    }


@get("/people/new", opt={"permission": Permission.SECRETARIAT})
async def new_person(request: Request, db: DB, organisation: FromQuery[str | None] = None) -> Response[Any]:
    organisation_id = service.parse_id(organisation)
    values = {"organisation_id": organisation_id} if organisation_id else {}
    return await PERSON_PAGES.new(request, db, values)


def read_person_form(form: Form) -> PersonDraft:
    phone = form.text("phone", max_length=50)
    if phone and "phone" not in form.errors and not service.PHONE.match(phone):
        form.error("phone", _("Enter a phone number: digits, spaces and + - ( ) only."))
    return PersonDraft(
        full_name=form.text("full_name", required=True, max_length=200),
        organisation_id=form.integer("organisation_id", required=True, minimum=1, maximum=service.MAX_ID),
        title=form.text("title", max_length=200),
        email=form.email("email"),
        phone=phone,
        language=form.choice("language", Language, default=Language.FR),
    )


async def _person_page(request: Request, db: DB, person: Person, **extra: Any) -> dict[str, Any]:
    invitations, invitations_total = await service.person_invitations(
        db, person.id, drafts=sees_drafts(request.scope.get("user"))
    )
    return {
        "person": person,
        "memberships": await service.person_memberships(db, person.id),
        "invitations": invitations,
        "invitations_total": invitations_total,
        **extra,
    }


PERSON_PAGES = RecordPages.of(
    service,
    "person",
    path="/people",
    templates="people/person",
    page=_person_page,
    form=_person_form,
    read=read_person_form,
)


routes: list[Any] = [
    sides_page,
    *ORGANISATION_LIST.handlers(),
    new_organisation,
    *ORGANISATION_PAGES.handlers(),
    *PEOPLE_LIST.handlers(),
    new_person,
    *PERSON_PAGES.handlers(),
]
