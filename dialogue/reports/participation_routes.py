"""The participation report: `/reports/participation` and its files beside it
(`.pdf`, `.docx`, `.csv`, `.xlsx`, `?lang=fr|ar|en`), with `?from=&to=` and `?body=`.
What is counted and how: dialogue/reports/participation.py; the words and the files:
dialogue/reports/participation_file.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get

from dialogue.errors import Invalid
from dialogue.i18n import N_
from dialogue.meetings.service import all_bodies
from dialogue.people.models import Side
from dialogue.reports import exports, participation
from dialogue.reports.common import Period, read_body, read_period
from dialogue.reports.participation_data import Participation
from dialogue.reports.participation_file import (
    definitions,
    parity_text,
    percent,
    rate_chart,
    report_file,
    summary_fields,
)
from dialogue.web import DB, Renderers, Template, render, render_bad_filters

PATH = "/reports/participation"
PAGE_MEETINGS = 100
FIELD_LABELS = {"from": N_("From"), "to": N_("To"), "body": N_("Body"), "lang": N_("Language")}


async def _read(request: Request[Any, Any, Any], db: DB) -> Participation:
    """The report for the address's period and body; `Invalid` naming each field that
    cannot be read (several at once) or a body that does not exist."""
    params = request.query_params
    errors: dict[str, str] = {}
    period: Period | None = None
    body_id: int | None = None
    try:
        period = read_period(params.get("from"), params.get("to"))
    except Invalid as error:
        errors.update(error.errors)
    try:
        body_id = read_body(params.get("body"))
    except Invalid as error:
        errors.update(error.errors)
    if errors or period is None:
        raise Invalid(errors)
    return await participation.participation(db, period, body_id)


def _query(data: Participation) -> str:
    """The page's filters as the download links keep them (the period as shown)."""
    query: dict[str, str] = {"from": data.period.start.isoformat(), "to": data.period.end.isoformat()}
    if data.body_id is not None:
        query["body"] = str(data.body_id)
    return "?" + urlencode(query)


@get(PATH, name="report_participation", cache=False)
async def participation_page(request: Request[Any, Any, Any], db: DB) -> Template:
    """Who came to the table: rates per side and organisation, parity of each meeting, the
    meetings each side missed. A filter that cannot be read: the form with its message (400)."""
    params = request.query_params
    context: dict[str, Any] = {
        "bodies": await all_bodies(db),
        "values": {key: params.get(key) or "" for key in ("from", "to", "body")},
        "path": PATH,
        "percent": percent,
        "parity_text": parity_text,
        "sides_labels": [side.label for side in Side.parties()],
        "parity_badge": {"equal": "ok", "both_present": "warn", "missing": "bad"},
        # Over years the page lists the most recent meetings only; the files hold them all.
        "page_meetings": PAGE_MEETINGS,
    }
    try:
        data = await _read(request, db)
    except Invalid as error:
        context.update(errors=error.errors, data=None, period=None, body=params.get("body") or "")
        return render_bad_filters(request, "reports/participation.html", context)
    context.update(
        errors={},
        data=data,
        period=data.period,
        body=data.body_id,
        values={},
        chart=rate_chart(data),
        query=_query(data),
        definitions=definitions(),
        fields=summary_fields(data),
    )
    return render(request, "reports/participation.html", context)


@get([f"{PATH}.{fmt}" for fmt in exports.FORMATS], name="report_participation_file", cache=False)
async def participation_file(request: Request[Any, Any, Any], db: DB, render_pool: Renderers) -> Response[bytes]:
    """The report as a file; a filter or language that cannot be read: 400 with its message."""
    fmt = request.url.path.rsplit(".", 1)[-1]
    try:
        exports.requested_language(request)
        data = await _read(request, db)
    except Invalid as error:
        raise exports.bad_request(error, FIELD_LABELS) from None
    return await exports.download(request, render_pool, report_file, data, fmt)


routes: list[Any] = [participation_page, participation_file]
