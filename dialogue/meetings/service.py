"""Rules of meetings: search, scheduling, cancelling and deleting, invitations, attendance.

Handlers (pages and API) parse their input into a `MeetingDraft` or plain values and call
these functions; the functions check the rules, change the session and flush. The caller
commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

import dialogue.calendar.sequence  # noqa: F401  (registers the calendar SEQUENCE rule)
from dialogue.agenda.models import AgendaDocument, AgendaItem, Outcome, Position
from dialogue.bodies import service as bodies_service
from dialogue.bodies.models import Body, Membership, MembershipKind
from dialogue.commitments.models import Commitment
from dialogue.forms import Invalid, Unconfirmed
from dialogue.i18n import _, current_timezone, format_datetime, listed, now
from dialogue.listing import Sort
from dialogue.meetings.models import (
    Attendance,
    Invitation,
    InvitationRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from dialogue.meetings.quorum import Attendee, QuorumReport, quorum
from dialogue.minutes.models import Minutes
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.service import active_people
from dialogue.search import matches
from dialogue.minutes.lock import ensure_record_open
from dialogue.web import Refused, check_version

TITLE_MAX = 300
VENUE_MAX = 300
URL_MAX = 500
DESCRIPTION_MAX = 20_000
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)


# Bodies and people (other areas' data, read here in one small place) ---------------------


async def body_members(db: AsyncSession, body_id: int) -> list[Membership]:
    """The body's active members, person and organisation loaded, titular members first."""
    members = await bodies_service.body_members(db, body_id)
    return sorted(members, key=lambda m: m.kind != MembershipKind.TITULAR)


async def bodies_for_choice(db: AsyncSession, include_id: int | None = None) -> list[Body]:
    """Bodies a meeting can belong to: the active ones, plus `include_id` (the current one)."""
    query = select(Body).order_by(Body.name)
    if include_id is not None:
        query = query.where(or_(Body.archived_at.is_(None), Body.id == include_id))
    else:
        query = query.where(Body.archived_at.is_(None))
    return list(await db.scalars(query))


async def all_bodies(db: AsyncSession) -> list[Body]:
    """Every body, archived ones too (searching old meetings)."""
    return list(await db.scalars(select(Body).order_by(Body.name)))


# Search ---------------------------------------------------------------------------------


SORT_KEYS = ("date", "title", "body", "status", "invited")


class Order:
    RECENT = "recent"  # newest first (default)
    UPCOMING = "upcoming"  # next meetings first (soonest first), then past ones, newest first

    @staticmethod
    def options() -> list[tuple[str, str]]:
        return [(Order.RECENT, _("Most recent first")), (Order.UPCOMING, _("Upcoming first"))]


@dataclass(frozen=True)
class MeetingFilters:
    """What the search form and the API list can filter on. Dates are days in Africa/Tunis."""

    q: str = ""
    body_id: int | None = None
    status: MeetingStatus | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: str = Order.RECENT
    # Drafts are the secretariat's (see dialogue/meetings/visibility.py).
    drafts: bool = False


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    invited: int


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the configured zone (Africa/Tunis), as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=current_timezone())


