"""Pages of meetings themselves: the list and its export, schedule and edit, cancel and delete."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from dialogue import i18n, idempotency
from dialogue.accounts.permissions import SECRETARIAT
from dialogue.bodies.models import Body, BodyKind
from dialogue.calendar import invitations as calendar_invitations
from dialogue.commitments import carry_over
from dialogue.errors import Invalid, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.listing import Column, list_context, list_sort, table_file
from dialogue.meetings import search, service
from dialogue.meetings.models import Meeting, MeetingKind, MeetingStatus, SessionKind
from dialogue.meetings.search import MeetingFilters, Order
from dialogue.meetings.service import MeetingDraft
from dialogue.meetings.sessions import SESSION_MAX
from dialogue.meetings.visibility import sees_drafts
from dialogue.minutes.lock import record_closed
from dialogue.sorting import Sort
from dialogue.web import DB, Config, Template, page_window, render, render_invalid, see_other

KIND_FOR_BODY = {
    BodyKind.PLENARY: MeetingKind.PLENARY,
    BodyKind.COMMITTEE: MeetingKind.COMMITTEE,
    BodyKind.WORKING_GROUP: MeetingKind.WORKING_GROUP,
}


# Search ---------------------------------------------------------------------------------


def read_filters(form: Form, account: Any) -> MeetingFilters:
    """The search form's filters; an unreadable one gets an error and is left out. Drafts
    are listed to the secretariat only."""
    order = form.raw("order")
    return MeetingFilters(
        q=form.text("q", max_length=200),
        body_id=form.integer("body", minimum=1),
        status=form.choice("status", MeetingStatus, required=False),
        date_from=form.date("from"),
        date_to=form.date("to"),
        order=order if order in (Order.RECENT, Order.UPCOMING) else Order.RECENT,
        drafts=sees_drafts(account),
    )


def meetings_sort(form: Form, filters: MeetingFilters, query: dict[str, Any]) -> Sort:
    """`?sort=<column>&order=asc|desc`; without it, newest first, or `order=upcoming` (the
    next meetings first, then past ones) as links made before columns were sortable ask."""
    if form.raw("sort") not in search.SORT_KEYS and filters.order == Order.UPCOMING:
        return Sort("", query=dict(query))
    query.pop("order", None)
    return list_sort(form.data, search.SORT_KEYS, "date", query, descending=True)


@get("/meetings", name="meetings", cache=False)
async def meetings_page(request: Request, db: DB, settings: Config) -> Template:
    form = Form(request.query_params)
    filters = read_filters(form, request.scope.get("user"))
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        form.error("to", _("The end of the range is before its start."))
    offset = form.integer("offset", minimum=0) or 0
    limit, offset = page_window(settings.page_size, offset, settings.page_size)
    query = {key: form.raw(key) for key in ("q", "body", "status", "from", "to", "order")}
    sort = meetings_sort(form, filters, query)
    rows, total = await search.search_meetings(db, filters, limit, offset, sort=sort if sort.key else None)
    context = {
        "rows": rows,
        **list_context(total, limit, offset, query, sort),
        "errors": form.errors,
        "bodies": await service.all_bodies(db),
        "statuses": MeetingStatus.options(),
        "orders": Order.options(),
    }
    return render(
        request,
        "meetings/list.html",
        context,
        fragment="meetings/_results.html",
        status_code=422 if form.errors else 200,
    )


@get(["/meetings.csv", "/meetings.xlsx"], name="meetings_export", cache=False)
async def meetings_export(request: Request, db: DB) -> Response[bytes]:
    """Every meeting the list shows with these filters and this order, as CSV or XLSX."""
    form = Form(request.query_params)
    filters = read_filters(form, request.scope.get("user"))
    query = {key: form.raw(key) for key in ("q", "body", "status", "from", "to", "order")}
    sort = meetings_sort(form, filters, query)
    rows, _total = await search.search_meetings(db, filters, None, 0, sort=sort if sort.key else None)
    columns = [
        Column(_("Starts"), lambda row: row.meeting.starts_at),
        Column(_("Ends"), lambda row: row.meeting.ends_at),
        Column(_("Title"), lambda row: row.meeting.title),
        Column(_("Body"), lambda row: row.meeting.body.name if row.meeting.body else ""),
        Column(_("Status"), lambda row: row.meeting.status.label),
        Column(_("Venue"), lambda row: row.meeting.venue),
        Column(_("Invited"), lambda row: row.invited),
    ]
    return table_file(request.url.path, _("meetings"), columns, rows)


# Schedule and edit ----------------------------------------------------------------------


def read_meeting_form(form: Form) -> MeetingDraft:
    return MeetingDraft(
        body_id=form.integer("body_id", minimum=1),
        **form.versions("title", max_length=service.TITLE_MAX),
        kind=form.choice("kind", MeetingKind),
        project_id=form.integer("project_id", minimum=1),
        session_kind=form.choice("session_kind", SessionKind, required=False),
        session_number=form.integer("session_number", minimum=1, maximum=SESSION_MAX),
        starts_at=form.local_datetime("starts_at", required=True),
        ends_at=form.local_datetime("ends_at", required=True),
        venue=form.text("venue", max_length=service.VENUE_MAX),
        online_url=form.url("online_url"),
        status=form.choice("status", MeetingStatus),
        **form.versions("description", max_length=service.DESCRIPTION_MAX),
    )


def wants_carry_over(form: Form) -> bool:
    """The "start the agenda with the follow-up of commitments" box: checked unless the
    form showed it (`carry_over_offered`) and it was left unchecked."""
    return form.boolean("carry_over") or not form.raw("carry_over_offered")


async def follow_up_panel(db: DB, values: Any) -> dict[str, Any]:
    """Context of `meetings/_follow_up.html` for the body and start typed in `values` (a
    form or query): the open commitments that would be followed up, and the box's state.
    Unreadable values show no panel; they are reported by the form itself."""
    typed = Form(values)
    body_id = typed.integer("body_id", minimum=1)
    starts_at = typed.local_datetime("starts_at")
    rows = await carry_over.propose_follow_up(db, body_id, starts_at or i18n.now()) if body_id else []
    return {"follow_up_rows": rows, "carry_over": wants_carry_over(typed), "follow_up_today": i18n.today()}


async def _form_context(db: DB, meeting: Meeting | None, values: dict[str, Any]) -> dict[str, Any]:
    bodies = await service.bodies_for_choice(db, meeting.body_id if meeting else None)
    projects = await service.projects_for_choice(db, meeting.project_id if meeting else None)
    statuses = MeetingStatus.options()
    closed = meeting is not None and await record_closed(db, meeting.id)
    if closed:
        # Adopted minutes fix the body, the status and the date: offered as they are.
        assert meeting is not None
        bodies = [body for body in bodies if body.id == meeting.body_id]
        statuses = [(value, label) for value, label in statuses if value == meeting.status.value]
    return {
        "meeting": meeting,
        "values": values,
        "errors": {},
        "record_closed": closed,
        "bodies": bodies,
        "projects": projects,
        "kind_groups": [
            (_("Meetings of the council"), [(kind.value, kind.label) for kind in MeetingKind.council()]),
            (_("Events"), [(kind.value, kind.label) for kind in MeetingKind.events()]),
        ],
        "session_kinds": SessionKind.options(),
        "statuses": statuses,
        # Only when scheduling: the open commitments of the chosen body.
        **(await follow_up_panel(db, values) if meeting is None else {}),
    }


async def _saved_or_invalid(
    request: Request, db: DB, form: Form, meeting: Meeting | None
) -> tuple[MeetingDraft | None, Template | None]:
    """The draft when the form is good, else the form again with every problem (422), or
    with what looks unusual and a box to confirm it (422 too, until confirmed)."""
    draft = read_meeting_form(form)
    now = i18n.now()
    for field, message in (await service.meeting_errors(db, draft, meeting, now=now)).items():
        form.error(field, message)
    try:
        form.check()
    except Invalid as error:
        context = await _form_context(db, meeting, error.values)
        return None, render_invalid(request, "meetings/form.html", context, error, fragment="meetings/_form.html")
    warnings = service.meeting_warnings(draft, meeting, now=now)
    if warnings and not form.boolean("confirm"):
        context = {**await _form_context(db, meeting, form.values), "warnings": warnings}
        return None, render(request, "meetings/form.html", context, fragment="meetings/_form.html", status_code=422)
    return draft, None


@get("/meetings/new", name="meeting_new", cache=False, opt=SECRETARIAT)
async def new_meeting(request: Request, db: DB) -> Template:
    values: dict[str, Any] = {"status": MeetingStatus.SCHEDULED.value, "kind": MeetingKind.PLENARY.value}
    body_id = Form(request.query_params).integer("body")
    if body_id is not None:
        body = await db.get(Body, body_id)
        if body is not None and body.archived_at is None:
            values["body_id"] = body.id
            values["kind"] = KIND_FOR_BODY.get(body.kind, MeetingKind.PLENARY).value
    return render(request, "meetings/form.html", await _form_context(db, None, values), fragment="meetings/_form.html")


@post("/meetings", name="meeting_create")
async def create_meeting(request: Request, db: DB) -> Any:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    draft, invalid = await _saved_or_invalid(request, db, form, None)
    if invalid is not None:
        return invalid
    assert draft is not None
    meeting = await service.schedule_meeting(db, draft, confirmed=form.boolean("confirm"))
    if wants_carry_over(form):
        await carry_over.add_follow_up_item(db, meeting)
    await idempotency.remember(db, request, form, f"/meetings/{meeting.id}")
    await db.commit()
    return see_other(request, f"/meetings/{meeting.id}")


@get("/meetings/new/follow-up", name="meeting_new_follow_up", cache=False, opt=SECRETARIAT)
async def new_meeting_follow_up(request: Request, db: DB) -> Template:
    """The schedule form's panel of open commitments for the body chosen (HTMX, on change)."""
    return render(request, "meetings/_follow_up.html", await follow_up_panel(db, request.query_params))


