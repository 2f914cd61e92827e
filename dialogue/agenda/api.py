"""JSON API (/api/v1) of the agenda area: items, their order, positions and outcomes.

Bad input answers 422 with `{"message", "errors": {field: message}}` (wrong types too);
a body that is not JSON answers 400; unknown ids 404; a stale `version` 409.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, patch, post, put
from litestar.exceptions import NotFoundException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_204_NO_CONTENT,
    HTTP_400_BAD_REQUEST,
    HTTP_422_UNPROCESSABLE_ENTITY,
)
from msgspec import UNSET, Struct, UnsetType
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual, idempotency
from dialogue.accounts.permissions import Permission, internal_visible_sides
from dialogue.agenda import editing, positions, reading
from dialogue.agenda.checks import DocumentFields, ItemFields, OutcomeDraft, PositionDraft
from dialogue.agenda.models import (
    AgendaItem,
    C144Matter,
    Outcome,
    OutcomeKind,
    Position,
    Stance,
)
from dialogue.choices import Choice
from dialogue.error_handlers import api_error, field_errors
from dialogue.i18n import _, current_timezone, listed
from dialogue.listing import ListWindow, api_list, sliced_page
from dialogue.meetings.models import Meeting
from dialogue.openapi import Page, named, out_of
from dialogue.people.models import Side
from dialogue.text_input import Input
from dialogue.web import DB

# Bodies ----------------------------------------------------------------------------------


class DocumentIn(Input):
    title: str
    url: str


class ItemIn(Input):
    title: str
    description: str = ""
    duration_minutes: int = 30
    presenter_id: int | None = None
    c144_matter: str | None = None
    documents: list[DocumentIn] = []


class ItemPatch(Input):
    """Only the fields sent change; `documents`, when sent, replace the item's documents."""

    version: int
    title: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    duration_minutes: int | UnsetType = UNSET
    presenter_id: int | UnsetType | None = UNSET
    c144_matter: str | UnsetType | None = UNSET
    documents: list[DocumentIn] | UnsetType = UNSET


class PositionIn(Input):
    """`internal`: true keeps the position a draft inside the side (its delegates and the
    secretariat see it), false shares it with all sides; absent keeps what it was (a new
    position is shared)."""

    stance: str
    statement: str = ""
    version: int | None = None
    internal: bool | UnsetType = UNSET


class OutcomeIn(Input):
    kind: str
    sides: list[str] = []
    text: str = ""
    version: int | None = None


class DocumentOut(Struct):
    id: int
    title: str
    url: str


class PositionOut(Struct):
    id: int
    item_id: int
    side: str
    stance: str
    statement: str
    internal: bool
    version: int


class OutcomeOut(Struct):
    id: int
    item_id: int
    kind: str
    sides: list[str]
    text: str
    version: int


class ItemOut(Struct):
    id: int
    meeting_id: int
    rank: int
    number: int
    title: str
    description: str
    duration_minutes: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    presenter_id: int | None
    presenter_name: str | None
    c144_matter: str | None
    documents: list[DocumentOut]
    positions: list[PositionOut]
    outcome: OutcomeOut | None
    version: int
    # The "follow-up of commitments" item proposed when the meeting was scheduled.
    follow_up: bool = False


ItemPage = Annotated[Page[ItemOut], named("ItemPage")]


# Conversions -----------------------------------------------------------------------------


def _choice(choices: type[Choice], value: str | None, name: str, errors: dict[str, str]) -> Any:
    if value is None or value == "":
        return None
    try:
        return choices(value)
    except ValueError:
        errors[name] = _("Choose one of: {options}.").format(options=listed(choices.values()))
        return None


def _position_out(position: Position) -> PositionOut:
    return out_of(PositionOut, position, side=position.side.value, stance=position.stance.value)


def _outcome_out(outcome: Outcome) -> OutcomeOut:
    sides = [side.value for side in outcome.agreeing_sides]
    return out_of(OutcomeOut, outcome, kind=outcome.kind.value, sides=sides)


def _visible(request: Request) -> frozenset[Side]:
    """The sides whose internal draft positions the caller may see."""
    return internal_visible_sides(request.scope.get("user"))


