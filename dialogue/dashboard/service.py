"""What the dashboard shows, computed in a fixed number of queries.

Every panel is one query (aggregates use GROUP BY), so the page costs the same with ten
records or ten thousand. "Overdue" and "due soon" are derived from the due date and the
status against today's date in Africa/Tunis; nothing of it is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue import i18n
from dialogue.agenda.models import AgendaItem
from dialogue.bodies.models import Body
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.commitments.status import DUE_SOON_DAYS, due_soon_clause, overdue_clause
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Organisation, Side

UPCOMING_LIMIT = 5
LIST_LIMIT = 10

# Meetings still to come: a postponed meeting keeps its place until it gets a new date.
UPCOMING_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.POSTPONED, MeetingStatus.DRAFT)


def one_year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class SideCounts:
    """One row of the commitments table: how many commitments of a side in each status."""

    side: Side
    by_status: dict[CommitmentStatus, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class HeldCount:
    body_id: int
    body_name: str
    count: int


@dataclass(frozen=True)
class C144Indicator:
    """ILO C144 asks for consultations at least once a year: was there one in the last 12 months?"""

    since: dt.date
    last_held: dt.datetime | None
    held_in_window: int
    c144_items_in_window: int

    @property
    def met(self) -> bool:
        return self.held_in_window > 0

    @property
    def next_due_by(self) -> dt.date | None:
        """The date by which the next consultation must take place to keep the rhythm."""
        if self.last_held is None:
            return None
        return one_year_after(i18n.local(self.last_held).date())


@dataclass(frozen=True)
class SideFocus:
    """A delegate's own side first: its overdue and due-soon commitments."""

    side: Side
    overdue: list[Commitment]
    overdue_total: int
    due_soon: list[Commitment]
    due_soon_total: int


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    year: int
    due_soon_until: dt.date
    organisations: int
    bodies: int
    meetings: int
    upcoming: list[Meeting]
    overdue: list[Commitment]
    overdue_total: int
    due_soon: list[Commitment]
    due_soon_total: int
    sides: list[SideCounts]
    status_totals: dict[CommitmentStatus, int]
    held_this_year: list[HeldCount]
    c144: C144Indicator
    mine: SideFocus | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing recorded yet: the page shows how to start instead of empty panels."""
        return self.meetings == 0 and sum(self.status_totals.values()) == 0

    @property
    def due_soon_days(self) -> int:
        return DUE_SOON_DAYS

    @property
    def held_this_year_total(self) -> int:
        return sum(row.count for row in self.held_this_year)

    @property
    def commitments_total(self) -> int:
        return sum(self.status_totals.values())


async def build_dashboard(
    db: AsyncSession,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    side: Side | None = None,
    drafts: bool = True,
) -> Dashboard:
    """Everything the dashboard shows, in eight queries whatever the size of the record
    (ten with `side`: a delegate's side's overdue and due-soon commitments come first).

    `today` (Africa/Tunis) and `now` default to the current date and time; tests pass them.
    """
    tz = i18n.current_timezone()
    now = now or i18n.now()
    today = today or now.astimezone(tz).date()
    due_soon_until = today + dt.timedelta(days=DUE_SOON_DAYS)

    # 1. How much there is at all (for the empty state).
    counts = (
        await db.execute(
            select(
                select(func.count(Organisation.id)).scalar_subquery(),
                select(func.count(Body.id)).scalar_subquery(),
                select(func.count(Meeting.id)).scalar_subquery(),
            )
        )
    ).one()

    # 2. Next meetings: those not yet over (one under way still shows).
    upcoming = list(
        (
            await db.scalars(
                select(Meeting)
                .options(joinedload(Meeting.body))
                .where(Meeting.status.in_(UPCOMING_STATUSES), Meeting.ends_at >= now)
                .where(true() if drafts else Meeting.status != MeetingStatus.DRAFT)
                .order_by(Meeting.starts_at, Meeting.id)
                .limit(UPCOMING_LIMIT)
            )
        ).all()
    )

    # 3. Commitments per side and status, with how many are past due or due soon.
    # The same definitions as the commitments page's filters, so the numbers match its lists.
    past_due = func.sum(case((overdue_clause(today), 1), else_=0))
    soon = func.sum(case((due_soon_clause(today), 1), else_=0))
    grid: dict[Side, dict[CommitmentStatus, int]] = {each: dict.fromkeys(CommitmentStatus, 0) for each in Side}
    overdue_by_side: dict[Side, int] = dict.fromkeys(Side, 0)
    due_soon_by_side: dict[Side, int] = dict.fromkeys(Side, 0)
    overdue_total = due_soon_total = 0
    rows = await db.execute(
        select(Commitment.side, Commitment.status, func.count(Commitment.id), past_due, soon).group_by(
            Commitment.side, Commitment.status
        )
    )
    for row_side, status, number, late, coming in rows:
        grid[row_side][status] = number
        overdue_by_side[row_side] += late or 0
        due_soon_by_side[row_side] += coming or 0
        overdue_total += late or 0
        due_soon_total += coming or 0
    sides = [SideCounts(side=each, by_status=grid[each], overdue=overdue_by_side[each]) for each in Side]
    status_totals = {status: sum(grid[each][status] for each in Side) for status in CommitmentStatus}

    # 4, 5. The overdue and due-soon commitments themselves (the most urgent first).
    def commitment_list(*conditions: ColumnElement[bool]) -> Select[tuple[Commitment]]:
        return (
            select(Commitment)
            .options(
                joinedload(Commitment.organisation),
                joinedload(Commitment.responsible),
            )
            .where(*conditions)
            .order_by(Commitment.due_on, Commitment.id)
            .limit(LIST_LIMIT)
        )

    overdue = list((await db.scalars(commitment_list(overdue_clause(today)))).all())
    due_soon = list((await db.scalars(commitment_list(due_soon_clause(today, DUE_SOON_DAYS)))).all())
    mine = None
    if side is not None:
        mine = SideFocus(
            side=side,
            overdue=list((await db.scalars(commitment_list(overdue_clause(today), Commitment.side == side))).all()),
            overdue_total=overdue_by_side[side],
            due_soon=list(
                (
                    await db.scalars(commitment_list(due_soon_clause(today, DUE_SOON_DAYS), Commitment.side == side))
                ).all()
            ),
            due_soon_total=due_soon_by_side[side],
        )

    # 6. Meetings held this calendar year (in Tunis), per body.
    year_start = dt.datetime(today.year, 1, 1, tzinfo=tz)
    next_year_start = dt.datetime(today.year + 1, 1, 1, tzinfo=tz)
    held = await db.execute(
        select(Body.id, Body.name, func.count(Meeting.id))
        .join(Meeting, Meeting.body_id == Body.id)
        .where(
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at >= year_start,
            Meeting.starts_at < next_year_start,
        )
        .group_by(Body.id, Body.name)
        .order_by(func.count(Meeting.id).desc(), Body.name)
    )
    held_this_year = [HeldCount(body_id=i, body_name=name, count=n) for i, name, n in held]

    # 7, 8. C144: a consultation (a held meeting) in the last 12 months, and what it covered.
    since_day = one_year_before(today)
    since = dt.datetime.combine(since_day, dt.time(0, 0), tzinfo=tz)
    last_held, held_in_window = (
        await db.execute(
            select(
                func.max(Meeting.starts_at),
                func.sum(case((Meeting.starts_at >= since, 1), else_=0)),
            ).where(Meeting.status == MeetingStatus.HELD, Meeting.starts_at <= now)
        )
    ).one()
    c144_items = await db.scalar(
        select(func.count(AgendaItem.id))
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at >= since,
            Meeting.starts_at <= now,
            AgendaItem.c144_matter.is_not(None),
        )
    )

    return Dashboard(
        today=today,
        year=today.year,
        due_soon_until=due_soon_until,
        organisations=counts[0],
        bodies=counts[1],
        meetings=counts[2],
        upcoming=upcoming,
        overdue=overdue,
        overdue_total=overdue_total,
        due_soon=due_soon,
        due_soon_total=due_soon_total,
        sides=sides,
        status_totals=status_totals,
        held_this_year=held_this_year,
        c144=C144Indicator(
            since=since_day,
            last_held=last_held,
            held_in_window=held_in_window or 0,
            c144_items_in_window=c144_items or 0,
        ),
        mine=mine,
    )
