"""What every report shares: the period read from the address, the files (CSV sections,
XLSX sheets, a chart in the PDF), the charts, and the reports' index."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from typing import Any

import pytest

from dialogue.errors import Invalid
from dialogue.minutes import formats
from dialogue.reports import charts, common, exports

TODAY = dt.date(2026, 3, 31)


def test_the_default_period_is_the_twelve_months_ending_today() -> None:
    assert common.read_period(None, None, today=TODAY) == common.Period(dt.date(2025, 4, 1), TODAY)
    assert common.read_period("", "2026-02-28", today=TODAY) == common.Period(dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    assert common.read_period("2024-01-01", None, today=TODAY) == common.Period(dt.date(2024, 1, 1), TODAY)
    # A period that starts after today ends on its first day rather than before it.
    assert common.read_period("2026-05-01", None, today=TODAY) == common.Period(
        dt.date(2026, 5, 1), dt.date(2026, 5, 1)
    )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13-01", None, "from"),
        ("yesterday", None, "from"),
        (None, "2026-02-30", "to"),
        ("2026-03-01", "2026-02-01", "to"),
        ("1900-01-01", "1901-01-01", "from"),
        ("2000-01-01", "2026-01-01", "to"),
    ],
)
def test_a_period_that_cannot_be_read_says_which_field(start: str | None, end: str | None, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        common.read_period(start, end, today=TODAY)
    assert list(refused.value.errors) == [field]


def test_a_period_is_compared_in_tunis_days() -> None:
    start, end = common.Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).moments()
    # Africa/Tunis is UTC+1 all year: local midnight is 23:00 UTC the day before.
    assert start == dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)


def test_year_and_body_are_checked() -> None:
    assert common.read_year(None, today=TODAY) == 2026
    assert common.read_year(" 2019 ") == 2019
    assert common.read_body("") is None and common.read_body("12") == 12
    for bad in ("20x6", "1889", "٢٠٢٦", "-1", "2" * 40):
        with pytest.raises(Invalid):
            common.read_year(bad)
    for bad in ("0", "abc", "-3", "9" * 30):
        with pytest.raises(Invalid):
            common.read_body(bad)


SHEETS = (
    common.Sheet("Par côté", ("Côté", "Tenus", "Taux"), (("Gouvernement", 3, 0.5), ("=HYPERLINK(1)", 0, None))),
    common.Sheet("Par côté", ("Jour",), ((dt.date(2026, 1, 2),),)),
)


def test_csv_has_one_number_of_fields_and_no_formula() -> None:
    text = exports.report_csv(SHEETS).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = text[1:].split("\r\n")[:-1]
    assert rows[0] == "Par côté,,"
    assert rows[1] == "Côté,Tenus,Taux"
    assert rows[2] == "Gouvernement,3,0.5"
    assert rows[3] == "'=HYPERLINK(1),0,"
    assert rows[4] == ",,"
    assert rows[6] == "Jour,,"
    assert rows[7] == "2026-01-02,,"
    assert {row.count(",") for row in rows} == {2}


def test_xlsx_has_a_sheet_per_table_with_unique_names_and_real_numbers() -> None:
    archive = zipfile.ZipFile(io.BytesIO(exports.report_xlsx(SHEETS)))
    workbook = archive.read("xl/workbook.xml").decode()
    assert 'name="Par côté"' in workbook and 'name="Par côté (2)"' in workbook
    first = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>3</v>" in first and "<f>" not in first


def test_a_chart_escapes_its_text_and_describes_itself() -> None:
    svg = str(
        charts.bar_chart(
            title="Taux <b>",
            description="Présents & absents",
            categories=["Gouvernement", "<script>alert(1)</script>"],
            series=[("2025", [50.0, 100.0]), ("2026", [75.5, 0.0])],
            unit="%",
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=" in svg and "Taux &lt;b&gt;" in svg and "Présents &amp; absents" in svg
    assert "<script>" not in svg
    assert svg.count("<rect") == 2 + 4  # two legend keys, four bars
    rtl = str(
        charts.bar_chart(title="t", description="d", categories=["الحكومة"], series=[("x", [10.0])], direction="rtl")
    )
    assert 'text-anchor="end"' in rtl


def _make(data: Any, language: str) -> common.ReportFile:
    chart = charts.bar_chart(
        title="Rate", description="Rate per side", categories=["Workers"], series=[("", [80.0])], unit="%"
    )
    layout = formats.Layout(
        language=language,
        title="Participation",
        blocks=(
            formats.Heading("Participation", 1),
            formats.Figure(str(chart), caption="Rate per side"),
            formats.Table(("Side", "Rate"), (("Workers", f"{data}%"),)),
        ),
    )
    return common.ReportFile(
        "participation-2026", layout, (common.Sheet("Rate", ("Side", "Rate"), (("Workers", data),)),)
    )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_figure_is_drawn_in_the_pdf_and_left_to_the_table_in_word() -> None:
    pdf = exports.render(_make, 80, "pdf", "en")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Workers" in text and "80%" in text and "Rate per side" in text
    docx = zipfile.ZipFile(io.BytesIO(exports.render(_make, 80, "docx", "en"))).read("word/document.xml").decode()
    assert "80%" in docx and "<svg" not in docx


async def test_the_reports_index_is_in_the_menu_for_every_reader(english: Any) -> None:
    page = await english.get("/reports")
    assert page.status_code == 200
    assert 'href="/reports" aria-current="page"' in page.text
    assert "<h1>Reports</h1>" in page.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_an_arabic_pdf_leaves_its_charts_to_their_tables() -> None:
    # WeasyPrint would draw the chart's Arabic text unjoined and reversed.
    def arabic(data: Any, language: str) -> common.ReportFile:
        chart = charts.bar_chart(
            title="t", description="d", categories=["الحكومة"], series=[("", [80.0])], direction="rtl"
        )
        layout = formats.Layout(
            language=language,
            title="المشاركة",
            blocks=(formats.Figure(str(chart), caption="نسبة الحضور"), formats.Table(("الطرف",), (("الحكومة",),))),
        )
        return common.ReportFile("participation", layout, ())

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=exports.render(arabic, None, "pdf", "ar"), capture_output=True, check=True
    ).stdout.decode()
    assert "نسبة الحضور" not in text  # the figure's caption: the figure is not drawn
    assert text.count("الحكومة") == 1  # the table's cell only
