"""The commitments report: `/reports/commitments` and its files beside it
(`.pdf`, `.docx`, `.csv`, `.xlsx`), with `?from=YYYY-MM-DD&to=YYYY-MM-DD&body=ID` and, for a
file, `&lang=fr|ar|en`. A filter that cannot be read answers the page with its message (400)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get

from dialogue import i18n
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.reports import commitments, commitments_file, exports
from dialogue.reports.commitments_data import CommitmentsReport
from dialogue.reports.common import Period, read_body, read_period
from dialogue.web import DB, Renderers, Template, render, render_bad_filters

PATH = "/reports/commitments"
TEMPLATE = "reports/commitments.html"


async def _read(request: Request[Any, Any, Any], db: DB) -> tuple[dict[str, Any], CommitmentsReport | None]:
    """The page's context and the report, or the context with `errors` and no report."""
    params = request.query_params
    values = {name: params.get(name) or "" for name in ("from", "to", "body")}
    bodies = await commitments.body_choices(db)
    errors: dict[str, str] = {}
    period: Period | None = None
    body_id: int | None = None
    try:
        period = read_period(values["from"], values["to"])
    except Invalid as error:
        errors.update(error.errors)
    try:
        body_id = read_body(values["body"])
    except Invalid as error:
        errors.update(error.errors)
    names = {body.id: body.name for body in bodies}
    if body_id is not None and body_id not in names:
        errors["body"] = _("Choose a body from the list.")
    context: dict[str, Any] = {"bodies": bodies, "errors": errors, "values": values, "period": period, "body": body_id}
    if errors or period is None:
        return context, None
    report = await commitments.build_report(db, period, body_id=body_id, body_name=names.get(body_id or 0, ""))
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if body_id is not None:
        query["body"] = str(body_id)
    context.update(
        report=report,
        query="?" + urlencode(query),
        values={**query, "body": query.get("body", "")},
        chart=commitments_file.trend_chart(report, i18n.text_direction()),
        definitions=commitments_file.definitions(report),
        tally_cells=commitments_file.tally_cells,
        tally_headers=commitments_file.tally_headers(),
        organisation_label=commitments_file.organisation_label,
        step_label=commitments_file.step_label,
        period_label=commitments_file.period_label(report),
    )
    return context, report


def _refused(request: Request[Any, Any, Any], context: dict[str, Any]) -> Template:
    return render_bad_filters(request, TEMPLATE, context)


@get(PATH, name="reports:commitments", cache=False)
async def commitments_report(request: Request[Any, Any, Any], db: DB) -> Template:
    """Per side and organisation: commitments made in the period, done, in progress, open,
    overdue, dropped; on-time completion rate, median delay; the oldest still open; the
    month-by-month trend. Filters: period and body."""
    context, report = await _read(request, db)
    if report is None:
        return _refused(request, context)
    return render(request, TEMPLATE, context)


@get([f"{PATH}.{fmt}" for fmt in exports.FORMATS], name="reports:commitments_file", cache=False)
async def commitments_report_file(
    request: Request[Any, Any, Any], db: DB, render_pool: Renderers
) -> Response[bytes] | Template:
    """The same report as a PDF, Word, CSV or XLSX file in `?lang=` (by default the reader's)."""
    context, report = await _read(request, db)
    if report is None:
        return _refused(request, context)
    fmt = request.url.path.rsplit(".", 1)[-1]
    try:
        return await exports.download(request, render_pool, commitments_file.report_file, report, fmt)
    except Invalid as error:
        return _refused(request, {**context, "errors": error.errors})


routes: list[Any] = [commitments_report, commitments_report_file]
