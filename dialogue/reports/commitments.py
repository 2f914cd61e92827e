"""The commitments report: what each side and organisation promised over a period, and
what became of it. Aggregated in the database in a fixed number of statements (seven)
whatever the size of the record; no progress note is ever read (so nothing internal).

Definitions (the page says the same):

- **Made in the period**: a commitment counts in the period when the meeting that made it
  starts in the period (its day in Africa/Tunis), whatever became of that meeting (a
  commitment recorded at a meeting later cancelled is still followed); a commitment made
  outside any meeting counts by the day it was recorded (`created_at`). Every number
  below is about the commitments made in the period, except the "done" of the monthly trend.
- **Body**: the body of the meeting that made it; with a body chosen, commitments made
  outside any meeting are left out.
- **Side**: the side the commitment has now: one moved from a side to another counts for
  the side it was moved to, and the organisation it has now.
- **Status** (done, in progress, open, dropped): its status today.
- **Overdue**: still open or in progress today, with a due date before the reference day:
  the day after the period's end, or today when the period is not over (so "overdue" at
  the end of the period, or now). Dropped and done commitments are never overdue.
- **On-time completion rate**: among the done commitments that have a due date and a
  closing date, the share closed on or before the due date. Dropped ones are left out.
- **Median delay**: the median, in days, of (closing date - due date) over the done
  commitments closed after their due date (PostgreSQL: `percentile_cont(0.5)`; SQLite: the
  middle row(s) of a window ordered by the delay).
- **Oldest open**: the ten commitments made in the period still open or in progress,
  oldest first, with their age in days today.
- **Monthly trend**: per calendar month (Africa/Tunis) of the period, the commitments
  made that month, and those closed as done that month whenever they were made.

The numbers are frozen data (`commitments_data.py`); the words and the files are in
`commitments_file.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.bodies.models import Body
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.commitments.status import ACTIVE
from dialogue.meetings.models import Meeting
from dialogue.people.models import Organisation, Side
from dialogue.reports.commitments_data import CommitmentsReport, Month, OpenCommitment, OrganisationRow, SideRow, Tally
from dialogue.reports.common import Period

OLDEST_LIMIT = 10
# Over this many months the trend is drawn per year (20 years would be 240 bars per series).
MONTHLY_LIMIT = 36

# The day a commitment was made: the start of its meeting, else the moment it was recorded.
MADE_AT = func.coalesce(Meeting.starts_at, Commitment.created_at)


# Periods and months ---------------------------------------------------------------------------


def moment(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Africa/Tunis, as a UTC datetime."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=i18n.current_timezone()).astimezone(dt.UTC)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of each calendar month from `start`'s to `end`'s (both included)."""
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def trend_starts(start: dt.date, end: dt.date) -> tuple[list[dt.date], bool]:
    """The first days of the trend's steps: months, or years (True) over `MONTHLY_LIMIT` months."""
    months = month_starts(start, end)
    if len(months) <= MONTHLY_LIMIT:
        return months, False
    return [dt.date(year, 1, 1) for year in range(start.year, end.year + 1)], True


def bucket(value: Any, bounds: Sequence[Any]) -> Any:
    """SQL: the index `i` such that bounds[i] <= value < bounds[i + 1], for a value known to
    lie within [bounds[0], bounds[-1]): nested CASEs that halve the range, so each row
    takes about log2(months) comparisons (8 for 20 years)."""

    def between(low: int, high: int) -> Any:
        if high - low == 1:
            return literal_column(str(low), Integer)
        middle = (low + high) // 2
        return case((value < bounds[middle], between(low, middle)), else_=between(middle, high))

    return between(0, len(bounds) - 1)


# Queries ----------------------------------------------------------------------------------------


