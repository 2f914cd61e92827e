"""The commitments report through HTTP (SQLite and PostgreSQL), against the record of
tests/reports/commitments_world.py whose numbers are computed by hand there: the page, its
filters and their errors, the four files in French, Arabic and English, who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Role
from dialogue.i18n import _
from dialogue.people.models import Side
from dialogue.reports import commitments_file
from tests import factories
from tests.conftest import count_queries, open_session
from tests.minutes.exports import docx_text, flat, needs_pdf_tools, pdf_text, read_docx
from tests.reports import commitments_world as world

YEAR = "?from=2025-01-01&to=2025-12-31"
PATH = "/reports/commitments"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 15 March 2026 in Tunis, for the page and its files."""
    monkeypatch.setattr(i18n, "today", lambda: world.TODAY)


class _Rows(HTMLParser):
    """The rows (header cell then data cells, as text) of the table with class `wanted`."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.depth, self.rows = wanted, 0, []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.wanted in classes):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(page: str, wanted: str) -> list[list[str]]:
    parser = _Rows(wanted)
    parser.feed(page)
    return parser.rows


def cells(expected: tuple[Any, ...]) -> list[str]:
    """The page's cells for a row of commitments_world's numbers (in English)."""
    made, done, in_progress, open_, dropped, overdue, with_due, on_time, median = expected
    rate = on_time / with_due if with_due else None
    return [str(n) for n in (made, done, in_progress, open_, overdue, dropped)] + [
        commitments_file.percent(rate),
        commitments_file.days(median),
    ]


def by_label(page: str) -> dict[str, list[str]]:
    rows = table_rows(page, "commitment-report")
    assert rows[0][0] == "Side / Organisation"
    return {row[0]: row[1:] for row in rows[1:]}


async def test_every_number_of_a_year_on_the_page(english: Any, db: AsyncSession) -> None:
    w = await world.build(db)
    page = await english.get(PATH + YEAR)
    assert page.status_code == 200, page.text
    rows = table_rows(page.text, "commitment-report")
    assert rows[0][1:] == [
        "Made",
        "Done",
        "In progress",
        "Open",
        "Overdue",
        "Dropped",
        "On time",
        "Median delay (days)",
    ]
    # Sides in order, each followed by its organisations; then all sides.
    assert [row[0] for row in rows[1:]] == [
        "Government",
        "MAS – Ministère des Affaires Sociales",
        "No organisation",
        "Workers",
        "UGTT – Union Générale Tunisienne du Travail",
        "Employers",
        "UTAP – Union Tunisienne de l'Agriculture",
        "UTICA – Union Tunisienne de l'Industrie",
        "Observers",
        "All sides",
    ]
    found = by_label(page.text)
    assert (
        found["Government"] == cells(world.EXPECTED_2025["government"]) == ["3", "3", "0", "0", "0", "0", "33.3%", "7"]
    )
    assert found["MAS – Ministère des Affaires Sociales"] == cells(world.EXPECTED_2025["MAS"])
    assert found["No organisation"] == cells(world.EXPECTED_2025["government/none"])
    # c10, moved from the employers (UTICA) to the workers (UGTT), counts for UGTT.
    assert found["Workers"] == cells(world.EXPECTED_2025["workers"]) == ["6", "3", "1", "2", "2", "0", "50%", "29"]
    assert found["UGTT – Union Générale Tunisienne du Travail"] == cells(world.EXPECTED_2025["UGTT"])
    # The dropped commitment (c8, past its due date) is neither overdue nor rated.
    assert found["Employers"] == ["2", "0", "0", "1", "0", "1", "–", "–"]
    assert found["UTICA – Union Tunisienne de l'Industrie"] == cells(world.EXPECTED_2025["UTICA"])
    assert found["UTAP – Union Tunisienne de l'Agriculture"] == cells(world.EXPECTED_2025["UTAP"])
    assert found["Observers"] == cells(world.EXPECTED_2025["observers"])
    assert found["All sides"] == ["11", "6", "1", "3", "2", "1", "40%", "10"]

    # The trend: made and done per month of 2025, in the table beside the chart.
    trend = table_rows(page.text, "figures")
    months = [row for row in trend if row and row[0].endswith("2025")]
    assert [(row[1], row[2]) for row in months] == [(str(m), str(d)) for m, d in world.MONTHS_2025]
    assert months[0][0] == "Jan 2025" and months[-1][0] == "Dec 2025"
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in page.text

    # The oldest open commitments, with their age in days on 15 March 2026.
    oldest = [row for row in trend if row and row[0].startswith("Engagement")]
    assert [(row[0], row[2], row[-1]) for row in oldest] == [
        (f"Engagement {key}", i18n.format_date(made_on), str(age)) for key, made_on, age in world.OLDEST_2025
    ]
    assert f'href="/commitments/{w["c5"].id}"' in page.text
    # The definitions are on the page.
    text = html.unescape(page.text)
    assert "by the date of the meeting that made them" in text
    assert f"due before {i18n.format_date(dt.date(2026, 1, 1))}" in text
    assert "counts for the side (and organisation) it has now" in text
    # Never internal content.
    assert world.SECRET not in page.text


async def test_one_body(english: Any, db: AsyncSession) -> None:
    w = await world.build(db)
    page = await english.get(PATH + YEAR + f"&body={w['committee'].id}")
    assert page.status_code == 200, page.text
    found = by_label(page.text)
    assert found["Workers"] == cells(world.EXPECTED_COMMITTEE["workers"])
    assert found["All sides"] == cells(world.EXPECTED_COMMITTEE["total"])
    assert found["Government"][0] == found["Employers"][0] == "0"
    assert "Commission des salaires" in html.unescape(page.text)
    assert (
        f'href="/reports/commitments.pdf?from=2025-01-01&amp;to=2025-12-31&amp;body={w["committee"].id}&amp;lang=ar"'
        in page.text
    )


async def test_a_period_with_nothing(english: Any, db: AsyncSession) -> None:
    await world.build(db)
    page = await english.get(PATH + "?from=2023-01-01&to=2023-12-31")
    assert page.status_code == 200
    assert "No commitment was made in this period." in page.text
    assert by_label(page.text)["All sides"] == ["0", "0", "0", "0", "0", "0", "–", "–"]
    assert "No commitment made in the period is still open." in page.text


async def test_the_default_period_is_the_last_twelve_months(english: Any, db: AsyncSession) -> None:
    await world.build(db)
    page = await english.get(PATH)
    assert page.status_code == 200
    # 16 March 2025 to 15 March 2026: c12 (1 January 2026, overdue today), and those of June on.
    assert 'value="2025-03-16"' in page.text and 'value="2026-03-15"' in page.text
    found = by_label(page.text)
    # Made from 16 March 2025: c6, c7, c10 (June), c9 (July), c13 (November), c12 (January 2026).
    assert found["All sides"][0] == "6"
    assert found["Workers"][0] == "4" and found["Employers"][0] == "1" and found["Government"][0] == "1"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?from=2025-13-01", "from", "Enter a date as YYYY-MM-DD."),
        ("?from=yesterday&to=2025-12-31", "from", "Enter a date as YYYY-MM-DD."),
        ("?from=2025-12-31&to=2025-01-01", "to", "The end of the period is before its start."),
        ("?from=2000-01-01&to=2025-01-01", "to", "Choose a period of at most {years} years."),
        ("?body=abc", "body", "Choose a body from the list."),
        ("?body=-1", "body", "Choose a body from the list."),
        ("?body=99999", "body", "Choose a body from the list."),
    ],
)
async def test_bad_input_says_why_in_the_readers_language(
    client: Any, db: AsyncSession, query: str, field: str, message: str
) -> None:
    await world.build(db)
    for suffix in ("", ".pdf", ".csv"):
        for language in ("fr", "ar", "en"):
            client.headers["accept-language"] = language
            answer = await client.get(PATH + suffix + query)
            assert answer.status_code == 400, (suffix, language, answer.status_code)
            assert answer.headers["content-type"].startswith("text/html")
            with i18n.using_language(language):
                expected = _(message).format(years=20)
            assert expected in html.unescape(answer.text), (suffix, language)
            assert f'id="f-{field}"' in answer.text
    client.headers["accept-language"] = "fr"
    french = await client.get(PATH + "?from=2025-13-01")
    assert "Saisissez une date au format AAAA-MM-JJ." in html.unescape(french.text)


async def test_an_unknown_language_or_format(client: Any, db: AsyncSession) -> None:
    await world.build(db)
    client.headers["accept-language"] = "en"
    answer = await client.get(PATH + ".csv" + YEAR + "&lang=de")
    assert answer.status_code == 400
    assert "Choose the language of the export among: fr, ar, en." in html.unescape(answer.text)
    assert (await client.get(PATH + ".odt" + YEAR)).status_code == 404


# Files ----------------------------------------------------------------------------------------


async def download(client: Any, fmt: str, language: str) -> Any:
    """The report of 2025 as a `fmt` file in `language` (checked to be one)."""
    answer = await client.get(f"{PATH}.{fmt}{YEAR}&lang={language}")
    assert answer.status_code == 200, answer.text
    assert f"commitments-2025-01-01-2025-12-31-{language}.{fmt}" in answer.headers["content-disposition"]
    return answer


def key_numbers(language: str) -> list[str]:
    """What every file must say, in `language`: side names and the totals' rate and median."""
    with i18n.using_language(language):
        return [
            Side.GOVERNMENT.label,
            Side.WORKERS.label,
            Side.EMPLOYERS.label,
            "UGTT",
            commitments_file.percent(2 / 5),  # on time over all sides
            commitments_file.percent(1 / 3),  # the government's
        ]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def test_csv_in_every_language(client: Any, db: AsyncSession) -> None:
    await world.build(db)
    for language in ("fr", "ar", "en"):
        answer = await download(client, "csv", language)
        assert answer.headers["content-type"].startswith("text/csv")
        rows = read_csv(answer.content)
        assert len({len(row) for row in rows}) == 1
        with i18n.using_language(language):
            all_sides, government = _("All sides"), Side.GOVERNMENT.label
            all_organisations, workers = _("All organisations"), Side.WORKERS.label
        total = next(row for row in rows if row[0] == all_sides)
        # made, done, in progress, open, overdue, dropped, done with due, on time, rate %, median
        assert total[2:12] == ["11", "6", "1", "3", "2", "1", "5", "2", "40", "10"]
        side = next(row for row in rows if row[:2] == [government, all_organisations])
        assert side[2:12] == ["3", "3", "0", "0", "0", "0", "3", "1", "33.3", "7"]
        ugtt = next(row for row in rows if row[0] == workers and row[1].startswith("UGTT"))
        assert ugtt[2:12] == ["6", "3", "1", "2", "2", "0", "2", "1", "50", "29"]
        assert ["Engagement c5", workers] == next(row for row in rows if row[0] == "Engagement c5")[:2]
        assert world.SECRET not in answer.content.decode("utf-8-sig")


NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Every worksheet by name: its rows of values (strings, and numbers as float)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    shared = [
        "".join(node.itertext())
        for node in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).findall("x:si", NS)
    ]
    names = [
        sheet.get("name")
        for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{{{NS['x']}}}sheet")
    ]
    sheets = {}
    for index, name in enumerate(names, start=1):
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{index}.xml"))
        rows = []
        for row in root.find("x:sheetData", NS):
            values: list[Any] = []
            for cell in row:
                column = re.match(r"[A-Z]+", cell.get("r") or "A")
                index = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column.group(0) if column else "A")))
                values.extend([None] * (index - 1 - len(values)))
                value = cell.find("x:v", NS)
                if value is None:
                    values.append(None)
                elif cell.get("t") == "s":
                    values.append(shared[int(value.text or 0)])
                else:
                    values.append(float(value.text or 0))
            rows.append(values)
        sheets[name] = rows
    return sheets


async def test_xlsx_in_every_language(client: Any, db: AsyncSession) -> None:
    await world.build(db)
    for language in ("fr", "ar", "en"):
        answer = await download(client, "xlsx", language)
        sheets = xlsx_sheets(answer.content)
        with i18n.using_language(language):
            by_side, all_sides = _("By side"), _("All sides")
            by_month, government = _("By month"), Side.GOVERNMENT.label
        rows = sheets[by_side]
        total = next(row for row in rows if row[0] == all_sides)
        assert total[2:12] == [11, 6, 1, 3, 2, 1, 5, 2, 40, 10]
        assert next(row for row in rows if row[0] == government)[2:12] == [3, 3, 0, 0, 0, 0, 3, 1, 33.3, 7]
        assert [tuple(row[1:3]) for row in sheets[by_month][1:]] == [(float(m), float(d)) for m, d in world.MONTHS_2025]
        assert world.SECRET not in str(sheets)


