"""The commitments report in words, in the current language: the definitions, the cells of
its tables, the chart, and the whole report as a file (`report_file(report, language)`, run
in the export processes). Pure: no database."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from dialogue import i18n
from dialogue.i18n import _
from dialogue.minutes.formats import Block, Fields, Figure, Heading, Layout, Paragraph, Table
from dialogue.people.models import Side
from dialogue.reports import charts
from dialogue.reports.commitments_data import CommitmentsReport, Month, OrganisationRow, Tally
from dialogue.reports.common import Period, ReportFile, Sheet


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
