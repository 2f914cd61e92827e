"""The month calendar (`/calendar?month=YYYY-MM`): the meetings of each day (a meeting over
several days, or past midnight, on each of its days) and the commitments falling due, in
Africa/Tunis, filtered by body, project and side. Drafts only for the secretariat."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue import i18n
from dialogue.accounts.models import Account
from dialogue.bodies.models import Body
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.meetings.models import Invitation, Meeting
from dialogue.meetings.visibility import draft_condition
from dialogue.people.models import Organisation, Person, Side
from dialogue.projects.models import Project

MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True)
class MonthFilters:
    month: dt.date  # its first day
    body_id: int | None = None
    project_id: int | None = None
    side: Side | None = None

    def query(self, month: dt.date | None = None) -> dict[str, str]:
        """The query string of these filters (for another month: `month`)."""
        values = {"month": (month or self.month).strftime("%Y-%m")}
        if self.body_id is not None:
            values["body"] = str(self.body_id)
        if self.project_id is not None:
            values["project"] = str(self.project_id)
        if self.side is not None:
            values["side"] = self.side.value
        return values


def _listed_id(value: str, known: set[int]) -> int | None:
    """The id of `?body=` or `?project=` when it is one of `known`; None when there is none;
    ValueError otherwise."""
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and int(value) in known:
        return int(value)
    raise ValueError(value)


def read_filters(params: dict[str, str], body_ids: set[int], project_ids: set[int]) -> MonthFilters:
    """`?month=YYYY-MM&body=ID&project=ID&side=...`; without a month, this one. `Invalid`
    names each field that cannot be read."""
    errors: dict[str, str] = {}
    month = i18n.today().replace(day=1)
    text = params.get("month", "").strip()
    if text:
        match = MONTH.match(text)
        if match and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR and 1 <= int(match.group(2)) <= 12:
            month = dt.date(int(match.group(1)), int(match.group(2)), 1)
        else:
            errors["month"] = _("Give the month as year and month, for example 2026-03.")
    body_id = project_id = None
    try:
        body_id = _listed_id(params.get("body", ""), body_ids)
    except ValueError:
        errors["body"] = _("Choose a body from the list.")
    try:
        project_id = _listed_id(params.get("project", ""), project_ids)
    except ValueError:
        errors["project"] = _("Choose a project from the list.")
    side: Side | None = None
    side_value = params.get("side", "").strip()
    if side_value:
        if side_value in Side.values():
            side = Side(side_value)
        else:
            errors["side"] = _("Choose a side from the list.")
    if errors:
        raise Invalid(errors, params)
    return MonthFilters(month=month, body_id=body_id, project_id=project_id, side=side)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: dt.date) -> dt.date:
    return dt.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Africa/Tunis."""
    return dt.datetime.combine(day, dt.time(), tzinfo=i18n.current_timezone())


@dataclass
class Day:
    date: dt.date
    in_month: bool
    today: bool
    # Each meeting of the day, and whether it began on an earlier day (it is continued).
    meetings: list[tuple[Meeting, bool]] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.meetings and not self.commitments


@dataclass
class MonthCalendar:
    filters: MonthFilters
    weeks: list[list[Day]]
    weekdays: list[tuple[str, str]]  # (abbreviated, full name), in the order of the columns
    meetings: int
    commitments: int

    @property
    def days(self) -> list[Day]:
        """The days of the month itself (the day list on a phone)."""
        return [day for week in self.weeks for day in week if day.in_month]


def meeting_days(meeting: Meeting) -> list[dt.date]:
    """The days (Africa/Tunis) a meeting takes up: from its start to its end, a meeting that
    ends at midnight not counting the day that only begins then."""
    first = i18n.local_date(meeting.starts_at)
    if meeting.ends_at <= meeting.starts_at:
        return [first]
    last = max(first, i18n.local_date(meeting.ends_at - dt.timedelta(microseconds=1)))
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


async def month_calendar(db: AsyncSession, filters: MonthFilters, account: Account | None) -> MonthCalendar:
    """The month's grid, whole weeks, the first column the language's first day of week."""
    first, after = filters.month, next_month(filters.month)
    meetings_query = (
        select(Meeting)
        .options(joinedload(Meeting.body))
        .where(Meeting.starts_at < _start_of(after), Meeting.ends_at >= _start_of(first), draft_condition(account))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    commitments_query = (
        select(Commitment)
        .outerjoin(Meeting, Commitment.meeting_id == Meeting.id)
        .options(joinedload(Commitment.organisation))
        .where(
            Commitment.due_on >= first,
            Commitment.due_on < after,
            Commitment.status != CommitmentStatus.DROPPED,
            or_(Commitment.meeting_id.is_(None), draft_condition(account)),
        )
        .order_by(Commitment.due_on, Commitment.id)
    )
    if filters.body_id is not None:
        meetings_query = meetings_query.where(Meeting.body_id == filters.body_id)
        commitments_query = commitments_query.where(Meeting.body_id == filters.body_id)
    if filters.project_id is not None:
        meetings_query = meetings_query.where(Meeting.project_id == filters.project_id)
        commitments_query = commitments_query.where(
            or_(Commitment.project_id == filters.project_id, Meeting.project_id == filters.project_id)
        )
    if filters.side is not None:
        meetings_query = meetings_query.where(
            exists(
                select(Invitation.id)
                .join(Person, Person.id == Invitation.person_id)
                .join(Organisation, Organisation.id == Person.organisation_id)
                .where(Invitation.meeting_id == Meeting.id, Organisation.side == filters.side)
            )
        )
        commitments_query = commitments_query.where(Commitment.side == filters.side)
    meetings = list((await db.scalars(meetings_query)).unique())
    commitments = list((await db.scalars(commitments_query)).unique())

    by_day: dict[dt.date, Day] = {}
    today = i18n.today()
    locale = i18n.format_locale()
    start = first - dt.timedelta(days=(first.weekday() - locale.first_week_day) % 7)
    weeks: list[list[Day]] = []
    day = start
    while day < after or len(weeks) == 0 or len(weeks[-1]) < 7:
        if not weeks or len(weeks[-1]) == 7:
            weeks.append([])
        cell = Day(date=day, in_month=first <= day < after, today=day == today)
        weeks[-1].append(cell)
        if cell.in_month:
            by_day[day] = cell
        day += dt.timedelta(days=1)
    placed: dict[dt.date, list[tuple[Meeting, bool]]] = defaultdict(list)
    for meeting in meetings:
        days = meeting_days(meeting)
        for date in days:
            if date in by_day:
                placed[date].append((meeting, date != days[0]))
    for date, found in placed.items():
        by_day[date].meetings = found
    for commitment in commitments:
        if commitment.due_on in by_day:
            by_day[commitment.due_on].commitments.append(commitment)
    names = locale.days["format"]
    weekdays = [
        (names["abbreviated"][(locale.first_week_day + n) % 7], names["wide"][(locale.first_week_day + n) % 7])
        for n in range(7)
    ]
    return MonthCalendar(
        filters=filters, weeks=weeks, weekdays=weekdays, meetings=len(meetings), commitments=len(commitments)
    )


async def body_choices(db: AsyncSession) -> list[Body]:
    return list(await db.scalars(select(Body).order_by(Body.name)))


async def project_choices(db: AsyncSession) -> list[Project]:
    return list(await db.scalars(select(Project).order_by(Project.name)))
