"""Pages of the audit trail: the history of a meeting, commitment, person, body or
organisation, and the whole trail for the secretariat. Read-only: no page changes an event."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler

from dialogue.accounts.permissions import Permission
from dialogue.audit import service
from dialogue.audit.models import AuditAction
from dialogue.audit.service import TrailFilters
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.listing import Column, download_query, list_sort, table_file
from dialogue.web import DB, Config, Page, Template, page_window, render

# Histories ------------------------------------------------------------------------------


async def history_page(request: Request, db: DB, settings: Config, entity: str, record_id: int) -> Template:
    """The events filed under one record, newest first, as far as the reader may see them."""
    kind = service.RECORDS[entity]
    record = await service.get_record(db, entity, record_id)
    form = Form(request.query_params)
    limit, offset = page_window(settings.page_size, form.integer("offset", minimum=0), settings.page_size)
    events, total = await service.record_history(db, entity, record_id, request.scope.get("user"), limit, offset)
    context = {
        "kind": kind,
        "record_url": f"{kind.path}/{record_id}",
        "record_name": service.record_name(entity, record),
        "events": events,
        "page": Page(total=total, limit=limit, offset=offset, query={}),
    }
    return render(request, "audit/history.html", context, fragment="audit/_history.html")


def history_route(entity: str, collection: str) -> HTTPRouteHandler:
    """The history page of one kind of record, at `/<collection>/{<entity>_id:int}/history`
    (the path parameter keeps the name the record's other pages give it)."""
    parameter = f"{entity}_id"

    async def history(request: Request, db: DB, settings: Config) -> Template:
        return await history_page(request, db, settings, entity, request.path_params[parameter])

    history.__name__ = f"{entity}_history"
    return get(f"/{collection}/{{{parameter}:int}}/history", name=f"audit:{entity}", cache=False)(history)


meeting_history = history_route("meeting", "meetings")
commitment_history = history_route("commitment", "commitments")
person_history = history_route("person", "people")
body_history = history_route("body", "bodies")
organisation_history = history_route("organisation", "organisations")
project_history = history_route("project", "projects")


# The whole trail ------------------------------------------------------------------------

FILTER_FIELDS = ("actor", "action", "entity", "from", "to", "q")


def read_filters(form: Form) -> TrailFilters:
    """The trail's filters; an unreadable one gets an error and is left out."""
    entity = form.raw("entity")
    if entity and entity not in service.ENTITY_LABELS:
        form.error("entity", _("Choose one of the options."))
        entity = ""
    filters = TrailFilters(
        actor=form.text("actor", max_length=254),
        action=form.choice("action", AuditAction, required=False),
        entity=entity,
        date_from=form.date("from"),
        date_to=form.date("to"),
        q=form.text("q", max_length=service.SEARCH_MAX),
    )
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        form.error("to", _("The end of the range is before its start."))
    return filters


@get(
    "/audit",
    name="audit:trail",
    cache=False,
    opt={"permission": Permission.SECRETARIAT},
)
async def trail_page(request: Request, db: DB, settings: Config) -> Template:
    """Everything the trail holds, sign-ins and refusals included, filtered and paginated."""
    form = Form(request.query_params)
    filters = read_filters(form)
    offset = form.integer("offset", minimum=0)
    limit, offset = page_window(settings.page_size, offset, settings.page_size)
    query = {key: form.raw(key) for key in FILTER_FIELDS}
    sort = list_sort(request.query_params, service.TRAIL_SORTS, "when", query, descending=True)
    events, total = await service.search_trail(db, filters, limit, offset, sort=sort)
    context: dict[str, Any] = {
        "events": events,
        "page": Page(total=total, limit=limit, offset=offset, query=query),
        "sort": sort,
        "downloads": download_query(query),
        "filters": query,
        "errors": form.errors,
        "actions": AuditAction.options(),
        "entities": service.entity_options(),
    }
    return render(
        request,
        "audit/trail.html",
        context,
        fragment="audit/_trail.html",
        status_code=422 if form.errors else 200,
    )


@get(["/audit.csv", "/audit.xlsx"], cache=False, opt={"permission": Permission.SECRETARIAT})
async def trail_export(request: Request, db: DB) -> Response[bytes]:
    """Every event of the trail matching these filters, in this order."""
    form = Form(request.query_params)
    filters = read_filters(form)
    query = {key: form.raw(key) for key in FILTER_FIELDS}
    sort = list_sort(request.query_params, service.TRAIL_SORTS, "when", query, descending=True)
    events, _total = await service.search_trail(db, filters, None, 0, sort=sort)
    columns = [
        Column(_("When"), lambda view: view.event.created_at),
        Column(_("Who"), lambda view: view.event.actor),
        Column(_("IP address"), lambda view: view.event.ip),
        Column(_("What"), lambda view: view.what),
        Column(_("Record"), lambda view: view.entity),
        Column(_("Internal"), lambda view: view.event.internal),
        Column(_("Summary"), lambda view: view.event.summary),
        Column(
            _("Changes"),
            lambda view: "; ".join(f"{change.label}: {change.before} → {change.after}" for change in view.changes),
        ),
    ]
    return table_file(request.url.path, _("audit-trail"), columns, events)


routes: list[Any] = [
    trail_export,
    meeting_history,
    commitment_history,
    person_history,
    body_history,
    organisation_history,
    project_history,
    trail_page,
]
