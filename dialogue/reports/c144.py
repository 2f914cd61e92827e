"""The C144 annual report: the year's tripartite consultations as ILO Convention No. 144
asks governments to report them (frequency, content, outcome).

`build(db, year, body_id)` reads a year (and optionally one body) in seven queries whatever
the size of the record (aggregates are counted by the database; only the year's meetings
and the items of its held meetings are read as rows). The result is plain frozen data, so
that the export processes can write it (dialogue/reports/c144_file.py).

What counts:
- A meeting belongs to the year its start falls in, in Africa/Tunis time: a meeting that
  starts at 22:00 on 31 December and ends after midnight belongs to the year it started in.
- Drafts are never in this report. A meeting whose status is *held* is a consultation
  held; *scheduled* or *postponed* ones are planned; *cancelled* ones are listed apart and
  never counted as held.
- The items discussed are the agenda items of the held meetings, grouped by the Art. 5(1)
  matter they concern (a to e), or "other" when they have none.
- Attendance per side counts the members present who count for the quorum
  (dialogue/meetings/quorum.py): invited from a government, workers' or employers'
  organisation, in a role other than observer or secretariat. Observers (an observer
  organisation, or anyone invited as an observer) are listed apart and never counted.
- Internal content is not read: no position (shared or internal) is in this report, and
  no progress note of a commitment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.agenda.models import AgendaItem, C144Matter, Outcome, OutcomeKind
from dialogue.bodies.models import Body
from dialogue.db import count_per_row
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.meetings.models import Attendance, Invitation, InvitationRole, Meeting, MeetingStatus
from dialogue.meetings.quorum import NOT_COUNTED_ROLES
from dialogue.people.models import Organisation, Person, Side

PLANNED_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED)
SHOWN_STATUSES = (MeetingStatus.HELD, *PLANNED_STATUSES, MeetingStatus.CANCELLED)


def year_moments(year: int) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight (Africa/Tunis) on 1 January of `year` and of the next year, in UTC."""
    tz = i18n.current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@dataclass(frozen=True)
class MeetingLine:
    """One meeting of the year (held, planned or cancelled)."""

    id: int
    title: str
    body_id: int
    body: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: MeetingStatus
    items: int = 0
    c144_items: int = 0
    # Members present who count, per party side: government, workers, employers.
    present: tuple[int, int, int] = (0, 0, 0)
    # Invitations whose attendance was recorded (present, excused or absent).
    recorded: int = 0
    # Observer organisations present (acronym, else name), and how many observers.
    observers: tuple[str, ...] = ()
    observers_present: int = 0

    def present_of(self, side: Side) -> int:
        return self.present[Side.parties().index(side)]

    @property
    def attendance_recorded(self) -> bool:
        return self.recorded > 0


@dataclass(frozen=True)
class ItemLine:
    """An agenda item of a held meeting and what the meeting concluded on it."""

    id: int
    meeting_id: int
    rank: int
    title: str
    follow_up: bool
    matter: C144Matter | None
    outcome: OutcomeKind | None
    outcome_sides: tuple[Side, ...] = ()
    outcome_text: str = ""


@dataclass(frozen=True)
class MatterCount:
    """The items of held meetings on one matter (None: "other"), the meetings they were
    discussed in, and their outcomes (None: no outcome recorded), in OutcomeKind order."""

    matter: C144Matter | None
    items: int = 0
    meetings: int = 0
    outcomes: tuple[tuple[OutcomeKind | None, int], ...] = ()


