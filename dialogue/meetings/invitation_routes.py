"""The meeting page and its invitations section: invite, change, remove, record attendance (HTMX rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath

from dialogue import i18n
from dialogue.accounts.permissions import internal_visible_sides
from dialogue.agenda.reading import agenda_section
from dialogue.calendar import invitations as calendar_invitations
from dialogue.commitments.at_meetings import commitments_section
from dialogue.documents.service import documents_section
from dialogue.errors import Invalid, Refused, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.meetings import attendance, invitations, service
from dialogue.meetings.models import Attendance, InvitationRole
from dialogue.meetings.partners import partners_section
from dialogue.meetings.sending_routes import sent_counts
from dialogue.minutes.lock import record_closed
from dialogue.papers.sheet import meeting_partners, sign_in_sheet
from dialogue.people.models import Side
from dialogue.press import service as press_service
from dialogue.web import DB, Template, render, see_other, wants_fragment

# The meeting page -----------------------------------------------------------------------


async def attendance_context(db: DB, meeting_id: FromPath[int]) -> dict[str, Any]:
    """Invitations (by side), the invitation form's choices and the quorum panel."""
    meeting = await service.get_meeting(db, meeting_id, with_invitations=True)
    return {
        "meeting": meeting,
        "groups": invitations.invitations_by_side(meeting),
        "quorum": invitations.meeting_quorum(meeting),
        "roles": InvitationRole.options(),
        "attendances": Attendance.options(),
        "invite_errors": {},
        "invite_values": {},
        "bulk_errors": {},
        "invitations_notice": "",
        "record_closed": await record_closed(db, meeting.id),
        **await invitations.invitation_choices(db, meeting),
    }


@get("/meetings/{meeting_id:int}", name="meeting", cache=False)
async def meeting_page(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    context = await attendance_context(db, meeting_id)
    context["calendar_sent"] = sent_counts(request.query_params.get("sent", ""))
    return render(request, "meetings/page.html", await _with_sections(request, db, context))


async def page_context(request: Request, db: DB, meeting_id: int) -> dict[str, Any]:
    """Everything the meeting page shows (for a section's answer without HTMX)."""
    return await _with_sections(request, db, await attendance_context(db, meeting_id))


async def _with_sections(request: Request, db: DB, context: dict[str, Any]) -> dict[str, Any]:
    """The other areas' sections of the meeting page (agenda, commitments); internal draft
    positions only for their own side and the secretariat."""
    meeting = context["meeting"]
    agenda = await agenda_section(db, meeting, visible=internal_visible_sides(request.scope.get("user")))
    commitments = await commitments_section(db, meeting)
    calendar = await calendar_invitations.page_section(db, meeting, request.app.state.settings)
    documents = await documents_section(db, request.scope.get("user"), meeting)
    press = {"press_published": await press_service.is_published(db, meeting.id)}
    partners = await partners_section(db, meeting)
    return {**agenda, **commitments, **calendar, **documents, **press, **partners, **context}


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
        return render(
            request, "meetings/page.html", await _with_sections(request, db, context), status_code=status_code
        )
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
        await invitations.invite_person(db, meeting, person_id, role, behalf_id)
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
    await invitations.invite_all_members(db, meeting)
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
        added = await invitations.invite_many(
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
    marked = await attendance.mark_everyone_present(db, meeting)
    await db.commit()
    notice = i18n.ngettext("%(num)s person marked present.", "%(num)s people marked present.", marked) % {"num": marked}
    return await _invitations_answer(request, db, meeting_id, invitations_notice=notice)


@get("/meetings/{meeting_id:int}/attendance-sheet", name="attendance_sheet", cache=False)
async def attendance_sheet(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    """A page made for printing on A4: the meeting, then per side its invitees with their
    organisation and an empty column for signatures (the sign-in sheet, as its PDF)."""
    meeting = await service.get_meeting(db, meeting_id, with_invitations=True)
    sheet = sign_in_sheet(meeting, i18n.current_language(), await meeting_partners(db, meeting_id))
    return render(request, "meetings/attendance_sheet.html", {"sheet": sheet, "pdf": False})


@post("/meetings/{meeting_id:int}/invitations/{invitation_id:int}", name="invitation_update")
async def change_invitation(request: Request, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int]) -> Any:
    """Role and "on behalf of" of one invitee."""

    def changes(form: Form) -> dict[str, Any]:
        return {"role": form.choice("role", InvitationRole), "on_behalf_of_id": _optional_id(form, "on_behalf_of_id")}

    problem = await _update_invitation(request, db, meeting_id, invitation_id, changes, whole_section=True)
    if problem is not None:
        return problem
    return await _invitations_answer(request, db, meeting_id)


@post("/meetings/{meeting_id:int}/invitations/{invitation_id:int}/attendance", name="attendance_update")
async def record_attendance(request: Request, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int]) -> Any:
    """Present, excused, absent or not recorded, and "arrived late": one row, no reload."""

    def changes(form: Form) -> dict[str, Any]:
        return {"attendance": form.choice("attendance", Attendance), "arrived_late": form.boolean("arrived_late")}

    problem = await _update_invitation(request, db, meeting_id, invitation_id, changes)
    if problem is not None:
        return problem
    if wants_fragment(request):
        return await _row_answer(request, db, meeting_id, invitation_id)
    return see_other(request, f"/meetings/{meeting_id}#invitation-{invitation_id}")


async def _update_invitation(
    request: Request,
    db: DB,
    meeting_id: int,
    invitation_id: int,
    changes: Callable[[Form], dict[str, Any]],
    *,
    whole_section: bool = False,
) -> Any:
    """Change one invitation with what `changes` reads from the form, and commit; None when
    done, else the answer to the refusal (the row, or the whole section, with its message)."""
    meeting = await service.get_meeting(db, meeting_id)
    invitation = await invitations.get_invitation(db, meeting_id, invitation_id)
    form = Form(await request.form())
    fields = changes(form)
    try:
        form.check()
        await invitations.update_invitation(db, meeting, invitation, form.integer("version"), **fields)
    except (Invalid, Stale) as error:
        await db.rollback()
        return await _row_problem(request, db, meeting_id, invitation_id, error, whole_section=whole_section)
    await db.commit()
    return None


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
    request: Request,
    db: DB,
    meeting_id: int,
    invitation_id: int,
    error: Invalid | Stale,
    *,
    whole_section: bool = False,
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
    invitation = await invitations.get_invitation(db, meeting_id, invitation_id)
    try:
        await invitations.remove_invitation(db, invitation)
    except Refused as refused:
        if not wants_fragment(request):
            raise
        return await _invitations_answer(request, db, meeting_id, status_code=409, invitations_message=refused.message)
    await db.commit()
    return await _invitations_answer(request, db, meeting_id)


routes: list[Any] = [
    meeting_page,
    add_invitation,
    invite_members,
    invite_many,
    mark_everyone_present,
    attendance_sheet,
    change_invitation,
    record_attendance,
    remove_invitation,
]
