"""Rules of commitments: status, overdue, due soon, matters arising, and the queries that
list and change commitments. Pages and the API parse their input and call these.

"Overdue" is derived, never stored: an active commitment (open or in progress) whose due
date is before today in Africa/Tunis. `Commitment.is_overdue(today)` answers it for a
record in Python and `overdue_clause(today)` for a query; both say the same thing.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from litestar.exceptions import NotFoundException
from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from dialogue import i18n
from dialogue.agenda.models import AgendaItem
from dialogue.bodies.models import Body
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.forms import Invalid
from dialogue.i18n import _
from dialogue.listing import Sort
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Organisation, Person, Side
from dialogue.search import matches
from dialogue.web import Refused, check_version

ACTIVE: tuple[CommitmentStatus, ...] = CommitmentStatus.active()
CLOSED: tuple[CommitmentStatus, ...] = (CommitmentStatus.DONE, CommitmentStatus.DROPPED)
DUE_SOON_DAYS = 14
SIDE_ORDER = {side: rank for rank, side in enumerate(Side)}
# The status filter also accepts "active": open or in progress.
ACTIVE_FILTER = "active"

TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
NOTE_MAX = 10_000
URL_MAX = 500
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


# Overdue and due soon --------------------------------------------------------------------


def is_overdue(commitment: Commitment, today: dt.date) -> bool:
    """Active (open or in progress) and due before `today`."""
    return commitment.is_overdue(today)


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """SQL twin of `is_overdue`, for filters and counts."""
    return and_(Commitment.status.in_(ACTIVE), Commitment.due_on.is_not(None), Commitment.due_on < today)


def is_due_soon(commitment: Commitment, today: dt.date, days: int = DUE_SOON_DAYS) -> bool:
    """Active and due between today and `days` days from now (both included)."""
    return (
        commitment.status in ACTIVE
        and commitment.due_on is not None
        and today <= commitment.due_on <= today + dt.timedelta(days=days)
    )


def due_soon_clause(today: dt.date, days: int = DUE_SOON_DAYS) -> ColumnElement[bool]:
    """SQL twin of `is_due_soon`."""
    return and_(
        Commitment.status.in_(ACTIVE),
        Commitment.due_on.is_not(None),
        Commitment.due_on >= today,
        Commitment.due_on <= today + dt.timedelta(days=days),
    )


# Status ------------------------------------------------------------------------------------


def change_status(commitment: Commitment, status: CommitmentStatus, on: dt.date) -> None:
    """Move `commitment` to `status` on the day `on`.

    Closing it (done or dropped) records `closed_on = on`; moving between done and dropped
    keeps the day it first closed; reopening it (open or in progress) clears `closed_on`.
    """
    if status in CLOSED:
        if commitment.status not in CLOSED or commitment.closed_on is None:
            commitment.closed_on = on
    else:
        commitment.closed_on = None
    commitment.status = status


# Visibility of progress notes ------------------------------------------------------------
#
# A progress note marked internal stays inside the side that wrote it (`CommitmentUpdate.side`,
# the commitment's side at the time, kept if the commitment later moves): only that side's
# delegates and the secretariat see it. Every query that reads notes (or a date computed
# from them) takes `visible`, the sides whose internal content the reader may see
# (`internal_visible_sides(account)`), and filters with `note_visible(visible)`.


def note_visible(visible: Collection[Side]) -> ColumnElement[bool]:
    """SQL: a progress note shared with all sides, or internal to one of the `visible` sides
    (the side that wrote it)."""
    if not visible:
        return CommitmentUpdate.internal.is_(False)
    sides = sorted(visible, key=lambda side: side.value)
    return or_(CommitmentUpdate.internal.is_(False), CommitmentUpdate.side.in_(sides))


def is_note_visible(update: CommitmentUpdate, visible: Collection[Side]) -> bool:
    """Python twin of `note_visible`."""
    return not update.internal or update.side in visible


# Filters and the list ----------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFilters:
    """What the commitments page and `GET /api/v1/commitments` filter by."""

    side: Side | None = None
    organisation_id: int | None = None
    body_id: int | None = None
    statuses: tuple[CommitmentStatus, ...] = ()
    overdue: bool | None = None
    due_soon: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    q: str = ""


def parse_status_filter(value: str | None) -> tuple[CommitmentStatus, ...] | None:
    """`open`, `in_progress`, `done`, `dropped` or `active` -> statuses; None if unknown."""
    if not value:
        return ()
    if value == ACTIVE_FILTER:
        return ACTIVE
    try:
        return (CommitmentStatus(value),)
    except ValueError:
        return None


def status_filter_options() -> list[tuple[str, str]]:
    return [(ACTIVE_FILTER, _("Open or in progress")), *CommitmentStatus.options()]


def filter_clauses(filters: CommitmentFilters, today: dt.date) -> list[ColumnElement[bool]]:
    """The WHERE clauses of `filters` (the body is the body of the commitment's meeting)."""
    clauses: list[ColumnElement[bool]] = []
    if filters.side is not None:
        clauses.append(Commitment.side == filters.side)
    if filters.organisation_id is not None:
        clauses.append(Commitment.organisation_id == filters.organisation_id)
    if filters.body_id is not None:
        clauses.append(Commitment.meeting_id.in_(select(Meeting.id).where(Meeting.body_id == filters.body_id)))
    if filters.statuses:
        clauses.append(Commitment.status.in_(filters.statuses))
    if filters.overdue is True:
        clauses.append(overdue_clause(today))
    elif filters.overdue is False:
        clauses.append(not_(overdue_clause(today)))
    if filters.due_soon:
        clauses.append(due_soon_clause(today))
    if filters.due_from is not None:
        clauses.append(Commitment.due_on >= filters.due_from)
    if filters.due_to is not None:
        clauses.append(Commitment.due_on <= filters.due_to)
    if filters.q.strip():
        clauses.append(matches(Commitment.search_text, filters.q))
    return clauses


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment as a list shows it: with the date of its last progress update."""

    commitment: Commitment
    last_update_on: dt.date | None
    overdue: bool


def _last_update_on(visible: Collection[Side]) -> Any:
    """The date of the commitment's last progress note the reader may see."""
    return (
        select(func.max(CommitmentUpdate.written_on))
        .where(CommitmentUpdate.commitment_id == Commitment.id, note_visible(visible))
        .correlate(Commitment)
        .scalar_subquery()
    )


def _due_order() -> tuple[Any, ...]:
    # Due date first, commitments without one last (portable: no NULLS LAST in SQLite < 3.30).
    return (Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)


SORT_KEYS = ("title", "side", "organisation", "responsible", "due", "status", "meeting", "last_update")
DEFAULT_SORT = "due"


def _sort_columns(visible: Collection[Side]) -> dict[str, tuple[Any, ...]]:
    """The columns the list may be sorted by (`SORT_KEYS`), as SQL expressions."""
    organisation = (
        select(func.lower(func.coalesce(func.nullif(Organisation.acronym, ""), Organisation.name)))
        .where(Organisation.id == Commitment.organisation_id)
        .correlate(Commitment)
        .scalar_subquery()
    )
    responsible = (
        select(func.lower(Person.full_name)).where(Person.id == Commitment.responsible_id).correlate(Commitment).scalar_subquery()
    )
    meeting = select(Meeting.starts_at).where(Meeting.id == Commitment.meeting_id).correlate(Commitment).scalar_subquery()
    return {
        "title": (func.lower(Commitment.title),),
        "side": (case(*[(Commitment.side == side, rank) for side, rank in SIDE_ORDER.items()], else_=len(SIDE_ORDER)),),
        "organisation": (organisation,),
        "responsible": (responsible,),
        "due": (Commitment.due_on,),
        "status": (case(*[(Commitment.status == status, rank) for rank, status in enumerate(CommitmentStatus)]),),
        "meeting": (meeting,),
        "last_update": (_last_update_on(visible),),
    }


async def list_commitments(
    db: AsyncSession,
    filters: CommitmentFilters,
    today: dt.date,
    *,
    limit: int | None,
    offset: int,
    visible: Collection[Side] = frozenset(),
    sort: Sort | None = None,
) -> tuple[list[CommitmentRow], int]:
    """One page of commitments matching `filters` (all of them with `limit=None`), in the
    order of `sort` (by default by due date, none last), and the total.

    Two statements whatever the number of rows: the count, and the rows with their meeting,
    organisation, responsible person and last update date (of the notes the reader may
    see: `visible` are the sides whose internal notes they read).
    """
    clauses = filter_clauses(filters, today)
    total = (await db.execute(select(func.count()).select_from(Commitment).where(*clauses))).scalar_one()
    statement = (
        select(Commitment, _last_update_on(visible).label("last_update_on"))
        .where(*clauses)
        .options(
            joinedload(Commitment.meeting),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(*(sort.clauses(_sort_columns(visible), _due_order()) if sort else _due_order()))
        .limit(limit)
        .offset(offset)
    )
    rows = [
        CommitmentRow(commitment, last_update_on, commitment.is_overdue(today))
        for commitment, last_update_on in (await db.execute(statement)).all()
    ]
    return rows, total


# One commitment ----------------------------------------------------------------------------


async def get_commitment(
    db: AsyncSession,
    commitment_id: int,
    *,
    with_updates: bool = True,
    refresh: bool = False,
    visible: Collection[Side] = frozenset(),
) -> Commitment:
    """The commitment with its origin (meeting, item, outcome), organisation, responsible
    person and (when asked) its progress updates, newest first; 404 if unknown.

    `commitment.updates` holds only the notes the reader may see (`visible`: the sides whose
    internal notes they read; by default none, so only shared notes).
    """
    options: list[Any] = [
        joinedload(Commitment.meeting),
        joinedload(Commitment.agenda_item).joinedload(AgendaItem.outcome),
        joinedload(Commitment.organisation),
        joinedload(Commitment.responsible).joinedload(Person.organisation),
    ]
    if with_updates:
        options.append(selectinload(Commitment.updates.and_(note_visible(visible))))
    statement = select(Commitment).where(Commitment.id == commitment_id).options(*options)
    if refresh:
        statement = statement.execution_options(populate_existing=True)
    commitment = (await db.execute(statement)).unique().scalar_one_or_none()
    if commitment is None:
        raise NotFoundException()
    return commitment


@dataclass
class CommitmentDraft:
    """The facts of a commitment as typed in a form or sent to the API, before the checks."""

    title: str = ""
    side: Side | None = None
    description: str = ""
    organisation_id: int | None = None
    responsible_id: int | None = None
    due_on: dt.date | None = None
    status: CommitmentStatus | None = CommitmentStatus.OPEN
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    from_outcome: bool = False

    @classmethod
    def of(cls, commitment: Commitment) -> CommitmentDraft:
        return cls(
            title=commitment.title,
            side=commitment.side,
            description=commitment.description,
            organisation_id=commitment.organisation_id,
            responsible_id=commitment.responsible_id,
            due_on=commitment.due_on,
            status=commitment.status,
            meeting_id=commitment.meeting_id,
            agenda_item_id=commitment.agenda_item_id,
            from_outcome=commitment.from_outcome,
        )


def _check_text(errors: dict[str, str], name: str, value: str, *, required: bool, max_length: int) -> None:
    if not value.strip():
        if required:
            errors.setdefault(name, _("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(name, _("At most {n} characters.").format(n=max_length))
    elif "\x00" in value:
        errors.setdefault(name, _("This text contains a character that is not allowed."))


def _check_date(errors: dict[str, str], name: str, value: dt.date | None) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        errors.setdefault(name, _("Enter a date between 1900 and 2999."))


def _check_url(errors: dict[str, str], name: str, value: str | None) -> None:
    if not value:
        return
    _check_text(errors, name, value, required=False, max_length=URL_MAX)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in value):
        errors.setdefault(name, _("Enter a full web address starting with https://."))


async def check_draft(db: AsyncSession, draft: CommitmentDraft) -> dict[str, str]:
    """Every rule a commitment must satisfy, as field errors (empty when it is valid).

    - a title (at most 300 characters), a side, a status;
    - the organisation, if any, is on the chosen side;
    - the responsible person, if any, belongs to that organisation (or, without one, to
      an organisation of that side);
    - the agenda item, if any, belongs to the meeting (the meeting is taken from the item
      when it is not given); "from the outcome" needs an item;
    - the due date, if any, is not before the day of the meeting that made it (Tunis time).
    """
    errors: dict[str, str] = {}
    _check_text(errors, "title", draft.title, required=True, max_length=TITLE_MAX)
    _check_text(errors, "description", draft.description, required=False, max_length=DESCRIPTION_MAX)
    if draft.side is None:
        errors.setdefault("side", _("This field is required."))
    if draft.status is None:
        errors.setdefault("status", _("This field is required."))
    _check_date(errors, "due_on", draft.due_on)

    organisation = None
    if draft.organisation_id is not None:
        organisation = await db.get(Organisation, draft.organisation_id)
        if organisation is None:
            errors.setdefault("organisation_id", _("Choose an organisation from the list."))
        elif draft.side is not None and organisation.side != draft.side:
            errors.setdefault(
                "organisation_id",
                _("This organisation is on another side ({side}).").format(side=organisation.side.label),
            )
    if draft.responsible_id is not None:
        responsible = await db.get(Person, draft.responsible_id)
        if responsible is None:
            errors.setdefault("responsible_id", _("Choose a person from the list."))
        elif organisation is not None:
            if responsible.organisation_id != organisation.id:
                errors.setdefault("responsible_id", _("This person does not belong to the chosen organisation."))
        elif draft.side is not None and draft.organisation_id is None:
            person_side = (
                await db.execute(select(Organisation.side).where(Organisation.id == responsible.organisation_id))
            ).scalar_one()
            if person_side != draft.side:
                errors.setdefault("responsible_id", _("This person does not belong to the chosen side."))

    if draft.agenda_item_id is not None:
        item = await db.get(AgendaItem, draft.agenda_item_id)
        if item is None:
            errors.setdefault("agenda_item_id", _("Choose an agenda item from the list."))
        elif draft.meeting_id is None:
            draft.meeting_id = item.meeting_id
        elif item.meeting_id != draft.meeting_id:
            errors.setdefault("agenda_item_id", _("This agenda item belongs to another meeting."))
    if draft.meeting_id is not None:
        meeting = await db.get(Meeting, draft.meeting_id)
        if meeting is None:
            errors.setdefault("meeting_id", _("Choose a meeting from the list."))
        elif draft.due_on is not None and draft.due_on < (held_on := i18n.local_date(meeting.starts_at)):
            errors.setdefault(
                "due_on",
                _("The due date cannot be before the meeting that made this commitment ({date}).").format(
                    date=i18n.format_date(held_on)
                ),
            )
    if draft.from_outcome and draft.agenda_item_id is None:
        errors.setdefault("from_outcome", _("A commitment from an outcome needs its agenda item."))
    return errors


def _apply(commitment: Commitment, draft: CommitmentDraft) -> None:
    commitment.title = draft.title.strip()
    commitment.description = draft.description.strip()
    commitment.side = draft.side  # type: ignore[assignment]
    commitment.organisation_id = draft.organisation_id
    commitment.responsible_id = draft.responsible_id
    commitment.due_on = draft.due_on
    commitment.meeting_id = draft.meeting_id
    commitment.agenda_item_id = draft.agenda_item_id
    commitment.from_outcome = draft.from_outcome


async def create_commitment(
    db: AsyncSession, draft: CommitmentDraft, *, today: dt.date, known_errors: dict[str, str] | None = None
) -> Commitment:
    """A new commitment (closed today if created done or dropped); `Invalid` if a rule fails.

    `known_errors` are those found while reading the input (a date that is not a date...):
    they are reported together with the rules' errors, and take precedence.
    """
    errors = {**await check_draft(db, draft), **(known_errors or {})}
    if errors:
        raise Invalid(errors)
    commitment = Commitment(status=CommitmentStatus.OPEN, closed_on=None)
    _apply(commitment, draft)
    change_status(commitment, draft.status, today)  # type: ignore[arg-type]
    db.add(commitment)
    await db.flush()
    return commitment


async def update_commitment(
    db: AsyncSession,
    commitment: Commitment,
    draft: CommitmentDraft,
    *,
    version: int | None,
    today: dt.date,
    known_errors: dict[str, str] | None = None,
) -> Commitment:
    """Change a commitment read at `version`: `Stale` if it changed since, `Invalid` if a
    rule fails; nothing is changed in either case. A status change follows `change_status`."""
    check_version(commitment, version)
    errors = {**await check_draft(db, draft), **(known_errors or {})}
    if errors:
        raise Invalid(errors)
    _apply(commitment, draft)
    if draft.status != commitment.status:
        change_status(commitment, draft.status, today)  # type: ignore[arg-type]
    await db.flush()
    return commitment


@dataclass
class ProgressDraft:
    """A progress update as typed or sent: `written_on` defaults to today."""

    note: str = ""
    written_on: dt.date | None = None
    evidence_url: str | None = None
    status: CommitmentStatus | None = None
    # Kept inside the commitment's side as it is now (its delegates and the secretariat),
    # even if the commitment later moves to another side.
    internal: bool = False


def check_progress(draft: ProgressDraft, today: dt.date) -> dict[str, str]:
    """A note (required), a date that is not in the future, an http(s) evidence link."""
    errors: dict[str, str] = {}
    _check_text(errors, "note", draft.note, required=True, max_length=NOTE_MAX)
    _check_date(errors, "written_on", draft.written_on)
    if draft.written_on is not None and draft.written_on > today and "written_on" not in errors:
        errors["written_on"] = _("A progress update cannot be dated in the future.")
    _check_url(errors, "evidence_url", draft.evidence_url)
    return errors


async def add_progress(
    db: AsyncSession,
    commitment: Commitment,
    draft: ProgressDraft,
    *,
    today: dt.date,
    known_errors: dict[str, str] | None = None,
) -> CommitmentUpdate:
    """Record a dated progress update; with a new status, the commitment takes it on the
    update's date (closing sets `closed_on` to that date, reopening clears it)."""
    errors = {**check_progress(draft, today), **(known_errors or {})}
    if errors:
        raise Invalid(errors)
    written_on = draft.written_on or today
    update = CommitmentUpdate(
        commitment_id=commitment.id,
        written_on=written_on,
        note=draft.note.strip(),
        evidence_url=draft.evidence_url or None,
        status=draft.status,
        internal=draft.internal,
        side=commitment.side,
    )
    db.add(update)
    if draft.status is not None and draft.status != commitment.status:
        change_status(commitment, draft.status, written_on)
    await db.flush()
    return update


async def delete_commitment(db: AsyncSession, commitment: Commitment, *, version: int | None = None) -> None:
    """Delete a commitment that has no progress updates; one with a history is refused
    (drop it instead, so that its follow-up stays on record)."""
    if version is not None:
        check_version(commitment, version)
    count = (
        await db.execute(
            select(func.count()).select_from(CommitmentUpdate).where(CommitmentUpdate.commitment_id == commitment.id)
        )
    ).scalar_one()
    if count:
        raise Refused(
            _("This commitment has progress updates and cannot be deleted: set its status to dropped instead.")
        )
    await db.delete(commitment)
    await db.flush()


# The meeting page ------------------------------------------------------------------------


@dataclass(frozen=True)
class MatterArising:
    """An active commitment from an earlier meeting of the body, and how many meetings it
    has stayed open for (`meetings_open`, up to the meeting in question)."""

    commitment: Commitment
    meetings_open: int
    overdue: bool


async def matters_arising(db: AsyncSession, meeting: Meeting, *, today: dt.date) -> list[MatterArising]:
    """The open or in-progress commitments born at EARLIER meetings (starting before this
    one) of the SAME body, by due date (none last), each with `meetings_open` up to this
    meeting's start. Three statements whatever their number."""
    statement = (
        select(Commitment)
        .join(Meeting, Commitment.meeting_id == Meeting.id)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.starts_at < meeting.starts_at,
            Commitment.status.in_(ACTIVE),
        )
        .options(
            contains_eager(Commitment.meeting),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(*_due_order())
    )
    commitments = list((await db.execute(statement)).unique().scalars())
    counts = await meetings_open(db, [c.id for c in commitments], meeting.starts_at)
    return [MatterArising(c, counts.get(c.id, 0), c.is_overdue(today)) for c in commitments]


def count_meetings_open(since: dt.datetime, held_starts: Sequence[dt.datetime], reference: dt.datetime) -> int:
    """How many of the held meetings starting at `held_starts` (sorted) start strictly after
    `since` (the start of the meeting that made the commitment) and no later than
    `reference`. The pure counting step of `meetings_open`."""
    if reference <= since:
        return 0
    return max(0, bisect_right(held_starts, reference) - bisect_right(held_starts, since))


async def meetings_open(
    db: AsyncSession, commitment_ids: Collection[int], reference: dt.datetime
) -> dict[int, int]:
    """For how many meetings each of `commitment_ids` has stayed open, on `reference`.

    The one definition, used by the schedule form's panel, the agenda's matters arising,
    the meeting page, the minutes and the follow-up sheet with its exports: the number of
    meetings of the commitment's body (the body of the meeting that made it) that are
    HELD and start strictly after the meeting that made it, up to and including
    `reference` (and never later than now). Future, scheduled, draft, postponed and
    cancelled meetings do not count, nor do other bodies' meetings; the meeting that made
    it does not count either. Made at M1, M2 held since: 1. A commitment made outside any
    meeting has no body and counts 0. The commitment's own status is not looked at: the
    caller picks which commitments are still open.

    Unknown ids are left out of the answer. Two statements whatever the number of
    commitments: where each was made, then the held meetings of those bodies.
    """
    if not commitment_ids:
        return {}
    origins = (
        await db.execute(
            select(Commitment.id, Meeting.body_id, Meeting.starts_at)
            .outerjoin(Meeting, Commitment.meeting_id == Meeting.id)
            .where(Commitment.id.in_(sorted(set(commitment_ids))))
        )
    ).all()
    reference = min(reference, dt.datetime.now(dt.UTC))
    made = [(body_id, since) for _, body_id, since in origins if body_id is not None]
    held: dict[int, list[dt.datetime]] = {body_id: [] for body_id, _ in made}
    if made:
        rows = await db.execute(
            select(Meeting.body_id, Meeting.starts_at)
            .where(
                Meeting.body_id.in_(sorted(held)),
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at > min(since for _, since in made),
                Meeting.starts_at <= reference,
            )
            .order_by(Meeting.starts_at)
        )
        for body_id, starts_at in rows:
            held[body_id].append(starts_at)
    return {
        commitment_id: count_meetings_open(since, held[body_id], reference) if body_id is not None else 0
        for commitment_id, body_id, since in origins
    }


@dataclass
class ItemCommitments:
    """The commitments made on one agenda item (`item` None: not tied to an item)."""

    item: AgendaItem | None
    commitments: list[Commitment] = field(default_factory=list)


async def made_at(db: AsyncSession, meeting: Meeting) -> list[ItemCommitments]:
    """The commitments made at `meeting`, grouped by agenda item in agenda order (those not
    tied to an item last). One statement."""
    statement = (
        select(Commitment)
        .where(Commitment.meeting_id == meeting.id)
        .options(
            joinedload(Commitment.agenda_item),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(Commitment.id)
    )
    groups: dict[int | None, ItemCommitments] = {}
    for commitment in (await db.execute(statement)).scalars():
        key = commitment.agenda_item_id
        groups.setdefault(key, ItemCommitments(commitment.agenda_item)).commitments.append(commitment)
    return sorted(
        groups.values(),
        key=lambda group: (group.item is None, group.item.rank if group.item else 0, group.item.id if group.item else 0),
    )


async def commitments_section(db: AsyncSession, meeting: Meeting, *, today: dt.date | None = None) -> dict[str, Any]:
    """Context for `commitments/_meeting_section.html` on the meeting page: the matters
    arising and the commitments made at this meeting. Two statements."""
    today = today or i18n.today()
    return {
        "commitments_arising": await matters_arising(db, meeting, today=today),
        "commitments_made": await made_at(db, meeting),
        "commitments_today": today,
    }


# Form choices ------------------------------------------------------------------------------


async def filter_choices(db: AsyncSession) -> dict[str, Any]:
    """Organisations (grouped by side, archived ones too: old commitments name them) and
    bodies, for the filters of the commitments page. Two statements."""
    organisations = (await db.execute(select(Organisation).order_by(Organisation.acronym, Organisation.name))).scalars()
    bodies = (await db.execute(select(Body).order_by(Body.name))).scalars().all()
    return {
        "organisation_groups": _grouped(sorted(organisations, key=lambda o: SIDE_ORDER[o.side]), lambda o: o.side.label),
        "bodies": bodies,
    }


async def form_choices(db: AsyncSession, draft: CommitmentDraft) -> dict[str, Any]:
    """Organisations (grouped by side), people (grouped by organisation), meetings and the
    chosen meeting's agenda items, for the commitment form. Archived organisations and
    people are left out unless the commitment already names them. Four statements."""
    organisations = (
        await db.execute(
            select(Organisation)
            .where(or_(Organisation.archived_at.is_(None), Organisation.id == (draft.organisation_id or 0)))
            .order_by(Organisation.acronym, Organisation.name)
        )
    ).scalars().all()
    organisations = sorted(organisations, key=lambda o: SIDE_ORDER[o.side])
    people = (
        await db.execute(
            select(Person)
            .join(Person.organisation)
            .where(or_(Person.archived_at.is_(None), Person.id == (draft.responsible_id or 0)))
            .options(contains_eager(Person.organisation))
            .order_by(Organisation.acronym, Organisation.name, Person.full_name)
        )
    ).scalars().all()
    people = sorted(people, key=lambda p: SIDE_ORDER[p.organisation.side])
    meetings = (
        await db.execute(select(Meeting).options(joinedload(Meeting.body)).order_by(Meeting.starts_at.desc()))
    ).scalars().all()
    return {
        "organisation_groups": _grouped(organisations, lambda o: o.side.label),
        "people_groups": _grouped(people, lambda p: p.organisation.display_name),
        "meetings": meetings,
        "items": await meeting_items(db, draft.meeting_id),
    }


async def meeting_items(db: AsyncSession, meeting_id: int | None) -> list[AgendaItem]:
    """The agenda items of a meeting, in order (none without a meeting)."""
    if meeting_id is None:
        return []
    return list(
        (
            await db.execute(
                select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)
            )
        ).scalars()
    )


def _grouped(records: Any, label: Any) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for record in records:
        groups.setdefault(label(record), []).append(record)
    return list(groups.items())
