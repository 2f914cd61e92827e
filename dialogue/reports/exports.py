"""A report as a file: PDF and Word from its layout (dialogue/minutes/formats.py), CSV and
XLSX from its tables, all written in the export processes (render_pool.py), so that nobody
waits behind someone's report.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_400_BAD_REQUEST

from dialogue import i18n
from dialogue.errors import Invalid, NotFound
from dialogue.i18n import _
from dialogue.listing import CONTENT_TYPES, Column, csv_cell, xlsx_workbook
from dialogue.minutes import formats
from dialogue.minutes.render_pool import RenderPool
from dialogue.reports.common import ReportFile, Sheet
from dialogue.web import attachment

FORMATS = ("pdf", "docx", "csv", "xlsx")
MEDIA_TYPES = {"pdf": formats.MEDIA_TYPES["pdf"], "docx": formats.MEDIA_TYPES["docx"], **CONTENT_TYPES}

Make = Callable[[Any, str], ReportFile]


def report_csv(sheets: tuple[Sheet, ...]) -> bytes:
    """Every table one after the other: its name, its header row, its rows, then an empty
    row; every row as wide as the widest table, so that the file has one number of fields
    (RFC 4180). UTF-8 with a BOM, cells a spreadsheet would run as formulas made text."""
    width = max((len(sheet.headers) for sheet in sheets), default=1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(values: tuple[Any, ...]) -> None:
        cells = [csv_cell(value) for value in values]
        writer.writerow(cells + [""] * (width - len(cells)))

    for index, sheet in enumerate(sheets):
        if index:
            row(())
        row((sheet.name,))
        row(sheet.headers)
        for values in sheet.rows:
            row(values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(sheets: tuple[Sheet, ...]) -> bytes:
    """A worksheet per table."""
    return xlsx_workbook(
        [
            (
                sheet.name,
                [Column(header, operator.itemgetter(index)) for index, header in enumerate(sheet.headers)],
                sheet.rows,
            )
            for sheet in sheets
        ]
    )


def write(make: Make, data: Any, fmt: str, language: str) -> tuple[str, bytes]:
    """The file's name stem and content."""
    with i18n.using_language(language):
        report = make(data, language)
        if fmt in ("pdf", "docx"):
            content = formats.write_file(report.layout, fmt)
        elif fmt == "csv":
            content = report_csv(report.sheets)
        elif fmt == "xlsx":
            content = report_xlsx(report.sheets)
        else:
            raise ValueError(f"unknown report format: {fmt!r}")
    return report.name, content


def render(make: Make, data: Any, fmt: str, language: str) -> bytes:
    """The report `make(data, language)` as a `fmt` file: pure, and picklable when `make`
    is a module-level function and `data` plain frozen data, so it runs in the export
    processes."""
    return write(make, data, fmt, language)[1]


def requested_language(request: Request[Any, Any, Any]) -> str:
    """`?lang=fr|ar|en`, by default the reader's language."""
    language = request.query_params.get("lang") or i18n.current_language()
    if language not in i18n.LANGUAGES:
        raise Invalid(
            {
                "lang": _("Choose the language of the export among: {languages}.").format(
                    languages=", ".join(i18n.LANGUAGES)
                )
            }
        )
    return language


def bad_request(error: Invalid, labels: dict[str, str]) -> HTTPException:
    """A file whose filters or language cannot be read: 400, each message after the label
    of its field (`labels`: field name -> untranslated label)."""
    detail = " ".join(
        f"{_(labels[name])}: {message}" if name in labels else message for name, message in error.errors.items()
    )
    return HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=detail)


async def download(
    request: Request[Any, Any, Any], render_pool: RenderPool, make: Make, data: Any, fmt: str
) -> Response[bytes]:
    """The report as an attachment named `<name>-<language>.<fmt>`."""
    if fmt not in FORMATS:
        raise NotFound
    language = requested_language(request)
    # Every format in the export processes: a spreadsheet written in a thread of the server
    # would hold its GIL, and so its event loop, for as long as xlsxwriter runs.
    name, content = await render_pool.run(write, make, data, fmt, language)
    return Response(content=content, media_type=MEDIA_TYPES[fmt], headers=attachment(f"{name}-{language}.{fmt}"))
