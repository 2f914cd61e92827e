"""JSON API (/api/v1) of the people area: organisations and people.

Lists take `limit`/`offset` and the page's filters (`side`, `organisation`, `q`,
`archived=true` to include archived records). Records carry `version`: a PATCH must send
the version it read, and a stale one gets 409 with the current record. Field errors are
422 `{"message", "errors": {field: message}}`; a body that is not JSON (or of the wrong
shape) is 400.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.router import Router
from litestar.status_codes import HTTP_409_CONFLICT
from msgspec import UNSET, UnsetType

from dialogue import idempotency
from dialogue.crud import RecordPages, check
from dialogue.error_handlers import api_error
from dialogue.errors import Stale, check_version
from dialogue.forms import Form
from dialogue.listing import ListSearch, ListWindow, api_list, api_page
from dialogue.openapi import Page, named, out_of
from dialogue.people import organisations, service
from dialogue.people.models import Language, Organisation, Person, Side
from dialogue.people.routes import ORGANISATION_PAGES, PERSON_PAGES
from dialogue.text_input import Input
from dialogue.web import DB

# Checked by the service (422 with a field error), documented here.
SideValue = Annotated[str, msgspec.Meta(description="government, workers, employers or observers")]
LanguageValue = Annotated[str, msgspec.Meta(description="Preferred language: fr, ar or en")]


class OrganisationOut(msgspec.Struct):
    id: int
    slug: str
    name: str
    acronym: str
    side: Side
    description: str
    archived_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


OrganisationList = Annotated[Page[OrganisationOut], named("OrganisationList")]


class OrganisationCreate(Input):
    slug: str
    name: str
    side: SideValue
    acronym: str = ""
    description: str = ""


class OrganisationPatch(Input):
    version: int
    slug: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    side: SideValue | UnsetType = UNSET
    acronym: str | UnsetType = UNSET
    description: str | UnsetType = UNSET


class OrganisationRef(msgspec.Struct):
    id: int
    slug: str
    acronym: str
    name: str
    side: Side


class PersonOut(msgspec.Struct):
    id: int
    full_name: str
    organisation_id: int
    organisation: OrganisationRef
    side: Side
    title: str
    email: str | None
    phone: str
    language: Language
    archived_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


PersonList = Annotated[Page[PersonOut], named("PersonList")]


class PersonCreate(Input):
    full_name: str
    organisation_id: int
    title: str = ""
    email: str | None = None
    phone: str = ""
    language: LanguageValue = "fr"


class PersonPatch(Input):
    version: int
    full_name: str | UnsetType = UNSET
    organisation_id: int | UnsetType = UNSET
    title: str | UnsetType = UNSET
    email: str | UnsetType | None = UNSET
    phone: str | UnsetType = UNSET
    language: LanguageValue | UnsetType = UNSET


def organisation_out(org: Organisation) -> OrganisationOut:
    return out_of(OrganisationOut, org)


def organisation_ref(org: Organisation) -> OrganisationRef:
    return out_of(OrganisationRef, org)


def person_out(person: Person) -> PersonOut:
    """`person` with its organisation loaded."""
    return out_of(PersonOut, person, organisation=organisation_ref(person.organisation), side=person.organisation.side)


def _changes(data: msgspec.Struct) -> dict[str, Any]:
    return {
        name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET and name != "version"
    }


# The JSON fields are read as the page's form fields are (same rules, same messages).


async def _created(request: Request, db: DB, data: msgspec.Struct, pages: RecordPages, url: str) -> Any:
    """Create the record `data` describes (`pages`: the area's `RecordPages`) under `url`."""
    await idempotency.replay(db, request)
    form = Form(msgspec.structs.asdict(data))
    draft = pages.read(form)
    check(form, await pages.errors(db, draft, None))
    record = await pages.create(db, draft)
    await idempotency.remember(db, request, None, f"{url}/{record.id}")
    await db.commit()
    return record


async def _updated(
    db: DB, record: Any, data: Any, pages: RecordPages, out: Callable[[Any], msgspec.Struct]
) -> Response[Any]:
    """Change the fields `data` carries; a stale `version` answers 409 with the record as it is."""
    try:
        check_version(record, data.version)
        form = Form({**pages.values(record), **_changes(data)})
        draft = pages.read(form)
        check(form, await pages.errors(db, draft, record))
        record = await pages.update(db, record, draft, data.version)
    except Stale as stale:
        return api_error(HTTP_409_CONFLICT, stale.message, {"current": msgspec.to_builtins(out(record))})
    await db.commit()
    return Response(out(record))


class OrganisationController(Controller):
    path = "/organisations"
    tags = ["organisations"]

    @get("/", dependencies=api_list(search=True))
    async def list_organisations(
        self, db: DB, search: ListSearch, window: ListWindow, side: FromQuery[Side | None] = None
    ) -> OrganisationList:
        """Organisations by name; `archived=true` includes archived ones."""
        load = partial(organisations.list_organisations, db, side=side, q=search.q, archived=search.archived)
        return await api_page(load, lambda row: organisation_out(row[0]), window)

    @post("/")
    async def create_organisation(
        self, request: Request, db: DB, data: JSONBody[OrganisationCreate]
    ) -> OrganisationOut:
        return organisation_out(await _created(request, db, data, ORGANISATION_PAGES, "/api/v1/organisations"))

    @get("/{organisation_id:int}")
    async def get_organisation(self, db: DB, organisation_id: FromPath[int]) -> OrganisationOut:
        return organisation_out(await organisations.get_organisation(db, organisation_id))

    @patch("/{organisation_id:int}")
    async def update_organisation(
        self, db: DB, organisation_id: FromPath[int], data: JSONBody[OrganisationPatch]
    ) -> Response[OrganisationOut]:
        """Change some fields; `version` is the one read (stale: 409 with the current record)."""
        org = await organisations.get_organisation(db, organisation_id)
        return await _updated(db, org, data, ORGANISATION_PAGES, organisation_out)


class PersonController(Controller):
    path = "/people"
    tags = ["people"]

    @get("/", dependencies=api_list(search=True))
    async def list_people(
        self,
        db: DB,
        search: ListSearch,
        window: ListWindow,
        side: FromQuery[Side | None] = None,
        organisation: FromQuery[int | None] = None,
    ) -> PersonList:
        """People by name, with their organisation; `q` searches name, email and title."""
        load = partial(
            service.list_people, db, side=side, organisation_id=organisation, q=search.q, archived=search.archived
        )
        return await api_page(load, person_out, window)

    @post("/")
    async def create_person(self, request: Request, db: DB, data: JSONBody[PersonCreate]) -> PersonOut:
        return person_out(await _created(request, db, data, PERSON_PAGES, "/api/v1/people"))

    @get("/{person_id:int}")
    async def get_person(self, db: DB, person_id: FromPath[int]) -> PersonOut:
        return person_out(await service.get_person(db, person_id))

    @patch("/{person_id:int}")
    async def update_person(self, db: DB, person_id: FromPath[int], data: JSONBody[PersonPatch]) -> Response[PersonOut]:
        """Change some fields; `version` is the one read (stale: 409 with the current record)."""
        person = await service.get_person(db, person_id)
        return await _updated(db, person, data, PERSON_PAGES, person_out)


routes: list[Any] = [Router(path="/api/v1", route_handlers=[OrganisationController, PersonController])]
