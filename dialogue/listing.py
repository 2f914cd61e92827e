"""What every list shares beyond paging: sorting by a column, and downloading the rows.

Sorting: `?sort=<column>&order=asc|desc`. Each list names the columns it may be sorted by
(`read_sort(params, allowed, default)`); an unknown column or order is ignored, never an
error. A `Sort` makes the header links (a second click on the sorted column reverses it)
and the `aria-sort` of each header; the list's service turns it into ORDER BY clauses
(`Sort.clauses`), empty values last in both directions. `Sort` lives in `sorting.py`, which
knows nothing of HTTP, so that services can import it without the web layer.

Downloads: `/meetings.csv`, `/meetings.xlsx`... take the same query string as the page and
answer every matching row (not just the page), with the same visibility rules: the page's
handler and the download's call the same service. `table_file` writes CSV (UTF-8 with a
BOM, for Excel; a cell that a spreadsheet would read as a formula gets a leading `'`) or
XLSX (strings as strings, dates as dates, right to left in Arabic).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from dialogue import i18n, openapi
from dialogue.i18n import _
from dialogue.sorting import ASCENDING, DESCENDING, Sort, Window
from dialogue.text_input import printable
from dialogue.web import Config, Page, attachment, page_window


def read_sort(
    params: Mapping[str, Any], allowed: Sequence[str], default: str, *, descending: bool = False
) -> tuple[str, bool]:
    """(`sort`, descending) from the query string, or the list's default when `sort` is not
    one of `allowed` (bad values are ignored, never an error)."""
    key = str(params.get("sort") or "")
    if key not in allowed:
        return default, descending
    return key, str(params.get("order") or "").lower() == DESCENDING


def list_sort(
    params: Mapping[str, Any], allowed: Sequence[str], default: str, query: dict[str, Any], *, descending: bool = False
) -> Sort:
    """The list's `Sort` from the query string; `query` (the page's filters) gains `sort` and
    `order` when the user chose them, so that pagination and downloads keep the order."""
    key, desc = read_sort(params, allowed, default, descending=descending)
    if params.get("sort") in allowed:
        query.update(sort=key, order=DESCENDING if desc else ASCENDING)
    return Sort(key, desc, dict(query))


def list_context(total: int, limit: int, offset: int, query: dict[str, Any], sort: Sort) -> dict[str, Any]:
    """What a list page's template needs besides its rows: the page, the order, the
    download links' query and the filters."""
    return {
        "page": Page(total=total, limit=limit, offset=offset, query=query),
        "sort": sort,
        "downloads": download_query(query),
        "filters": query,
    }


def query_number(value: str | None, *, minimum: int = 0, below: int = 2**63) -> int | None:
    """A whole number typed in the address (an offset, an id), or None when it is absent,
    unreadable or out of range (`minimum` included, `below` excluded)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and minimum <= number < below else None


Filters = NamedDependency[dict[str, str | None]]


def query_filters(*names: str) -> dict[str, Provide]:
    """The `dependencies` of a list page and of its downloads: `filters`, the named query
    parameters as typed (the last one when repeated, None when absent), so that both read
    the same ones."""

    def filters(request: Request) -> dict[str, str | None]:
        return {name: request.query_params.getall(name, [None])[-1] for name in names}

    return {"filters": Provide(filters, sync_to_thread=False)}


def download_query(query: Mapping[str, Any]) -> str:
    """The query string of the page's download links: its filters and order, no offset."""
    kept = {k: v for k, v in query.items() if v not in (None, "", False) and k != "offset"}
    return ("?" + urlencode(kept, doseq=True)) if kept else ""


# The API's lists ------------------------------------------------------------------------

API_LIMIT = 50
T = TypeVar("T")


@dataclass(frozen=True)
class Search:
    """What an API list of records is searched by: a text, and whether archived records count."""

    q: str = ""
    archived: bool = False


# The parameters of an API list's handler that receive `api_list`'s dependencies.
ListWindow = NamedDependency[Window]
ListSearch = NamedDependency[Search]


def _search(q: FromQuery[str | None] = None, archived: FromQuery[bool] = False) -> Search:
    return Search((q or "").strip(), archived)


