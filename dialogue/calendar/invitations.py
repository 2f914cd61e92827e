"""Calendar invitations of meetings: the SEQUENCE rule, the record as a `CalendarMeeting`,
sending invitations, updates and cancellations through the outbox, and the invited
person's own answer (personal links, no sign-in).

- SEQUENCE (`Meeting.calendar_sequence`) starts at 0 and is raised, and stored, by every
  flush that changes the meeting's time, place, title, description or status, or its agenda
  (items added, removed, reordered, retitled, durations). A `before_flush` hook applies the
  rule wherever the change comes from (pages, API, agenda); `meeting_changes_calendar` and
  `agenda_item_changes_calendar` are the rule itself.
- UID: `meeting-<id>@<settings.calendar_domain>`; ORGANIZER: `settings.mail_from`.
- `CalendarDelivery` keeps what each person was last sent, so that people removed from the
  list get a cancellation for themselves, and a cancelled meeting is cancelled for everyone
  who had it in their calendar.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment
from litestar.exceptions import NotFoundException
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    attributes,
    joinedload,
    selectinload,
)

from dialogue import i18n
from dialogue.agenda.models import AgendaItem
from dialogue.agenda.schedule import Schedule, running_schedule
from dialogue.calendar import ics, rules
from dialogue.calendar.rules import (  # noqa: F401  (the rule, as callers know it)
    AGENDA_CALENDAR_FIELDS,
    MEETING_CALENDAR_FIELDS,
    agenda_item_changes_calendar,
    meeting_changes_calendar,
    next_sequence,
)
from dialogue.db import utcnow
from dialogue.forms import Invalid
from dialogue.i18n import _
from dialogue.mail.models import OutboxMessage
from dialogue.mail.outbox import enqueue
from dialogue.meetings.models import (
    CalendarDelivery,
    Invitation,
    InvitationResponse,
    Meeting,
    MeetingStatus,
)
from dialogue.people.models import Organisation, Person
from dialogue.settings import Settings
from dialogue.web import Refused

# --- The SEQUENCE rule ----------------------------------------------------------------------

def _history(obj: Any, names: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    state = attributes.instance_state(obj)
    changes: dict[str, tuple[Any, Any]] = {}
    for name in names:
        history = state.attrs[name].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            changes[name] = (before, after)
    return changes


_BUMPED = "calendar_sequence_raised"  # session.info: meetings already raised in this transaction


def _raised(session: Session) -> set[int]:
    return session.info.setdefault(_BUMPED, set())


def _raise_in_database(session: Session, meeting_ids: Iterable[int]) -> None:
    """Raise the SEQUENCE of meetings whose agenda changed, once per transaction (calendars
    only ever see committed states), without touching the meeting's `version`: an agenda
    change must not make an open edit form of the meeting stale."""
    raised = _raised(session)
    table = Meeting.__table__
    connection = session.connection()
    for meeting_id in sorted(set(meeting_ids) - raised):
        current = connection.execute(
            select(table.c.calendar_sequence).where(table.c.id == meeting_id)
        ).scalar()
        if current is None:
            continue  # a meeting being deleted
        connection.execute(
            update(table)
            .where(table.c.id == meeting_id)
            .values(calendar_sequence=current + 1)
        )
        raised.add(meeting_id)
        loaded = session.identity_map.get(session.identity_key(Meeting, meeting_id))  # type: ignore[arg-type]
        if loaded is not None:
            attributes.set_committed_value(loaded, "calendar_sequence", current + 1)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Apply the SEQUENCE rule to the meetings this flush changes (see the module's doc)."""
    raised = _raised(session)
    for obj in list(session.dirty):
        if (
            isinstance(obj, Meeting)
            and obj not in session.deleted
            and obj.id not in raised
        ):
            changes = _history(obj, (*MEETING_CALENDAR_FIELDS, "calendar_sequence"))
            if "calendar_sequence" in changes:
                continue  # set explicitly by the caller
            if meeting_changes_calendar(changes):
                obj.calendar_sequence = next_sequence(obj.calendar_sequence or 0, True)
                raised.add(obj.id)
    touched: set[int] = set()
    for obj in session.new:
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None:
            touched.add(obj.meeting_id)
    for obj in session.deleted:
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None:
            touched.add(obj.meeting_id)
    for obj in session.dirty:
        if isinstance(obj, AgendaItem):
            changes = _history(obj, AGENDA_CALENDAR_FIELDS)
            if agenda_item_changes_calendar(changes):
                touched.update(
                    v for v in changes.get("meeting_id", (None, None)) if v is not None
                )
                if obj.meeting_id is not None:
                    touched.add(obj.meeting_id)
    if touched - raised:
        _raise_in_database(session, touched)


