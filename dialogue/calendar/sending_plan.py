"""Who gets what when invitations are sent, from what each person was last sent."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.calendar.meeting_event import MeetingForCalendar, load_for_calendar
from dialogue.meetings.models import CalendarDelivery, Invitation
from dialogue.people.models import Person


async def _deliveries(db: AsyncSession, meeting_id: int) -> dict[int, CalendarDelivery]:
    rows = await db.scalars(select(CalendarDelivery).where(CalendarDelivery.meeting_id == meeting_id))
    return {row.person_id: row for row in rows}


@dataclass(frozen=True)
class Planned:
    """One message a sending would write: to `person` at `address`, of `kind`
    ("invitation", "update" or "cancellation"); `invitation` is None for a cancellation."""

    kind: str
    person: Person
    address: str
    invitation: Invitation | None = None


@dataclass
class SendingPlan:
    """What "Send invitations" would send now, to whom, and who needs nothing.

    Each invitee is sent only what they do not have yet (see `plan_sending`)."""

    sequence: int
    invitations: list[Planned] = field(default_factory=list)
    updates: list[Planned] = field(default_factory=list)
    cancellations: list[Planned] = field(default_factory=list)
    up_to_date: list[Invitation] = field(default_factory=list)
    without_address: list[Invitation] = field(default_factory=list)

    @property
    def messages(self) -> list[Planned]:
        return [*self.cancellations, *self.invitations, *self.updates]

    @property
    def nothing_to_send(self) -> bool:
        return not self.messages

    @property
    def fingerprint(self) -> str:
        """A short digest of the plan: the confirmation carries it, so that what is sent
        is what was shown."""
        parts = sorted(f"{p.kind}:{p.person.id}:{p.address.lower()}" for p in self.messages)
        text = f"{self.sequence}|" + "|".join(parts)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_sending(
    data: MeetingForCalendar, deliveries: Mapping[int, CalendarDelivery], people: Mapping[int, Person]
) -> SendingPlan:
    """Who gets what, from what each person was last sent (`deliveries`, by person id):

    - a first invitation to invitees never sent one, sent a cancellation since (invited
      again), or whose address changed;
    - an update to invitees whose copy has a lower SEQUENCE than the meeting's;
    - a cancellation to people who hold the event (last sent a REQUEST) and are no longer
      invited at that address (removed from the list, or their address changed);
    - nothing to the others. `people` holds the persons of `deliveries` no longer invited.
    """
    sequence = data.meeting.calendar_sequence or 0
    plan = SendingPlan(sequence=sequence)
    addresses: dict[int, str] = {}
    for invitation in data.invitations:
        address = (invitation.person.email or "").strip()
        if not address:
            plan.without_address.append(invitation)
            continue
        addresses[invitation.person_id] = address.lower()
        previous = deliveries.get(invitation.person_id)
        if previous is None or previous.method != "REQUEST" or previous.email.lower() != address.lower():
            plan.invitations.append(Planned("invitation", invitation.person, address, invitation))
        elif previous.sequence < sequence:
            plan.updates.append(Planned("update", invitation.person, address, invitation))
        else:
            plan.up_to_date.append(invitation)
    for person_id, row in sorted(deliveries.items()):
        if row.method == "REQUEST" and addresses.get(person_id) != row.email.lower():
            person = people.get(person_id)
            if person is not None:
                plan.cancellations.append(Planned("cancellation", person, row.email))
    return plan


async def _people_gone(
    db: AsyncSession, data: MeetingForCalendar, deliveries: Mapping[int, CalendarDelivery]
) -> dict[int, Person]:
    invited = {inv.person_id: inv.person for inv in data.invitations}
    missing = [pid for pid in deliveries if pid not in invited]
    if missing:
        invited.update({p.id: p for p in await db.scalars(select(Person).where(Person.id.in_(missing)))})
    return invited


async def sending_plan(db: AsyncSession, meeting_id: int) -> tuple[MeetingForCalendar, SendingPlan]:
    """The meeting as calendars see it, and what sending now would send (or 404)."""
    data = await load_for_calendar(db, meeting_id)
    deliveries = await _deliveries(db, meeting_id)
    return data, plan_sending(data, deliveries, await _people_gone(db, data, deliveries))