@dataclass(frozen=True)
class C144Report:
    year: int
    body_id: int | None
    body: str  # the body's name, "" for every body
    held: tuple[MeetingLine, ...]
    planned: tuple[MeetingLine, ...]
    cancelled: tuple[MeetingLine, ...]
    items: tuple[ItemLine, ...]
    # One per matter, a to e, then "other" (matter None); zeros included.
    matters: tuple[MatterCount, ...]

    @property
    def c144_meetings(self) -> tuple[MeetingLine, ...]:
        """Held meetings with at least one item on an Art. 5(1) matter."""
        return tuple(line for line in self.held if line.c144_items)

    @property
    def requirement_met(self) -> bool:
        """Art. 5(2) of C144: consultations on the matters of Art. 5(1) "at appropriate
        intervals fixed by agreement, but at least once a year". Here the requirement is met
        for the year when at least one meeting whose status is *held*, starting in the year
        (Africa/Tunis), had at least one agenda item on a matter of Art. 5(1) (a to e), within
        the chosen body when the report is for one body. Planned, postponed and cancelled
        meetings, and held meetings with no item on those matters, do not make it met."""
        return bool(self.c144_meetings)

    @property
    def c144_items(self) -> int:
        return sum(count.items for count in self.matters if count.matter is not None)

    @property
    def other_items(self) -> int:
        return sum(count.items for count in self.matters if count.matter is None)

    def took_part(self, side: Side) -> int:
        """Held meetings at which at least one member of `side` was present."""
        return sum(1 for line in self.held if line.present_of(side))

    @property
    def unrecorded(self) -> int:
        """Held meetings with no attendance recorded at all."""
        return sum(1 for line in self.held if not line.attendance_recorded)

    @property
    def observers(self) -> tuple[str, ...]:
        """The observer organisations present at any held meeting, in order of first presence."""
        return tuple(dict.fromkeys(name for line in self.held for name in line.observers))

    def items_on(self, matter: C144Matter | None) -> tuple[ItemLine, ...]:
        return tuple(item for item in self.items if item.matter == matter)

    @cached_property
    def _held_by_id(self) -> dict[int, MeetingLine]:
        return {line.id: line for line in self.held}

    def meeting(self, meeting_id: int) -> MeetingLine:
        """The held meeting an item belongs to."""
        return self._held_by_id[meeting_id]

    @property
    def is_empty(self) -> bool:
        return not (self.held or self.planned or self.cancelled)


async def body_name(db: AsyncSession, body_id: int | None) -> str:
    """The body's name ("" for every body); Invalid when there is no such body."""
    if body_id is None:
        return ""
    row = (await db.execute(select(Body.name, Body.short_name).where(Body.id == body_id))).first()
    if row is None:
        raise Invalid({"body": _("Choose a body from the list.")})
    return str(row.name)