def _base(columns: Sequence[Any], clauses: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The commitments made in the period (with their meeting and organisation joined)."""
    return (
        select(*columns)
        .select_from(Commitment)
        .outerjoin(Meeting, Commitment.meeting_id == Meeting.id)
        .outerjoin(Organisation, Commitment.organisation_id == Organisation.id)
        .where(*clauses)
    )


def _made_between(first: dt.datetime, end: dt.datetime) -> ColumnElement[bool]:
    """`MADE_AT` in [first, end), as the indexes can answer it: a commitment of a meeting by
    its meeting's start (a meeting always has one), another by the moment it was recorded.
    (`coalesce(...)` between two bounds made every commitment of the record be read.)"""
    at_meetings = (
        select(Commitment.id)
        .join(Meeting, Commitment.meeting_id == Meeting.id)
        .where(Meeting.starts_at >= first, Meeting.starts_at < end)
    )
    recorded = select(Commitment.id).where(
        Commitment.meeting_id.is_(None), Commitment.created_at >= first, Commitment.created_at < end
    )
    return Commitment.id.in_(at_meetings.union_all(recorded))


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _delay(dialect: str) -> Any:
    """Days from the due date to the closing date."""
    if dialect == "postgresql":
        return Commitment.closed_on - Commitment.due_on
    return cast(func.julianday(Commitment.closed_on) - func.julianday(Commitment.due_on), Integer)


async def _medians(
    db: AsyncSession, dialect: str, clauses: Sequence[ColumnElement[bool]], groups: Sequence[Any]
) -> dict[tuple[Any, ...], float]:
    """The median delay of the commitments done late, per `groups` (none: over all). One
    aggregate statement: `percentile_cont` on PostgreSQL; elsewhere (SQLite) the average
    of the middle one or two rows of a window ordered by the delay."""
    delay = _delay(dialect)
    late = [*clauses, Commitment.status == CommitmentStatus.DONE, Commitment.closed_on > Commitment.due_on]
    if dialect == "postgresql":
        statement = _base([*groups, func.percentile_cont(0.5).within_group(delay)], late).group_by(*groups)
    else:
        ranked = _base(
            [
                *groups,
                delay.label("delay"),
                func.row_number().over(partition_by=list(groups) or None, order_by=delay).label("rank"),
                func.count().over(partition_by=list(groups) or None).label("size"),
            ],
            late,
        ).subquery()
        keys = [ranked.c[index] for index in range(len(groups))]
        middle = or_(ranked.c.rank == (ranked.c.size + 1) // 2, ranked.c.rank == (ranked.c.size + 2) // 2)
        statement = select(*keys, func.avg(ranked.c.delay)).where(middle).group_by(*keys)
    result: dict[tuple[Any, ...], float] = {}
    for row in await db.execute(statement):
        *key, value = row
        if value is not None:
            result[tuple(key)] = float(value)
    return result


async def _per_step(db: AsyncSession, stepped: Select[Any]) -> dict[int, int]:
    """How many rows of `stepped` (one column, "step") fall in each step. One statement;
    grouped outside, so that the CASE's parameters are not repeated in a GROUP BY."""
    steps = stepped.subquery()
    rows = await db.execute(select(steps.c.step, func.count()).group_by(steps.c.step))
    return {int(step): int(count) for step, count in rows}


async def body_choices(db: AsyncSession) -> list[Any]:
    """Every body (rows with `id`, `name`, `short_name`), by name, for the filter. One statement."""
    return list(await db.execute(select(Body.id, Body.name, Body.short_name).order_by(Body.name, Body.id)))


async def build_report(
    db: AsyncSession,
    period: Period,
    *,
    body_id: int | None = None,
    body_name: str = "",
    today: dt.date | None = None,
) -> CommitmentsReport:
    """The report over the days `start` to `end` (inclusive, Africa/Tunis), optionally for
    one body's meetings. Seven statements whatever the size of the record."""
    start, end = period.start, period.end
    today = today or i18n.today()
    dialect = db.get_bind().dialect.name
    overdue_before = min(end + dt.timedelta(days=1), today)
    made_at = MADE_AT
    first_moment, end_moment = period.moments()
    clauses: list[ColumnElement[bool]] = [_made_between(first_moment, end_moment)]
    if body_id is not None:
        clauses.append(Meeting.body_id == body_id)
    is_done = Commitment.status == CommitmentStatus.DONE
    with_due = and_(is_done, Commitment.due_on.is_not(None), Commitment.closed_on.is_not(None))
    overdue = and_(Commitment.status.in_(ACTIVE), Commitment.due_on.is_not(None), Commitment.due_on < overdue_before)

    # 1. Counts per side and organisation.
    groups = (Commitment.side, Commitment.organisation_id)
    counts = await db.execute(
        _base(
            [
                *groups,
                Organisation.acronym,
                Organisation.name,
                func.count(Commitment.id),
                _count(is_done),
                _count(Commitment.status == CommitmentStatus.IN_PROGRESS),
                _count(Commitment.status == CommitmentStatus.OPEN),
                _count(Commitment.status == CommitmentStatus.DROPPED),
                _count(overdue),
                _count(with_due),
                _count(and_(with_due, Commitment.closed_on <= Commitment.due_on)),
            ],
            clauses,
        ).group_by(*groups, Organisation.acronym, Organisation.name)
    )
    # The three sides and observers always (an empty row says so); partners when they made one.
    by_side: dict[Side, list[OrganisationRow]] = {side: [] for side in Side if side != Side.PARTNERS}
    for side, organisation_id, acronym, name, *numbers in counts:
        tally = Tally(*(int(number or 0) for number in numbers))
        by_side.setdefault(side, []).append(OrganisationRow(organisation_id, acronym or "", name or "", tally))

    # 2-4. Median delays per organisation, per side, over everything.
    per_organisation = await _medians(db, dialect, clauses, groups)
    per_side = await _medians(db, dialect, clauses, groups[:1])
    overall = await _medians(db, dialect, clauses, ())

    sides = []
    total = Tally()
    for side, rows in by_side.items():
        organisations = tuple(
            sorted(
                (
                    replace(
                        row, tally=replace(row.tally, median_delay=per_organisation.get((side, row.organisation_id)))
                    )
                    for row in rows
                ),
                key=lambda row: (row.organisation_id is None, (row.acronym or row.name).lower(), row.name.lower()),
            )
        )
        side_tally = sum((row.tally for row in organisations), Tally())
        total += side_tally
        sides.append(SideRow(side, replace(side_tally, median_delay=per_side.get((side,))), organisations))
    total = replace(total, median_delay=overall.get(()))

    # 5. The oldest commitments still open or in progress.
    oldest_rows = await db.execute(
        _base(
            [
                Commitment.id,
                Commitment.title,
                Commitment.side,
                Organisation.acronym,
                Organisation.name,
                Commitment.status,
                made_at.label("made_at"),
                Commitment.due_on,
            ],
            [*clauses, Commitment.status.in_(ACTIVE)],
        )
        .order_by(made_at, Commitment.id)
        .limit(OLDEST_LIMIT)
    )
    oldest = []
    for row in oldest_rows:
        made_on = i18n.local_date(row.made_at)
        oldest.append(
            OpenCommitment(
                id=row.id,
                title=row.title,
                side=row.side,
                organisation=row.acronym or row.name or "",
                status=row.status,
                made_on=made_on,
                due_on=row.due_on,
                age_days=(today - made_on).days,
                overdue=row.due_on is not None and row.due_on < today,
            )
        )

    # 6, 7. The monthly trend: made (by the day it was made) and done (by its closing day).
    firsts, yearly = trend_starts(start, end)
    day_bounds = [start, *firsts[1:], end + dt.timedelta(days=1)]
    made = await _per_step(db, _base([bucket(made_at, [moment(day) for day in day_bounds]).label("step")], clauses))
    done_clauses = [is_done, Commitment.closed_on >= start, Commitment.closed_on <= end]
    if body_id is not None:
        done_clauses.append(Meeting.body_id == body_id)
    done = await _per_step(db, _base([bucket(Commitment.closed_on, day_bounds).label("step")], done_clauses))
    months = tuple(Month(first, made.get(index, 0), done.get(index, 0)) for index, first in enumerate(firsts))

    return CommitmentsReport(
        start=start,
        end=end,
        today=today,
        overdue_before=overdue_before,
        body_id=body_id,
        body_name=body_name,
        sides=tuple(sides),
        total=total,
        oldest=tuple(oldest),
        months=months,
        yearly=yearly,
    )
