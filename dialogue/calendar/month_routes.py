"""`/calendar?month=YYYY-MM&body=ID&project=ID&side=...`: the month calendar, for every reader. A month
or filter that cannot be read answers the page with its message (400)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get

from dialogue import i18n
from dialogue.calendar import month
from dialogue.errors import Invalid
from dialogue.people.models import Side
from dialogue.web import DB, Template, render, render_bad_filters

TEMPLATE = "calendar/month.html"


@get("/calendar", name="calendar_month", cache=False)
async def calendar_month(request: Request, db: DB) -> Template:
    """The month's meetings and events, and the commitments falling due, day by day."""
    bodies = await month.body_choices(db)
    projects = await month.project_choices(db)
    params = {name: request.query_params.get(name) or "" for name in ("month", "body", "project", "side")}
    context: dict[str, Any] = {
        "bodies": bodies,
        "projects": [(project.id, project.acronym or project.name) for project in projects],
        "sides": Side.options(),
        "values": params,
        "errors": {},
        "calendar": None,
    }
    try:
        filters = month.read_filters(params, {body.id for body in bodies}, {project.id for project in projects})
    except Invalid as error:
        return render_bad_filters(request, TEMPLATE, {**context, "errors": error.errors})
    calendar = await month.month_calendar(db, filters, request.scope.get("user"))
    context.update(
        calendar=calendar,
        values=filters.query() | {name: params[name] for name in ("body", "project", "side")},
        title=i18n.format_date(filters.month, "LLLL y"),
        previous_url="/calendar?" + urlencode(filters.query(month.previous_month(filters.month))),
        next_url="/calendar?" + urlencode(filters.query(month.next_month(filters.month))),
        this_month_url="/calendar?" + urlencode(filters.query(i18n.today().replace(day=1))),
    )
    return render(request, TEMPLATE, context)


routes: list[Any] = [calendar_month]