def _on_execute(state: ORMExecuteState) -> None:
    """Agenda items renumbered by an UPDATE statement (not a flush) change the agenda too."""
    if not state.is_update:
        return
    statement: Any = state.statement
    if getattr(statement, "table", None) is not AgendaItem.__table__:
        return
    names = {
        getattr(key, "key", key) for key in (getattr(statement, "_values", None) or {})
    }
    if not names & set(AGENDA_CALENDAR_FIELDS) or statement.whereclause is None:
        return
    table = AgendaItem.__table__
    connection = state.session.connection()
    meeting_ids = connection.execute(
        select(table.c.meeting_id).where(statement.whereclause).distinct()
    ).scalars()
    _raise_in_database(state.session, [m for m in meeting_ids if m is not None])


def _transaction_over(session: Session, *_args: Any) -> None:
    session.info.pop(_BUMPED, None)


event.listen(Session, "do_orm_execute", _on_execute)
event.listen(Session, "after_commit", _transaction_over)
event.listen(Session, "after_rollback", _transaction_over)
event.listen(Session, "before_flush", _before_flush)


# --- Identity of the event and of the organizer ----------------------------------------------


def meeting_uid(meeting_id: int, settings: Settings) -> str:
    """The stable UID of a meeting's event: `meeting-<id>@<calendar domain>`."""
    return f"meeting-{meeting_id}@{settings.calendar_domain}"


def organizer(settings: Settings) -> ics.CalendarOrganizer:
    """The secretariat's address (DIALOGUE_MAIL_FROM), as ORGANIZER."""
    return rules.organizer(settings.mail_from)


PARTSTAT: dict[InvitationResponse, str] = {
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
        role=invitation.role.value,  # type: ignore[arg-type]
        partstat=PARTSTAT[invitation.response],  # type: ignore[arg-type]
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
        raise NotFoundException()
    items = list(
        await db.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.rank, AgendaItem.id)
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
        attendees=tuple(
            attendee(inv) for inv in chosen if (inv.person.email or "").strip()
        ),
    )


def current_method(meeting: Meeting) -> str:
    return rules.invitation_method(meeting.status.value)


def language_of(person: Person, settings: Settings) -> str:
    """The language of what a person is sent: theirs, else the default."""
    return person.language.value if person.language else settings.default_language


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


async def invite_file(
    db: AsyncSession, meeting_id: int, settings: Settings
) -> tuple[bytes, str]:
    """The current invitation file (REQUEST, or CANCEL once cancelled) and its METHOD, in
    the reader's language, at the SEQUENCE anyone was last sent."""
    data = await load_for_calendar(db, meeting_id)
    method = current_method(data.meeting)
    return invitation_file(data, settings, method), method


# --- Personal answer links -------------------------------------------------------------------


