"""Rules of meetings themselves: the form's checks, scheduling, moving, cancelling and deleting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from dialogue import bilingual
from dialogue.agenda.models import AgendaDocument, AgendaItem, Outcome, Position
from dialogue.bodies import service as bodies_service
from dialogue.bodies.models import Body, Membership, MembershipKind
from dialogue.commitments.models import Commitment
from dialogue.errors import Invalid, Refused, Unconfirmed, check_version
from dialogue.i18n import _, current_timezone, listed
from dialogue.meetings.models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SessionKind,
)
from dialogue.meetings.sessions import session_errors
from dialogue.minutes.lock import ensure_record_open
from dialogue.minutes.models import Minutes
from dialogue.people.models import Person
from dialogue.people.service import counted, found_one
from dialogue.projects.models import Project
from dialogue.text_input import text_problem

TITLE_MAX = 300


# The texts of a meeting that may be written in several languages (dialogue/bilingual.py).
TEXTS = ("title", "description")


VENUE_MAX = 300


URL_MAX = 500


DESCRIPTION_MAX = 20_000


EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


LATEST = dt.datetime(2999, 1, 1, tzinfo=dt.UTC)


# Bodies and people (other areas' data, read here in one small place) ---------------------


async def body_members(db: AsyncSession, body_id: int | None) -> list[Membership]:
    """The body's active members, person and organisation loaded, titular members first
    (none for an event of its own)."""
    if body_id is None:
        return []
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


async def projects_for_choice(db: AsyncSession, include_id: int | None = None) -> list[Project]:
    """Projects a meeting can belong to: the active ones, plus `include_id` (the current one)."""
    query = select(Project).order_by(Project.name)
    active = Project.archived_at.is_(None)
    return list(await db.scalars(query.where(or_(active, Project.id == include_id) if include_id else active)))


async def all_bodies(db: AsyncSession) -> list[Body]:
    """Every body, archived ones too (searching old meetings)."""
    return list(await db.scalars(select(Body).order_by(Body.name)))


# One meeting ----------------------------------------------------------------------------


async def get_meeting(db: AsyncSession, meeting_id: int, *, with_invitations: bool = False) -> Meeting:
    """The meeting with its body (and its invitations, people and organisations), or 404."""
    query = (
        select(Meeting).options(joinedload(Meeting.body), joinedload(Meeting.project)).where(Meeting.id == meeting_id)
    )
    if with_invitations:
        query = query.options(
            selectinload(Meeting.invitations).options(
                joinedload(Invitation.person).joinedload(Person.organisation),
                joinedload(Invitation.on_behalf_of),
                joinedload(Invitation.alternate),
            )
        )
    return await found_one(db, query)


@dataclass
class MeetingDraft:
    """The fields of a meeting as typed (None where a field is missing or unreadable)."""

    body_id: int | None = None
    title: str = ""
    kind: MeetingKind | None = MeetingKind.PLENARY
    project_id: int | None = None
    session_kind: SessionKind | None = None
    session_number: int | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str = ""
    online_url: str | None = None
    status: MeetingStatus | None = MeetingStatus.DRAFT
    description: str = ""
    # The title and the description in Arabic and English (`title` is the French one).
    title_ar: str = ""
    title_en: str = ""
    description_ar: str = ""
    description_en: str = ""

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingDraft:
        return bilingual.draft_of(cls, meeting, *TEXTS)

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
    if (
        draft.status == MeetingStatus.SCHEDULED
        and starts < now
        and (current is None or moved or current.status != draft.status)
    ):
        warnings["status"] = _(
            "This meeting is marked scheduled but its start has passed: mark it held or cancelled, or confirm."
        )
    zone = current_timezone()
    if (current is None or moved or ends != current.ends_at) and (
        ends - starts > LONGEST_MEETING or starts.astimezone(zone).date() != ends.astimezone(zone).date()
    ):
        warnings["ends_at"] = _(
            "This meeting lasts more than 12 hours or runs over several days: check the end, or confirm."
        )
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
        # An event (a workshop, a seminar...) may stand on its own; a council meeting may not.
        if draft.kind not in MeetingKind.events():
            errors["body_id"] = _("Choose a body: a meeting of the council belongs to one of its bodies.")
    else:
        body = await db.get(Body, draft.body_id)
        if body is None:
            errors["body_id"] = _("This body does not exist.")
        elif body.archived_at is not None and (current is None or current.body_id != body.id):
            errors["body_id"] = _("This body is archived: choose another one.")
    if draft.venue.strip() and (problem := text_problem(draft.venue, VENUE_MAX)):  # blanks: no venue
        errors["venue"] = problem
    for name, maximum, required in (("title", TITLE_MAX, True), ("description", DESCRIPTION_MAX, False)):
        errors.update(
            bilingual.draft_errors(draft, name, functools.partial(text_problem, maximum=maximum), required=required)
        )
    if draft.kind is None:
        errors["kind"] = _("Choose one of the options.")
    if draft.status is None:
        errors["status"] = _("Choose one of the options.")
    elif current is not None and current.status == MeetingStatus.CANCELLED and draft.status == MeetingStatus.DRAFT:
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
    if draft.project_id is not None:
        project = await db.get(Project, draft.project_id)
        if project is None:
            errors["project_id"] = _("This project does not exist.")
        elif project.archived_at is not None and (current is None or current.project_id != project.id):
            errors["project_id"] = _("This project is archived: choose another one.")
    if "starts_at" not in errors and "body_id" not in errors:
        errors.update(await session_errors(db, draft, current))
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
    assert draft.kind and draft.status and draft.starts_at and draft.ends_at
    meeting.body_id = draft.body_id
    # The API's drafts hold plain strings: stored as the choices themselves.
    meeting.kind = MeetingKind(draft.kind)
    meeting.project_id = draft.project_id
    meeting.session_kind = SessionKind(draft.session_kind) if draft.session_kind and draft.body_id else None
    meeting.session_number = draft.session_number if meeting.session_kind is not None else None
    meeting.starts_at = as_local(draft.starts_at).astimezone(dt.UTC)
    meeting.ends_at = as_local(draft.ends_at).astimezone(dt.UTC)
    meeting.venue = draft.venue.strip()
    meeting.online_url = draft.online_url or None
    meeting.status = draft.status
    bilingual.apply_draft(meeting, draft, *TEXTS)


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
    counts = {
        "attendance": attended,
        "positions": positions,
        "outcomes": outcomes,
        "commitments": commitments,
        "minutes": minutes,
    }
    return await counted(db, counts)


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