@needs_pdf_tools
async def test_pdf_in_every_language(client: Any, db: AsyncSession) -> None:
    await world.build(db)
    for language in ("fr", "ar", "en"):
        answer = await download(client, "pdf", language)
        assert answer.headers["content-type"] == "application/pdf"
        text = flat(pdf_text(answer.content))
        for expected in key_numbers(language):
            assert expected in text, (language, expected)
        assert "Engagement c5" in text
        assert world.SECRET not in text


async def test_word_in_every_language(client: Any, db: AsyncSession) -> None:
    await world.build(db)
    for language in ("fr", "ar", "en"):
        answer = await download(client, "docx", language)
        document = read_docx(answer.content)
        text = docx_text(document)
        for expected in key_numbers(language):
            assert expected in text, (language, expected)
        total_row = next(
            [cell.text for cell in row.cells]
            for table in document.tables
            for row in table.rows
            if row.cells[0].text == _all_sides(language)
        )
        with i18n.using_language(language):
            assert total_row[1:] == ["11", "6", "1", "3", "2", "1", commitments_file.percent(0.4), "10"]
        assert world.SECRET not in text


def _all_sides(language: str) -> str:
    with i18n.using_language(language):
        return _("All sides")


# Who sees it, links, cost ----------------------------------------------------------------------


