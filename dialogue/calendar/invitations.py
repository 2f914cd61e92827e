"""Sending invitations, updates and cancellations through the outbox; the page's calendar section.

- `CalendarDelivery` keeps what each person was last sent, so that people removed from the
  list get a cancellation for themselves, and a cancelled meeting is cancelled for everyone
  who had it in their calendar.
- Who gets what: sending_plan.py; the email: invitation_letter.py; the file:
  meeting_event.py; the SEQUENCE rule: rules.py and sequence.py; answers: answers.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import attributes

from dialogue.calendar import ics, links, rules
from dialogue.calendar.invitation_letter import _letter, language_of
from dialogue.calendar.meeting_event import (
    MeetingForCalendar,
    calendar_meeting,
    invitation_file,
    load_for_calendar,
)
from dialogue.calendar.sending_plan import _deliveries, sending_plan
from dialogue.db import table_of, utcnow
from dialogue.errors import Refused
from dialogue.i18n import _
from dialogue.mail.models import OutboxMessage
from dialogue.mail.outbox import enqueue
from dialogue.meetings.models import (
    CalendarDelivery,
    Invitation,
    Meeting,
    MeetingStatus,
)
from dialogue.people.models import Person
from dialogue.settings import Settings


@dataclass
class Sending:
    """What a sending put in the outbox, by kind."""

    invitations: int = 0
    updates: int = 0
    cancellations: int = 0
    messages: list[OutboxMessage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.invitations + self.updates + self.cancellations


def _remember(
    db: AsyncSession,
    deliveries: dict[int, CalendarDelivery],
    meeting: Meeting,
    person_id: int,
    email: str,
    method: str,
    now: dt.datetime,
    role: str | None = None,
) -> None:
    row = deliveries.get(person_id)
    if row is None:
        row = CalendarDelivery(meeting_id=meeting.id, person_id=person_id)
        db.add(row)
        deliveries[person_id] = row
    row.email = email
    row.sequence = meeting.calendar_sequence or 0
    row.method = method
    row.sent_at = now
    if role is not None:
        row.role = role


async def _sequence_for_sending(
    db: AsyncSession,
    meeting: Meeting,
    deliveries: Mapping[int, CalendarDelivery],
    recipients: Iterable[int],
    in_line: Iterable[int] = (),
) -> None:
    """Raise the meeting's SEQUENCE above what `recipients` (person ids) already hold
    (`rules.sequence_to_send`). The people of `in_line`, who hold the current event and
    are sent nothing, keep an event that is the same as the raised one: their rows move
    with it, so that they are not sent an update for a change that was not one. Written
    with a statement of its own: the meeting's `version` (open edit forms) stays."""
    current = meeting.calendar_sequence or 0
    held = [deliveries[pid].sequence for pid in recipients if pid in deliveries]
    wanted = rules.sequence_to_send(current, held)
    if wanted == current:
        return
    await db.execute(update(table_of(Meeting)).where(Meeting.id == meeting.id).values(calendar_sequence=wanted))
    attributes.set_committed_value(meeting, "calendar_sequence", wanted)
    for pid in in_line:
        row = deliveries.get(pid)
        if row is not None and row.method == "REQUEST" and row.sequence == current:
            row.sequence = wanted


def _enqueue(
    db: AsyncSession,
    sending: Sending,
    kind: str,
    data: MeetingForCalendar,
    invitation: Invitation | None,
    person: Person,
    address: str,
    calendar: bytes,
    method: str,
    settings: Settings,
) -> None:
    letter = _letter(kind, data, invitation, person, settings)
    message = enqueue(
        db,
        to_address=address,
        to_name=person.full_name,
        language=language_of(person, settings),
        subject=letter.subject,
        text_body=letter.text,
        html_body=letter.html,
        calendar=calendar.decode(),
        calendar_method=method,
        kind=kind,
        meeting_id=data.meeting.id,
        person_id=person.id,
    )
    sending.messages.append(message)
    counter = {
        "invitation": "invitations",
        "update": "updates",
        "cancellation": "cancellations",
    }[kind]
    setattr(sending, counter, getattr(sending, counter) + 1)


def _cancel(
    db: AsyncSession,
    sending: Sending,
    data: MeetingForCalendar,
    invitation: Invitation | None,
    person: Person,
    row: CalendarDelivery,
    calendar: bytes,
    deliveries: dict[int, CalendarDelivery],
    settings: Settings,
    now: dt.datetime,
) -> None:
    """Queue the CANCEL `calendar` to the address `row` last sent to, and remember it."""
    _enqueue(db, sending, "cancellation", data, invitation, person, row.email, calendar, "CANCEL", settings)
    _remember(db, deliveries, data.meeting, row.person_id, row.email, "CANCEL", now)


async def _cancel_for(
    db: AsyncSession,
    sending: Sending,
    data: MeetingForCalendar,
    people: Mapping[int, Person],
    rows: Iterable[CalendarDelivery],
    deliveries: dict[int, CalendarDelivery],
    settings: Settings,
    now: dt.datetime,
) -> None:
    """A CANCEL for each of `rows`' people alone (they were removed from the list), in the
    role they were invited in and in their language."""
    for row in rows:
        person = people.get(row.person_id)
        if person is None:
            continue
        alone = ics.CalendarAttendee(
            name=person.full_name,
            email=row.email,
            role=(row.role or "observer"),  # type: ignore[arg-type]
        )
        calendar = invitation_file(
            data, settings, "CANCEL", language=language_of(person, settings), attendees=[alone], now=now
        )
        _cancel(db, sending, data, None, person, row, calendar, deliveries, settings, now)


