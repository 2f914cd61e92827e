"""JSON API (/api/v1) of the meetings area: meetings, cancel, invitations and attendance.

Datetimes go out in ISO 8601 with their offset (Africa/Tunis); coming in, a datetime
without an offset is read as a time in Africa/Tunis. Bodies that do not parse are 400;
values of the wrong type or that break a rule are 422 with an error per field. The bodies
of requests and answers, and the records turned into answers: `api_structs.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_422_UNPROCESSABLE_ENTITY
from msgspec import UNSET

from dialogue import bilingual, idempotency
from dialogue.calendar import invitations as calendar_invitations
from dialogue.calendar.sending_plan import sending_plan
from dialogue.commitments import carry_over
from dialogue.error_handlers import api_error
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.listing import ListWindow, api_list, sliced_page
from dialogue.meetings import invitations, search, service
from dialogue.meetings.api_structs import (
    CancelIn,
    InvitationIn,
    InvitationListOut,
    InvitationOut,
    InvitationPatch,
    MeetingDetailOut,
    MeetingIn,
    MeetingListOut,
    MeetingOut,
    MeetingPatch,
    PlannedOut,
    SendIn,
    SendOut,
    invitation_out,
    meeting_detail,
    meeting_out,
)
from dialogue.meetings.models import MeetingStatus
from dialogue.meetings.search import MeetingFilters, Order
from dialogue.meetings.service import MeetingDraft
from dialogue.meetings.visibility import sees_drafts
from dialogue.openapi import OptionalBody, Page
from dialogue.web import DB, Config, page_window

# From requests to drafts ----------------------------------------------------------------


def _datetime(name: str, value: str, errors: dict[str, str]) -> dt.datetime | None:
    try:
        return service.as_local(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        errors[name] = _("Enter a date and time in ISO 8601, e.g. 2026-12-10T09:00.")
        return None


def _draft(base: MeetingDraft, data: MeetingIn | MeetingPatch) -> MeetingDraft:
    """`base` with the fields `data` carries; unreadable datetimes raise `Invalid`."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for name in (
        "body_id",
        "kind",
        "project_id",
        "session_kind",
        "session_number",
        "venue",
        "online_url",
        "status",
        *bilingual.draft_names(*service.TEXTS),
    ):
        value = getattr(data, name)
        if value is not UNSET:
            changes[name] = value
    for name in ("starts_at", "ends_at"):
        value = getattr(data, name)
        if value is not UNSET:
            changes[name] = _datetime(name, value, errors)
    if errors:
        raise Invalid(errors)
    if changes.get("online_url") == "":
        changes["online_url"] = None
    return base.replace(**changes)


_QUERY_NAMES = {"body_id": "body", "date_from": "from", "date_to": "to"}
_FIELD_IN_MESSAGE = re.compile(r"(missing required|unknown) field `([^`]+)`")


def _validation_error(request: Request, exc: ValidationException) -> Response[Any]:
    """Values of the wrong type, missing or unknown fields: 422 with an error per field.
    A body that is not a JSON object at all: 400."""
    problems = [p for p in exc.extra if isinstance(p, dict)] if isinstance(exc.extra, list) else []
    errors: dict[str, str] = {}
    for problem in problems:
        key, message = str(problem.get("key") or ""), str(problem.get("message", ""))
        if key and key != "data":
            errors[_QUERY_NAMES.get(key, key) if problem.get("source") == "query" else key] = message
        elif match := _FIELD_IN_MESSAGE.search(message):
            missing = match.group(1) == "missing required"
            errors[match.group(2)] = _("This field is required.") if missing else _("Unknown field.")
    if errors:
        return api_error(HTTP_422_UNPROCESSABLE_ENTITY, _("Some values are not valid."), {"errors": errors})
    return api_error(
        HTTP_400_BAD_REQUEST,
        _("The request body is not a JSON object of the expected form."),
        {"detail": "; ".join(str(p.get("message", "")) for p in problems)},
    )