def _filtered(query: Select[Any], filters: MeetingFilters) -> Select[Any]:
    if not filters.drafts:
        query = query.where(Meeting.status != MeetingStatus.DRAFT)
    if filters.q:
        query = query.where(matches(Meeting.search_text, filters.q))
    if filters.body_id is not None:
        query = query.where(Meeting.body_id == filters.body_id)
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.date_from is not None:
        query = query.where(Meeting.starts_at >= local_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.where(Meeting.starts_at < local_midnight(filters.date_to + dt.timedelta(days=1)))
    return query


async def search_meetings(
    db: AsyncSession, filters: MeetingFilters, limit: int | None, offset: int, *, sort: Sort | None = None
) -> tuple[list[MeetingRow], int]:
    """One page of meetings matching `filters` (all with `limit=None`), with each one's
    number of invitations, ordered by `sort` when given, else by `filters.order`.

    Two statements whatever the page size: the count, and the rows (body joined, the
    number of invitations as a correlated subquery).
    """
    total = await db.scalar(_filtered(select(func.count(Meeting.id)), filters)) or 0
    invited = (
        select(func.count(Invitation.id)).where(Invitation.meeting_id == Meeting.id).correlate(Meeting).scalar_subquery()
    )
    query = _filtered(select(Meeting, invited).options(joinedload(Meeting.body)), filters)
    if sort is not None:
        body = select(func.lower(func.coalesce(func.nullif(Body.short_name, ""), Body.name))).where(
            Body.id == Meeting.body_id
        ).scalar_subquery()
        columns = {
            "date": (Meeting.starts_at,),
            "title": (func.lower(Meeting.title),),
            "body": (body,),
            "status": (case(*[(Meeting.status == status, rank) for rank, status in enumerate(MeetingStatus)]),),
            "invited": (invited,),
        }
        query = query.order_by(*sort.clauses(columns, (Meeting.starts_at.desc(), Meeting.id.desc())))
    elif filters.order == Order.UPCOMING:
        moment = now()
        query = query.order_by(
            case((Meeting.starts_at >= moment, 0), else_=1),
            case((Meeting.starts_at >= moment, Meeting.starts_at), else_=None).asc(),
            Meeting.starts_at.desc(),
            Meeting.id.desc(),
        )
    else:
        query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    rows = (await db.execute(query.limit(limit).offset(offset))).all()
    return [MeetingRow(meeting=row[0], invited=row[1] or 0) for row in rows], total


# One meeting ----------------------------------------------------------------------------


async def get_meeting(db: AsyncSession, meeting_id: int, *, with_invitations: bool = False) -> Meeting:
    """The meeting with its body (and its invitations, people and organisations), or 404."""
    query = select(Meeting).options(joinedload(Meeting.body)).where(Meeting.id == meeting_id)
    if with_invitations:
        query = query.options(
            selectinload(Meeting.invitations).options(
                joinedload(Invitation.person).joinedload(Person.organisation),
                joinedload(Invitation.on_behalf_of),
                joinedload(Invitation.alternate),
            )
        )
    meeting = (await db.scalars(query)).unique().one_or_none()
    if meeting is None:
        raise NotFoundException()
    return meeting


@dataclass
class MeetingDraft:
    """The fields of a meeting as typed (None where a field is missing or unreadable)."""

    body_id: int | None = None
    title: str = ""
    kind: MeetingKind | None = MeetingKind.PLENARY
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str = ""
    online_url: str | None = None
    status: MeetingStatus | None = MeetingStatus.DRAFT
    description: str = ""

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingDraft:
        return cls(
            body_id=meeting.body_id,
            title=meeting.title,
            kind=meeting.kind,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            venue=meeting.venue,
            online_url=meeting.online_url,
            status=meeting.status,
            description=meeting.description,
        )

    def replace(self, **changes: Any) -> MeetingDraft:
        return dataclasses.replace(self, **changes)


def meeting_values(meeting: Meeting) -> dict[str, Any]:
    """A meeting as form values (datetimes stay aware: the template shows them in Tunis)."""
    return {**dataclasses.asdict(MeetingDraft.of(meeting)), "version": meeting.version}


def as_local(value: dt.datetime) -> dt.datetime:
    """An aware datetime; a naive one is read as a time in Africa/Tunis."""
    return value.replace(tzinfo=current_timezone()) if value.tzinfo is None else value


def url_problem(value: str | None) -> str | None:
    """Why `value` is not an acceptable web address (None when it is, or is empty)."""
    if not value:
        return None
    if len(value) > URL_MAX:
        return _("At most {n} characters.").format(n=URL_MAX)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in value):
        return _("Enter a full web address starting with https://.")
    return None


def _text_problem(value: str, maximum: int, *, required: bool) -> str | None:
    if not value.strip():
        return _("This field is required.") if required else None
    if len(value) > maximum:
        return _("At most {n} characters.").format(n=maximum)
    if "\x00" in value:
        return _("This text contains a character that is not allowed.")
    return None


# A meeting longer than this, or over several days, is unusual: saved once confirmed.
LONGEST_MEETING = dt.timedelta(hours=12)
# A start further ahead than this is probably a typing mistake in the year.
FAR_AHEAD = dt.timedelta(days=730)


def meeting_impossibilities(draft: MeetingDraft, *, now: dt.datetime) -> dict[str, str]:
    """What `draft` cannot be, by field: a meeting marked held whose start is still to come."""
    if draft.status == MeetingStatus.HELD and draft.starts_at is not None and as_local(draft.starts_at) > now:
        return {"status": _("A meeting that has not started yet cannot be marked held: its start is in the future.")}
    return {}


