"""A meeting as calendars see it: loaded with invitees and agenda, its UID, ORGANIZER and file.

- UID: `meeting-<id>@<settings.calendar_domain>`; ORGANIZER: `settings.mail_from`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialogue import i18n
from dialogue.agenda.models import AgendaItem
from dialogue.agenda.schedule import Schedule, running_schedule
from dialogue.calendar import ics, rules
from dialogue.errors import NotFound
from dialogue.i18n import _
from dialogue.meetings.models import Invitation, InvitationResponse, Meeting
from dialogue.people.models import Person
from dialogue.settings import Settings

# --- Identity of the event and of the organizer ----------------------------------------------


def meeting_uid(meeting_id: int, settings: Settings) -> str:
    """The stable UID of a meeting's event: `meeting-<id>@<calendar domain>`."""
    return f"meeting-{meeting_id}@{settings.calendar_domain}"


def organizer(settings: Settings) -> ics.CalendarOrganizer:
    """The secretariat's address (DIALOGUE_MAIL_FROM), as ORGANIZER."""
    return rules.organizer(settings.mail_from)


PARTSTAT: dict[InvitationResponse, ics.PartStat] = {
    InvitationResponse.NEEDS_ACTION: "NEEDS-ACTION",
    InvitationResponse.ACCEPTED: "ACCEPTED",
    InvitationResponse.DECLINED: "DECLINED",
    InvitationResponse.DELEGATED: "DELEGATED",
}


def attendee(invitation: Invitation) -> ics.CalendarAttendee:
    """An invitation as ATTENDEE: role mapped by ics.ROLE_PARAMETER, PARTSTAT from the answer."""
    return ics.CalendarAttendee(
        name=invitation.person.full_name,
        email=(invitation.person.email or "").strip(),
        role=invitation.role.value,
        partstat=PARTSTAT[invitation.response],
    )


# --- Loading a meeting as calendars see it ------------------------------------------------


@dataclass
class MeetingForCalendar:
    """A meeting with what its invitation shows: invitations (people, organisations) and
    agenda items in order."""

    meeting: Meeting
    invitations: list[Invitation]
    items: list[AgendaItem]

    @property
    def schedule(self) -> Schedule:
        return running_schedule(
            self.meeting.starts_at,
            [item.duration_minutes for item in self.items],
            self.meeting.ends_at,
        )

    @property
    def recipients(self) -> list[Invitation]:
        """Invitations of people with an email address (calendars can address only them)."""
        return [inv for inv in self.invitations if (inv.person.email or "").strip()]


async def load_for_calendar(db: AsyncSession, meeting_id: int) -> MeetingForCalendar:
    """The meeting, its invitations and agenda (three statements), or 404."""
    meeting = await db.scalar(
        select(Meeting)
        .options(
            joinedload(Meeting.body),
            selectinload(Meeting.invitations).options(
                joinedload(Invitation.person).joinedload(Person.organisation),
                joinedload(Invitation.alternate),
            ),
        )
        .where(Meeting.id == meeting_id)
    )
    if meeting is None:
        raise NotFound()
    items = list(
        await db.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)
        )
    )
    invitations = sorted(
        meeting.invitations,
        key=lambda inv: (inv.rank, inv.person.full_name.casefold(), inv.id),
    )
    return MeetingForCalendar(meeting, invitations, items)


def agenda_text(data: MeetingForCalendar) -> str:
    """The meeting's description, then the agenda with the running schedule (Tunis time),
    in the current language."""
    lines: list[str] = []
    if data.meeting.description.strip():
        lines += [data.meeting.description.strip(), ""]
    if data.items:
        lines.append(_("Agenda:"))
        for item, slot in zip(data.items, data.schedule.slots, strict=False):
            lines.append(
                f"{item.rank}. {i18n.format_time(slot.starts_at)}–{i18n.format_time(slot.ends_at)} {i18n.isolate(item.title)}"
            )
    return "\n".join(lines).strip()


def meeting_url(meeting_id: int, settings: Settings) -> str:
    return f"{settings.public_url}/meetings/{meeting_id}"


def calendar_meeting(
    data: MeetingForCalendar,
    settings: Settings,
    *,
    attendees: Sequence[Invitation] | None = None,
) -> ics.CalendarMeeting:
    """The record as `CalendarMeeting` (all recipients as ATTENDEE unless `attendees`)."""
    meeting = data.meeting
    status = rules.status(meeting.status.value)
    chosen = data.recipients if attendees is None else attendees
    return ics.CalendarMeeting(
        uid=meeting_uid(meeting.id, settings),
        sequence=meeting.calendar_sequence or 0,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title=meeting.title,
        organizer=organizer(settings),
        location=meeting.venue,
        online_url=meeting.online_url,
        url=meeting_url(meeting.id, settings),
        description=agenda_text(data),
        status=status,  # type: ignore[arg-type]
        attendees=tuple(attendee(inv) for inv in chosen if (inv.person.email or "").strip()),
    )


def current_method(meeting: Meeting) -> str:
    return rules.invitation_method(meeting.status.value)


def invitation_file(
    data: MeetingForCalendar,
    settings: Settings,
    method: str,
    *,
    language: str | None = None,
    attendees: Sequence[ics.CalendarAttendee] | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The invitation (REQUEST) or cancellation (CANCEL) as one reader sees it: its texts
    (agenda, links) in `language` (the current one when None), with all recipients as
    ATTENDEE unless `attendees`."""
    with i18n.using_language(language or i18n.current_language()):
        event = calendar_meeting(data, settings)
        if attendees is not None:
            event = dataclasses.replace(event, attendees=tuple(attendees))
        return ics.invitation(event, method, tz=settings.timezone, dtstamp=now)  # type: ignore[arg-type]


async def invite_file(db: AsyncSession, meeting_id: int, settings: Settings) -> tuple[bytes, str]:
    """The current invitation file (REQUEST, or CANCEL once cancelled) and its METHOD, in
    the reader's language, at the SEQUENCE anyone was last sent."""
    data = await load_for_calendar(db, meeting_id)
    method = current_method(data.meeting)
    return invitation_file(data, settings, method), method
