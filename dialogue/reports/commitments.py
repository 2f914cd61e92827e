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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup
from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.bodies.models import Body
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.commitments.status import ACTIVE
from dialogue.i18n import _
from dialogue.meetings.models import Meeting
from dialogue.minutes.formats import Block, Fields, Figure, Heading, Layout, Paragraph, Table
from dialogue.people.models import Organisation, Side
from dialogue.reports import charts
from dialogue.reports.common import Period, ReportFile, Sheet

OLDEST_LIMIT = 10
# Over this many months the trend is drawn per year (20 years would be 240 bars per series).
MONTHLY_LIMIT = 36

# The day a commitment was made: the start of its meeting, else the moment it was recorded.
MADE_AT = func.coalesce(Meeting.starts_at, Commitment.created_at)


@dataclass(frozen=True)
class Tally:
    """The numbers of one row of the report (a side, an organisation or everything)."""

    made: int = 0
    done: int = 0
    in_progress: int = 0
    open: int = 0
    dropped: int = 0
    overdue: int = 0
    # Done with a due date and a closing date (the completion rate's denominator), and
    # among them those closed on or before the due date.
    done_with_due: int = 0
    done_on_time: int = 0
    median_delay: float | None = None  # days, over the done commitments closed late

    @property
    def done_late(self) -> int:
        return self.done_with_due - self.done_on_time

    @property
    def on_time_rate(self) -> float | None:
        """Share (0..1) of done commitments with a due date that were closed on time."""
        return self.done_on_time / self.done_with_due if self.done_with_due else None

    def __add__(self, other: Tally) -> Tally:
        """The sum of two rows' counts (the median is not additive: it is left out)."""
        return Tally(
            made=self.made + other.made,
            done=self.done + other.done,
            in_progress=self.in_progress + other.in_progress,
            open=self.open + other.open,
            dropped=self.dropped + other.dropped,
            overdue=self.overdue + other.overdue,
            done_with_due=self.done_with_due + other.done_with_due,
            done_on_time=self.done_on_time + other.done_on_time,
        )


@dataclass(frozen=True)
class OrganisationRow:
    organisation_id: int | None  # None: commitments of the side tied to no organisation
    acronym: str
    name: str
    tally: Tally

    @property
    def display_name(self) -> str:
        if self.organisation_id is None:
            return ""
        return f"{self.acronym} – {self.name}" if self.acronym else self.name


@dataclass(frozen=True)
class SideRow:
    side: Side
    tally: Tally
    organisations: tuple[OrganisationRow, ...] = ()


@dataclass(frozen=True)
class OpenCommitment:
    """One of the oldest commitments still open or in progress."""

    id: int
    title: str
    side: Side
    organisation: str
    status: CommitmentStatus
    made_on: dt.date
    due_on: dt.date | None
    age_days: int
    overdue: bool


@dataclass(frozen=True)
class Month:
    """A calendar month (or year) of the period: `first` is its first day, even when the
    period starts later."""

    first: dt.date
    made: int = 0
    done: int = 0


@dataclass(frozen=True)
class CommitmentsReport:
    start: dt.date
    end: dt.date  # inclusive
    today: dt.date
    overdue_before: dt.date  # the reference day: due strictly before it and still active = overdue
    body_id: int | None
    body_name: str
    sides: tuple[SideRow, ...]
    total: Tally
    oldest: tuple[OpenCommitment, ...]
    months: tuple[Month, ...] = field(default=())
    yearly: bool = False  # the trend is per year (a period over MONTHLY_LIMIT months)

    @property
    def is_empty(self) -> bool:
        return self.total.made == 0 and not any(month.done for month in self.months)


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
    clauses: list[ColumnElement[bool]] = [made_at >= first_moment, made_at < end_moment]
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


# The report in words: the page's template and the files say the same -------------------------


def percent(rate: float | None) -> str:
    """A rate (0..1) as "40%" / "33.3%" in the current language; "–" without one."""
    return "–" if rate is None else f"{i18n.format_number(_whole(rate * 100))}%"


def days(value: float | None) -> str:
    """A number of days ("7", "7.5"); "–" without one."""
    return "–" if value is None else i18n.format_number(_whole(value))


