"""The C144 annual report: `/reports/c144?year=YYYY&body=ID`, and the same as PDF, Word,
CSV and XLSX (`/reports/c144.pdf?year=...&lang=fr|ar|en`). Every reader may read it: it
holds no position and nothing internal."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from dialogue import i18n
from dialogue.errors import Invalid
from dialogue.i18n import N_
from dialogue.meetings.service import all_bodies
from dialogue.people.models import Side
from dialogue.reports import c144, c144_file, exports
from dialogue.reports.common import read_body, read_year
from dialogue.web import DB, Renderers, Template, render, render_bad_filters

PATH = "/reports/c144"
FIELD_LABELS = {"year": N_("Year"), "body": N_("Body"), "lang": N_("Language")}


async def _report(request: Request[Any, Any, Any], db: DB) -> c144.C144Report:
    params = request.query_params
    year = read_year(params.get("year"))
    return await c144.build(db, year, read_body(params.get("body")))


@get(PATH, name="report_c144", cache=False)
async def c144_page(request: Request[Any, Any, Any], db: DB) -> Template:
    """The report of a year: the consultations, their items per matter with their outcomes,
    attendance per side, the Art. 5(2) requirement and the text to paste. A year or body
    that cannot be read: the form again with the message (400)."""
    bodies = await all_bodies(db)
    values = {"year": request.query_params.get("year") or "", "body": request.query_params.get("body") or ""}
    try:
        report = await _report(request, db)
    except Invalid as error:
        refused = {"report": None, "bodies": bodies, "errors": error.errors, "values": values}
        return render_bad_filters(request, "reports/c144.html", refused)
    query = f"?year={report.year}" + (f"&body={report.body_id}" if report.body_id else "")
    context: dict[str, Any] = {
        "report": report,
        "bodies": bodies,
        "errors": {},
        "values": {"year": str(report.year), "body": str(report.body_id or "")},
        "query": query,
        "paste": c144_file.paste_text(report),
        "summary": c144_file.summary(report),
        "chart": c144_file.chart(report, i18n.text_direction()),
        "files": c144_file,
        "Side": Side,
    }
    return render(request, "reports/c144.html", context)


@get([f"{PATH}.{fmt}" for fmt in exports.FORMATS], name="report_c144_file", cache=False)
async def c144_download(request: Request[Any, Any, Any], db: DB, render_pool: Renderers) -> Response[bytes]:
    """The report as a file, `?lang=` in French, Arabic or English (by default the reader's)."""
    try:
        report = await _report(request, db)
    except Invalid as error:
        raise exports.bad_request(error, FIELD_LABELS) from None
    fmt = request.url.path.rsplit(".", 1)[-1]
    return await exports.download(request, render_pool, c144_file.make, report, fmt)


routes: list[Any] = [c144_page, c144_download]
