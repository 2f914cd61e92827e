"""The participation report: who came to the table over a period (`/reports/participation`).

What is counted
---------------
- **Meetings**: the *held* meetings of the body (or of every body) that start in the period,
  a meeting belonging to the day it starts in Africa/Tunis (one that starts at 23:30 on the
  period's last day is in it, even if it ends after midnight). Cancelled, postponed,
  scheduled (not yet marked held) and draft meetings are left out; the page says how many
  cancelled, postponed and scheduled ones there were.
- **Organisation and side** of an invitation: the invited person's organisation, and its
  side, as the record holds them today.
- **Who counts**: the rule of the quorum (`meetings.quorum.Attendee.counts`): an invitation
  counts when the person's organisation is on one of the three party sides (government,
  workers, employers) and the role is not observer or secretariat. Observers, and anyone
  invited as an observer or as secretariat, are shown apart and never enter a rate or the
  parity.
- **Attendance rate** of a side or an organisation = present / recorded, where *recorded* =
  present + excused + absent. Excused counts as recorded and not present (it lowers the
  rate); invitations whose attendance was not recorded are left out of both numbers (and
  shown as "not recorded").
- **An alternate attending on behalf of someone**: the seat is counted once, as the present
  alternate's. The invitation of the person represented (excused, absent or not recorded),
  when that person was invited, leaves both numbers and is shown as "represented": so
  a titular who sends an alternate does not lower the rate. A person attending on behalf
  of someone counts for their own organisation.
- **Parity of a meeting**: `meetings.quorum.quorum` on the meeting's invitations, with its
  body's quorum rule, exactly as the meeting's page shows it: present members who count,
  per side; equal numbers of workers and employers (parity), both present in different
  numbers, or one of them missing; and whether the quorum was met.
- **A side missed a meeting** when nobody who counts was present for it.

Everything is counted in the database (GROUP BY), in five queries whatever the size of the
record; Python only sums a few rows per organisation and per meeting. The numbers are frozen
data (`participation_data.py`); the page's words and the files are in `participation_file.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dialogue.bodies.models import Body, QuorumRule
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.meetings.models import (
    Attendance,
    Invitation,
    InvitationRole,
    Meeting,
    MeetingPartner,
    MeetingStatus,
    PartnerRole,
)
from dialogue.meetings.quorum import NOT_COUNTED_ROLES, Attendee, Parity, quorum
from dialogue.people.models import Organisation, Person, Side
from dialogue.reports.common import Period
from dialogue.reports.participation_data import (
    REPRESENTED,
    Counts,
    MeetingLine,
    OrganisationLine,
    Participation,
    PartnerLine,
    SideLine,
)

# Meetings of the period that are not counted, and said so (drafts are not even mentioned:
# only the secretariat sees them).
NOT_HELD = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED, MeetingStatus.SCHEDULED)


# Queries ------------------------------------------------------------------------------------


def _meeting_filter(period: Period, body_id: int | None) -> list[ColumnElement[bool]]:
    start, end = period.moments()
    conditions = [Meeting.starts_at >= start, Meeting.starts_at < end]
    if body_id is not None:
        conditions.append(Meeting.body_id == body_id)
    return conditions


async def _body_name(db: AsyncSession, body_id: int | None) -> str:
    if body_id is None:
        return ""
    name = await db.scalar(select(Body.name).where(Body.id == body_id))
    if name is None:
        raise Invalid({"body": _("Choose a body from the list.")})
    return name


class _HeldMeeting(NamedTuple):
    id: int
    title: str
    starts_at: dt.datetime
    body: str
    rule: QuorumRule
    min_per_side: int | None


async def _held_meetings(db: AsyncSession, conditions: list[ColumnElement[bool]]) -> list[_HeldMeeting]:
    query = (
        select(Meeting.id, Meeting.title, Meeting.starts_at, Body.name, Body.quorum_rule, Body.quorum_min_per_side)
        .join(Body, Body.id == Meeting.body_id)
        .where(Meeting.status == MeetingStatus.HELD, *conditions)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [_HeldMeeting(*row) for row in await db.execute(query)]


# Per meeting: (side, role, how many present) of its present invitations.
Tally = tuple[tuple[Side, InvitationRole, int], ...]


async def _tallies(db: AsyncSession, conditions: list[ColumnElement[bool]]) -> dict[int, Tally]:
    """Per held meeting: how many were present from each side in each role. Only present
    invitations matter for parity and quorum (`quorum` counts present members who count)."""
    query = (
        select(Invitation.meeting_id, Organisation.side, Invitation.role, func.count())
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Person, Person.id == Invitation.person_id)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .where(Meeting.status == MeetingStatus.HELD, Invitation.attendance == Attendance.PRESENT, *conditions)
        .group_by(Invitation.meeting_id, Organisation.side, Invitation.role)
        .order_by(Invitation.meeting_id, Organisation.side, Invitation.role)
    )
    tallies: dict[int, list[tuple[Side, InvitationRole, int]]] = defaultdict(list)
    for meeting_id, side, role, count in await db.execute(query):
        tallies[meeting_id].append((Side(side), InvitationRole(role), count))
    return {meeting_id: tuple(rows) for meeting_id, rows in tallies.items()}


class _OrganisationRow(NamedTuple):
    id: int
    name: str
    acronym: str | None
    side: Side
    role: InvitationRole
    attendance: Attendance
    stood_in_for: int  # 1 when someone who counts was present on the person's behalf
    number: int


async def _by_organisation(db: AsyncSession, conditions: list[ColumnElement[bool]]) -> list[_OrganisationRow]:
    """Invitations to held meetings per organisation, role, attendance, and whether someone
    who counts attended on the person's behalf."""
    stand_in = aliased(Invitation)
    stand_in_person = aliased(Person)
    stand_in_org = aliased(Organisation)
    # Only the report's meetings: over ten years, reading every stand-in of the record was
    # most of the report's time.
    reported = select(Meeting.id).where(Meeting.status == MeetingStatus.HELD, *conditions).correlate(None)
    filled = (
        select(stand_in.meeting_id, stand_in.on_behalf_of_id)
        .join(stand_in_person, stand_in_person.id == stand_in.person_id)
        .join(stand_in_org, stand_in_org.id == stand_in_person.organisation_id)
        .where(
            stand_in.meeting_id.in_(reported),
            stand_in.on_behalf_of_id.is_not(None),
            stand_in.attendance == Attendance.PRESENT,
            stand_in.role.not_in(list(NOT_COUNTED_ROLES)),
            stand_in_org.side.in_(list(Side.parties())),
        )
        .distinct()
        .subquery()
    )
    stood_in_for = case((filled.c.meeting_id.is_not(None), 1), else_=0)
    grouped = (Organisation.id, Organisation.name, Organisation.acronym, Organisation.side, Invitation.role)
    query = (
        select(*grouped, Invitation.attendance, stood_in_for, func.count())
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .join(Person, Person.id == Invitation.person_id)
        .join(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(
            filled,
            and_(filled.c.meeting_id == Invitation.meeting_id, filled.c.on_behalf_of_id == Invitation.person_id),
        )
        .where(Meeting.status == MeetingStatus.HELD, *conditions)
        .group_by(*grouped, Invitation.attendance, stood_in_for)
    )
    return [_OrganisationRow(*row) for row in await db.execute(query)]


async def _partners(db: AsyncSession, conditions: list[ColumnElement[bool]]) -> tuple[PartnerLine, ...]:
    """Per organisation and role, on how many of the report's held meetings it had that role."""
    meetings = func.count(func.distinct(Meeting.id))
    query = (
        select(Organisation.id, Organisation.name, Organisation.acronym, MeetingPartner.role, meetings)
        .join(MeetingPartner, MeetingPartner.organisation_id == Organisation.id)
        .join(Meeting, Meeting.id == MeetingPartner.meeting_id)
        .join(Body, Body.id == Meeting.body_id)
        .where(Meeting.status == MeetingStatus.HELD, *conditions)
        .group_by(Organisation.id, Organisation.name, Organisation.acronym, MeetingPartner.role)
    )
    order = {role: rank for rank, role in enumerate(PartnerRole)}
    lines = [PartnerLine(*row) for row in await db.execute(query)]
    return tuple(sorted(lines, key=lambda line: (order[line.role], (line.acronym or line.name).casefold())))


async def _not_held(db: AsyncSession, conditions: list[ColumnElement[bool]]) -> tuple[tuple[MeetingStatus, int], ...]:
    query = (
        select(Meeting.status, func.count())
        .where(Meeting.status.in_(list(NOT_HELD)), *conditions)
        .group_by(Meeting.status)
    )
    counts = {MeetingStatus(status): count for status, count in await db.execute(query)}
    return tuple((status, counts[status]) for status in NOT_HELD if counts.get(status))


class _Verdict(NamedTuple):
    present: tuple[int, int, int]
    not_counted_present: int
    parity: Parity
    quorum_met: bool
    missing: tuple[Side, ...]


def _verdict(rule: QuorumRule, min_per_side: int | None, tally: Tally) -> _Verdict:
    """Parity and quorum by the rule of the meeting's page (meetings.quorum)."""
    attendees = [
        attendee
        for side, role, count in tally
        for attendee in itertools.repeat(Attendee(side, Attendance.PRESENT, role), count)
    ]
    report = quorum(rule, min_per_side, attendees)
    government, workers, employers = (report.side(side).counted for side in Side.parties())
    return _Verdict(
        present=(government, workers, employers),
        not_counted_present=sum(side.not_counted for side in report.sides),
        parity=report.parity,
        quorum_met=report.quorum_met,
        missing=tuple(report.missing_sides),
    )


def _meeting_lines(meetings: list[_HeldMeeting], tallies: dict[int, Tally]) -> tuple[MeetingLine, ...]:
    """Each meeting with its parity and quorum; meetings with the same rule and the same
    people present get the same verdict, worked out once."""
    verdicts: dict[tuple[QuorumRule, int | None, Tally], _Verdict] = {}
    lines = []
    for meeting in meetings:
        key = (meeting.rule, meeting.min_per_side, tallies.get(meeting.id, ()))
        if key not in verdicts:
            verdicts[key] = _verdict(*key)
        lines.append(MeetingLine(meeting.id, meeting.title, meeting.body, meeting.starts_at, *verdicts[key]))
    return tuple(lines)


def _state(row: _OrganisationRow, counts: bool) -> str:
    """Where an invitation goes in `Counts`: its attendance, or "represented" when it counts,
    was not present and someone who counts was present on the person's behalf."""
    if row.attendance != Attendance.PRESENT and row.stood_in_for and counts:
        return REPRESENTED
    return row.attendance.value


def _organisation_lines(rows: dict[int, OrganisationLine]) -> tuple[OrganisationLine, ...]:
    """By side (government, workers, employers, observers), then by acronym or name."""
    order = {side: rank for rank, side in enumerate(Side)}
    return tuple(
        sorted(
            rows.values(),
            key=lambda line: (order[line.side], (line.acronym or line.name).casefold(), line.organisation_id),
        )
    )


async def participation(db: AsyncSession, period: Period, body_id: int | None = None) -> Participation:
    """The report's numbers for the held meetings of `period` (of one body, or of all)."""
    body_name = await _body_name(db, body_id)
    conditions = _meeting_filter(period, body_id)
    meetings = await _held_meetings(db, conditions)
    tallies = await _tallies(db, conditions)
    lines = _meeting_lines(meetings, tallies)

    counted: dict[int, OrganisationLine] = {}
    apart: dict[int, OrganisationLine] = {}
    for row in await _by_organisation(db, conditions):
        counts = Attendee(row.side, row.attendance, row.role).counts  # the quorum's rule
        into = counted if counts else apart
        line = into.get(row.id) or OrganisationLine(row.id, row.name, row.acronym or "", row.side, Counts())
        into[row.id] = dataclasses.replace(line, counts=line.counts.adding(_state(row, counts), row.number))
    organisations = _organisation_lines(counted)
    sides = []
    for side in Side.parties():
        total = Counts()
        for org in organisations:
            if org.side == side:
                total += org.counts
        sides.append(SideLine(side, total))
    return Participation(
        period=period,
        body_id=body_id,
        body_name=body_name,
        meetings=lines,
        sides=tuple(sides),
        organisations=organisations,
        not_counted=_organisation_lines(apart),
        not_held=await _not_held(db, conditions),
        partners=await _partners(db, conditions),
    )
