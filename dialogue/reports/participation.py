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
record; Python only sums a few rows per organisation and per meeting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from markupsafe import Markup
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dialogue import i18n
from dialogue.bodies.models import Body, QuorumRule
from dialogue.errors import Invalid
from dialogue.i18n import N_, _
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
from dialogue.minutes.formats import Block, Fields, Figure, Heading, Items, Layout, Paragraph, Table
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.names import Acronymed
from dialogue.reports import charts
from dialogue.reports.common import Period, ReportFile, Sheet

# Meetings of the period that are not counted, and said so (drafts are not even mentioned:
# only the secretariat sees them).
NOT_HELD = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED, MeetingStatus.SCHEDULED)

# The state of an invitation in the rates: its attendance, or "represented" when someone
# who counts attended on the person's behalf while the person was not present.
REPRESENTED = "represented"


@dataclass(frozen=True)
class Counts:
    """Invitations of a side or an organisation, by what became of them."""

    present: int = 0
    excused: int = 0
    absent: int = 0
    unrecorded: int = 0
    represented: int = 0

    @property
    def invited(self) -> int:
        return self.present + self.excused + self.absent + self.unrecorded + self.represented

    @property
    def recorded(self) -> int:
        """Invitations whose attendance counts in the rate: present, excused or absent."""
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> float | None:
        """Present / recorded, between 0 and 1; None when nothing was recorded."""
        return self.present / self.recorded if self.recorded else None

    @property
    def percent(self) -> float | None:
        """The rate in percent, to one decimal (as the files give it)."""
        return None if self.rate is None else round(self.rate * 100, 1)

    def adding(self, state: str, count: int) -> Counts:
        """These counts with `count` more invitations in `state` (an attendance value or
        "represented")."""
        key = state if state in ("present", "excused", "absent", REPRESENTED) else "unrecorded"
        return dataclasses.replace(self, **{key: getattr(self, key) + count})

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.present + other.present,
            self.excused + other.excused,
            self.absent + other.absent,
            self.unrecorded + other.unrecorded,
            self.represented + other.represented,
        )


@dataclass(frozen=True)
class SideLine:
    side: Side
    counts: Counts


@dataclass(frozen=True)
class _Organisation(Acronymed):
    organisation_id: int
    name: str
    acronym: str


@dataclass(frozen=True)
class OrganisationLine(_Organisation):
    side: Side
    counts: Counts


@dataclass(frozen=True)
class MeetingLine:
    """One held meeting: present members who count per party side (government, workers,
    employers, in that order), the present who do not count, parity and quorum."""

    meeting_id: int
    title: str
    body: str
    starts_at: dt.datetime
    present: tuple[int, int, int]
    not_counted_present: int
    parity: Parity
    quorum_met: bool
    missing: tuple[Side, ...]

    def present_for(self, side: Side) -> int:
        return self.present[Side.parties().index(side)]


@dataclass(frozen=True)
class PartnerLine(_Organisation):
    """An organisation with a role on the held meetings of the period: how many it had it at.
    Partners are listed apart: they never count for a rate, the parity or the quorum."""

    role: PartnerRole
    meetings: int


@dataclass(frozen=True)
class MissedLine:
    side: Side
    meetings: tuple[MeetingLine, ...]


