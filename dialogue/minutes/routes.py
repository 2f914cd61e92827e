"""Pages of the minutes: the minutes of a meeting (document, narratives, circulation,
decisions, versions, addenda), the difference between two versions, and the exports.

Every write answers the whole minutes section to HTMX (`#minutes`), and the page otherwise;
a refusal, bad input or a stale form comes back in the same place with its message.
"""

from __future__ import annotations

import functools
from typing import Any

import anyio
from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy import Select, select

from dialogue import bilingual, i18n, idempotency
from dialogue.accounts.models import Account, Role
from dialogue.accounts.permissions import Permission, ensure_side
from dialogue.agenda.models import AgendaItem
from dialogue.errors import Invalid, Refused, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.meetings import service as meetings_service
from dialogue.meetings.models import MeetingStatus
from dialogue.minutes import approval, circulation, compose, drafting, formats, queries, reading, render, rendered
from dialogue.minutes.models import Decision, Minutes, MinutesItemNote, MinutesStatus
from dialogue.people.models import Side
from dialogue.web import DB, Config, Renderers, Template, attachment, see_other, wants_fragment
from dialogue.web import render as render_page

FORMATS = render.FORMATS
PAGE = "minutes/page.html"
SECTION = "minutes/_minutes.html"


# The page ---------------------------------------------------------------------------------


def _may_decide(account: Account | None, minutes: Minutes | None, sides: list[Side]) -> Side | None:
    """The side the signed-in person decides for on the current version, if any."""
    if account is None or minutes is None or minutes.status is not MinutesStatus.CIRCULATED:
        return None
    if account.role is Role.DELEGATE and account.is_approver and account.side in sides:
        return account.side
    return None


async def minutes_context(request: Request, db: DB, meeting_id: int, **extra: Any) -> dict[str, Any]:
    """Everything the minutes page shows. The document is the live draft until circulation
    (for the secretariat only: the others see that the minutes are not circulated yet),
    then the current version as circulated (or adopted)."""
    account = request.scope.get("user")
    drafts = reading.reads_drafts(account)
    meeting = await meetings_service.get_meeting(db, meeting_id, with_invitations=True)
    minutes = await queries.get_minutes(db, meeting_id)
    versions = await queries.versions_of(db, minutes) if minutes is not None else []
    decisions = await queries.decisions_of(db, [v.id for v in versions])
    comments = await queries.comments_of(db, [d.id for found in decisions.values() for d in found])
    current = versions[-1] if versions else None
    if minutes is not None and current is not None and minutes.status is not MinutesStatus.DRAFT:
        document = await compose.stored_document(db, minutes, current)
        sides = current.approving_sides
    elif drafts and (minutes is not None or meeting.status is MeetingStatus.HELD):
        document = await compose.build_document(db, meeting, minutes)
        sides = compose.approving_sides(meeting)
    else:
        document, sides = None, []
    items = list(await db.scalars(_items(meeting_id))) if minutes is not None and drafts else []
    with_approver = {a.side for a in await circulation.approvers(db, sides)}
    decided = {d.side for d in decisions.get(current.id, [])} if current is not None else set()
    values = extra.pop("values", {})
    return {
        "meeting": meeting,
        "minutes": minutes,
        "document": document,
        "reads_drafts": drafts,
        "not_circulated": not drafts and (minutes is None or minutes.current_version == 0),
        "blocks": render.minutes_blocks(document) if document is not None else (),
        "kinds": _block_kinds(),
        "lines": formats.lines,
        "versions": versions,
        "current": current,
        "decisions": decisions,
        "comments": comments,
        "sides": sides,
        "awaiting": [side for side in sides if side not in decided],
        "without_approver": [side for side in sides if side not in with_approver],
        "items": items,
        "summaries": await queries.item_summaries(db, minutes),
        # Each text as its form fields in every language ("introduction_ar", "summary_ar-12").
        "narratives": _narrative_values(minutes, await queries.item_notes(db, minutes)),
        "addenda": await queries.addenda_of(db, minutes) if minutes is not None else [],
        "decide_for": _may_decide(account, minutes, sides),
        "decision_options": Decision.options(),
        "formats": FORMATS,
        "languages": i18n.LANGUAGE_NAMES,
        "values": values,
        "errors": extra.pop("errors", {}),
        "message": extra.pop("message", ""),
        **extra,
    }