async def _items_out(db: AsyncSession, meeting: Meeting, visible: frozenset[Side]) -> list[ItemOut]:
    """Every item of the meeting in order, with its slot in the running schedule, and the
    positions the caller may see (`visible`: sides whose internal drafts they read)."""
    items = await reading.load_items(db, meeting.id, visible=visible)
    schedule = reading.schedule_of(meeting, items)
    tz = current_timezone()
    out = []
    for index, item in enumerate(items):
        slot = schedule.slots[index]
        out.append(
            ItemOut(
                id=item.id,
                meeting_id=item.meeting_id,
                rank=item.rank,
                number=index + 1,
                title=item.title,
                description=item.description,
                duration_minutes=item.duration_minutes,
                starts_at=slot.starts_at.astimezone(tz),
                ends_at=slot.ends_at.astimezone(tz),
                presenter_id=item.presenter_id,
                presenter_name=item.presenter.full_name if item.presenter else None,
                c144_matter=item.c144_matter.value if item.c144_matter else None,
                documents=[DocumentOut(id=d.id, title=d.title, url=d.url) for d in item.documents],
                positions=[_position_out(p) for p in sorted(item.positions, key=lambda p: p.side.value)],
                outcome=_outcome_out(item.outcome) if item.outcome else None,
                version=item.version,
                follow_up=item.follow_up,
            )
        )
    return out


async def _item_out(db: AsyncSession, item: AgendaItem, visible: frozenset[Side]) -> ItemOut:
    meeting = await reading.get_meeting(db, item.meeting_id)
    return next(out for out in await _items_out(db, meeting, visible) if out.id == item.id)


def _documents(documents: list[DocumentIn]) -> list[DocumentFields]:
    return [DocumentFields(title=d.title, url=d.url) for d in documents]


# Handlers --------------------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/agenda", dependencies=api_list(default=100))
async def list_items(request: Request, db: DB, meeting_id: FromPath[int], window: ListWindow) -> ItemPage:
    """The meeting's agenda items in order, each with its start and end time."""
    meeting = await reading.get_meeting(db, meeting_id)
    items = await _items_out(db, meeting, _visible(request))
    return sliced_page(items, lambda item: item, window)


@post("/meetings/{meeting_id:int}/agenda", status_code=HTTP_201_CREATED)
async def create_item(request: Request, db: DB, meeting_id: FromPath[int], data: JSONBody[ItemIn]) -> ItemOut:
    """Add an item at the end of the meeting's agenda (`Idempotency-Key`: once)."""
    meeting = await reading.get_meeting(db, meeting_id)
    await idempotency.replay(db, request)
    errors: dict[str, str] = {}
    matter = _choice(C144Matter, data.c144_matter, "c144_matter", errors)
    fields = ItemFields(data.title, data.description, data.duration_minutes, data.presenter_id, matter)
    item = await editing.add_item(db, meeting, fields, _documents(data.documents), known=errors)
    await idempotency.remember(db, request, None, f"/api/v1/agenda/{item.id}")
    await db.commit()
    return await _item_out(db, item, _visible(request))


@get("/agenda/{item_id:int}")
async def read_item(request: Request, db: DB, item_id: FromPath[int]) -> ItemOut:
    return await _item_out(db, await reading.get_item(db, item_id), _visible(request))


@patch("/agenda/{item_id:int}")
async def update_item(request: Request, db: DB, item_id: FromPath[int], data: JSONBody[ItemPatch]) -> ItemOut:
    """Change an item; `version` is the one it was read at (stale: 409)."""
    item = await reading.get_item(db, item_id)
    errors: dict[str, str] = {}
    current_matter = item.c144_matter.value if item.c144_matter else None
    matter = _choice(
        C144Matter, current_matter if data.c144_matter is UNSET else data.c144_matter, "c144_matter", errors
    )
    # The versions in other languages stay; `title` and `description` are the French ones.
    texts = bilingual.draft_fields(item, *editing.ITEM_TEXTS)
    if data.title is not UNSET:
        texts["title"] = data.title
    if data.description is not UNSET:
        texts["description"] = data.description
    fields = ItemFields(
        **texts,
        duration_minutes=item.duration_minutes if data.duration_minutes is UNSET else data.duration_minutes,
        presenter_id=item.presenter_id if data.presenter_id is UNSET else data.presenter_id,
        c144_matter=matter,
    )
    documents = None if data.documents is UNSET else _documents(data.documents)
    await editing.update_item(db, item, fields, data.version, documents, known=errors)
    await db.commit()
    return await _item_out(db, item, _visible(request))


@delete("/agenda/{item_id:int}", status_code=HTTP_204_NO_CONTENT)
async def delete_item(db: DB, item_id: FromPath[int]) -> None:
    """Remove an item (refused, 409, when commitments were recorded from it)."""
    await editing.remove_item(db, await reading.get_item(db, item_id))
    await db.commit()