async def test_a_delegate_sees_the_same_numbers_and_nothing_internal(client: Any, db: AsyncSession) -> None:
    w = await world.build(db)
    delegate = await factories.account(db, Role.DELEGATE, w["utica"], email="delegue@utica.tn")
    await db.commit()
    client.headers["accept-language"] = "en"
    as_secretariat = by_label((await client.get(PATH + YEAR)).text)
    open_session(client, delegate.email)
    page = await client.get(PATH + YEAR)
    assert page.status_code == 200
    assert by_label(page.text) == as_secretariat
    assert world.SECRET not in page.text
    for fmt in ("csv", "xlsx", "docx"):
        answer = await client.get(PATH + f".{fmt}" + YEAR + "&lang=en")
        assert answer.status_code == 200
        assert world.SECRET.encode() not in answer.content


async def test_linked_from_the_reports_and_the_commitments_list(english: Any) -> None:
    for path in ("/reports", "/commitments"):
        page = await english.get(path)
        assert page.status_code == 200
        assert re.search(r'<a href="/reports/commitments">Commitments report</a>', page.text), path


async def test_a_fixed_number_of_statements_whatever_the_record(
    english: Any, db: AsyncSession, app_engine: AsyncEngine
) -> None:
    with count_queries(app_engine) as empty:
        assert (await english.get(PATH + YEAR)).status_code == 200
    await world.build(db)
    with count_queries(app_engine) as full:
        assert (await english.get(PATH + YEAR)).status_code == 200
    assert full.count == empty.count


async def test_twenty_years_are_drawn_by_year(english: Any, db: AsyncSession) -> None:
    await world.build(db)
    page = await english.get(PATH + "?from=2010-01-01&to=2029-12-31")
    assert page.status_code == 200
    rows = table_rows(page.text, "figures")
    years = [row for row in rows if row and re.fullmatch(r"20\d\d", row[0])]
    assert [row[0] for row in years] == [str(year) for year in range(2010, 2030)]
    by_year = {row[0]: row[1:] for row in years}
    assert by_year["2025"] == ["11", "7"]
    assert by_year["2024"] == ["1", "0"]


def test_a_right_to_left_chart_says_its_direction_so_anchors_mean_the_same_everywhere() -> None:
    """A browser gives the SVG the page's dir="rtl" and WeasyPrint reads the SVG's own
    `direction`: the chart states it, so "start" is the right edge in both (the Arabic page
    had its month names over the bars before)."""
    from dialogue.reports import charts

    rtl = str(
        charts.bar_chart(title="t", description="d", categories=["جانفي 2026"], series=[("x", [3.0])], direction="rtl")
    )
    assert 'direction="rtl"' in rtl
    # The month's name ends (its left edge) just right of the axis, at 520 - 150 + 6.
    assert '<text x="376" y="' in rtl and 'text-anchor="end" fill="#1b2430"><title>جانفي 2026' in rtl
    # The value ends (its right edge) just left of its bar.
    assert re.search(r'<text x="[\d.]+" y="\d+" text-anchor="start" fill="#5b6675">3</text>', rtl)
    ltr = str(charts.bar_chart(title="t", description="d", categories=["Jan 2026"], series=[("x", [3.0])]))
    assert 'direction="ltr"' in ltr and '<text x="144" y="' in ltr
