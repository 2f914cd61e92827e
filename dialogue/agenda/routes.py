"""Pages of the agenda area.

The agenda is a fragment (`agenda/_agenda.html`) of the meeting page; `/meetings/{id}/agenda`
shows it on a page of its own and answers HTMX with the fragment. Every form posts here:
HTMX requests get back the part of the page that changed (the agenda, one item, or one
side's position); without JavaScript the browser is sent back to the page it came from.
Errors come back in the same part, next to the fields, with what the user typed (422), or
with the current values when the record changed meanwhile (409).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from dialogue import idempotency
from dialogue.accounts.permissions import SECRETARIAT, Permission, internal_visible_sides
from dialogue.agenda import checks, editing, positions, reading
from dialogue.agenda.checks import DocumentFields, ItemFields, OutcomeDraft, PositionDraft
from dialogue.agenda.models import AgendaItem, C144Matter, OutcomeKind, Stance
from dialogue.agenda.reading import AgendaView, FormState
from dialogue.calendar.invitations import CALENDAR_CHANGED
from dialogue.errors import Invalid, Refused, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.meetings.models import Meeting
from dialogue.web import DB, Template, render, wants_fragment

PAGE = "agenda/page.html"
AGENDA = "agenda/_agenda.html"
ITEM = "agenda/_item.html"
POSITION = "agenda/_position.html"


@dataclass(frozen=True)
class Part:
    """The part of the page a form answers with for HTMX: the agenda (`AGENDA`), one item
    (`ITEM`) or one side's position on an item (`POSITION`)."""

    template: str = AGENDA
    item_id: int | None = None
    side: str | None = None

    @property
    def anchor(self) -> str:
        """Where on the page a browser without JavaScript returns to."""
        if self.template == ITEM:
            return f"#item-{self.item_id}"
        if self.template == POSITION:
            return f"#pos-{self.item_id}-{self.side}"
        return ""


WHOLE_AGENDA = Part()