def _items(meeting_id: int) -> Select[tuple[AgendaItem]]:
    return select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)


def _block_kinds() -> dict[type, str]:
    return formats.BLOCK_KINDS


@get("/meetings/{meeting_id:int}/minutes", name="minutes", cache=False)
async def minutes_page(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    return render_page(request, PAGE, await minutes_context(request, db, meeting_id), fragment=SECTION)


async def _answer(request: Request, db: DB, meeting_id: int, *, status_code: int = 200, **extra: Any) -> Any:
    """After a write: the minutes section (HTMX) or the page again; a problem (status 409 or
    422) is shown where the user is."""
    if status_code >= 400:
        await db.rollback()
    if status_code < 400 and not wants_fragment(request):
        return see_other(request, f"/meetings/{meeting_id}/minutes")
    context = await minutes_context(request, db, meeting_id, problem=status_code >= 400, **extra)
    return render_page(request, PAGE, context, fragment=SECTION, status_code=status_code)


async def _problem(
    request: Request, db: DB, meeting_id: int, error: Exception, values: dict[str, Any] | None = None
) -> Any:
    if isinstance(error, Invalid):
        message = error.errors.get("", "") or _("Please correct the fields marked below.")
        return await _answer(
            request, db, meeting_id, status_code=422, errors=error.errors, values=values or {}, message=message
        )
    message = error.message if isinstance(error, Refused | Stale) else str(error)
    return await _answer(request, db, meeting_id, status_code=HTTP_409_CONFLICT, message=message)


# Writes (the secretariat) --------------------------------------------------------------------


@post("/meetings/{meeting_id:int}/minutes", name="minutes_start")
async def start_minutes(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    """Generate the draft of a held meeting's minutes."""
    meeting = await meetings_service.get_meeting(db, meeting_id)
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    try:
        await drafting.start_draft(db, meeting)
    except Refused as refused:
        return await _problem(request, db, meeting_id, refused)
    await idempotency.remember(db, request, form, f"/meetings/{meeting_id}/minutes")
    await db.commit()
    return await _answer(request, db, meeting_id, message=_("The draft minutes are ready."))


def _narrative_values(minutes: Minutes | None, notes: list[MinutesItemNote]) -> dict[str, str]:
    values = bilingual.draft_fields(minutes, "introduction", "closing") if minutes is not None else {}
    for note in notes:
        for name, text in bilingual.draft_fields(note, "summary").items():
            values[f"{name}-{note.agenda_item_id}"] = text
    return values


def _per_item(form: Form, prefix: str, field: str) -> dict[int, Any]:
    """The fields `<prefix><agenda item id>` as sent, by item id; a name whose id is not a
    number is an error on `field`."""
    found: dict[int, Any] = {}
    for key in form.data:
        if key.startswith(prefix):
            try:
                item_id = int(key.removeprefix(prefix))
            except ValueError:
                form.error(field, _("The request is not valid."))
                continue
            found[item_id] = form.data.get(key)
    return found


def read_narratives(form: Form) -> drafting.Narratives:
    """The narratives as sent: `introduction`, `closing` and `summary-<item id>` (French),
    the same with `_ar` and `_en` (`introduction_ar`, `summary_ar-<item id>`...)."""
    texts: dict[str, Any] = {}
    for language in bilingual.LANGUAGES:
        suffix = bilingual.suffix(language)
        for name in ("introduction", "closing"):
            texts[name + suffix] = str(form.data.get(name + suffix) or "")
        summaries = _per_item(form, f"summary{suffix}-", "summaries")
        texts["summaries" + suffix] = {
            item_id: value if isinstance(value, str) else "" for item_id, value in summaries.items()
        }
    return drafting.Narratives(**texts)


@post("/meetings/{meeting_id:int}/minutes/narratives", name="minutes_narratives")
async def save_narratives(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    """The introduction, the summary of each item and the closing (optimistic locking)."""
    form = Form(await request.form())
    narratives = read_narratives(form)
    version = form.integer("version")
    try:
        minutes = await queries.require_minutes(db, meeting_id)
        form.check()
        await drafting.save_narratives(db, minutes, narratives, version)
    except Stale as stale:
        # Someone saved in between: the current texts with the message, and beside each
        # text that differs what was typed (nothing is saved, nothing is typed twice).
        return await _answer(
            request, db, meeting_id, status_code=HTTP_409_CONFLICT, message=stale.message, mine=form.values
        )
    except (Invalid, Refused) as error:
        return await _problem(request, db, meeting_id, error, form.values)
    await db.commit()
    return await _answer(request, db, meeting_id, message=_("Saved."))


@post("/meetings/{meeting_id:int}/minutes/circulate", name="minutes_circulate")
async def circulate_minutes(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Freeze version 1 and email the approvers of each side that must approve."""
    return await _circulate(request, db, settings, meeting_id, revision=False)


@post("/meetings/{meeting_id:int}/minutes/revise", name="minutes_revise")
async def revise_minutes(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Circulate a revision (version N+1): decisions start again."""
    return await _circulate(request, db, settings, meeting_id, revision=True)


async def _circulate(request: Request, db: DB, settings: Config, meeting_id: int, *, revision: bool) -> Any:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    try:
        minutes = await queries.require_minutes(db, meeting_id, for_update=True)
        version = await circulation.circulate(
            db, minutes, request.user, settings, form.integer("version"), revision=revision
        )
    except (Refused, Stale) as error:
        return await _problem(request, db, meeting_id, error)
    await idempotency.remember(db, request, form, f"/meetings/{meeting_id}/minutes")
    await db.commit()
    return await _answer(
        request,
        db,
        meeting_id,
        message=_("Version {number} is circulated to the approvers.").format(number=version.number),
    )


@post("/meetings/{meeting_id:int}/minutes/addenda", name="minutes_addendum")
async def add_addendum(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    """A dated correction to adopted minutes."""
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    try:
        minutes = await queries.require_minutes(db, meeting_id)
        await approval.add_addendum(db, minutes, request.user, str(form.data.get("text") or ""))
    except (Invalid, Refused) as error:
        return await _problem(request, db, meeting_id, error, form.values)
    await idempotency.remember(db, request, form, f"/meetings/{meeting_id}/minutes")
    await db.commit()
    return await _answer(request, db, meeting_id, message=_("The addendum is added."))


# Decisions (each side's approver) ---------------------------------------------------------------


def read_decision(form: Form) -> approval.DecisionDraft:
    comments = _per_item(form, "comment-", "comments")
    return approval.DecisionDraft(
        decision=form.choice("decision", Decision),
        text=str(form.data.get("text") or ""),
        item_comments={item_id: str(value or "") for item_id, value in comments.items()},
    )


@post(
    "/meetings/{meeting_id:int}/minutes/decisions/{side:str}",
    name="minutes_decide",
    opt={"permission": Permission.SIDE},
)
async def decide(request: Request, db: DB, meeting_id: FromPath[int], side: FromPath[str]) -> Any:
    """A side approves the current version, with or without reservations, or asks for changes."""
    try:
        party = Side(side)
    except ValueError:
        raise NotFoundException() from None
    ensure_side(request.user, party)
    form = Form(await request.form())
    draft = read_decision(form)
    try:
        minutes = await queries.require_minutes(db, meeting_id, for_update=True)
        form.check()
        await approval.decide(db, minutes, request.user, party, draft)
    except (Invalid, Refused) as error:
        return await _problem(request, db, meeting_id, error, form.values)
    await db.commit()
    return await _answer(request, db, meeting_id, message=_("Your side's decision is recorded."))


# Reading versions: the difference and the exports ------------------------------------------------


def _bad_request(message: str) -> HTTPException:
    # Raised, not returned: the app's error answer is an HTML page (a message to HTMX).
    return HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=message)


def _version_number(form: Form, name: str) -> int | None:
    """A version number from the query (0 is the live draft); an error on the form if bad."""
    value = form.integer(name, minimum=0, maximum=1_000_000)
    if form.errors.get(name):
        form.errors[name] = _("Choose a version by its number (0 for the working draft).")
    return value


async def _markdown(db: DB, meeting_id: int, number: int, language: str, *, drafts: bool) -> str:
    document = await reading.document_for(db, meeting_id, number, drafts=drafts)
    content = await anyio.to_thread.run_sync(functools.partial(render.render_minutes, document, "md", language))
    return content.decode("utf-8")


@get("/meetings/{meeting_id:int}/minutes/diff", name="minutes_diff", cache=False)
async def minutes_diff(request: Request, db: DB, meeting_id: FromPath[int]) -> Template:
    """What changed between two versions (`?from=1&to=2`; 0 is the working draft, for the
    secretariat only), line by line over their Markdown text."""
    meeting = await meetings_service.get_meeting(db, meeting_id)
    form = Form(request.query_params)
    before = _version_number(form, "from")
    after = _version_number(form, "to")
    if form.errors or before is None or after is None:
        raise _bad_request(_("Choose two versions to compare, as ?from=1&to=2."))
    language = i18n.current_language()
    drafts = reading.reads_drafts(request.user)
    old = await _markdown(db, meeting_id, before, language, drafts=drafts)  # VersionNotFound: a 404 page
    new = await _markdown(db, meeting_id, after, language, drafts=drafts)
    lines = reading.diff_lines(old, new)
    return render_page(
        request,
        "minutes/diff.html",
        {
            "meeting": meeting,
            "before": before,
            "after": after,
            "lines": lines,
            "changed": any(line.kind != "same" for line in lines),
        },
    )


@get(
    [f"/meetings/{{meeting_id:int}}/minutes.{fmt}" for fmt in FORMATS],
    name="minutes_export",
    cache=False,
)
async def export_minutes(request: Request, db: DB, render_pool: Renderers, meeting_id: FromPath[int]) -> Any:
    """The minutes as PDF, Word, Markdown or a printable page: `?version=N` (0: the working
    draft, for the secretariat only; by default the current version, for the others the
    latest circulated one) and `?lang=fr|ar|en` (by default the interface's). Rendered in
    the export processes; adopted minutes only once (dialogue/minutes/rendered.py)."""
    fmt = request.url.path.rsplit(".", 1)[-1]
    form = Form(request.query_params)
    number = _version_number(form, "version")
    if form.errors:
        raise _bad_request(form.errors["version"])
    language = form.raw("lang") or i18n.current_language()
    if language not in i18n.LANGUAGES:
        raise _bad_request(
            _("Choose the language of the export among: {languages}.").format(languages=", ".join(i18n.LANGUAGES))
        )
    await meetings_service.get_meeting(db, meeting_id)
    document = await reading.document_for(db, meeting_id, number, drafts=reading.reads_drafts(request.user))
    made = await rendered.export(db, render_pool, document, fmt, language)
    label = f"v{document.version}" if document.version else "draft"
    filename = f"minutes-{meeting_id}-{label}-{language}.{fmt}"
    headers = attachment(filename)
    if made.key:  # adopted minutes: the same file for as long as the key stays
        headers["ETag"] = f'"{made.key}"'
    if fmt == "html":
        # A standalone page with its own <style>: no script may run in it.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        )
    return Response(content=made.content, media_type=render.MEDIA_TYPES[fmt], headers=headers)


@get("/meetings/{meeting_id:int}/minutes.json", name="minutes_json", cache=False)
async def minutes_json(request: Request, db: DB, meeting_id: FromPath[int]) -> Any:
    """The minutes as data (`?version=N`, chosen as for the exports): the canonical JSON
    whose SHA-256 is the one stored at adoption, byte for byte, so that `sha256sum` of the
    download checks adopted minutes."""
    form = Form(request.query_params)
    number = _version_number(form, "version")
    if form.errors:
        raise _bad_request(form.errors["version"])
    await meetings_service.get_meeting(db, meeting_id)
    content = await reading.json_for(db, meeting_id, number, drafts=reading.reads_drafts(request.user))
    label = "" if number is None else f"-v{number}" if number else "-draft"
    return Response(
        content=content.encode("utf-8"),
        media_type=MediaType.JSON,
        headers=attachment(f"minutes-{meeting_id}{label}.json"),
    )


routes: list[Any] = [
    minutes_page,
    minutes_json,
    start_minutes,
    save_narratives,
    circulate_minutes,
    revise_minutes,
    add_addendum,
    decide,
    minutes_diff,
    export_minutes,
]
