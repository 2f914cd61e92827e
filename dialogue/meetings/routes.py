"""Pages of the meetings area: search, schedule and edit, the meeting page, invitations
and attendance (HTMX rows), cancel and delete."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from dialogue.accounts.permissions import Permission, internal_visible_sides
from dialogue.agenda.reading import agenda_section
from dialogue.bodies.models import Body, BodyKind
from dialogue.calendar import answers as calendar_answers
from dialogue.calendar import invitations as calendar_invitations
from dialogue.calendar.meeting_event import invite_file
from dialogue.calendar.sending_plan import sending_plan
from dialogue.commitments import carry_over
from dialogue.commitments.at_meetings import commitments_section
from dialogue.forms import Form, Invalid
from dialogue import i18n, idempotency
from dialogue.i18n import _
from dialogue.listing import Column, Sort, list_context, list_sort, table_file
from dialogue.meetings import service
from dialogue.meetings.models import (
    Attendance,
    InvitationResponse,
    InvitationRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from dialogue.meetings.service import MeetingDraft, MeetingFilters, Order
from dialogue.minutes.lock import record_closed
from dialogue.people.models import Side
from dialogue.meetings.visibility import sees_drafts
from dialogue.web import (
    DB,
    Config,
    Refused,
    Stale,
    Template,
    attachment,
    page_window,
    render,
    render_invalid,
    see_other,
    wants_fragment,
)

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
    if form.raw("sort") not in service.SORT_KEYS and filters.order == Order.UPCOMING:
        return Sort("", query=dict(query))
    query.pop("order", None)
    return list_sort(form.data, service.SORT_KEYS, "date", query, descending=True)


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
    rows, total = await service.search_meetings(db, filters, limit, offset, sort=sort if sort.key else None)
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
    rows, _total = await service.search_meetings(db, filters, None, 0, sort=sort if sort.key else None)
    columns = [
        Column(_("Starts"), lambda row: row.meeting.starts_at),
        Column(_("Ends"), lambda row: row.meeting.ends_at),
        Column(_("Title"), lambda row: row.meeting.title),
        Column(_("Body"), lambda row: row.meeting.body.name),
        Column(_("Status"), lambda row: row.meeting.status.label),
        Column(_("Venue"), lambda row: row.meeting.venue),
        Column(_("Invited"), lambda row: row.invited),
    ]
    return table_file(request.url.path, _("meetings"), columns, rows)


# Schedule and edit ----------------------------------------------------------------------


def read_meeting_form(form: Form) -> MeetingDraft:
    return MeetingDraft(
        body_id=form.integer("body_id", required=True),
        title=form.text("title", required=True, max_length=service.TITLE_MAX),
        kind=form.choice("kind", MeetingKind),
        starts_at=form.local_datetime("starts_at", required=True),
        ends_at=form.local_datetime("ends_at", required=True),
        venue=form.text("venue", max_length=service.VENUE_MAX),
        online_url=form.url("online_url"),
        status=form.choice("status", MeetingStatus),
        description=form.text("description", max_length=service.DESCRIPTION_MAX),
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
        "kinds": MeetingKind.options(),
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


@get("/meetings/new", name="meeting_new", cache=False, opt={"permission": Permission.SECRETARIAT})
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


@get("/meetings/new/follow-up", name="meeting_new_follow_up", cache=False, opt={"permission": Permission.SECRETARIAT})
async def new_meeting_follow_up(request: Request, db: DB) -> Template:
    """The schedule form's panel of open commitments for the body chosen (HTMX, on change)."""
    return render(request, "meetings/_follow_up.html", await follow_up_panel(db, request.query_params))


@get("/meetings/{meeting_id:int}/edit", name="meeting_edit", cache=False, opt={"permission": Permission.SECRETARIAT})
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
    await calendar_invitations.send_cancellations(db, meeting.id, settings)
    await db.commit()
    return see_other(request, f"/meetings/{meeting.id}")