async def build(db: AsyncSession, year: int, body_id: int | None = None) -> C144Report:
    """The report of `year` (all bodies, or `body_id`'s): seven queries, or six for every
    body."""
    name = await body_name(db, body_id)  # 1 (with a body)
    start, end = year_moments(year)
    in_year = [
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
        Meeting.status.in_(SHOWN_STATUSES),
    ]
    if body_id is not None:
        in_year.append(Meeting.body_id == body_id)
    held = [*in_year, Meeting.status == MeetingStatus.HELD]

    # 2. The year's meetings, with how many items each has (and on C144 matters).
    item_count = count_per_row(AgendaItem, Meeting, AgendaItem.meeting_id == Meeting.id)
    c144_count = count_per_row(
        AgendaItem, Meeting, AgendaItem.meeting_id == Meeting.id, AgendaItem.c144_matter.is_not(None)
    )
    meeting_rows = (
        await db.execute(
            select(
                Meeting.id,
                Meeting.title,
                Meeting.body_id,
                Body.name,
                Body.short_name,
                Meeting.starts_at,
                Meeting.ends_at,
                Meeting.status,
                item_count,
                c144_count,
            )
            .join(Body, Meeting.body_id == Body.id)
            .where(*in_year)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    ).all()

    # 3. Members present per held meeting and side (only those who count), and how many
    # invitations had their attendance recorded.
    counts = and_(
        Invitation.attendance == Attendance.PRESENT,
        Invitation.role.not_in(NOT_COUNTED_ROLES),
        Organisation.side.in_(Side.parties()),
    )
    attendance_rows = (
        await db.execute(
            select(
                Invitation.meeting_id,
                Organisation.side,
                func.sum(case((counts, 1), else_=0)),
                func.sum(case((Invitation.attendance != Attendance.UNRECORDED, 1), else_=0)),
            )
            .join(Meeting, Invitation.meeting_id == Meeting.id)
            .join(Person, Invitation.person_id == Person.id)
            .join(Organisation, Person.organisation_id == Organisation.id)
            .where(*held)
            .group_by(Invitation.meeting_id, Organisation.side)
        )
    ).all()
    present: dict[int, list[int]] = {}
    recorded: dict[int, int] = {}
    parties = Side.parties()
    for meeting_id, side, number, known in attendance_rows:
        if side in parties:
            present.setdefault(meeting_id, [0, 0, 0])[parties.index(side)] += int(number or 0)
        recorded[meeting_id] = recorded.get(meeting_id, 0) + int(known or 0)

    # 4. Observers present per held meeting, by organisation.
    observer_rows = (
        await db.execute(
            select(
                Invitation.meeting_id,
                Organisation.acronym,
                Organisation.name,
                func.count(Invitation.id),
            )
            .join(Meeting, Invitation.meeting_id == Meeting.id)
            .join(Person, Invitation.person_id == Person.id)
            .join(Organisation, Person.organisation_id == Organisation.id)
            .where(
                *held,
                Invitation.attendance == Attendance.PRESENT,
                or_(Organisation.side == Side.OBSERVERS, Invitation.role == InvitationRole.OBSERVER),
            )
            .group_by(Invitation.meeting_id, Organisation.id, Organisation.acronym, Organisation.name)
            .order_by(Invitation.meeting_id, Organisation.acronym, Organisation.name)
        )
    ).all()
    observers: dict[int, list[str]] = {}
    observers_present: dict[int, int] = {}
    for meeting_id, acronym, org_name, number in observer_rows:
        observers.setdefault(meeting_id, []).append(acronym or org_name)
        observers_present[meeting_id] = observers_present.get(meeting_id, 0) + int(number)

    lines = [
        MeetingLine(
            id=row[0],
            title=row[1],
            body_id=row[2],
            body=row[4] or row[3],
            starts_at=row[5],
            ends_at=row[6],
            status=row[7],
            items=int(row[8] or 0),
            c144_items=int(row[9] or 0),
            present=tuple(present.get(row[0], (0, 0, 0))),  # type: ignore[arg-type]
            recorded=recorded.get(row[0], 0),
            observers=tuple(observers.get(row[0], ())),
            observers_present=observers_present.get(row[0], 0),
        )
        for row in meeting_rows
    ]

    # 5. The items of the held meetings, with their outcome (never a position).
    item_rows = (
        await db.execute(
            select(
                AgendaItem.id,
                AgendaItem.meeting_id,
                AgendaItem.rank,
                AgendaItem.title,
                AgendaItem.follow_up,
                AgendaItem.c144_matter,
                Outcome.kind,
                Outcome.sides,
                Outcome.text,
            )
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .outerjoin(Outcome, Outcome.item_id == AgendaItem.id)
            .where(*held)
            .order_by(Meeting.starts_at, Meeting.id, AgendaItem.rank, AgendaItem.id)
        )
    ).all()
    items = tuple(
        ItemLine(
            id=row[0],
            meeting_id=row[1],
            rank=row[2],
            title=row[3],
            follow_up=bool(row[4]),
            matter=row[5],
            outcome=row[6],
            outcome_sides=tuple(Side(value) for value in (row[7] or "").split(",") if value in Side.values()),
            outcome_text=row[8] or "",
        )
        for row in item_rows
    )

    # 6, 7. Items and meetings per matter; outcomes per matter.
    per_matter = {
        matter: (int(number), int(meetings))
        for matter, number, meetings in await db.execute(
            select(AgendaItem.c144_matter, func.count(AgendaItem.id), func.count(distinct(AgendaItem.meeting_id)))
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(*held)
            .group_by(AgendaItem.c144_matter)
        )
    }
    outcomes: dict[C144Matter | None, dict[OutcomeKind | None, int]] = {}
    for matter, kind, number in await db.execute(
        select(AgendaItem.c144_matter, Outcome.kind, func.count(AgendaItem.id))
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(Outcome, Outcome.item_id == AgendaItem.id)
        .where(*held)
        .group_by(AgendaItem.c144_matter, Outcome.kind)
    ):
        outcomes.setdefault(matter, {})[kind] = int(number)
    kinds: list[OutcomeKind | None] = [*OutcomeKind, None]
    matters = tuple(
        MatterCount(
            matter=matter,
            items=per_matter.get(matter, (0, 0))[0],
            meetings=per_matter.get(matter, (0, 0))[1],
            outcomes=tuple((kind, outcomes[matter][kind]) for kind in kinds if outcomes.get(matter, {}).get(kind)),
        )
        for matter in [*C144Matter, None]
    )

    return C144Report(
        year=year,
        body_id=body_id,
        body=name,
        held=tuple(line for line in lines if line.status == MeetingStatus.HELD),
        planned=tuple(line for line in lines if line.status in PLANNED_STATUSES),
        cancelled=tuple(line for line in lines if line.status == MeetingStatus.CANCELLED),
        items=items,
        matters=matters,
    )