def back_to(raw: str, meeting_id: int) -> str:
    """Where a form without JavaScript returns: the meeting page or the agenda page only."""
    allowed = (f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/agenda")
    return raw if raw in allowed else allowed[1]


def item_fields(form: Form) -> ItemFields:
    """Parse an item form; type errors (a duration in letters...) stay in `form.errors`."""
    return ItemFields(
        duration_minutes=form.integer("duration_minutes", required=True),
        presenter_id=form.integer("presenter_id"),
        c144_matter=form.choice("c144_matter", C144Matter, required=False),
        **form.versions("title", max_length=checks.TITLE_MAX),
        **form.versions("description", max_length=checks.DESCRIPTION_MAX),
    )


def visibility_choice(form: Form) -> bool | None:
    """The position form's "visibility": "internal" (a draft kept inside the side) or
    "shared" (with all sides); None when the form does not say (keep what it was)."""
    value = form.raw("visibility")
    if value not in {"internal", "shared"}:
        if value:
            form.error("visibility", _("Choose one of the options."))
        return None
    return value == "internal"


def submitted_version(form: Form) -> int | None:
    try:
        return int(form.raw("version"))
    except ValueError:
        return None


async def _view(
    request: Request, db: DB, meeting: Meeting, state: FormState | None = None, notice: str = ""
) -> AgendaView:
    # Internal drafts only for their own side and the secretariat.
    view = await reading.agenda_view(db, meeting, visible=internal_visible_sides(request.scope.get("user")))
    if state is not None:
        view.form = state
    view.notice = notice
    return view


async def respond(
    request: Request,
    db: DB,
    meeting: Meeting,
    *,
    part: Part = WHOLE_AGENDA,
    state: FormState | None = None,
    status_code: int = 200,
    back: str = "",
    notice: str = "",
    trigger_event: str | None = None,
    opened: dict[str, int] | None = None,
) -> Template:
    """The changed `part` for HTMX, else the whole agenda page.
    `trigger_event`: tells other parts of the page to reload (the meeting's calendar card).
    `opened`: `editing_item` (the item whose edit form is open) or `returning_item` (the
    item whose form was just closed, its "Edit" link then takes the focus)."""
    view = await _view(request, db, meeting, state, notice)
    context: dict[str, Any] = {"agenda": view, "meeting": meeting, "agenda_next": back, **(opened or {})}
    if wants_fragment(request) and part.template != AGENDA and part.item_id is not None:
        row = view.row(part.item_id)
        context.update(row=row, item=row.item)
        if part.template == POSITION:
            party, position = next((s, p) for s, p in row.positions if s.value == part.side)
            context.update(side=party, position=position)
        return Template(
            template_name=part.template,
            context=context,
            status_code=status_code,
            trigger_event=trigger_event,
            after="receive" if trigger_event else None,
        )
    return render(request, PAGE, context, fragment=AGENDA, status_code=status_code, trigger_event=trigger_event)


async def _undo(db: DB, meeting: Meeting) -> None:
    """Forget a refused change; read the meeting again (a rollback expires what was loaded)."""
    await db.rollback()
    await db.refresh(meeting)


async def write(
    request: Request,
    db: DB,
    meeting: Meeting,
    change: Callable[[], Awaitable[Any]],
    *,
    form: Form,
    key: str,
    part: Part = WHOLE_AGENDA,
    anchor: str | None = None,
    notice: str = "",
) -> Response[Any] | Template:
    """Run `change`, commit, and answer; on bad input, a stale copy or a refusal, show why.
    Without JavaScript the browser returns to `anchor` on the page (by default the part's)."""
    back = back_to(form.raw("next"), meeting.id)
    if anchor is None:
        anchor = part.anchor

    async def answer(**outcome: Any) -> Template:
        return await respond(request, db, meeting, part=part, back=back, **outcome)

    try:
        await change()
        await db.commit()
    except Invalid as error:
        await _undo(db, meeting)
        # What was typed goes back in the form, as typed (the draft holds it parsed).
        return await answer(state=FormState(key, error.errors, form.values), status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    except (Stale, Refused, StaleDataError, IntegrityError) as error:
        # StaleDataError / IntegrityError: another request wrote the same record between our
        # version check and our commit (e.g. both created the same side's position).
        await _undo(db, meeting)
        message = error.message if isinstance(error, (Stale, Refused)) else Stale().message
        # The current values, and beside them what was typed: nothing is typed twice.
        return await answer(state=FormState(key, {"": message}, {}, mine=form.values), status_code=HTTP_409_CONFLICT)
    if wants_fragment(request):
        # The agenda is in the invitation: the meeting page's calendar card reloads itself.
        return await answer(notice=notice, trigger_event=CALENDAR_CHANGED)
    return Redirect(path=back + anchor, status_code=HTTP_303_SEE_OTHER)


async def _item_and_meeting(db: DB, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = await reading.get_item(db, item_id)
    return item, await reading.get_meeting(db, item.meeting_id)


async def _posted_to_item(request: Request, db: DB, item_id: int) -> tuple[AgendaItem, Meeting, Form]:
    """The item a form was posted to, its meeting, and the form."""
    item, meeting = await _item_and_meeting(db, item_id)
    return item, meeting, Form(await request.form())


@get("/meetings/{meeting_id:int}/agenda", name="agenda:page")
async def agenda_page(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    """The meeting's agenda on a page of its own (HTMX: the agenda fragment)."""
    meeting = await reading.get_meeting(db, meeting_id)
    return await respond(request, db, meeting, back=request.url.path)


@post("/meetings/{meeting_id:int}/agenda", name="agenda:add")
async def add_item(request: Request, db: DB, meeting_id: FromPath[int]) -> Response[Any] | Template:
    meeting = await reading.get_meeting(db, meeting_id)
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    fields = item_fields(form)

    async def change() -> None:
        await editing.add_item(db, meeting, fields, known=form.errors)
        await idempotency.remember(db, request, form, back_to(form.raw("next"), meeting.id))

    return await write(request, db, meeting, change, form=form, key="add", notice=_("The item was added."))


@get("/agenda/{item_id:int}", name="agenda:item")
async def item_part(request: Request, db: DB, item_id: FromPath[int]) -> Template:
    """One item as the agenda shows it (HTMX: the "Cancel" of its edit form), or the agenda
    page at that item; whoever may read the agenda may read it (an item of a draft meeting
    is not found but by the secretariat)."""
    item, meeting = await _item_and_meeting(db, item_id)
    back = back_to(request.query_params.get("next", ""), meeting.id)
    opened = {"returning_item": item.id}
    return await respond(request, db, meeting, part=Part(ITEM, item.id), back=back, opened=opened)


@get("/agenda/{item_id:int}/edit", name="agenda:edit-form", opt=SECRETARIAT)
async def edit_form(request: Request, db: DB, item_id: FromPath[int]) -> Template:
    """The item with its edit form open: HTMX swaps it in for the item; without JavaScript,
    the agenda page with that form open. The form is not in the agenda until opened (a
    select of every active person per item made the meeting page slow)."""
    item, meeting = await _item_and_meeting(db, item_id)
    back = back_to(request.query_params.get("next", ""), meeting.id)
    opened = {"editing_item": item.id}
    return await respond(request, db, meeting, part=Part(ITEM, item.id), back=back, opened=opened)


@post("/agenda/{item_id:int}/edit", name="agenda:edit")
async def edit_item(request: Request, db: DB, item_id: FromPath[int]) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)
    fields = item_fields(form)

    async def change() -> None:
        await editing.update_item(db, item, fields, submitted_version(form), known=form.errors)

    notice = _("The item was saved.")
    return await write(
        request, db, meeting, change, form=form, key=f"edit-{item.id}", anchor=f"#item-{item.id}", notice=notice
    )


@post("/agenda/{item_id:int}/delete", name="agenda:delete")
async def delete_item(request: Request, db: DB, item_id: FromPath[int]) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)

    async def change() -> None:
        await editing.remove_item(db, item)

    return await write(
        request, db, meeting, change, form=form, key=f"item-{item.id}", notice=_("The item was removed.")
    )


@post("/agenda/{item_id:int}/move", name="agenda:move")
async def move_item(request: Request, db: DB, item_id: FromPath[int]) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)
    direction = form.raw("direction")

    async def change() -> None:
        if direction not in {"up", "down"}:
            raise Invalid({"": _("Choose to move the item up or down.")})
        await editing.move_item(db, item, -1 if direction == "up" else 1)

    notice = _("The agenda was reordered.")
    return await write(request, db, meeting, change, form=form, key="agenda", anchor=f"#item-{item.id}", notice=notice)


@post("/agenda/{item_id:int}/documents", name="agenda:add-document")
async def add_document(request: Request, db: DB, item_id: FromPath[int]) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)
    await idempotency.replay(db, request, form)
    fields = DocumentFields(title=form.raw("title"), url=form.raw("url"))

    async def change() -> None:
        await editing.add_document(db, item, fields)
        await idempotency.remember(db, request, form, f"{back_to(form.raw('next'), meeting.id)}#item-{item.id}")

    return await write(request, db, meeting, change, form=form, key=f"doc-{item.id}", part=Part(ITEM, item.id))