# Cancel and delete ----------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/cancel", name="meeting_cancel_confirm", cache=False, opt={"permission": Permission.SECRETARIAT})
async def confirm_cancel(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    meeting = await service.get_meeting(db, meeting_id)
    return render(request, "meetings/confirm.html", {"meeting": meeting, "action": "cancel"})


@post("/meetings/{meeting_id:int}/cancel", name="meeting_cancel")
async def cancel_meeting(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    await service.cancel_meeting(db, meeting, form.integer("version"))
    # Everyone who was sent the invitation gets the cancellation (same transaction).
    await calendar_invitations.send_cancellations(db, meeting.id, settings)
    await db.commit()
    return see_other(request, f"/meetings/{meeting.id}")


@get("/meetings/{meeting_id:int}/delete", name="meeting_delete_confirm", cache=False, opt={"permission": Permission.SECRETARIAT})
async def confirm_delete(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    meeting = await service.get_meeting(db, meeting_id)
    dependents = await service.meeting_dependents(db, meeting.id)
    return render(
        request, "meetings/confirm.html", {"meeting": meeting, "action": "delete", "dependents": dependents}
    )


@post("/meetings/{meeting_id:int}/delete", name="meeting_delete")
async def delete_meeting(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    await service.delete_meeting(db, meeting)
    await db.commit()
    return see_other(request, "/meetings")


# The meeting page -----------------------------------------------------------------------


async def attendance_context(db: DB, meeting_id: FromPath[int]) -> dict[str, Any]:
    """Invitations (by side), the invitation form's choices and the quorum panel."""
    meeting = await service.get_meeting(db, meeting_id, with_invitations=True)
    return {
        "meeting": meeting,
        "groups": service.invitations_by_side(meeting),
        "quorum": service.meeting_quorum(meeting),
        "roles": InvitationRole.options(),
        "attendances": Attendance.options(),
        "invite_errors": {},
        "invite_values": {},
        "bulk_errors": {},
        "invitations_notice": "",
        "record_closed": await record_closed(db, meeting.id),
        **await service.invitation_choices(db, meeting),
    }


@get("/meetings/{meeting_id:int}", name="meeting", cache=False)
async def meeting_page(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    context = await attendance_context(db, meeting_id)
    context["calendar_sent"] = sent_counts(request.query_params.get("sent", ""))
    return render(request, "meetings/page.html", await _with_sections(request, db, context))


async def _with_sections(request: Request, db: DB, context: dict[str, Any]) -> dict[str, Any]:
    """The other areas' sections of the meeting page (agenda, commitments); internal draft
    positions only for their own side and the secretariat."""
    meeting = context["meeting"]
    agenda = await agenda_section(db, meeting, visible=internal_visible_sides(request.scope.get("user")))
    commitments = await commitments_section(db, meeting)
    calendar = await calendar_invitations.page_section(db, meeting, request.app.state.settings)
    return {**agenda, **commitments, **calendar, **context}


async def _invitations_answer(
    request: Request, db: DB, meeting_id: int, *, status_code: int = 200, **extra: Any
) -> Any:
    """After a change to the invitations: the section again (HTMX) or the page."""
    if wants_fragment(request):
        context = {**await attendance_context(db, meeting_id), **extra}
        return render(
            request,
            "meetings/page.html",
            context,
            fragment="meetings/_invitations_update.html",
            status_code=status_code,
            # The calendar card counts invitees with an address: it reloads itself.
            trigger_event=calendar_invitations.CALENDAR_CHANGED if status_code < 400 else None,
        )
    if status_code >= 400:
        context = {**await attendance_context(db, meeting_id), **extra}
        return render(request, "meetings/page.html", await _with_sections(request, db, context), status_code=status_code)
    return see_other(request, f"/meetings/{meeting_id}#invitations")


def _optional_id(form: Form, name: str) -> int | None:
    return form.integer(name, minimum=1)


@post("/meetings/{meeting_id:int}/invitations", name="invitation_create")
async def add_invitation(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    person_id = form.integer("person_id", required=True)
    role = form.choice("role", InvitationRole, default=InvitationRole.TITULAR)
    behalf_id = _optional_id(form, "on_behalf_of_id")
    try:
        form.check()
        await service.invite_person(db, meeting, person_id, role, behalf_id)
    except Invalid as error:
        await db.rollback()
        errors = {**error.errors, **form.errors}
        return await _invitations_answer(
            request, db, meeting_id, status_code=422, invite_errors=errors, invite_values=form.values
        )
    await db.commit()
    return await _invitations_answer(request, db, meeting_id)


@post("/meetings/{meeting_id:int}/invitations/members", name="invitation_members")
async def invite_members(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    await service.invite_all_members(db, meeting)
    await db.commit()
    return await _invitations_answer(request, db, meeting_id)


def _ids(form: Form, name: str) -> set[int]:
    """Every id ticked under `name` (checkboxes); an unreadable one is a form error."""
    ids = set()
    for value in form.all(name):
        if value.isdigit() and len(value) < 10:
            ids.add(int(value))
        else:
            form.error("bulk", _("Choose one of the options."))
    return ids


@post("/meetings/{meeting_id:int}/invitations/bulk", name="invitation_bulk")
async def invite_many(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    """Several people, whole organisations or whole sides invited in one action."""
    meeting = await service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    role = form.choice("role", InvitationRole, default=InvitationRole.TITULAR)
    sides = set()
    for value in form.all("side"):
        try:
            sides.add(Side(value))
        except ValueError:
            form.error("bulk", _("Choose one of the options."))
    person_ids, organisation_ids = _ids(form, "person_id"), _ids(form, "organisation_id")
    try:
        form.check()
        added = await service.invite_many(
            db,
            meeting,
            person_ids=person_ids,
            organisation_ids=organisation_ids,
            sides=sides,
            role=role,
        )
    except Invalid as error:
        await db.rollback()
        errors = {**error.errors, **form.errors}
        return await _invitations_answer(request, db, meeting_id, status_code=422, bulk_errors=errors)
    await db.commit()
    if added:
        notice = i18n.ngettext("%(num)s person invited.", "%(num)s people invited.", len(added)) % {"num": len(added)}
    else:
        notice = _("Everyone chosen was already invited.")
    return await _invitations_answer(request, db, meeting_id, invitations_notice=notice)


@post("/meetings/{meeting_id:int}/attendance/present", name="attendance_all_present")
async def mark_everyone_present(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    """Everyone not recorded yet is present; the exceptions are corrected row by row."""
    meeting = await service.get_meeting(db, meeting_id)
    marked = await service.mark_everyone_present(db, meeting)
    await db.commit()
    notice = i18n.ngettext("%(num)s person marked present.", "%(num)s people marked present.", marked) % {"num": marked}
    return await _invitations_answer(request, db, meeting_id, invitations_notice=notice)


@get("/meetings/{meeting_id:int}/attendance-sheet", name="attendance_sheet", cache=False)
async def attendance_sheet(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    """A page made for printing on A4: the meeting, then per side its invitees with their
    organisation and an empty column for signatures."""
    meeting = await service.get_meeting(db, meeting_id, with_invitations=True)
    groups = [group for group in service.invitations_by_side(meeting) if group.invitations]
    return render(request, "meetings/attendance_sheet.html", {"meeting": meeting, "groups": groups})


@post("/meetings/{meeting_id:int}/invitations/{invitation_id:int}", name="invitation_update")
async def change_invitation(request: Request, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int]) -> Any:
    """Role and "on behalf of" of one invitee."""
    meeting = await service.get_meeting(db, meeting_id)
    invitation = await service.get_invitation(db, meeting_id, invitation_id)
    form = Form(await request.form())
    role = form.choice("role", InvitationRole)
    behalf_id = _optional_id(form, "on_behalf_of_id")
    try:
        form.check()
        await service.update_invitation(
            db, meeting, invitation, form.integer("version"), role=role, on_behalf_of_id=behalf_id
        )
    except (Invalid, Stale) as error:
        await db.rollback()
        return await _row_problem(request, db, meeting_id, invitation_id, error, whole_section=True)
    await db.commit()
    return await _invitations_answer(request, db, meeting_id)


@post("/meetings/{meeting_id:int}/invitations/{invitation_id:int}/attendance", name="attendance_update")
async def record_attendance(request: Request, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int]) -> Any:
    """Present, excused, absent or not recorded, and "arrived late": one row, no reload."""
    meeting = await service.get_meeting(db, meeting_id)
    invitation = await service.get_invitation(db, meeting_id, invitation_id)
    form = Form(await request.form())
    attendance = form.choice("attendance", Attendance)
    try:
        form.check()
        await service.update_invitation(
            db,
            meeting,
            invitation,
            form.integer("version"),
            attendance=attendance,
            arrived_late=form.boolean("arrived_late"),
        )
    except (Invalid, Stale) as error:
        await db.rollback()
        return await _row_problem(request, db, meeting_id, invitation_id, error)
    await db.commit()
    if wants_fragment(request):
        return await _row_answer(request, db, meeting_id, invitation_id)
    return see_other(request, f"/meetings/{meeting_id}#invitation-{invitation_id}")


async def _row_answer(
    request: Request, db: DB, meeting_id: int, invitation_id: int, *, status_code: int = 200, **extra: Any
) -> Template:
    """One invitee's row, and the quorum panel out of band."""
    context = await attendance_context(db, meeting_id)
    invitation = next((inv for inv in context["meeting"].invitations if inv.id == invitation_id), None)
    return render(
        request,
        "meetings/page.html",
        {**context, "invitation": invitation, **extra},
        fragment="meetings/_attendance_update.html",
        status_code=status_code,
    )


async def _row_problem(
    request: Request, db: DB, meeting_id: int, invitation_id: int, error: Invalid | Stale, *, whole_section: bool = False
) -> Any:
    """A refused row change: the row as it is now with the message (409 stale, 422 invalid),
    alone or within the whole section (what the form's hx-target expects)."""
    if isinstance(error, Stale):
        message, status_code = error.message, 409
    else:
        message, status_code = " ".join(error.errors.values()), 422
    if not wants_fragment(request):
        raise error if isinstance(error, Stale) else Invalid(error.errors, error.values)
    problem = {"id": invitation_id, "message": message}
    if whole_section:
        return await _invitations_answer(request, db, meeting_id, status_code=status_code, row_problem=problem)
    return await _row_answer(request, db, meeting_id, invitation_id, status_code=status_code, row_problem=problem)


@post("/meetings/{meeting_id:int}/invitations/{invitation_id:int}/remove", name="invitation_remove")
async def remove_invitation(request: Request, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int]) -> Any:
    invitation = await service.get_invitation(db, meeting_id, invitation_id)
    try:
        await service.remove_invitation(db, invitation)
    except Refused as refused:
        if not wants_fragment(request):
            raise
        return await _invitations_answer(request, db, meeting_id, status_code=409, invitations_message=refused.message)
    await db.commit()
    return await _invitations_answer(request, db, meeting_id)


# Calendar invitations ---------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/invite.ics", name="meeting_invite_ics", cache=False)
async def invite_ics(db: DB, settings: Config, meeting_id: FromPath[int]) -> Response[bytes]:
    """The current invitation: REQUEST with every invitee, or CANCEL once cancelled."""
    content, method = await invite_file(db, meeting_id, settings)
    return Response(
        content=content,
        media_type="text/calendar",
        headers={
            # Set whole: Litestar would append its own charset after the METHOD parameter.
            "Content-Type": f"text/calendar; charset=utf-8; method={method}",
            **attachment(f"meeting-{meeting_id}.ics"),
        },
    )


async def _send_context(db: DB, meeting_id: int, **extra: Any) -> dict[str, Any]:
    data, plan = await sending_plan(db, meeting_id)
    return {
        "meeting": data.meeting,
        "plan": plan,
        "past": calendar_invitations.is_past(data.meeting),
        "send_error": "",
        "correction": False,
        **extra,
    }


@get(
    "/meetings/{meeting_id:int}/invitations/send",
    name="invitations_send_confirm",
    cache=False,
    opt={"permission": Permission.SECRETARIAT},
)
async def confirm_send(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    """Before sending: who gets a first invitation, an update or a cancellation, and how
    many people are up to date."""
    return render(request, "meetings/send.html", await _send_context(db, meeting_id))


@post("/meetings/{meeting_id:int}/invitations/send", name="invitations_send")
async def send_invitations(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Send each person only what they do not have yet (the plan the confirmation showed),
    all written to the outbox with this action; then the meeting page says what was sent."""
    form = Form(await request.form())
    correction = form.boolean("correction")
    try:
        sending = await calendar_invitations.send_invitations(
            db, meeting_id, settings, correction=correction, expected=form.raw("plan") or None
        )
    except calendar_invitations.CorrectionRequired as refused:
        await db.rollback()
        context = await _send_context(db, meeting_id, send_error=refused.message)
        return render(request, "meetings/send.html", context, status_code=422)
    except calendar_invitations.PlanChanged:
        await db.rollback()
        message = _("What would be sent has changed since this page was opened: check the list again.")
        context = await _send_context(db, meeting_id, send_error=message, correction=correction)
        return render(request, "meetings/send.html", context, status_code=409)
    await db.commit()
    counts = f"{sending.invitations}-{sending.updates}-{sending.cancellations}"
    return see_other(request, f"/meetings/{meeting_id}?sent={counts}#calendar")


@get("/meetings/{meeting_id:int}/calendar", name="meeting_calendar", cache=False)
async def calendar_card(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """The calendar card alone (HTMX): it reloads itself when invitations or the agenda
    change. Outside HTMX, the meeting page at its calendar."""
    meeting = await service.get_meeting(db, meeting_id)
    if not wants_fragment(request):
        return see_other(request, f"/meetings/{meeting_id}#calendar")
    context = {"meeting": meeting, **await calendar_invitations.page_section(db, meeting, settings)}
    return Template(template_name="meetings/_calendar.html", context=context)


def sent_counts(raw: str) -> dict[str, int] | None:
    """The `sent=<invitations>-<updates>-<cancellations>` of the page after a sending."""
    parts = raw.split("-")
    if len(parts) != 3 or not all(p.isdigit() and len(p) < 6 for p in parts):
        return None
    return dict(zip(("invitations", "updates", "cancellations"), map(int, parts), strict=True))


def _answer_context(invitation: Any, choices: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "invitation": invitation,
        "meeting": invitation.meeting,
        "alternates": choices,
        "errors": {},
        "values": {},
        **extra,
    }


@get(
    "/invitations/{invitation_id:int}/{token:str}",
    name="invitation_answer",
    cache=False,
    opt={"permission": Permission.PUBLIC},
)
async def answer_page(
    request: Request, db: DB, settings: Config, invitation_id: FromPath[int], token: FromPath[str]
) -> Template:
    """The invited person's own page (a personal link, no sign-in): attend, decline or
    name an alternate."""
    invitation = await calendar_answers.invitation_by_token(db, invitation_id, token, settings)
    choices = await calendar_answers.alternate_choices(db, invitation)
    saved = Form(request.query_params).raw("saved") == "1"
    return render(request, "meetings/answer.html", _answer_context(invitation, choices, saved=saved, token=token))


@post(
    "/invitations/{invitation_id:int}/{token:str}",
    name="invitation_answer_save",
    opt={"permission": Permission.PUBLIC},
)
async def answer_save(
    request: Request, db: DB, settings: Config, invitation_id: FromPath[int], token: FromPath[str]
) -> Any:
    invitation = await calendar_answers.invitation_by_token(db, invitation_id, token, settings)
    form = Form(await request.form())
    response = form.choice("answer", InvitationResponse, required=True)
    alternate_id = form.integer("alternate_id", minimum=1)
    try:
        form.check()
        await calendar_answers.record_answer(db, invitation, response, alternate_id)
    except Invalid as error:
        await db.rollback()
        invitation = await calendar_answers.invitation_by_token(db, invitation_id, token, settings)
        choices = await calendar_answers.alternate_choices(db, invitation)
        context = _answer_context(invitation, choices, token=token)
        return render_invalid(request, "meetings/answer.html", context, Invalid({**error.errors, **form.errors}, form.values))
    await db.commit()
    return see_other(request, f"/invitations/{invitation_id}/{token}?saved=1")


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
    meeting_page,
    add_invitation,
    invite_members,
    invite_many,
    mark_everyone_present,
    attendance_sheet,
    change_invitation,
    record_attendance,
    remove_invitation,
    invite_ics,
    confirm_send,
    send_invitations,
    calendar_card,
    answer_page,
    answer_save,
]
