"""Pages of the commitments area: the filtered list, the form, the detail page with its
progress updates. Rules live in `editing.py`, `listing.py` and `choices.py`; these handlers parse, call and render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_409_CONFLICT
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dialogue import bilingual, i18n, idempotency
from dialogue.accounts.permissions import (
    Permission,
    ensure_side,
    internal_visible_sides,
    own_side,
)
from dialogue.agenda.models import AgendaItem
from dialogue.commitments import choices, editing, listing
from dialogue.commitments.editing import CommitmentDraft, ProgressDraft
from dialogue.commitments.listing import CommitmentFilters
from dialogue.commitments.models import CommitmentStatus
from dialogue.errors import Invalid, Refused, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.listing import Column, download_query, list_sort, table_file
from dialogue.meetings.models import Meeting
from dialogue.people.models import Side
from dialogue.people.service import MAX_ID
from dialogue.web import DB, Config, Page, Template, page_window, render, render_invalid, see_other, wants_fragment

FILTER_NAMES = (
    "q",
    "side",
    "organisation",
    "body",
    "project",
    "status",
    "overdue",
    "due_soon",
    "due_from",
    "due_to",
    "scope",
)
# A delegate's list opens on their own side ("mine"); "all" shows every side.
MY_SIDE, ALL_SIDES = "mine", "all"


def read_filters(
    params: Mapping[str, Any], own_side: Side | None = None
) -> tuple[CommitmentFilters, dict[str, str], dict[str, str]]:
    """The page's filters from the query string: (filters, errors, values to show back).

    A filter that does not parse is reported next to its field and ignored (never a 500).
    `own_side`: a delegate's side, which the list shows unless `scope=all`.
    """
    form = Form(params)
    side = form.choice("side", Side, required=False)
    # A delegate's list shows their side unless they ask for all sides, or for one side.
    scope = form.raw("scope") or (ALL_SIDES if form.raw("side") else MY_SIDE)
    if own_side is not None and scope != ALL_SIDES:
        side = own_side
    organisation_id = form.integer("organisation", minimum=1)
    body_id = form.integer("body", minimum=1)
    project_id = form.integer("project", minimum=1, maximum=MAX_ID)
    statuses = listing.parse_status_filter(form.raw("status"))
    if statuses is None:
        form.error("status", _("Choose one of the options."))
        statuses = ()
    overdue_raw = form.raw("overdue").lower()
    overdue = (
        True if overdue_raw in {"1", "on", "true", "yes"} else False if overdue_raw in {"0", "false", "no"} else None
    )
    due_from = form.date("due_from")
    due_to = form.date("due_to")
    if due_from and due_to and due_to < due_from:
        form.error("due_to", _("The end of the range is before its start."))
        due_to = None
    q = form.text("q", max_length=200)
    filters = CommitmentFilters(
        side=side,
        organisation_id=organisation_id if "organisation" not in form.errors else None,
        body_id=body_id if "body" not in form.errors else None,
        project_id=project_id if "project" not in form.errors else None,
        statuses=statuses,
        overdue=overdue,
        due_soon=form.boolean("due_soon"),
        due_from=due_from,
        due_to=due_to,
        q=q if "q" not in form.errors else "",
    )
    values = {name: form.raw(name) for name in FILTER_NAMES if form.raw(name)}
    if own_side is not None:
        values["scope"] = ALL_SIDES if scope == ALL_SIDES else MY_SIDE
        if values["scope"] == MY_SIDE:
            values.pop("side", None)
    return filters, form.errors, values


async def _listing(request: Request, db: DB, limit: int | None, offset: int) -> dict[str, Any]:
    """The rows of the list (or of its download) and what the page shows around them."""
    side = own_side(request.scope.get("user"))
    filters, errors, values = read_filters(request.query_params, side)
    sort = list_sort(request.query_params, listing.SORT_KEYS, listing.DEFAULT_SORT, values)
    today = i18n.today()
    rows, total = await listing.list_commitments(
        db, filters, today, limit=limit, offset=offset, visible=visible_sides(request), sort=sort
    )
    return {
        "rows": rows,
        "total": total,
        "sort": sort,
        "own_side": side,
        "filter_values": values,
        "filter_errors": errors,
        "today": today,
    }


@get("/commitments", name="commitments:list")
async def commitment_list(request: Request, db: DB, settings: Config) -> Template:
    """Commitments, filtered by side, organisation, body, status, overdue, due range, text;
    sorted by any column; a delegate's list opens on their own side."""
    try:
        requested_offset = int(request.query_params.get("offset", "0"))
    except ValueError:
        requested_offset = 0
    limit, offset = page_window(settings.page_size, requested_offset, settings.page_size)
    context = await _listing(request, db, limit, offset)
    values = context["filter_values"]
    context.update(
        page=Page(total=context.pop("total"), limit=limit, offset=offset, query=values),
        downloads=download_query(values),
        scope_urls={
            scope: download_query({**values, "scope": scope, "side": ""}) or "?" for scope in (MY_SIDE, ALL_SIDES)
        },
        status_options=listing.status_filter_options(),
        side_options=Side.options(),
    )
    if not wants_fragment(request):
        context.update(await choices.filter_choices(db))
    return render(request, "commitments/list.html", context, fragment="commitments/_results.html")