@post("/agenda/{item_id:int}/documents/{document_id:int}/delete", name="agenda:delete-document")
async def delete_document(
    request: Request, db: DB, item_id: FromPath[int], document_id: FromPath[int]
) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)
    document = await editing.get_document(db, item, document_id)

    async def change() -> None:
        await editing.remove_document(db, document)

    return await write(request, db, meeting, change, form=form, key=f"doc-{item.id}", part=Part(ITEM, item.id))


@post("/agenda/{item_id:int}/positions/{side:str}", name="agenda:position", opt={"permission": Permission.SIDE})
async def record_position(
    request: Request, db: DB, item_id: FromPath[int], side: FromPath[str]
) -> Response[Any] | Template:
    item, meeting = await _item_and_meeting(db, item_id)
    try:
        party = positions.writable_side(request.user, side)
    except Invalid as error:
        # Observers have no position cell to show the error in: say it on the item.
        state = FormState(f"item-{item.id}", {"": error.errors["side"]}, {})
        part = Part(ITEM, item.id)
        return await respond(request, db, meeting, part=part, state=state, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    form = Form(await request.form())
    draft = PositionDraft(
        stance=form.choice("stance", Stance),
        statement=form.text("statement", max_length=checks.STATEMENT_MAX),
        internal=visibility_choice(form),
    )

    async def change() -> None:
        await positions.record_position(db, item, party, draft, submitted_version(form), known=form.errors)

    part = Part(POSITION, item.id, party.value)
    return await write(request, db, meeting, change, form=form, key=f"pos-{item.id}-{party.value}", part=part)


@post("/agenda/{item_id:int}/outcome", name="agenda:outcome")
async def record_outcome(request: Request, db: DB, item_id: FromPath[int]) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)
    draft = OutcomeDraft(
        kind=form.choice("kind", OutcomeKind),
        sides=form.all("sides"),
        **form.versions("text", max_length=checks.OUTCOME_TEXT_MAX),
    )

    async def change() -> None:
        await positions.record_outcome(db, item, draft, submitted_version(form), known=form.errors)

    return await write(request, db, meeting, change, form=form, key=f"outcome-{item.id}", part=Part(ITEM, item.id))


@post("/agenda/{item_id:int}/outcome/delete", name="agenda:delete-outcome")
async def delete_outcome(request: Request, db: DB, item_id: FromPath[int]) -> Response[Any] | Template:
    item, meeting, form = await _posted_to_item(request, db, item_id)

    async def change() -> None:
        await positions.clear_outcome(db, item)

    return await write(request, db, meeting, change, form=form, key=f"outcome-{item.id}", part=Part(ITEM, item.id))


routes: list[Any] = [
    agenda_page,
    add_item,
    item_part,
    edit_form,
    edit_item,
    delete_item,
    move_item,
    add_document,
    delete_document,
    record_position,
    record_outcome,
    delete_outcome,
]