def meeting_warnings(draft: MeetingDraft, current: Meeting | None = None, *, now: dt.datetime) -> dict[str, str]:
    """What is unusual about `draft`, by field, for the secretariat to confirm: a meeting
    still "scheduled" whose start has passed, one longer than 12 hours or over several
    days, one starting more than two years ahead. When editing (`current`), only what the
    change touches is questioned: a title fixed on an old meeting asks nothing."""
    if draft.starts_at is None or draft.ends_at is None:
        return {}
    starts, ends = as_local(draft.starts_at), as_local(draft.ends_at)
    moved = current is None or starts != current.starts_at
    warnings: dict[str, str] = {}
    if draft.status == MeetingStatus.SCHEDULED and starts < now and (moved or current.status != draft.status):
        warnings["status"] = _(
            "This meeting is marked scheduled but its start has passed: mark it held or cancelled, or confirm."
        )
    zone = current_timezone()
    if (moved or ends != current.ends_at) and (
        ends - starts > LONGEST_MEETING or starts.astimezone(zone).date() != ends.astimezone(zone).date()
    ):
        warnings["ends_at"] = _("This meeting lasts more than 12 hours or runs over several days: check the end, or confirm.")
    if moved and starts > now + FAR_AHEAD:
        warnings["starts_at"] = _("This meeting starts more than two years from now: check the year, or confirm.")
    return warnings


async def meeting_errors(
    db: AsyncSession, draft: MeetingDraft, current: Meeting | None = None, *, now: dt.datetime | None = None
) -> dict[str, str]:
    """Every problem with `draft`, by field; empty when it can be saved.

    `current` is the meeting being edited (None when scheduling a new one).
    """
    errors: dict[str, str] = {}
    if draft.body_id is None:
        errors["body_id"] = _("Choose a body.")
    else:
        body = await db.get(Body, draft.body_id)
        if body is None:
            errors["body_id"] = _("This body does not exist.")
        elif body.archived_at is not None and (current is None or current.body_id != body.id):
            errors["body_id"] = _("This body is archived: choose another one.")
    for name, value, maximum, required in (
        ("title", draft.title, TITLE_MAX, True),
        ("venue", draft.venue, VENUE_MAX, False),
        ("description", draft.description, DESCRIPTION_MAX, False),
    ):
        problem = _text_problem(value, maximum, required=required)
        if problem:
            errors[name] = problem
    if draft.kind is None:
        errors["kind"] = _("Choose one of the options.")
    if draft.status is None:
        errors["status"] = _("Choose one of the options.")
    elif (
        current is not None
        and current.status == MeetingStatus.CANCELLED
        and draft.status == MeetingStatus.DRAFT
    ):
        errors["status"] = _("A cancelled meeting can be set back to scheduled, postponed or held, not to a draft.")
    for name in ("starts_at", "ends_at"):
        value = getattr(draft, name)
        if value is None:
            errors[name] = _("This field is required.")
        elif not EARLIEST <= as_local(value) <= LATEST:
            errors[name] = _("Enter a date between 1900 and 2999.")
    if "starts_at" not in errors and "ends_at" not in errors:
        assert draft.starts_at is not None and draft.ends_at is not None
        if as_local(draft.ends_at) <= as_local(draft.starts_at):
            errors["ends_at"] = _("The end must be after the start.")
    problem = url_problem(draft.online_url)
    if problem:
        errors["online_url"] = problem
    for name, message in meeting_impossibilities(draft, now=now or dt.datetime.now(dt.UTC)).items():
        errors.setdefault(name, message)
    return errors


async def _check(db: AsyncSession, draft: MeetingDraft, current: Meeting | None, *, confirmed: bool) -> None:
    """`Invalid` if `draft` breaks a rule; `Unconfirmed` if it is unusual and not `confirmed`."""
    now = dt.datetime.now(dt.UTC)
    errors = await meeting_errors(db, draft, current, now=now)
    if errors:
        raise Invalid(errors, dataclasses.asdict(draft))
    warnings = meeting_warnings(draft, current, now=now)
    if warnings and not confirmed:
        raise Unconfirmed(warnings, dataclasses.asdict(draft))


