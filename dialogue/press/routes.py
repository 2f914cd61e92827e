"""The press release of a held meeting, for the secretariat: generate the draft from the
record, edit it, preview it, publish or unpublish it (each confirmed), and download it as
PDF, Word or HTML in French, Arabic or English. Everyone signed in reads a published one."""

from __future__ import annotations

from typing import Any

import anyio
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_409_CONFLICT

from dialogue import bilingual, i18n, idempotency
from dialogue.accounts.permissions import SECRETARIAT
from dialogue.errors import Invalid, NotFound, Refused, Stale
from dialogue.forms import Form
from dialogue.i18n import N_, _
from dialogue.meetings import service as meetings_service
from dialogue.meetings.models import MeetingStatus
from dialogue.meetings.visibility import sees_drafts
from dialogue.press import document, service
from dialogue.press.models import PressRelease, ReleaseStatus
from dialogue.press.record import release_record
from dialogue.reports.exports import bad_request, requested_language
from dialogue.web import DB, Config, Renderers, Template, attachment, render, see_other

PAGE = "press/page.html"
FIELDS = bilingual.draft_names(*service.TEXTS)


def _address(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/press-release"


async def _context(request: Request, db: DB, settings: Any, meeting_id: int, **extra: Any) -> dict[str, Any]:
    """The page: the meeting, its release (for the secretariat at any stage, for the others
    once published) with its preview, the form and the downloads."""
    account = request.scope.get("user")
    secretariat = sees_drafts(account)
    meeting = await meetings_service.get_meeting(db, meeting_id)
    release = await service.get_release(db, meeting_id)
    if release is not None and not secretariat and release.status is not ReleaseStatus.PUBLISHED:
        release = None
    if release is None and not secretariat:
        raise NotFound(_("This meeting has no published press release."))
    record = await release_record(db, release, meeting) if release is not None else None
    values = extra.pop("values", None) or (
        bilingual.draft_fields(release, *service.TEXTS) if release is not None else {}
    )
    return {
        "meeting": meeting,
        "release": release,
        "record": record,
        "secretariat": secretariat,
        "held": meeting.status is MeetingStatus.HELD,
        "values": values,
        "errors": extra.pop("errors", {}),
        "message": extra.pop("message", ""),
        "formats": document.FORMATS,
        "release_fields": document.fields,
        "languages": i18n.LANGUAGE_NAMES,
        "public_url": f"{settings.public_url}/public/events/{release.slug}" if release is not None else "",
        **extra,
    }


@get("/meetings/{meeting_id:int}/press-release", name="press_release", cache=False)
async def release_page(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Template:
    return render(request, PAGE, await _context(request, db, settings, meeting_id))


async def _problem(
    request: Request, db: DB, settings: Any, meeting_id: int, error: Exception, **extra: Any
) -> Template:
    """The page again with what went wrong: field errors (422), or a refusal or a stale form
    (409, with the current texts and what was typed kept in `mine`)."""
    await db.rollback()
    if isinstance(error, Invalid):
        context = await _context(
            request,
            db,
            settings,
            meeting_id,
            errors=error.errors,
            values=error.values or extra.get("mine"),
            message=_("Please correct the fields marked below."),
        )
        return render(request, PAGE, context, status_code=422)
    message = error.message if isinstance(error, Refused | Stale) else str(error)
    context = await _context(request, db, settings, meeting_id, message=message, problem=True, **extra)
    return render(request, PAGE, context, status_code=HTTP_409_CONFLICT)


async def _require_release(db: DB, meeting_id: int) -> PressRelease:
    release = await service.get_release(db, meeting_id)
    if release is None:
        raise NotFound(_("This meeting has no press release yet."))
    return release


@post("/meetings/{meeting_id:int}/press-release", name="press_release_start", opt=SECRETARIAT)
async def start_release(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Generate the draft from the held meeting's record (once, even on a double click)."""
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    meeting = await meetings_service.get_meeting(db, meeting_id)
    try:
        await service.start_release(db, meeting)
    except Refused as refused:
        return await _problem(request, db, settings, meeting_id, refused)
    await idempotency.remember(db, request, form, _address(meeting_id))
    await db.commit()
    return see_other(request, _address(meeting_id))


def read_draft(form: Form) -> service.ReleaseDraft:
    """The texts in each language (whether one is needed is the service's rule)."""
    return service.ReleaseDraft(
        **form.versions("title", max_length=service.TITLE_MAX),
        **form.versions("place", max_length=service.PLACE_MAX),
        **form.versions("summary", max_length=service.TEXT_MAX),
        **form.versions("outcomes", max_length=service.TEXT_MAX),
        **form.versions("contacts", max_length=service.TEXT_MAX),
        version=form.integer("version"),
    )


@post("/meetings/{meeting_id:int}/press-release/edit", name="press_release_edit", opt=SECRETARIAT)
async def edit_release(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Save the texts read at `version` (a stale form is refused, nothing lost)."""
    form = Form(await request.form())
    draft = read_draft(form)
    mine = {name: form.raw(name) for name in FIELDS}
    try:
        release = await _require_release(db, meeting_id)
        form.check()
        await service.save_release(db, release, draft)
    except (Invalid, Refused, Stale) as error:
        return await _problem(request, db, settings, meeting_id, error, mine=mine)
    await db.commit()
    return see_other(request, _address(meeting_id) + "#release")


async def _set_published(request: Request, db: DB, settings: Any, meeting_id: int, *, published: bool) -> Any:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    try:
        release = await _require_release(db, meeting_id)
        if not form.boolean("confirm"):
            raise Invalid({"confirm": _("Tick the box to confirm.")})
        if published:
            meeting = await meetings_service.get_meeting(db, meeting_id)
            await service.publish(db, release, form.integer("version"), meeting)
        else:
            await service.unpublish(db, release, form.integer("version"))
    except (Invalid, Refused, Stale) as error:
        return await _problem(request, db, settings, meeting_id, error)
    await idempotency.remember(db, request, form, _address(meeting_id))
    await db.commit()
    return see_other(request, _address(meeting_id))


@post("/meetings/{meeting_id:int}/press-release/publish", name="press_release_publish", opt=SECRETARIAT)
async def publish_release(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Put the release on the public pages, once confirmed."""
    return await _set_published(request, db, settings, meeting_id, published=True)


@post("/meetings/{meeting_id:int}/press-release/unpublish", name="press_release_unpublish", opt=SECRETARIAT)
async def unpublish_release(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Any:
    """Take the release off the public pages, once confirmed."""
    return await _set_published(request, db, settings, meeting_id, published=False)


async def release_file(render_pool: Any, record: Any, fmt: str, language: str) -> Response[bytes]:
    """The release as an attachment: PDF and Word in the export processes, HTML in a thread."""
    if fmt == "html":
        content = await anyio.to_thread.run_sync(document.write, record, fmt, language)
    else:
        content = await render_pool.run(document.write, record, fmt, language)
    return Response(
        content=content,
        media_type=document.MEDIA_TYPES[fmt],
        headers=attachment(document.file_name(record, fmt, language)),
    )


@get(
    [f"/meetings/{{meeting_id:int}}/press-release.{fmt}" for fmt in document.FORMATS],
    name="press_release_file",
    cache=False,
)
async def download_release(
    request: Request, db: DB, render_pool: Renderers, meeting_id: FromPath[int]
) -> Response[bytes]:
    """`?lang=fr|ar|en` (by default the reader's language); a draft for the secretariat only."""
    fmt = request.url.path.rsplit(".", 1)[-1]
    try:
        language = requested_language(request)
    except Invalid as error:
        raise bad_request(error, {"lang": N_("Language")}) from None
    meeting = await meetings_service.get_meeting(db, meeting_id)
    release = await service.readable_release(db, meeting_id, sees_drafts=sees_drafts(request.scope.get("user")))
    record = await release_record(db, release, meeting)
    return await release_file(render_pool, record, fmt, language)


routes: list[Any] = [release_page, start_release, edit_release, publish_release, unpublish_release, download_release]