def api_list(*, default: int | None = API_LIMIT, search: bool = False) -> dict[str, Provide]:
    """The `dependencies` of an API list: `window`, the `limit` (`default` when absent, the
    page size of the settings when that is None; at most 200) and `offset` asked for; with
    `search`, `search`: `q` and `archived=true`."""

    def window(
        settings: Config,
        limit: Annotated[int | None, QueryParameter(description="At most 200.")] = None,
        offset: FromQuery[int | None] = None,
    ) -> Window:
        return Window(*page_window(limit, offset, default or settings.page_size))

    provided = {"window": Provide(window, sync_to_thread=False)}
    if search:
        provided["search"] = Provide(_search, sync_to_thread=False)
    return provided


async def api_page(
    load: Callable[..., Awaitable[tuple[Sequence[Any], int]]], out: Callable[[Any], T], window: Window
) -> openapi.Page[T]:
    """One page of an API list: the rows `load(window=)` finds in `window`, each as `out`
    writes it, and their total."""
    rows, total = await load(window=window)
    return openapi.Page(items=[out(row) for row in rows], total=total, limit=window.limit or 0, offset=window.offset)


def sliced_page(rows: Sequence[Any], out: Callable[[Any], T], window: Window) -> openapi.Page[T]:
    """One page of an API list whose rows are all read already (a meeting's agenda or
    invitations), each as `out` writes it, and their total."""
    limit, offset = window.limit or len(rows), window.offset
    items = [out(row) for row in rows[offset : offset + limit]]
    return openapi.Page(items=items, total=len(rows), limit=limit, offset=offset)


# Files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a download: its header (already translated) and its value for a row
    (text, number, date, datetime or None)."""

    label: str
    value: Callable[[Any], Any]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _local(value: dt.datetime) -> dt.datetime:
    """A stored (UTC) moment as a naive time in Africa/Tunis, as spreadsheets show times."""
    return value.astimezone(i18n.current_timezone()).replace(tzinfo=None)


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = printable(str(value))
    # A spreadsheet would run "=HYPERLINK(...)" typed in a title: make it text.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(columns: Sequence[Column], rows: Sequence[Any]) -> bytes:
    """UTF-8 with a BOM (Excel then reads Arabic and accents right), a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(column.label) for column in columns])
    for row in rows:
        writer.writerow([csv_cell(column.value(row)) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[Column], rows: Sequence[Any], title: str) -> bytes:
    """One sheet: a bold header row, strings written as strings (never formulas or links),
    numbers as numbers, dates and times as real dates; right to left in Arabic."""
    return xlsx_workbook([(title, columns, rows)])


def xlsx_workbook(sheets: Sequence[tuple[str, Sequence[Column], Sequence[Any]]]) -> bytes:
    """A workbook of one sheet per (title, columns, rows), each as `xlsx_bytes` writes it."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    used: set[str] = set()
    for title, columns, rows in sheets:
        name = title[:31].translate({ord(c): " " for c in "[]:*?/\\"}).strip().strip("'") or "Sheet"
        base, copy = name, 2
        while name.casefold() in used:  # sheet names are unique, whatever their case
            suffix = f" ({copy})"
            name, copy = base[: 31 - len(suffix)] + suffix, copy + 1
        used.add(name.casefold())
        sheet = workbook.add_worksheet(name)
        if i18n.text_direction() == "rtl":
            sheet.right_to_left()
        widths = [len(column.label) for column in columns]
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column.label, bold)
        for number, row in enumerate(rows, start=1):
            for index, column in enumerate(columns):
                value = column.value(row)
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    sheet.write_string(number, index, _("Yes") if value else _("No"))
                elif isinstance(value, int | float):
                    sheet.write_number(number, index, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(number, index, _local(value), moment)
                    widths[index] = max(widths[index], 16)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(number, index, dt.datetime.combine(value, dt.time()), date)
                    widths[index] = max(widths[index], 10)
                else:
                    text = printable(str(value))
                    sheet.write_string(number, index, text)
                    widths[index] = max(widths[index], min(len(text), 60))
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width + 2)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def file_format(path: str) -> str:
    """`csv` or `xlsx`, from the download's address."""
    return "xlsx" if path.endswith(".xlsx") else "csv"


def table_file(path: str, name: str, columns: Sequence[Column], rows: Sequence[Any]) -> Response[bytes]:
    """The download `path` asks for (…csv or …xlsx), saved as `<name>-<today>.<format>`."""
    kind = file_format(path)
    content = csv_bytes(columns, rows) if kind == "csv" else xlsx_bytes(columns, rows, name)
    filename = f"{name}-{i18n.today().isoformat()}.{kind}"
    return Response(content=content, media_type=CONTENT_TYPES[kind], headers=attachment(filename))