def export_columns() -> list[Column]:
    """The columns of the commitments download, headed in the reader's language."""
    return [
        Column(_("Commitment"), lambda row: row.commitment.title),
        Column(_("Description"), lambda row: row.commitment.description),
        Column(_("Side"), lambda row: row.commitment.side.label),
        Column(
            _("Organisation"),
            lambda row: row.commitment.organisation.display_name if row.commitment.organisation else None,
        ),
        Column(
            _("Responsible"), lambda row: row.commitment.responsible.full_name if row.commitment.responsible else None
        ),
        Column(_("Due"), lambda row: row.commitment.due_on),
        Column(_("Status"), lambda row: row.commitment.status.label),
        Column(_("Overdue"), lambda row: row.overdue),
        Column(_("Meeting"), lambda row: row.commitment.meeting.title if row.commitment.meeting else None),
        Column(_("Meeting date"), lambda row: row.commitment.meeting.starts_at if row.commitment.meeting else None),
        Column(_("Last update"), lambda row: row.last_update_on),
    ]


@get(["/commitments.csv", "/commitments.xlsx"], name="commitments:export", cache=False)
async def commitment_export(request: Request, db: DB) -> Response[bytes]:
    """Every commitment the list shows with these filters and this order, as CSV or XLSX."""
    context = await _listing(request, db, None, 0)
    return table_file(request.url.path, _("commitments"), export_columns(), context["rows"])


# The form --------------------------------------------------------------------------------


def draft_values(draft: CommitmentDraft) -> dict[str, str]:
    """A draft as the strings of the form's fields."""
    return {
        **{name: getattr(draft, name) for name in bilingual.draft_names(*editing.TEXTS)},
        "side": draft.side.value if draft.side else "",
        "organisation_id": str(draft.organisation_id or ""),
        "responsible_id": str(draft.responsible_id or ""),
        "due_on": draft.due_on.isoformat() if draft.due_on else "",
        "status": draft.status.value if draft.status else "",
        "meeting_id": str(draft.meeting_id or ""),
        "agenda_item_id": str(draft.agenda_item_id or ""),
        "from_outcome": "1" if draft.from_outcome else "",
        "project_id": str(draft.project_id or ""),
    }


def read_draft(form: Form) -> CommitmentDraft:
    return CommitmentDraft(
        **form.versions("title", max_length=editing.TITLE_MAX),
        **form.versions("description", max_length=editing.DESCRIPTION_MAX),
        side=form.choice("side", Side),
        organisation_id=form.integer("organisation_id", minimum=1),
        responsible_id=form.integer("responsible_id", minimum=1),
        due_on=form.date("due_on"),
        status=form.choice("status", CommitmentStatus, default=CommitmentStatus.OPEN),
        meeting_id=form.integer("meeting_id", minimum=1),
        agenda_item_id=form.integer("agenda_item_id", minimum=1),
        from_outcome=form.boolean("from_outcome"),
        project_id=form.integer("project_id", minimum=1, maximum=MAX_ID),
    )