@get("/meetings/{meeting_id:int}/edit", name="meeting_edit", cache=False, opt=SECRETARIAT)
async def edit_meeting(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    meeting = await service.get_meeting(db, meeting_id)
    context = await _form_context(db, meeting, service.meeting_values(meeting))
    return render(request, "meetings/form.html", context, fragment="meetings/_form.html")


@post("/meetings/{meeting_id:int}/edit", name="meeting_update")
async def update_meeting(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    version = form.integer("version")
    if version != meeting.version:
        # Someone saved in between: what is there now, and beside it what was typed.
        context = await _form_context(db, meeting, service.meeting_values(meeting))
        context["stale"] = Stale(meeting).message
        context["mine"] = form.values
        return render(request, "meetings/form.html", context, fragment="meetings/_form.html", status_code=409)
    draft, invalid = await _saved_or_invalid(request, db, form, meeting)
    if invalid is not None:
        return invalid
    assert draft is not None
    await service.update_meeting(db, meeting, draft, version, confirmed=form.boolean("confirm"))
    # Set to "Cancelled" here too: calendars that have the meeting get its cancellation.
    return await _saved(request, db, settings, meeting)


# Cancel and delete ----------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/cancel", name="meeting_cancel_confirm", cache=False, opt=SECRETARIAT)
async def confirm_cancel(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    meeting = await service.get_meeting(db, meeting_id)
    return render(request, "meetings/confirm.html", {"meeting": meeting, "action": "cancel"})


@post("/meetings/{meeting_id:int}/cancel", name="meeting_cancel")
async def cancel_meeting(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    await service.cancel_meeting(db, meeting, form.integer("version"))
    return await _saved(request, db, settings, meeting)


async def _saved(request: Request, db: DB, settings: Config, meeting: Meeting) -> Response[Any]:
    """Commit a change of the meeting and show it again. A cancelled meeting's cancellation
    goes, in the same transaction, to everyone who was sent the invitation."""
    await calendar_invitations.send_cancellations(db, meeting.id, settings)
    await db.commit()
    return see_other(request, f"/meetings/{meeting.id}")


@get("/meetings/{meeting_id:int}/delete", name="meeting_delete_confirm", cache=False, opt=SECRETARIAT)
async def confirm_delete(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    meeting = await service.get_meeting(db, meeting_id)
    dependents = await service.meeting_dependents(db, meeting.id)
    return render(request, "meetings/confirm.html", {"meeting": meeting, "action": "delete", "dependents": dependents})


@post("/meetings/{meeting_id:int}/delete", name="meeting_delete")
async def delete_meeting(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    await service.delete_meeting(db, meeting)
    await db.commit()
    return see_other(request, "/meetings")


routes: list[Any] = [
    meetings_page,
    meetings_export,
    new_meeting,
    new_meeting_follow_up,
    create_meeting,
    edit_meeting,
    update_meeting,
    confirm_cancel,
    cancel_meeting,
    confirm_delete,
    delete_meeting,
]