def answer_token(secret_key: str, invitation_id: int) -> str:
    """HMAC-SHA256 of `invitation:<id>` under the app's secret, URL-safe base64."""
    digest = hmac.new(
        secret_key.encode(), f"invitation:{invitation_id}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_matches(secret_key: str, invitation_id: int, token: str) -> bool:
    """Constant-time check of a personal link's token."""
    return hmac.compare_digest(
        answer_token(secret_key, invitation_id).encode(),
        token.encode("utf-8", "replace"),
    )


def answer_url(invitation_id: int, settings: Settings) -> str:
    return f"{settings.public_url}/invitations/{invitation_id}/{answer_token(settings.secret_key, invitation_id)}"


async def invitation_by_token(
    db: AsyncSession, invitation_id: int, token: str, settings: Settings
) -> Invitation:
    """The invitation a personal link names, with meeting, person and alternate; 404 when
    the token is wrong or the invitation gone (no difference shown)."""
    if not token_matches(settings.secret_key, invitation_id, token):
        raise NotFoundException()
    invitation = await db.scalar(
        select(Invitation)
        .options(
            joinedload(Invitation.meeting).joinedload(Meeting.body),
            joinedload(Invitation.person).joinedload(Person.organisation),
            joinedload(Invitation.alternate),
        )
        .where(Invitation.id == invitation_id)
    )
    if invitation is None:
        raise NotFoundException()
    return invitation


async def alternate_choices(db: AsyncSession, invitation: Invitation) -> list[Person]:
    """Who may attend instead: active people of the same side, not the person themselves."""
    side = invitation.person.organisation.side
    rows = await db.scalars(
        select(Person)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .options(joinedload(Person.organisation))
        .where(
            Organisation.side == side,
            Person.archived_at.is_(None),
            Person.id != invitation.person_id,
        )
        .order_by(Person.full_name, Person.id)
    )
    return list(rows.unique())


async def record_answer(
    db: AsyncSession,
    invitation: Invitation,
    response: InvitationResponse | None,
    alternate_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> Invitation:
    """The invited person's answer: attend, decline, or send an alternate (a person of the
    same side, required for that answer). Raises `Invalid` with field errors."""
    errors: dict[str, str] = {}
    if response is None or response is InvitationResponse.NEEDS_ACTION:
        errors["answer"] = _("Choose one of the options.")
    elif response is InvitationResponse.DELEGATED:
        if alternate_id is None:
            errors["alternate_id"] = _("Choose who attends instead of you.")
        elif alternate_id not in {
            p.id for p in await alternate_choices(db, invitation)
        }:
            errors["alternate_id"] = _("Choose someone of your side.")
    if errors:
        raise Invalid(
            errors,
            {
                "answer": response.value if response else "",
                "alternate_id": alternate_id,
            },
        )
    assert response is not None
    invitation.response = response
    invitation.alternate_id = (
        alternate_id if response is InvitationResponse.DELEGATED else None
    )
    invitation.responded_at = now or utcnow()
    await db.flush()
    return invitation


# --- Email bodies ------------------------------------------------------------------------


@cache
def _environments() -> tuple[Environment, Environment]:
    """(HTML, text) template environments: the app's, and the same without HTML escaping."""
    from dialogue.app import jinja_environment  # the app imports this module's users

    html = jinja_environment()
    return html, html.overlay(autoescape=False)


def _render(name: str, context: dict[str, Any], *, text: bool) -> str:
    html, plain = _environments()
    return (plain if text else html).get_template(name).render(context)


@dataclass
class Letter:
    subject: str
    text: str
    html: str


def _letter(
    kind: str,
    data: MeetingForCalendar,
    invitation: Invitation | None,
    person: Person,
    settings: Settings,
) -> Letter:
    """One person's email, in their language (the current language is restored after)."""
    previous = i18n.current_language()
    i18n.set_language(language_of(person, settings))
    try:
        meeting = data.meeting
        subjects = {
            "invitation": _("Invitation: {title}"),
            "update": _("Updated: {title}"),
            "cancellation": _("Cancelled: {title}"),
        }
        context = {
            "kind": kind,
            "meeting": meeting,
            "person": person,
            "invitation": invitation,
            "items": list(zip(data.items, data.schedule.slots, strict=False)),
            "meeting_url": meeting_url(meeting.id, settings),
            "answer_url": answer_url(invitation.id, settings)
            if invitation is not None and kind != "cancellation"
            else "",
            "removed": kind == "cancellation"
            and meeting.status is not MeetingStatus.CANCELLED,
            "language": i18n.current_language(),
            "direction": i18n.text_direction(),
        }
        return Letter(
            subject=subjects[kind].format(title=i18n.isolate(meeting.title)),
            text=_render("mail/invitation.txt", context, text=True),
            html=_render("mail/invitation.html", context, text=False),
        )
    finally:
        i18n.set_language(previous)


# --- Sending -------------------------------------------------------------------------------


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


async def _deliveries(db: AsyncSession, meeting_id: int) -> dict[int, CalendarDelivery]:
    rows = await db.scalars(
        select(CalendarDelivery).where(CalendarDelivery.meeting_id == meeting_id)
    )
    return {row.person_id: row for row in rows}


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
    await db.execute(
        update(Meeting.__table__).where(Meeting.__table__.c.id == meeting.id).values(calendar_sequence=wanted)
    )
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
            name=person.full_name, email=row.email, role=(row.role or "observer")  # type: ignore[arg-type]
        )
        calendar = invitation_file(
            data, settings, "CANCEL", language=language_of(person, settings), attendees=[alone], now=now
        )
        _enqueue(
            db,
            sending,
            "cancellation",
            data,
            None,
            person,
            row.email,
            calendar,
            "CANCEL",
            settings,
        )
        _remember(db, deliveries, data.meeting, row.person_id, row.email, "CANCEL", now)


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
        if (
            previous is None
            or previous.method != "REQUEST"
            or previous.email.lower() != address.lower()
        ):
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
        invited.update(
            {p.id: p for p in await db.scalars(select(Person).where(Person.id.in_(missing)))}
        )
    return invited


async def sending_plan(db: AsyncSession, meeting_id: int) -> tuple[MeetingForCalendar, SendingPlan]:
    """The meeting as calendars see it, and what sending now would send (or 404)."""
    data = await load_for_calendar(db, meeting_id)
    deliveries = await _deliveries(db, meeting_id)
    return data, plan_sending(data, deliveries, await _people_gone(db, data, deliveries))


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
        raise Refused(
            _(
                "This meeting is cancelled: its cancellation was sent when it was called off."
            )
        )
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
    people = {
        p.id: p
        for p in await db.scalars(
            select(Person).where(Person.id.in_([r.person_id for r in holders]))
        )
    }
    invitations = {inv.person_id: inv for inv in data.invitations}
    for row in sorted(holders, key=lambda r: r.person_id):
        person = people.get(row.person_id)
        if person is None:
            continue
        language = language_of(person, settings)
        if language not in calendars:
            calendars[language] = invitation_file(data, settings, "CANCEL", language=language, now=now)
        calendar = calendars[language]
        _enqueue(
            db,
            sending,
            "cancellation",
            data,
            invitations.get(row.person_id),
            person,
            row.email,
            calendar,
            "CANCEL",
            settings,
        )
        _remember(db, deliveries, data.meeting, row.person_id, row.email, "CANCEL", now)
    await db.flush()
    return sending


# --- The meeting page ----------------------------------------------------------------------


async def page_section(
    db: AsyncSession, meeting: Meeting, settings: Settings
) -> dict[str, Any]:
    """The calendar section of the meeting page: download and add-to links, and (for the
    page to show to the secretariat) what sending would send now, who was sent what and
    when."""
    from dialogue.mail.outbox import messages_for_meeting

    data, plan = await sending_plan(db, meeting.id)
    event = calendar_meeting(data, settings)
    return {
        "calendar_links": {
            "ics": f"/meetings/{meeting.id}/invite.ics",
            "google": ics.google_calendar_link(event),
            "outlook": ics.outlook_calendar_link(event),
        },
        "calendar_sequence": data.meeting.calendar_sequence,
        "calendar_messages": await messages_for_meeting(db, meeting.id),
        "calendar_recipients": len(data.recipients),
        "calendar_plan": plan,
    }