# Handlers -------------------------------------------------------------------------------


class MeetingsAPI(Controller):
    path = "/api/v1/meetings"
    tags = ["meetings"]
    exception_handlers = {ValidationException: _validation_error}

    @get("/", summary="Search meetings")
    async def list_meetings(
        self,
        request: Request,
        db: DB,
        settings: Config,
        q: Annotated[str, QueryParameter(description="Words in the title, venue or description")] = "",
        body_id: Annotated[int | None, QueryParameter(name="body", description="Id of the body")] = None,
        status: FromQuery[MeetingStatus | None] = None,
        date_from: Annotated[
            dt.date | None, QueryParameter(name="from", description="First day (Africa/Tunis)")
        ] = None,
        date_to: Annotated[dt.date | None, QueryParameter(name="to", description="Last day (Africa/Tunis)")] = None,
        order: Annotated[str, QueryParameter(description="recent (default) or upcoming")] = Order.RECENT,
        limit: FromQuery[int | None] = None,
        offset: FromQuery[int | None] = None,
    ) -> MeetingListOut:
        if len(q) > 200:
            raise Invalid({"q": _("At most {n} characters.").format(n=200)})
        if order not in (Order.RECENT, Order.UPCOMING):
            raise Invalid({"order": _("Choose one of the options.")})
        limit, offset = page_window(limit, offset, settings.page_size)
        filters = MeetingFilters(
            q=q.strip(),
            body_id=body_id,
            status=status,
            date_from=date_from,
            date_to=date_to,
            order=order,
            drafts=sees_drafts(request.scope.get("user")),
        )
        rows, total = await search.search_meetings(db, filters, limit, offset)
        return Page(
            items=[meeting_out(MeetingOut, row.meeting, row.invited) for row in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @post("/", summary="Schedule a meeting")
    async def create_meeting(self, request: Request, db: DB, data: JSONBody[MeetingIn]) -> MeetingDetailOut:
        """With an `Idempotency-Key` header, the same request sent again creates nothing and
        answers 303 to the meeting the first one created."""
        await idempotency.replay(db, request)
        draft = _draft(MeetingDraft(), data)
        meeting = await service.schedule_meeting(db, draft, confirmed=data.confirm)
        if data.carry_over:
            await carry_over.add_follow_up_item(db, meeting)
        await idempotency.remember(db, request, None, f"/api/v1/meetings/{meeting.id}")
        await db.commit()
        return meeting_detail(await service.get_meeting(db, meeting.id, with_invitations=True))

    @get("/{meeting_id:int}", summary="A meeting, its invitations and the quorum panel")
    async def read_meeting(self, db: DB, meeting_id: FromPath[int]) -> MeetingDetailOut:
        return meeting_detail(await service.get_meeting(db, meeting_id, with_invitations=True))

    @patch("/{meeting_id:int}", summary="Change a meeting (stale version: 409)")
    async def update_meeting(
        self, db: DB, settings: Config, meeting_id: FromPath[int], data: JSONBody[MeetingPatch]
    ) -> MeetingDetailOut:
        meeting = await service.get_meeting(db, meeting_id)
        draft = _draft(MeetingDraft.of(meeting), data)
        await service.update_meeting(db, meeting, draft, data.version, confirmed=data.confirm)
        # A meeting set to cancelled leaves the calendars it was sent to (same transaction).
        await calendar_invitations.send_cancellations(db, meeting.id, settings)
        await db.commit()
        db.expire_all()
        return meeting_detail(await service.get_meeting(db, meeting_id, with_invitations=True))

    @post("/{meeting_id:int}/cancel", summary="Call a meeting off", status_code=200, operation_class=OptionalBody)
    async def cancel_meeting(
        self, db: DB, settings: Config, meeting_id: FromPath[int], data: JSONBody[CancelIn | None] = None
    ) -> MeetingDetailOut:
        meeting = await service.get_meeting(db, meeting_id)
        await service.cancel_meeting(db, meeting, data.version if data else None)
        await calendar_invitations.send_cancellations(db, meeting.id, settings)
        await db.commit()
        db.expire_all()
        return meeting_detail(await service.get_meeting(db, meeting_id, with_invitations=True))

    @delete("/{meeting_id:int}", summary="Delete a meeting nothing depends on (else 409)")
    async def delete_meeting(self, db: DB, meeting_id: FromPath[int]) -> None:
        meeting = await service.get_meeting(db, meeting_id)
        await service.delete_meeting(db, meeting)
        await db.commit()

    @post(
        "/{meeting_id:int}/invitations/send",
        summary="Send each invitee only what they do not have yet (first invitation, update, cancellation)",
        status_code=200,
        operation_class=OptionalBody,
    )
    async def send_invitations(
        self, db: DB, settings: Config, meeting_id: FromPath[int], data: JSONBody[SendIn | None] = None
    ) -> SendOut:
        """The same rules as the page: nothing to people whose copy is current; a meeting
        that is over needs `correction: true` (else 409); `dry_run` only says what would go."""
        options = data or SendIn()
        _data, plan = await sending_plan(db, meeting_id)
        if not options.dry_run:
            await calendar_invitations.send_invitations(
                db, meeting_id, settings, correction=options.correction, expected=plan.fingerprint
            )
            await db.commit()
        return SendOut(
            sent=not options.dry_run and not plan.nothing_to_send,
            messages=[PlannedOut(p.person.id, p.person.full_name, p.address, p.kind) for p in plan.messages],
            invitations=len(plan.invitations),
            updates=len(plan.updates),
            cancellations=len(plan.cancellations),
            up_to_date=len(plan.up_to_date),
            without_address=len(plan.without_address),
        )

    @get(
        "/{meeting_id:int}/invitations",
        summary="Invitations and attendance, by side",
        dependencies=api_list(default=None),
    )
    async def list_invitations(self, db: DB, meeting_id: FromPath[int], window: ListWindow) -> InvitationListOut:
        meeting = await service.get_meeting(db, meeting_id, with_invitations=True)
        ordered = invitations.ordered_invitations(meeting)
        return sliced_page(ordered, invitation_out, window)

    @post("/{meeting_id:int}/invitations", summary="Invite someone")
    async def create_invitation(self, db: DB, meeting_id: FromPath[int], data: JSONBody[InvitationIn]) -> InvitationOut:
        meeting = await service.get_meeting(db, meeting_id)
        invitation = await invitations.invite_person(db, meeting, data.person_id, data.role, data.on_behalf_of_id)
        await db.commit()
        return invitation_out(await invitations.get_invitation(db, meeting_id, invitation.id))

    @patch(
        "/{meeting_id:int}/invitations/{invitation_id:int}",
        summary="Change role, on behalf of, attendance, arrived late (stale version: 409)",
    )
    async def update_invitation(
        self, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int], data: JSONBody[InvitationPatch]
    ) -> InvitationOut:
        meeting = await service.get_meeting(db, meeting_id)
        invitation = await invitations.get_invitation(db, meeting_id, invitation_id)
        changes = {
            name: getattr(data, name)
            for name in ("role", "on_behalf_of_id", "attendance", "arrived_late")
            if getattr(data, name) is not UNSET
        }
        await invitations.update_invitation(db, meeting, invitation, data.version, **changes)
        await db.commit()
        db.expire_all()
        return invitation_out(await invitations.get_invitation(db, meeting_id, invitation_id))

    @delete("/{meeting_id:int}/invitations/{invitation_id:int}", summary="Withdraw an invitation")
    async def delete_invitation(self, db: DB, meeting_id: FromPath[int], invitation_id: FromPath[int]) -> None:
        invitation = await invitations.get_invitation(db, meeting_id, invitation_id)
        await invitations.remove_invitation(db, invitation)
        await db.commit()


routes: list[Any] = [MeetingsAPI]