def _apply(meeting: Meeting, draft: MeetingDraft) -> None:
    assert draft.body_id and draft.kind and draft.status and draft.starts_at and draft.ends_at
    meeting.body_id = draft.body_id
    meeting.title = draft.title.strip()
    meeting.kind = draft.kind
    meeting.starts_at = as_local(draft.starts_at).astimezone(dt.UTC)
    meeting.ends_at = as_local(draft.ends_at).astimezone(dt.UTC)
    meeting.venue = draft.venue.strip()
    meeting.online_url = draft.online_url or None
    meeting.status = draft.status
    meeting.description = draft.description.strip()


async def schedule_meeting(db: AsyncSession, draft: MeetingDraft, *, confirmed: bool = False) -> Meeting:
    """Create a meeting from `draft` (raises `Invalid` with every problem, `Unconfirmed`
    when it is unusual and the secretariat has not `confirmed` it)."""
    await _check(db, draft, None, confirmed=confirmed)
    meeting = Meeting()
    _apply(meeting, draft)
    db.add(meeting)
    await db.flush()
    return meeting


def _moves_the_record(meeting: Meeting, draft: MeetingDraft) -> bool:
    """Whether `draft` changes what adopted minutes fix: the body, the date or the status."""
    return (
        draft.body_id != meeting.body_id
        or draft.status != meeting.status
        or (draft.starts_at is not None and as_local(draft.starts_at) != meeting.starts_at)
        or (draft.ends_at is not None and as_local(draft.ends_at) != meeting.ends_at)
    )


async def update_meeting(
    db: AsyncSession, meeting: Meeting, draft: MeetingDraft, version: int | None, *, confirmed: bool = False
) -> Meeting:
    """Change `meeting` to `draft`, if nobody changed it since `version` (else `Stale`);
    `Invalid` and `Unconfirmed` as for `schedule_meeting`."""
    check_version(meeting, version)
    if _moves_the_record(meeting, draft):
        await ensure_record_open(db, meeting.id)
    await _check(db, draft, meeting, confirmed=confirmed)
    _apply(meeting, draft)
    await db.flush()
    return meeting


async def cancel_meeting(db: AsyncSession, meeting: Meeting, version: int | None = None) -> Meeting:
    """Call the meeting off. It stays on record (and can be re-scheduled by editing it)."""
    if version is not None:
        check_version(meeting, version)
    await ensure_record_open(db, meeting.id)
    if meeting.status != MeetingStatus.CANCELLED:
        meeting.status = MeetingStatus.CANCELLED
        await db.flush()
    return meeting


async def meeting_dependents(db: AsyncSession, meeting_id: int) -> dict[str, int]:
    """What keeps a meeting from being deleted, counted (in one statement)."""
    items = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
    attended = select(func.count(Invitation.id)).where(
        Invitation.meeting_id == meeting_id, Invitation.attendance != Attendance.UNRECORDED
    )
    positions = select(func.count(Position.id)).where(Position.item_id.in_(items))
    outcomes = select(func.count(Outcome.id)).where(Outcome.item_id.in_(items))
    commitments = select(func.count(Commitment.id)).where(
        or_(Commitment.meeting_id == meeting_id, Commitment.agenda_item_id.in_(items))
    )
    minutes = select(func.count(Minutes.id)).where(Minutes.meeting_id == meeting_id)
    row = (
        await db.execute(
            select(
                attended.scalar_subquery(),
                positions.scalar_subquery(),
                outcomes.scalar_subquery(),
                commitments.scalar_subquery(),
                minutes.scalar_subquery(),
            )
        )
    ).one()
    return {"attendance": row[0], "positions": row[1], "outcomes": row[2], "commitments": row[3], "minutes": row[4]}


