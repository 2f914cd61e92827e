"""What every report reads from its address and what it gives to the exports.

A report's data is plain frozen dataclasses made in a fixed number of aggregate queries; a
module-level function turns it into a `ReportFile` in a language (`make(data, language)`),
so that the export processes can write it (dialogue/reports/exports.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dialogue import i18n
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.minutes.formats import Layout

FIRST_YEAR, LAST_YEAR = 1990, 2100
LONGEST_PERIOD_YEARS = 20


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included (days in Africa/Tunis)."""

    start: dt.date
    end: dt.date

    def label(self) -> str:
        return f"{i18n.format_date(self.start)} – {i18n.format_date(self.end)}"

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC moments: local midnight of its first day, and local midnight
        after its last (exclusive), to compare with stored moments (`Meeting.starts_at`)."""
        tz = i18n.current_timezone()
        start = dt.datetime.combine(self.start, dt.time(), tz)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _date(name: str, value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid({name: _("Enter a date as YYYY-MM-DD.")}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid({name: _("Enter a year between {first} and {last}.").format(first=FIRST_YEAR, last=LAST_YEAR)})
    return day


def _months_before(day: dt.date, months: int) -> dt.date:
    """The day after the same date `months` earlier: the first day of a period of `months`
    months ending on `day` (31 March less one month starts on 1 March)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def read_period(start: str | None, end: str | None, *, today: dt.date | None = None, months: int = 12) -> Period:
    """The period of `?from=YYYY-MM-DD&to=YYYY-MM-DD`: without `to`, up to today (Africa/Tunis);
    without `from`, the `months` months that end on the last day."""
    first, last = _date("from", start), _date("to", end)
    if first is not None and last is not None and first > last:
        raise Invalid({"to": _("The end of the period is before its start.")})
    if last is None:
        last = today or i18n.today()
        if first is not None and first > last:
            last = first
    if first is None:
        first = _months_before(last, months)
    if last > _add_years(first, LONGEST_PERIOD_YEARS):
        raise Invalid({"to": _("Choose a period of at most {years} years.").format(years=LONGEST_PERIOD_YEARS)})
    return Period(first, last)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def read_year(value: str | None, *, today: dt.date | None = None) -> int:
    """The year of `?year=YYYY`; this year (Africa/Tunis) by default."""
    value = (value or "").strip()
    if not value:
        return (today or i18n.today()).year
    if not value.isascii() or not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise Invalid({"year": _("Enter a year between {first} and {last}.").format(first=FIRST_YEAR, last=LAST_YEAR)})
    return int(value)


def read_body(value: str | None) -> int | None:
    """The body of `?body=ID`, or None for every body."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**31:
        raise Invalid({"body": _("Choose a body from the list.")})
    return int(value)


@dataclass(frozen=True)
class Sheet:
    """One table of a report's spreadsheet: a worksheet of the XLSX file, a section of the
    CSV file. `name` and `headers` are translated; the values are text, numbers, booleans,
    dates, moments or None."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class ReportFile:
    """A report in one language: `layout` for PDF and Word, `sheets` for CSV and XLSX, and
    `name` the stem of the file's name ("c144-2026")."""

    name: str
    layout: Layout
    sheets: tuple[Sheet, ...]