def step_label(report: CommitmentsReport, month: Month) -> str:
    """ "janv. 2026" (or "2026" for a yearly trend), in the current language."""
    return str(month.first.year) if report.yearly else i18n.format_date(month.first, "MMM y")


def definitions(report: CommitmentsReport) -> list[str]:
    """How each number is counted, in the current language (the page and the files)."""
    return [
        _(
            "Commitments made in the period: by the date of the meeting that made them (whatever became of "
            "the meeting), or the day they were recorded when made outside a meeting."
        ),
        _("Statuses are those of today ({date}).").format(date=i18n.format_date(report.today)),
        _("A commitment moved from one side to another counts for the side (and organisation) it has now."),
        _(
            "Overdue: still open or in progress, and due before {date} (the day after the period, or today "
            "when the period is not over). Dropped commitments are never overdue."
        ).format(date=i18n.format_date(report.overdue_before)),
        _(
            "On time: the share of done commitments with a due date that were closed on or before it; dropped "
            "commitments are left out. Median delay: the median number of days between the due date and the "
            "closing date of the commitments done late."
        ),
        _(
            "Trend: the commitments made in each month (each year when the period is longer than three years), "
            "and those closed as done in it, whenever they were made."
        ),
    ]


def tally_cells(tally: Tally) -> tuple[str, ...]:
    numbers = (tally.made, tally.done, tally.in_progress, tally.open, tally.overdue, tally.dropped)
    return (*(i18n.format_number(n) for n in numbers), percent(tally.on_time_rate), days(tally.median_delay))


def tally_headers() -> tuple[str, ...]:
    return (
        _("Made"),
        _("Done"),
        _("In progress"),
        _("Open"),
        _("Overdue"),
        _("Dropped"),
        _("On time"),
        _("Median delay (days)"),
    )


def organisation_label(row: OrganisationRow) -> str:
    return row.display_name or _("No organisation")