@post("/meetings/{meeting_id:int}/agenda/order", status_code=HTTP_200_OK)
async def reorder_items(request: Request, db: DB, meeting_id: FromPath[int], data: JSONBody[list[int]]) -> ItemPage:
    """Put the items in this order: the body lists every item id of the meeting once."""
    meeting = await reading.get_meeting(db, meeting_id)
    await editing.reorder_items(db, meeting, data)
    await db.commit()
    items = await _items_out(db, meeting, _visible(request))
    return Page(items=items, total=len(items), limit=max(1, len(items)), offset=0)


@put(
    "/agenda/{item_id:int}/positions/{side:str}",
    opt={"permission": Permission.SIDE},
    responses={HTTP_201_CREATED: ResponseSpec(PositionOut, description="The side's first position on the item.")},
)
async def record_position(
    request: Request, db: DB, item_id: FromPath[int], side: FromPath[str], data: JSONBody[PositionIn]
) -> Response[PositionOut]:
    """Record (201) or change (200, with `version`) one party side's position on an item."""
    item = await reading.get_item(db, item_id)
    party = positions.writable_side(request.user, side)
    errors: dict[str, str] = {}
    stance = _choice(Stance, data.stance, "stance", errors)
    if stance is None and "stance" not in errors:
        errors["stance"] = _("This field is required.")
    existed = await positions.get_position(db, item, party) is not None
    draft = PositionDraft(stance, data.statement, None if data.internal is UNSET else data.internal)
    position = await positions.record_position(db, item, party, draft, data.version, known=errors)
    await db.commit()
    if not reading.is_position_visible(position, _visible(request)):
        # Only the side and the secretariat write a position, and both see its drafts:
        # should that ever change, the answer still never shows another side's draft.
        raise NotFoundException()
    return Response(_position_out(position), status_code=HTTP_200_OK if existed else HTTP_201_CREATED)


@put(
    "/agenda/{item_id:int}/outcome",
    responses={HTTP_201_CREATED: ResponseSpec(OutcomeOut, description="The item's first outcome.")},
)
async def record_outcome(db: DB, item_id: FromPath[int], data: JSONBody[OutcomeIn]) -> Response[OutcomeOut]:
    """Record (201) or change (200, with `version`) the item's outcome."""
    item = await reading.get_item(db, item_id)
    errors: dict[str, str] = {}
    kind = _choice(OutcomeKind, data.kind, "kind", errors)
    existed = await positions.get_outcome(db, item) is not None
    draft = OutcomeDraft(kind, data.sides, data.text)
    outcome = await positions.record_outcome(db, item, draft, data.version, known=errors)
    await db.commit()
    return Response(_outcome_out(outcome), status_code=HTTP_200_OK if existed else HTTP_201_CREATED)


@delete("/agenda/{item_id:int}/outcome", status_code=HTTP_204_NO_CONTENT)
async def delete_outcome(db: DB, item_id: FromPath[int]) -> None:
    """Remove the item's outcome (refused, 409, when commitments are part of it)."""
    await positions.clear_outcome(db, await reading.get_item(db, item_id))
    await db.commit()


# Errors ----------------------------------------------------------------------------------

_MISSING = re.compile(r"missing required field `([^`]+)`")


def body_errors(request: Request, exc: ValidationException) -> Response[Any]:
    """Wrong types or missing fields in a JSON body: 422 with errors per field.

    A missing body is 400 like malformed JSON (which Litestar refuses before this point);
    bad query parameters stay 400.
    """
    errors: dict[str, str] = {}
    for entry in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(entry, dict) or entry.get("source") != "body":
            continue
        message = str(entry.get("message", ""))
        key = str(entry.get("key", ""))
        if key == "data" and message == "'data'":
            return api_error(HTTP_400_BAD_REQUEST, _("A JSON body is required."))
        missing = _MISSING.search(message)
        if missing:
            key, message = (
                (f"{key}.{missing.group(1)}" if key != "data" else missing.group(1)),
                _("This field is required."),
            )
        errors["" if key == "data" else key.removeprefix("data.")] = message
    if not errors:
        return api_error(HTTP_400_BAD_REQUEST, _("The request is not valid."), {"errors": field_errors(exc.extra)})
    return api_error(HTTP_422_UNPROCESSABLE_ENTITY, _("Some values are not valid."), {"errors": errors})


routes: list[Any] = [
    Router(
        path="/api/v1",
        route_handlers=[
            list_items,
            create_item,
            read_item,
            update_item,
            delete_item,
            reorder_items,
            record_position,
            record_outcome,
            delete_outcome,
        ],
        tags=["agenda"],
        exception_handlers={ValidationException: body_errors},
    )
]