async def delete_meeting(db: AsyncSession, meeting: Meeting) -> None:
    """Delete a meeting that nothing depends on (its invitations and agenda go with it).

    A meeting with attendance, positions, outcomes, commitments or minutes is part of the
    record: refused, with the reasons; cancelling it is the way to call it off. Minutes,
    even a draft, are never deleted with their meeting: circulated ones are what the sides
    signed.
    """
    await ensure_record_open(db, meeting.id)
    counts = await meeting_dependents(db, meeting.id)
    reasons = []
    if counts["minutes"]:
        reasons.append(_("its minutes have been started (they are the signed record of the meeting)"))
    if counts["attendance"]:
        reasons.append(_("attendance has been recorded"))
    if counts["positions"]:
        reasons.append(_("positions have been recorded"))
    if counts["outcomes"]:
        reasons.append(_("outcomes have been recorded"))
    if counts["commitments"]:
        reasons.append(_("commitments were made"))
    if reasons:
        raise Refused(
            _("This meeting cannot be deleted: {reasons}. It is part of the record; cancel it instead.").format(
                reasons=listed(reasons)
            )
        )
    # Row by row through the session, children first: the audit trail keeps a snapshot of
    # each deleted row (a bulk DELETE would leave no trace of what was there).
    items = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    for rows in (
        select(AgendaDocument).where(AgendaDocument.item_id.in_(items)),
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id),
        select(Invitation).where(Invitation.meeting_id == meeting.id),
    ):
        for row in await db.scalars(rows):
            await db.delete(row)
        await db.flush()
    set_committed_value(meeting, "invitations", [])  # deleted above: nothing to cascade to
    await db.delete(meeting)
    await db.flush()


# Invitations ----------------------------------------------------------------------------


SIDE_ORDER = {side: rank for rank, side in enumerate(Side)}


def side_of(invitation: Invitation) -> Side:
    return invitation.person.organisation.side


def ordered_invitations(meeting: Meeting) -> list[Invitation]:
    """Invitations by side (government, workers, employers, observers), then as ranked."""
    return sorted(
        meeting.invitations,
        key=lambda inv: (SIDE_ORDER[side_of(inv)], inv.rank, inv.person.full_name.casefold(), inv.id),
    )


@dataclass(frozen=True)
class SideGroup:
    side: Side
    invitations: list[Invitation]


def invitations_by_side(meeting: Meeting) -> list[SideGroup]:
    """The three party sides always (an empty one shows who is missing), observers if any."""
    ordered = ordered_invitations(meeting)
    groups = []
    for side in Side:
        members = [inv for inv in ordered if side_of(inv) == side]
        if members or side in Side.parties():
            groups.append(SideGroup(side, members))
    return groups


def meeting_quorum(meeting: Meeting) -> QuorumReport:
    """The quorum and parity panel of a meeting loaded with its body and invitations."""
    return quorum(
        meeting.body.quorum_rule,
        meeting.body.quorum_min_per_side,
        [Attendee(side_of(inv), inv.attendance, inv.role) for inv in meeting.invitations],
    )


ROLE_FOR_MEMBERSHIP = {MembershipKind.TITULAR: InvitationRole.TITULAR, MembershipKind.ALTERNATE: InvitationRole.ALTERNATE}