@dataclass(frozen=True)
class Participation:
    """The report's numbers: plain frozen data (it travels to the export processes)."""

    period: Period
    body_id: int | None
    body_name: str
    meetings: tuple[MeetingLine, ...]
    sides: tuple[SideLine, ...]  # the three party sides, always
    organisations: tuple[OrganisationLine, ...]  # party-side organisations that were invited
    not_counted: tuple[OrganisationLine, ...]  # observers and others who do not count
    not_held: tuple[tuple[MeetingStatus, int], ...] = field(default=())
    partners: tuple[PartnerLine, ...] = field(default=())  # roles on the meetings, apart

    @property
    def missed(self) -> tuple[MissedLine, ...]:
        """Per party side, the meetings where nobody who counts was present for it."""
        return tuple(
            MissedLine(side, tuple(line for line in self.meetings if side in line.missing)) for side in Side.parties()
        )

    @property
    def not_held_total(self) -> int:
        return sum(count for _status, count in self.not_held)

    @property
    def total(self) -> Counts:
        """Every side together."""
        result = Counts()
        for line in self.sides:
            result += line.counts
        return result

    def balanced(self) -> int:
        """Meetings with parity (as many workers as employers present)."""
        return sum(1 for line in self.meetings if line.parity == Parity.EQUAL)


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
    filled = (
        select(stand_in.meeting_id, stand_in.on_behalf_of_id)
        .join(stand_in_person, stand_in_person.id == stand_in.person_id)
        .join(stand_in_org, stand_in_org.id == stand_in_person.organisation_id)
        .where(
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


# The report in words: the page and the files say the same ---------------------------------


def definitions() -> tuple[str, ...]:
    """How every number is counted, in the current language (the page and the files)."""
    return (
        _(
            "Only meetings held in the period count (a meeting belongs to the day it starts, in Tunis time); "
            "cancelled, postponed and scheduled meetings are left out."
        ),
        _(
            "Attendance rate = present ÷ recorded, where recorded = present + excused + absent. "
            "Excused counts as not present; invitations whose attendance was not recorded are left out."
        ),
        _(
            "An alternate present on behalf of someone fills that person's seat: the seat counts once, as the "
            "alternate's (for the alternate's organisation), and the invitation of the person represented is "
            "shown as “represented” and left out of the rate."
        ),
        _(
            "Observers, and anyone invited as an observer or as secretariat, are shown apart: they never count "
            "in a rate, in the parity or in the quorum."
        ),
        _(
            "Parity and quorum follow the rule of each meeting's page: parity when as many workers as "
            "employers are present; a side missed a meeting when nobody who counts was present for it."
        ),
    )


def percent(value: float | None) -> str:
    """A rate (0..1) as "66.7 %" in the current language; "–" when there is none."""
    if value is None:
        return "–"
    number = i18n.format_number(round(value * 100, 1))
    return f"{number}\u00a0%" if i18n.current_language() == "fr" else f"{number}%"


def not_held_text(data: Participation) -> str:
    """ "1 cancelled, 2 postponed" (or "none")."""
    if not data.not_held:
        return _("None")
    return i18n.listed(
        _("{count} {status}").format(count=i18n.format_number(count), status=status.label.lower())
        for status, count in data.not_held
    )


def summary_fields(data: Participation) -> tuple[tuple[str, str], ...]:
    return (
        (_("Period"), data.period.label()),
        (_("Body"), data.body_name or _("All bodies")),
        (_("Meetings held"), i18n.format_number(len(data.meetings))),
        (_("Meetings not counted"), not_held_text(data)),
        (_("Meetings with parity"), i18n.format_number(data.balanced())),
    )


def rate_chart(data: Participation) -> Markup:
    """The attendance rate of each side, as bars (the table beside it has the numbers)."""
    sides = data.sides
    described = i18n.listed(
        _("{side}: {rate}").format(side=line.side.label, rate=percent(line.counts.rate)) for line in sides
    )
    return charts.bar_chart(
        title=_("Attendance rate per side"),
        description=described,
        categories=[line.side.label for line in sides],
        series=[(_("Attendance rate"), [line.counts.percent or 0.0 for line in sides])],
        unit="%",
        direction=i18n.text_direction(),
    )


COUNT_HEADERS = (N_("Invited"), N_("Present"), N_("Excused"), N_("Absent"), N_("Not recorded"), N_("Represented"))


def count_headers() -> tuple[str, ...]:
    return tuple(_(header) for header in COUNT_HEADERS)


def count_cells(counts: Counts) -> tuple[str, ...]:
    values = (counts.invited, counts.present, counts.excused, counts.absent, counts.unrecorded, counts.represented)
    return tuple(i18n.format_number(value) for value in values)


def count_values(counts: Counts) -> tuple[int, ...]:
    return (counts.invited, counts.present, counts.excused, counts.absent, counts.unrecorded, counts.represented)


def parity_text(line: MeetingLine) -> str:
    return {
        Parity.EQUAL: _("Parity"),
        Parity.BOTH_PRESENT: _("Unequal numbers"),
        Parity.MISSING: _("Workers or employers missing"),
    }[line.parity]


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def meeting_name(line: MeetingLine) -> str:
    return f"{i18n.format_date(line.starts_at)} – {line.title}"


def _layout_blocks(data: Participation) -> Iterable[Block]:
    yield Heading(_("Participation report"), level=1)
    yield Fields(summary_fields(data))
    yield Heading(_("How it is counted"))
    yield Items(definitions(), user=False)
    yield Heading(_("Attendance rate per side"))
    if data.total.invited:
        yield Figure(str(rate_chart(data)), caption=_("Attendance rate per side"))
    yield Table(
        headers=(_("Side"), *count_headers(), _("Attendance rate")),
        rows=(
            *((line.side.label, *count_cells(line.counts), percent(line.counts.rate)) for line in data.sides),
            (_("All three sides"), *count_cells(data.total), percent(data.total.rate)),
        ),
    )
    yield Heading(_("Attendance rate per organisation"))
    if data.organisations:
        yield Table(
            headers=(_("Organisation"), _("Side"), *count_headers(), _("Attendance rate")),
            rows=tuple(
                (line.display_name, line.side.label, *count_cells(line.counts), percent(line.counts.rate))
                for line in data.organisations
            ),
            user_columns=frozenset({0}),
        )
    else:
        yield Paragraph(_("Nobody was invited to a meeting held in this period."), note=True)
    yield Heading(_("Parity of each meeting"))
    if data.meetings:
        yield Table(
            headers=(
                _("Date"),
                _("Meeting"),
                _("Body"),
                *(side.label for side in Side.parties()),
                _("Parity"),
                _("Quorum met"),
                _("Present, not counted"),
            ),
            rows=tuple(
                (
                    i18n.format_date(line.starts_at),
                    line.title,
                    line.body,
                    *(i18n.format_number(n) for n in line.present),
                    parity_text(line),
                    yes_no(line.quorum_met),
                    i18n.format_number(line.not_counted_present),
                )
                for line in data.meetings
            ),
            user_columns=frozenset({1, 2}),
        )
    else:
        yield Paragraph(_("No meeting was held in this period."), note=True)
    yield Heading(_("Meetings each side missed"))
    yield Table(
        headers=(_("Side"), _("Meetings missed"), _("Which")),
        rows=tuple(
            (
                line.side.label,
                i18n.format_number(len(line.meetings)),
                i18n.listed((meeting_name(meeting) for meeting in line.meetings), semicolons=True) or "–",
            )
            for line in data.missed
        ),
        user_columns=frozenset({2}),
        widths=(20, 15, 65),
    )
    yield Heading(_("Observers and others who do not count"))
    if data.not_counted:
        yield Table(
            headers=(_("Organisation"), _("Side"), *count_headers()[:5]),
            rows=tuple(
                (line.display_name, line.side.label, *count_cells(line.counts)[:5]) for line in data.not_counted
            ),
            user_columns=frozenset({0}),
        )
    else:
        yield Paragraph(_("No observer was invited."), note=True)
    if data.partners:
        yield Heading(_("Partners"))
        yield Paragraph(
            _("Organisations with a role on the meetings: they never count for a rate, the parity or the quorum."),
            note=True,
        )
        yield Table(
            headers=(_("Organisation"), _("Role"), _("Meetings")),
            rows=tuple(
                (line.display_name, line.role.label, i18n.format_number(line.meetings)) for line in data.partners
            ),
            user_columns=frozenset({0}),
        )


def _sheets(data: Participation) -> tuple[Sheet, ...]:
    rate = _("Attendance rate (%)")
    return (
        Sheet(
            _("Per side"),
            (_("Side"), *count_headers(), _("Attendance recorded"), rate),
            (
                *(
                    (line.side.label, *count_values(line.counts), line.counts.recorded, line.counts.percent)
                    for line in data.sides
                ),
                (_("All three sides"), *count_values(data.total), data.total.recorded, data.total.percent),
            ),
        ),
        Sheet(
            _("Per organisation"),
            (_("Organisation"), _("Acronym"), _("Side"), *count_headers(), _("Attendance recorded"), rate),
            tuple(
                (
                    line.name,
                    line.acronym,
                    line.side.label,
                    *count_values(line.counts),
                    line.counts.recorded,
                    line.counts.percent,
                )
                for line in data.organisations
            ),
        ),
        Sheet(
            _("Parity"),
            (
                _("Starts"),
                _("Meeting"),
                _("Body"),
                *(side.label for side in Side.parties()),
                _("Parity"),
                _("Quorum met"),
                _("Present, not counted"),
            ),
            tuple(
                (
                    line.starts_at,
                    line.title,
                    line.body,
                    *line.present,
                    parity_text(line),
                    line.quorum_met,
                    line.not_counted_present,
                )
                for line in data.meetings
            ),
        ),
        Sheet(
            _("Meetings missed"),
            (_("Side"), _("Starts"), _("Meeting"), _("Body")),
            tuple(
                (missed.side.label, line.starts_at, line.title, line.body)
                for missed in data.missed
                for line in missed.meetings
            ),
        ),
        Sheet(
            _("Not counted"),
            (_("Organisation"), _("Acronym"), _("Side"), *count_headers()[:5]),
            tuple(
                (line.name, line.acronym, line.side.label, *count_values(line.counts)[:5]) for line in data.not_counted
            ),
        ),
        Sheet(
            _("Partners"),
            (_("Organisation"), _("Acronym"), _("Role"), _("Meetings")),
            tuple((line.name, line.acronym, line.role.label, line.meetings) for line in data.partners),
        ),
    )


def report_file(data: Participation, language: str) -> ReportFile:
    """The report in `language` (already the current one: exports.write sets it)."""
    with i18n.using_language(language):
        layout = Layout(
            language=i18n.current_language(),
            title=_("Participation report"),
            blocks=tuple(_layout_blocks(data)),
            running_head=(_("Participation report"), data.period.label()),
            running_foot=data.body_name or _("All bodies"),
            landscape=True,
        )
        stem = f"participation-{data.period.start.isoformat()}-{data.period.end.isoformat()}"
        return ReportFile(name=stem, layout=layout, sheets=_sheets(data))