def safe_next(url: str) -> str:
    """Only a path of this site (no open redirect)."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


async def form_context(db: DB, draft: CommitmentDraft, **extra: Any) -> dict[str, Any]:
    origin = None
    if draft.agenda_item_id:
        statement = (
            select(AgendaItem).where(AgendaItem.id == draft.agenda_item_id).options(joinedload(AgendaItem.outcome))
        )
        origin = (await db.execute(statement)).scalar_one_or_none()
    return {
        **await choices.form_choices(db, draft),
        "origin_item": origin,
        "side_options": Side.options(),
        "status_options": CommitmentStatus.options(),
        "errors": {},
        **extra,
    }


@get("/commitments/new", opt={"permission": Permission.SECRETARIAT})
async def commitment_new(
    request: Request,
    db: DB,
    item: FromQuery[int | None] = None,
    meeting: FromQuery[int | None] = None,
    from_outcome: FromQuery[bool] = False,
) -> Template:
    """The form for a new commitment, from an agenda item (`?item=`, `&from_outcome=1`) or a meeting."""
    draft = CommitmentDraft()
    if item is not None:
        agenda_item = await db.get(AgendaItem, item)
        if agenda_item is None:
            raise NotFoundException()
        draft.meeting_id, draft.agenda_item_id, draft.from_outcome = agenda_item.meeting_id, item, from_outcome
    elif meeting is not None:
        if await db.get(Meeting, meeting) is None:
            raise NotFoundException()
        draft.meeting_id = meeting
    values = draft_values(draft)
    values["next"] = f"/meetings/{draft.meeting_id}" if draft.meeting_id else ""
    context = await form_context(db, draft, values=values, action="/commitments", commitment=None)
    return render(request, "commitments/form.html", context)


@post("/commitments")
async def commitment_create(request: Request, db: DB) -> Response[Any]:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    draft = read_draft(form)
    try:
        commitment = await editing.create_commitment(db, draft, today=i18n.today(), known_errors=form.errors)
    except Invalid as error:
        await db.rollback()
        context = await form_context(db, draft, action="/commitments", commitment=None)
        return render_invalid(request, "commitments/form.html", context, Invalid(error.errors, form.values))
    url = safe_next(form.raw("next")) or f"/commitments/{commitment.id}"
    await idempotency.remember(db, request, form, url)
    await db.commit()
    return see_other(request, url)


@get("/commitments/form/items", opt={"permission": Permission.SECRETARIAT})
async def commitment_form_items(request: Request, db: DB) -> Template:
    """The agenda item field for the meeting chosen in the form (HTMX)."""
    form = Form(request.query_params)
    meeting_id = form.integer("meeting_id", minimum=1)
    items = await choices.meeting_items(db, meeting_id if not form.errors else None)
    context = {"items": items, "values": {"meeting_id": str(meeting_id or "")}, "errors": {}}
    return render(request, "commitments/_item_field.html", context)


@get("/commitments/{commitment_id:int}/edit", opt={"permission": Permission.SECRETARIAT})
async def commitment_edit(request: Request, db: DB, commitment_id: FromPath[int]) -> Template:
    commitment = await editing.get_commitment(db, commitment_id, with_updates=False)
    draft = CommitmentDraft.of(commitment)
    context = await form_context(
        db, draft, values=draft_values(draft), action=f"/commitments/{commitment.id}/edit", commitment=commitment
    )
    return render(request, "commitments/form.html", context)


@post("/commitments/{commitment_id:int}/edit")
async def commitment_update(request: Request, db: DB, commitment_id: FromPath[int]) -> Response[Any]:
    """Save an edit; a stale `version` is refused (409) with the current values."""
    commitment = await editing.get_commitment(db, commitment_id, with_updates=False)
    form = Form(await request.form())
    version = form.integer("version")
    form.errors.pop("version", None)
    draft = read_draft(form)
    action = f"/commitments/{commitment.id}/edit"
    try:
        await editing.update_commitment(
            db, commitment, draft, version=version, today=i18n.today(), known_errors=form.errors
        )
    except Stale as stale:
        current = CommitmentDraft.of(commitment)
        context = await form_context(
            db,
            current,
            values=draft_values(current),
            action=action,
            commitment=commitment,
            stale=stale.message,
            mine=form.values,
        )
        return render(request, "commitments/form.html", context, status_code=HTTP_409_CONFLICT)
    except Invalid as error:
        await db.rollback()
        commitment = await editing.get_commitment(db, commitment_id, with_updates=False)
        context = await form_context(db, draft, action=action, commitment=commitment)
        return render_invalid(request, "commitments/form.html", context, Invalid(error.errors, form.values))
    await db.commit()
    return see_other(request, f"/commitments/{commitment.id}")


# The detail page and progress updates ------------------------------------------------------


def visible_sides(request: Request) -> frozenset[Side]:
    """The sides whose internal progress notes the reader may see."""
    return internal_visible_sides(request.scope.get("user"))


def detail_context(commitment: Any, **extra: Any) -> dict[str, Any]:
    today = i18n.today()
    return {
        "commitment": commitment,
        "today": today,
        "overdue": commitment.is_overdue(today),
        "status_options": CommitmentStatus.options(),
        "values": {"written_on": today.isoformat()},
        "errors": {},
        **extra,
    }


@get("/commitments/{commitment_id:int}")
async def commitment_detail(request: Request, db: DB, commitment_id: FromPath[int]) -> Template:
    """All the facts of a commitment, its origin and its progress updates (newest first)."""
    commitment = await editing.get_commitment(db, commitment_id, visible=visible_sides(request))
    return render(request, "commitments/detail.html", detail_context(commitment), fragment="commitments/_detail.html")


@post("/commitments/{commitment_id:int}/updates", opt={"permission": Permission.SIDE})
async def commitment_add_progress(request: Request, db: DB, commitment_id: FromPath[int]) -> Response[Any]:
    """Add a dated progress update (and maybe a new status); HTMX gets the refreshed section.
    The secretariat, or a delegate of the commitment's side."""
    commitment = await editing.get_commitment(db, commitment_id, visible=visible_sides(request))
    ensure_side(request.user, commitment.side)
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    draft = ProgressDraft(
        note=form.text("note", required=True, max_length=editing.NOTE_MAX),
        written_on=form.date("written_on"),
        evidence_url=form.url("evidence_url"),
        status=form.choice("status", CommitmentStatus, required=False),
        internal=form.boolean("internal"),
    )
    try:
        await editing.add_progress(db, commitment, draft, today=i18n.today(), known_errors=form.errors)
    except Invalid as error:
        await db.rollback()
        commitment = await editing.get_commitment(db, commitment_id, refresh=True, visible=visible_sides(request))
        return render_invalid(
            request,
            "commitments/detail.html",
            detail_context(commitment),
            Invalid(error.errors, form.values),
            fragment="commitments/_detail.html",
        )
    await idempotency.remember(db, request, form, f"/commitments/{commitment_id}")
    await db.commit()
    if wants_fragment(request):
        commitment = await editing.get_commitment(db, commitment_id, refresh=True, visible=visible_sides(request))
        return render(
            request,
            "commitments/detail.html",
            detail_context(commitment, saved=_("Progress update added.")),
            fragment="commitments/_detail.html",
        )
    return see_other(request, f"/commitments/{commitment_id}")


@post("/commitments/{commitment_id:int}/delete")
async def commitment_delete(request: Request, db: DB, commitment_id: FromPath[int]) -> Response[Any]:
    """Delete a commitment without progress updates; otherwise refused (drop it instead)."""
    commitment = await editing.get_commitment(db, commitment_id, visible=visible_sides(request))
    form = Form(await request.form())
    try:
        await editing.delete_commitment(db, commitment, version=form.integer("version"))
    except (Refused, Stale) as refusal:
        await db.rollback()
        commitment = await editing.get_commitment(db, commitment_id, refresh=True, visible=visible_sides(request))
        return render(
            request,
            "commitments/detail.html",
            detail_context(commitment, refused=refusal.message),
            status_code=HTTP_409_CONFLICT,
        )
    await db.commit()
    return see_other(request, "/commitments")


routes: list[Any] = [
    commitment_list,
    commitment_export,
    commitment_new,
    commitment_create,
    commitment_form_items,
    commitment_edit,
    commitment_update,
    commitment_detail,
    commitment_add_progress,
    commitment_delete,
]