def is_past(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether the meeting is over: invitations for it are only sent as a correction."""
    return meeting.ends_at <= (now or utcnow())


class PlanChanged(Exception):
    """The invitations changed between the confirmation and the sending."""


class CorrectionRequired(Refused):
    """Invitations for a meeting that is over, without the secretariat's confirmation
    that they correct the record."""


# The event (HX-Trigger) of answers that change what the calendar card shows: invitees,
# their addresses, the agenda. The card reloads itself on it.
CALENDAR_CHANGED = "calendar-changed"


async def send_invitations(
    db: AsyncSession,
    meeting_id: int,
    settings: Settings,
    *,
    correction: bool = False,
    expected: str | None = None,
    now: dt.datetime | None = None,
) -> Sending:
    """ "Send invitations": each person gets only what they do not have yet
    (`plan_sending`): the current REQUEST as a first invitation or as an update, in their
    language, or a CANCEL for themselves alone. Nothing when everyone is up to date. All in
    the caller's transaction.

    Refused for a cancelled meeting, when nobody invited has an email address and nobody
    needs a cancellation, and for a meeting that is over unless `correction` is confirmed.
    `expected`: the plan's fingerprint the secretariat confirmed; `PlanChanged` if it is
    no longer the plan.
    """
    now = now or utcnow()
    data, plan = await sending_plan(db, meeting_id)
    meeting = data.meeting
    if meeting.status is MeetingStatus.CANCELLED:
        raise Refused(_("This meeting is cancelled: its cancellation was sent when it was called off."))
    if not data.recipients and not plan.cancellations:
        raise Refused(
            _(
                "Nobody invited to this meeting has an email address: invite people with an address (or add theirs) first."
            )
        )
    if is_past(meeting, now) and not correction and not plan.nothing_to_send:
        raise CorrectionRequired(past_refusal())
    if expected is not None and expected != plan.fingerprint:
        raise PlanChanged()
    sending = Sending()
    if plan.nothing_to_send:
        return sending
    deliveries = await _deliveries(db, meeting.id)
    await _sequence_for_sending(
        db,
        meeting,
        deliveries,
        [p.person.id for p in plan.messages],
        in_line=[inv.person_id for inv in plan.up_to_date],
    )
    if plan.cancellations:
        people = {p.person.id: p.person for p in plan.cancellations}
        rows = [deliveries[pid] for pid in people]
        await _cancel_for(db, sending, data, people, rows, deliveries, settings, now)
    requests: dict[str, bytes] = {}  # one file per language
    for planned in [*plan.invitations, *plan.updates]:
        language = language_of(planned.person, settings)
        if language not in requests:
            requests[language] = invitation_file(data, settings, "REQUEST", language=language, now=now)
        request = requests[language]
        _enqueue(
            db,
            sending,
            planned.kind,
            data,
            planned.invitation,
            planned.person,
            planned.address,
            request,
            "REQUEST",
            settings,
        )
        role = planned.invitation.role.value if planned.invitation is not None else None
        _remember(db, deliveries, meeting, planned.person.id, planned.address, "REQUEST", now, role)
    await db.flush()
    return sending


def past_refusal() -> str:
    return _(
        "This meeting is over: invitations are sent for it only to correct the record. "
        "Tick “This is a correction” to send them."
    )


async def send_cancellations(
    db: AsyncSession,
    meeting_id: int,
    settings: Settings,
    *,
    now: dt.datetime | None = None,
) -> Sending:
    """Once the meeting is cancelled: a CANCEL (STATUS:CANCELLED, the raised SEQUENCE) to
    everyone whose calendar has the event (their last message was a REQUEST). Does nothing
    for a meeting that is not cancelled, or when nobody was sent an invitation."""
    now = now or utcnow()
    data = await load_for_calendar(db, meeting_id)
    sending = Sending()
    if data.meeting.status is not MeetingStatus.CANCELLED:
        return sending
    deliveries = await _deliveries(db, meeting_id)
    holders = [row for row in deliveries.values() if row.method == "REQUEST"]
    if not holders:
        return sending
    await _sequence_for_sending(db, data.meeting, deliveries, [row.person_id for row in holders])
    calendars: dict[str, bytes] = {}  # one file per language
    people = {p.id: p for p in await db.scalars(select(Person).where(Person.id.in_([r.person_id for r in holders])))}
    invitations = {inv.person_id: inv for inv in data.invitations}
    for row in sorted(holders, key=lambda r: r.person_id):
        person = people.get(row.person_id)
        if person is None:
            continue
        language = language_of(person, settings)
        if language not in calendars:
            calendars[language] = invitation_file(data, settings, "CANCEL", language=language, now=now)
        calendar = calendars[language]
        _cancel(db, sending, data, invitations.get(row.person_id), person, row, calendar, deliveries, settings, now)
    await db.flush()
    return sending


# --- The meeting page ----------------------------------------------------------------------


async def page_section(db: AsyncSession, meeting: Meeting, settings: Settings) -> dict[str, Any]:
    """The calendar section of the meeting page: download and add-to links, and (for the
    page to show to the secretariat) what sending would send now, who was sent what and
    when."""
    from dialogue.mail.reading import messages_for_meeting

    data, plan = await sending_plan(db, meeting.id)
    event = calendar_meeting(data, settings)
    return {
        "calendar_links": {
            "ics": f"/meetings/{meeting.id}/invite.ics",
            "google": links.google_calendar_link(event),
            "outlook": links.outlook_calendar_link(event),
        },
        "calendar_sequence": data.meeting.calendar_sequence,
        "calendar_messages": await messages_for_meeting(db, meeting.id),
        "calendar_recipients": len(data.recipients),
        "calendar_plan": plan,
    }
