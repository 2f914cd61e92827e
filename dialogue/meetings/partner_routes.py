"""The partners section of the meeting page (HTMX): give an organisation a role on the
event, take it away, change the order. Refused, with the reason, once the minutes are adopted."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from dialogue.errors import Invalid, Refused
from dialogue.forms import Form
from dialogue.meetings import partners, service
from dialogue.meetings.invitation_routes import page_context
from dialogue.meetings.models import MeetingPartner, PartnerRole
from dialogue.minutes.lock import record_closed
from dialogue.people.service import MAX_ID
from dialogue.web import DB, render, see_other, wants_fragment


async def _answer(request: Request, db: DB, meeting_id: int, *, status_code: int = 200, **extra: Any) -> Any:
    """The section again (HTMX), or the meeting page (an error) or back to it."""
    if status_code < 400 and not wants_fragment(request):
        return see_other(request, f"/meetings/{meeting_id}#partners")
    meeting = await service.get_meeting(db, meeting_id)
    context = {
        "meeting": meeting,
        "record_closed": await record_closed(db, meeting_id),
        **await partners.partners_section(db, meeting, **extra),
    }
    if wants_fragment(request):
        return render(request, "meetings/_partners.html", context, status_code=status_code)
    page = await page_context(request, db, meeting_id)
    return render(request, "meetings/page.html", {**page, **context}, status_code=status_code)


@post("/meetings/{meeting_id:int}/partners", name="partner_create")
async def add_partner(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    meeting = await service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    organisation_id = form.integer("organisation_id", required=True, minimum=1, maximum=MAX_ID)
    role = form.choice("role", PartnerRole)
    try:
        form.check()
        await partners.add_partner(db, meeting, organisation_id, role)
    except Invalid as error:
        await db.rollback()
        errors = {**error.errors, **form.errors}
        return await _answer(
            request,
            db,
            meeting_id,
            status_code=HTTP_422_UNPROCESSABLE_ENTITY,
            partner_errors=errors,
            partner_values=form.values,
        )
    except Refused as refused:
        await db.rollback()
        return await _answer(request, db, meeting_id, status_code=HTTP_409_CONFLICT, partners_refusal=refused.message)
    await db.commit()
    return await _answer(request, db, meeting_id)


async def _partner(db: DB, meeting_id: FromPath[int], partner_id: FromPath[int]) -> MeetingPartner:
    """The partner that the address names on this meeting (404 otherwise)."""
    return await partners.get_partner(db, meeting_id, partner_id)


PARTNER = {"partner": Provide(_partner)}
Partner = NamedDependency[MeetingPartner]


async def _changed(request: Request, db: DB, partner: MeetingPartner, change: Any) -> Any:
    meeting_id = partner.meeting_id
    try:
        await change
    except Refused as refused:
        await db.rollback()
        return await _answer(request, db, meeting_id, status_code=HTTP_409_CONFLICT, partners_refusal=refused.message)
    await db.commit()
    return await _answer(request, db, meeting_id)


@post("/meetings/{meeting_id:int}/partners/{partner_id:int}/remove", dependencies=PARTNER, name="partner_remove")
async def remove_partner(request: Request, db: DB, partner: Partner) -> Any:
    return await _changed(request, db, partner, partners.remove_partner(db, partner))


@post("/meetings/{meeting_id:int}/partners/{partner_id:int}/up", dependencies=PARTNER, name="partner_up")
async def move_partner_up(request: Request, db: DB, partner: Partner) -> Any:
    return await _changed(request, db, partner, partners.move_partner(db, partner, -1))


@post("/meetings/{meeting_id:int}/partners/{partner_id:int}/down", dependencies=PARTNER, name="partner_down")
async def move_partner_down(request: Request, db: DB, partner: Partner) -> Any:
    return await _changed(request, db, partner, partners.move_partner(db, partner, 1))


routes: list[Any] = [add_partner, remove_partner, move_partner_up, move_partner_down]
