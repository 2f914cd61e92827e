"""Sending invitations by mail with their calendar file, and the page where an invitee answers."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from dialogue.accounts.permissions import PUBLIC, SECRETARIAT
from dialogue.calendar import answers as calendar_answers
from dialogue.calendar import invitations as calendar_invitations
from dialogue.calendar.meeting_event import invite_file
from dialogue.calendar.sending_plan import sending_plan
from dialogue.errors import Invalid
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.meetings import service
from dialogue.meetings.models import InvitationResponse
from dialogue.web import (
    DB,
    Config,
    Template,
    attachment,
    render,
    render_invalid,
    see_other,
    wants_fragment,
)

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


@get("/meetings/{meeting_id:int}/invitations/send", name="invitations_send_confirm", cache=False, opt=SECRETARIAT)
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


@get("/invitations/{invitation_id:int}/{token:str}", name="invitation_answer", cache=False, opt=PUBLIC)
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
    opt=PUBLIC,
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
        return render_invalid(
            request, "meetings/answer.html", context, Invalid({**error.errors, **form.errors}, form.values)
        )
    await db.commit()
    return see_other(request, f"/invitations/{invitation_id}/{token}?saved=1")


routes: list[Any] = [
    invite_ics,
    confirm_send,
    send_invitations,
    calendar_card,
    answer_page,
    answer_save,
]
