"""Reading an uploaded file into a table of texts, or refusing it with a reason people read.

The type is told by the content, never by the name: an XLSX file is a zip holding a
workbook's parts; anything else must be UTF-8 text (with or without BOM), read as CSV with
a comma, a semicolon or a tab between cells. Refused: other files, a file over `MAX_BYTES`,
a zip that would unpack to more than `MAX_UNPACKED` (or unpacks a hundred times its size),
formulas (a formula cell of XLSX, or a cell that starts as one: `=`, `@`, or `+`/`-` then a
letter), more than `MAX_ROWS` rows, an empty file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from dialogue.errors import Refused
from dialogue.i18n import _
from dialogue.text_input import clean

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_CELL = 5000
# An XLSX file is compressed XML: a few times smaller than what it unpacks to, never a
# hundred times (a zip bomb).
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 100
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_FORMULA = re.compile(r"^\s*(?:[=@]|[+-][A-Za-z(=@])")


@dataclass(frozen=True)
class Table:
    """The headers of a file and its rows below them, every cell as text; the row of
    `rows[i]` is number `i + 2` in the file (the headers are row 1)."""

    headers: list[str]
    rows: list[list[str]]


def refuse_type() -> Refused:
    return Refused(_("This file is neither a CSV file nor an Excel workbook (.xlsx)."))


def _too_many_rows() -> Refused:
    return Refused(_("This file has more than {n} rows: split it into smaller files.").format(n=f"{MAX_ROWS:,}"))


def _formula(row: int, column: int) -> Refused:
    return Refused(
        _(
            "Row {row}, column {column} holds a formula. Formulas are not imported: "
            "replace them by their values and send the file again."
        ).format(row=row, column=column)
    )


def looks_like_formula(text: str) -> bool:
    """Whether a cell would run as a formula in a spreadsheet (a phone number as +216… does not)."""
    return bool(_FORMULA.match(text))


def read_table(data: bytes) -> Table:
    """The table in `data`; `Refused` with the reason when it cannot be imported."""
    if not data.strip():
        raise Refused(_("This file is empty."))
    if len(data) > MAX_BYTES:
        raise Refused(too_large_message())
    if data.startswith(b"PK\x03\x04"):
        cells = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(_("This is an old Excel file (.xls): save it as .xlsx or as CSV UTF-8, then send it again."))
    else:
        cells = _csv_rows(data)
    return _table(cells)


def too_large_message() -> str:
    return _("This file is larger than {n} MB: split it into smaller files.").format(n=MAX_BYTES // (1024 * 1024))


def _table(cells: list[list[str]]) -> Table:
    rows = list(cells)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise Refused(_("This file is empty."))
    headers = rows[0]
    while headers and not headers[-1]:
        headers = headers[:-1]
    body = rows[1:]
    if not any(any(row) for row in body):
        raise Refused(_("This file has headers but no rows below them."))
    width = len(headers)
    return Table(headers, [(row + [""] * width)[:width] for row in body])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value)).strip()[:MAX_CELL]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise refuse_type() from error
    names = {member.filename for member in members}
    if not all(part in names for part in XLSX_PARTS):
        raise refuse_type()
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED or any(
        member.file_size > MAX_RATIO * max(member.compress_size, 1024) for member in members
    ):
        raise Refused(_("This workbook unpacks to far more than its size: it was refused."))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    _check_zip(data)
    from openpyxl import load_workbook  # only when a workbook comes

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise refuse_type() from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS + 1:
                if any(cell.value not in (None, "") for cell in row):
                    raise _too_many_rows()
                continue
            texts = []
            for column, cell in enumerate(row, start=1):
                text = _cell_text(cell.value)
                if getattr(cell, "data_type", None) == "f" or looks_like_formula(text):
                    raise _formula(number, column)
                texts.append(text)
            rows.append(texts)
        return rows
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise refuse_type()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(
            _(
                "This file is not a CSV file in UTF-8. In your spreadsheet, choose "
                "\u201cSave as\u201d, then \u201cCSV UTF-8\u201d, and send the new file."
            )
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_ROWS + 1:
                if any(cell.strip() for cell in row):
                    raise _too_many_rows()
                continue
            for column, cell in enumerate(row, start=1):
                if looks_like_formula(cell):
                    raise _formula(number, column)
            rows.append([clean(cell).strip()[:MAX_CELL] for cell in row[:MAX_COLUMNS]])
    except csv.Error as error:
        raise refuse_type() from error
    return rows