async def invitation_choices(db: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """What the invitation form proposes: people not yet invited (by side), the body's
    members not yet invited, and who someone may attend on behalf of."""
    invited_ids = {inv.person_id for inv in meeting.invitations}
    members = await body_members(db, meeting.body_id)
    people = await active_people(db)
    uninvited = [p for p in people if p.id not in invited_ids]
    by_side = [
        (side, [p for p in uninvited if p.organisation.side == side]) for side in Side
    ]
    behalf: dict[int, Person] = {m.person_id: m.person for m in members}
    for inv in meeting.invitations:
        behalf.setdefault(inv.person_id, inv.person)
    return {
        "people_by_side": [(side, group) for side, group in by_side if group],
        "proposed_members": [m for m in members if m.person_id not in invited_ids],
        "behalf_options": sorted(behalf.values(), key=lambda p: (p.full_name.casefold(), p.id)),
    }


async def _behalf_problem(db: AsyncSession, meeting: Meeting, person_id: int, behalf_id: int | None) -> str | None:
    if behalf_id is None:
        return None
    if behalf_id == person_id:
        return _("Someone cannot attend on their own behalf.")
    is_member = await db.scalar(
        select(exists().where(Membership.body_id == meeting.body_id, Membership.person_id == behalf_id))
    )
    is_invited = await db.scalar(
        select(exists().where(Invitation.meeting_id == meeting.id, Invitation.person_id == behalf_id))
    )
    if not (is_member or is_invited):
        return _("Choose a member of the body or someone invited to this meeting.")
    return None


async def invite_person(
    db: AsyncSession,
    meeting: Meeting,
    person_id: int | None,
    role: InvitationRole | None = InvitationRole.TITULAR,
    on_behalf_of_id: int | None = None,
) -> Invitation:
    """Invite one person in a role (raises `Invalid` with field errors)."""
    await ensure_record_open(db, meeting.id)
    errors: dict[str, str] = {}
    if person_id is None:
        errors["person_id"] = _("Choose a person.")
    else:
        person = await db.get(Person, person_id)
        if person is None:
            errors["person_id"] = _("This person does not exist.")
        elif person.archived_at is not None:
            errors["person_id"] = _("This person is archived.")
        elif await db.scalar(
            select(exists().where(Invitation.meeting_id == meeting.id, Invitation.person_id == person_id))
        ):
            errors["person_id"] = _("This person is already invited.")
        else:
            problem = await _behalf_problem(db, meeting, person_id, on_behalf_of_id)
            if problem:
                errors["on_behalf_of_id"] = problem
    if role is None:
        errors["role"] = _("Choose one of the options.")
    if errors:
        raise Invalid(errors, {"person_id": person_id, "role": role, "on_behalf_of_id": on_behalf_of_id})
    assert person_id is not None and role is not None
    invitation = Invitation(
        meeting_id=meeting.id,
        person_id=person_id,
        role=role,
        on_behalf_of_id=on_behalf_of_id,
        rank=await _next_rank(db, meeting.id),
    )
    db.add(invitation)
    await db.flush()
    return invitation


async def _next_rank(db: AsyncSession, meeting_id: int) -> int:
    highest = await db.scalar(select(func.max(Invitation.rank)).where(Invitation.meeting_id == meeting_id))
    return (highest or 0) + 1


async def invite_all_members(db: AsyncSession, meeting: Meeting) -> list[Invitation]:
    """Invite every member of the body not invited yet: titular members as titular,
    alternates as alternate. Returns the new invitations."""
    await ensure_record_open(db, meeting.id)
    invited = set(await db.scalars(select(Invitation.person_id).where(Invitation.meeting_id == meeting.id)))
    rank = await _next_rank(db, meeting.id)
    added = []
    for membership in await body_members(db, meeting.body_id):
        if membership.person_id in invited:
            continue
        invitation = Invitation(
            meeting_id=meeting.id,
            person_id=membership.person_id,
            role=ROLE_FOR_MEMBERSHIP[membership.kind],
            rank=rank,
        )
        rank += 1
        db.add(invitation)
        added.append(invitation)
    await db.flush()
    return added


async def get_invitation(db: AsyncSession, meeting_id: int, invitation_id: int) -> Invitation:
    """One invitation of the meeting, with person and organisation loaded, or 404."""
    invitation = await db.scalar(
        select(Invitation)
        .options(
            joinedload(Invitation.person).joinedload(Person.organisation),
            joinedload(Invitation.on_behalf_of),
            joinedload(Invitation.alternate),
        )
        .where(Invitation.id == invitation_id, Invitation.meeting_id == meeting_id)
    )
    if invitation is None:
        raise NotFoundException()
    return invitation


_UNCHANGED: Any = object()

# Recorded on the day: who came and who did not. "Excused" may be known beforehand.
ON_THE_DAY = (Attendance.PRESENT, Attendance.ABSENT)


def attendance_problem(meeting: Meeting, attendance: Attendance | None, *, now: dt.datetime) -> str | None:
    """Why `attendance` cannot be recorded for `meeting` now: present or absent only once
    the meeting has started (None when it can)."""
    if attendance in ON_THE_DAY and meeting.starts_at > now:
        return _("The meeting has not started yet (it starts {start}): present or absent can be recorded from then on.").format(
            start=format_datetime(meeting.starts_at)
        )
    return None


async def update_invitation(
    db: AsyncSession,
    meeting: Meeting,
    invitation: Invitation,
    version: int | None,
    *,
    role: InvitationRole | None = _UNCHANGED,
    on_behalf_of_id: int | None = _UNCHANGED,
    attendance: Attendance | None = _UNCHANGED,
    arrived_late: bool = _UNCHANGED,
) -> Invitation:
    """Change role, "on behalf of", attendance or lateness (only the arguments given).

    Refused as `Stale` when `version` is not the invitation's current one.
    """
    await ensure_record_open(db, meeting.id)
    check_version(invitation, version)
    errors: dict[str, str] = {}
    if role is None:
        errors["role"] = _("Choose one of the options.")
    if attendance is None:
        errors["attendance"] = _("Choose one of the options.")
    elif attendance is not _UNCHANGED and attendance != invitation.attendance:
        problem = attendance_problem(meeting, attendance, now=dt.datetime.now(dt.UTC))
        if problem:
            errors["attendance"] = problem
    if on_behalf_of_id is not _UNCHANGED and on_behalf_of_id != invitation.on_behalf_of_id:
        problem = await _behalf_problem(db, meeting, invitation.person_id, on_behalf_of_id)
        if problem:
            errors["on_behalf_of_id"] = problem
    if errors:
        raise Invalid(errors)
    if role is not _UNCHANGED:
        invitation.role = role
    if on_behalf_of_id is not _UNCHANGED:
        invitation.on_behalf_of_id = on_behalf_of_id
    if attendance is not _UNCHANGED:
        invitation.attendance = attendance
        if attendance != Attendance.PRESENT and arrived_late is _UNCHANGED:
            invitation.arrived_late = False
    if arrived_late is not _UNCHANGED:
        invitation.arrived_late = bool(arrived_late) and invitation.attendance == Attendance.PRESENT
    await db.flush()
    return invitation


async def remove_invitation(db: AsyncSession, invitation: Invitation) -> None:
    """Withdraw an invitation. Once attendance is recorded it is part of the record: refused."""
    await ensure_record_open(db, invitation.meeting_id)
    if invitation.attendance != Attendance.UNRECORDED:
        raise Refused(
            _(
                "The attendance of {name} is recorded: set it back to “Not recorded” "
                "before removing the invitation."
            ).format(name=invitation.person.full_name)
        )
    await db.delete(invitation)
    await db.flush()


async def invite_many(
    db: AsyncSession,
    meeting: Meeting,
    *,
    person_ids: set[int],
    organisation_ids: set[int],
    sides: set[Side],
    role: InvitationRole | None = InvitationRole.TITULAR,
) -> list[Invitation]:
    """Invite in one action the people chosen one by one, every active person of the
    organisations chosen and of the sides chosen, in one role. People already invited keep
    their invitation. Raises `Invalid` when nothing is chosen or a chosen person cannot be
    invited (unknown or archived): then nobody is invited. Returns the new invitations."""
    await ensure_record_open(db, meeting.id)
    errors: dict[str, str] = {}
    if not (person_ids or organisation_ids or sides):
        errors["bulk"] = _("Choose people, an organisation or a side.")
    if role is None:
        errors["role"] = _("Choose one of the options.")
    chosen = {
        p.id: p
        for p in await db.scalars(
            select(Person)
            .join(Organisation, Person.organisation_id == Organisation.id)
            .where(
                Person.archived_at.is_(None),
                Organisation.archived_at.is_(None),
                or_(
                    Person.id.in_(person_ids),
                    Person.organisation_id.in_(organisation_ids),
                    Organisation.side.in_(sides),
                ),
            )
        )
    }
    if person_ids - set(chosen):
        errors["bulk"] = _("Some of the people chosen no longer exist or are archived: nobody was invited.")
    if errors:
        raise Invalid(errors)
    assert role is not None
    invited = set(await db.scalars(select(Invitation.person_id).where(Invitation.meeting_id == meeting.id)))
    rank = await _next_rank(db, meeting.id)
    added = []
    for person in sorted(chosen.values(), key=lambda p: (p.full_name.casefold(), p.id)):
        if person.id in invited:
            continue
        invitation = Invitation(meeting_id=meeting.id, person_id=person.id, role=role, rank=rank)
        rank += 1
        db.add(invitation)
        added.append(invitation)
    await db.flush()
    return added


async def mark_everyone_present(db: AsyncSession, meeting: Meeting) -> int:
    """"Everyone present": each invitee whose attendance is not recorded yet is recorded
    present (the secretariat then corrects the exceptions); recorded ones keep their record.
    Returns how many were marked; `Refused` before the meeting has started."""
    await ensure_record_open(db, meeting.id)
    problem = attendance_problem(meeting, Attendance.PRESENT, now=dt.datetime.now(dt.UTC))
    if problem:
        raise Refused(problem)
    rows = list(
        await db.scalars(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.attendance == Attendance.UNRECORDED
            )
        )
    )
    for invitation in rows:
        invitation.attendance = Attendance.PRESENT
    await db.flush()
    return len(rows)