def _whole(value: float) -> float | int:
    """Rounded to a tenth; a whole number as an int (spreadsheets show "40", not "40.0")."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


def _sheets(report: CommitmentsReport) -> tuple[Sheet, ...]:
    about = Sheet(
        _("Report"),
        (_("Item"), _("Value")),
        (
            (_("From"), report.start),
            (_("To"), report.end),
            (_("Body"), report.body_name or _("All bodies")),
            (_("Statuses as of"), report.today),
            (_("Overdue when due before"), report.overdue_before),
            *((_("Definition"), text) for text in definitions(report)),
        ),
    )

    def numbers(side: Side, organisation: str, tally: Tally) -> tuple[Any, ...]:
        rate = tally.on_time_rate
        return (
            side.label,
            organisation,
            tally.made,
            tally.done,
            tally.in_progress,
            tally.open,
            tally.overdue,
            tally.dropped,
            tally.done_with_due,
            tally.done_on_time,
            _whole(rate * 100) if rate is not None else None,
            _whole(tally.median_delay) if tally.median_delay is not None else None,
        )

    counted = tally_headers()
    rows: list[tuple[Any, ...]] = []
    for side in report.sides:
        rows.append(numbers(side.side, _("All organisations"), side.tally))
        rows.extend(numbers(side.side, organisation_label(row), row.tally) for row in side.organisations)
    total = report.total
    rows.append(
        (
            _("All sides"),
            "",
            *numbers(Side.GOVERNMENT, "", total)[2:],
        )
    )
    by_side = Sheet(
        _("By side"),
        (
            _("Side"),
            _("Organisation"),
            *counted[:6],
            _("Done with a due date"),
            _("Done on time"),
            _("On time (%)"),
            counted[7],
        ),
        tuple(rows),
    )
    oldest = Sheet(
        _("Oldest open"),
        (
            _("Commitment"),
            _("Side"),
            _("Organisation"),
            _("Status"),
            _("Made on"),
            _("Due"),
            _("Age (days)"),
            _("Overdue"),
        ),
        tuple(
            (
                row.title,
                row.side.label,
                row.organisation,
                row.status.label,
                row.made_on,
                row.due_on,
                row.age_days,
                row.overdue,
            )
            for row in report.oldest
        ),
    )
    trend = Sheet(
        _("By year") if report.yearly else _("By month"),
        (_("Year") if report.yearly else _("Month"), _("Made"), _("Done")),
        tuple((step_label(report, month), month.made, month.done) for month in report.months),
    )
    return (about, by_side, oldest, trend)


def trend_chart(report: CommitmentsReport, direction: str) -> Markup:
    return charts.bar_chart(
        title=_("Commitments made and done, by year") if report.yearly else _("Commitments made and done, by month"),
        description=_("For each step of the period, the number of commitments made and of commitments done."),
        categories=[step_label(report, month) for month in report.months],
        series=[
            (_("Made"), [float(month.made) for month in report.months]),
            (_("Done"), [float(month.done) for month in report.months]),
        ],
        direction=direction,
    )


def report_title() -> str:
    return _("Commitments report")


def period_label(report: CommitmentsReport) -> str:
    return Period(report.start, report.end).label()


def report_file(report: CommitmentsReport, language: str) -> ReportFile:
    """The report in `language` (the current language, set by the caller): the layout of
    the PDF and Word files and the tables of the spreadsheets."""
    direction = i18n.text_direction(language)
    blocks: list[Block] = [
        Heading(report_title(), 1),
        Fields(
            (
                (_("Period"), period_label(report)),
                (_("Body"), report.body_name or _("All bodies")),
                (_("Statuses as of"), i18n.format_date(report.today)),
            )
        ),
        Heading(_("By side")),
    ]
    # A label column, then the eight numbers (percent of the page's width).
    widths = (19, 8, 9, 9, 9, 9, 12, 11, 14)
    blocks.append(
        Table(
            headers=(_("Side"), *tally_headers()),
            rows=(
                *((side.side.label, *tally_cells(side.tally)) for side in report.sides),
                (_("All sides"), *tally_cells(report.total)),
            ),
            widths=widths,
        )
    )
    blocks.append(Heading(_("By organisation")))
    for side in report.sides:
        if side.organisations:
            blocks.append(
                Table(
                    headers=(_("Organisation"), *tally_headers()),
                    rows=tuple((organisation_label(row), *tally_cells(row.tally)) for row in side.organisations),
                    user_columns=frozenset({0}),
                    caption=side.side.label,
                    widths=widths,
                )
            )
    blocks.append(Heading(_("By year") if report.yearly else _("By month")))
    chart = trend_chart(report, direction)
    blocks.append(Figure(str(chart), caption=chart_caption(report)))
    blocks.append(
        Table(
            headers=(_("Year") if report.yearly else _("Month"), _("Made"), _("Done")),
            rows=tuple(
                (step_label(report, month), i18n.format_number(month.made), i18n.format_number(month.done))
                for month in report.months
            ),
        )
    )
    blocks.append(Heading(_("Oldest open commitments")))
    if report.oldest:
        blocks.append(
            Table(
                headers=(
                    _("Commitment"),
                    _("Side"),
                    _("Organisation"),
                    _("Made on"),
                    _("Due"),
                    _("Status"),
                    _("Age (days)"),
                ),
                rows=tuple(
                    (
                        row.title,
                        row.side.label,
                        row.organisation,
                        i18n.format_date(row.made_on),
                        i18n.format_date(row.due_on) if row.due_on else "–",
                        row.status.label + (" · " + _("Overdue") if row.overdue else ""),
                        i18n.format_number(row.age_days),
                    )
                    for row in report.oldest
                ),
                user_columns=frozenset({0, 2}),
                widths=(34, 11, 11, 11, 11, 14, 8),
            )
        )
    else:
        blocks.append(Paragraph(_("No commitment made in the period is still open."), note=True))
    blocks.append(Heading(_("How the numbers are counted")))
    blocks.extend(Paragraph(text, note=True) for text in definitions(report))
    layout = Layout(
        language=language,
        title=f"{report_title()} – {period_label(report)}",
        blocks=tuple(blocks),
        running_head=(report_title(), period_label(report)),
        running_foot=report.body_name or _("All bodies"),
    )
    return ReportFile(
        name=f"commitments-{report.start.isoformat()}-{report.end.isoformat()}", layout=layout, sheets=_sheets(report)
    )


def chart_caption(report: CommitmentsReport) -> str:
    return _("The same numbers are in the table below.")
