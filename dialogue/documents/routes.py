"""The pages of documents. Each record that takes documents has a page of them, where they
are uploaded (a new document, or with `document_id` a new version of one):

    /meetings/{id}/documents                          the meeting's own, and every other of it
    /agenda/{item_id}/files                           an agenda item's
    /agenda/{item_id}/positions/{side}/files          a side's position on an item
    /commitments/{id}/updates/{update_id}/files       a progress note's (evidence)

A document's page (`/documents/{id}`) shows its versions; `/documents/{id}/file` and
`/documents/{id}/versions/{n}/file` download. Uploads take up to DIALOGUE_UPLOAD_MAX_MB (the
body a little more, for the fields and multipart boundaries); a larger body is refused by
Litestar before it is read, with the translated 413 page of error_handlers.py. Every download checks
who asks: a document internal to a side is "not found" for everyone else. Uploads carry a
one-time key (a double click uploads once).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.enums import MediaType
from litestar.params import FromPath
from litestar.response import Stream

from dialogue import idempotency
from dialogue.accounts.models import Account
from dialogue.accounts.permissions import SECRETARIAT, Permission
from dialogue.documents import service
from dialogue.documents.models import Attachment
from dialogue.documents.sniffing import ACCEPT
from dialogue.documents.storage import MissingFile, Storage
from dialogue.errors import Invalid, NotFound
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.settings import Settings
from dialogue.web import DB, Config, Template, attachment, render, render_invalid, see_other

SIDE = {"permission": Permission.SIDE}
# The fields around the file and the multipart boundaries.
FORM_OVERHEAD = 64 * 1024


def _account(request: Request) -> Account:
    return request.scope["user"]


def _viewer(request: Request) -> Account | None:
    return request.scope.get("user")


def _limits(settings: Settings) -> dict[str, Any]:
    return {"max_mb": settings.upload_max_mb, "accept": ACCEPT}


async def _page_context(request: Request, db: DB, settings: Settings, target: service.Target) -> dict[str, Any]:
    account = _viewer(request)
    context: dict[str, Any] = {
        "target": target,
        "documents": await service.documents_of(db, account, target),
        "may_upload": service.may_upload(account, target),
        "form_url": target.files_url,
        **_limits(settings),
    }
    if target.kind is Attachment.MEETING:
        context["meeting"] = target.meeting
        context["documents_section"] = await service.meeting_section(db, account, target)
    return context


def _template(target: service.Target) -> str:
    return "documents/meeting.html" if target.kind is Attachment.MEETING else "documents/record.html"


async def _page(request: Request, db: DB, settings: Settings, target: service.Target) -> Template:
    service.ensure_sees_target(_viewer(request), target)
    context = await _page_context(request, db, settings, target)
    return render(request, _template(target), context)


async def _upload_of(data: Any, max_bytes: int) -> service.Upload | None:
    """The uploaded file, read up to one byte past the limit (enough to say it is too large)."""
    file = data.get("file")
    if not isinstance(file, UploadFile) or not (file.filename or "").strip():
        return None
    try:
        return service.Upload(file.filename, await file.read(max_bytes + 1))
    finally:
        await file.close()


async def _upload(request: Request, db: DB, settings: Settings, storage: Storage, target: service.Target) -> Any:
    """A new document on `target`, or a new version of its document `document_id`. The file
    is stored first; if anything after fails, it is deleted again (storage.staged)."""
    data = await request.form()
    form = Form(data)
    await idempotency.replay(db, request, form)
    account = _account(request)
    service.ensure_may_upload(account, target)
    document_id = form.integer("document_id", minimum=1)
    document = None
    if document_id is not None:
        document, attached = await service.get_document(db, account, document_id)
        if attached.files_url != target.files_url:
            raise NotFound()
    title = form.text("title", max_length=300)
    upload = await _upload_of(data, settings.upload_max_bytes)
    try:
        form.check()
        checked = service.check_file(upload, settings.upload_max_bytes)
    except Invalid as error:
        values = {key: value for key, value in form.values.items() if key != "file"}
        if document is not None:
            context = {"document": document, **await _page_context(request, db, settings, target)}
            return render_invalid(request, "documents/document.html", context, Invalid(error.errors, values))
        context = await _page_context(request, db, settings, target)
        return render_invalid(request, _template(target), context, Invalid(error.errors, values))
    async with storage.staged(checked.content, checked.kind.media_type, checked.kind.extension) as key:
        if document is None:
            draft = service.read_draft(title, form.raw("visibility") == "internal", checked)
            document = await service.add_document(db, account, target, draft, checked, key)
            url = target.files_url
        else:
            await service.add_version(db, account, document, target, checked, key)
            url = f"/documents/{document.id}"
        await idempotency.remember(db, request, form, url)
        await db.commit()
    return see_other(request, url)


# The meeting ------------------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/documents", name="meeting_documents", cache=False)
async def meeting_documents(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Template:
    """Every document of the meeting the person sees (the invitation links here)."""
    return await _page(request, db, settings, await service.find_target(db, Attachment.MEETING, meeting_id))


@post(
    "/meetings/{meeting_id:int}/documents", name="meeting_document_upload", opt=SECRETARIAT, media_type=MediaType.HTML
)
async def upload_to_meeting(
    request: Request, db: DB, settings: Config, storage: Storage, meeting_id: FromPath[int]
) -> Any:
    target = await service.find_target(db, Attachment.MEETING, meeting_id)
    return await _upload(request, db, settings, storage, target)


# An agenda item ---------------------------------------------------------------------------


@get("/agenda/{item_id:int}/files", name="item_documents", cache=False)
async def item_documents(request: Request, db: DB, settings: Config, item_id: FromPath[int]) -> Template:
    return await _page(request, db, settings, await service.find_target(db, Attachment.ITEM, item_id))


@post("/agenda/{item_id:int}/files", name="item_document_upload", opt=SECRETARIAT, media_type=MediaType.HTML)
async def upload_to_item(request: Request, db: DB, settings: Config, storage: Storage, item_id: FromPath[int]) -> Any:
    target = await service.find_target(db, Attachment.ITEM, item_id)
    return await _upload(request, db, settings, storage, target)


# A position -------------------------------------------------------------------------------


@get("/agenda/{item_id:int}/positions/{side:str}/files", name="position_documents", cache=False)
async def position_documents(
    request: Request, db: DB, settings: Config, item_id: FromPath[int], side: FromPath[str]
) -> Template:
    return await _page(request, db, settings, await service.position_target(db, item_id, side))


@post(
    "/agenda/{item_id:int}/positions/{side:str}/files",
    name="position_document_upload",
    opt=SIDE,
    media_type=MediaType.HTML,
)
async def upload_to_position(
    request: Request, db: DB, settings: Config, storage: Storage, item_id: FromPath[int], side: FromPath[str]
) -> Any:
    target = await service.position_target(db, item_id, side)
    return await _upload(request, db, settings, storage, target)


# A progress note --------------------------------------------------------------------------


@get("/commitments/{commitment_id:int}/updates/{update_id:int}/files", name="progress_documents", cache=False)
async def progress_documents(
    request: Request, db: DB, settings: Config, commitment_id: FromPath[int], update_id: FromPath[int]
) -> Template:
    return await _page(request, db, settings, await service.progress_target(db, commitment_id, update_id, None))


@post(
    "/commitments/{commitment_id:int}/updates/{update_id:int}/files",
    name="progress_document_upload",
    opt=SIDE,
    media_type=MediaType.HTML,
)
async def upload_to_progress(
    request: Request,
    db: DB,
    settings: Config,
    storage: Storage,
    commitment_id: FromPath[int],
    update_id: FromPath[int],
) -> Any:
    target = await service.progress_target(db, commitment_id, update_id, _account(request))
    return await _upload(request, db, settings, storage, target)


# A document -------------------------------------------------------------------------------


@get("/documents/{document_id:int}", name="document", cache=False)
async def document_page(request: Request, db: DB, settings: Config, document_id: FromPath[int]) -> Template:
    account = _viewer(request)
    document, target = await service.get_document(db, account, document_id)
    context = {
        "document": document,
        "target": target,
        "may_upload": service.may_upload(account, target),
        **_limits(settings),
    }
    return render(request, "documents/document.html", context)


async def _download(request: Request, db: DB, storage: Storage, document_id: int, number: int | None) -> Stream:
    document, _target = await service.get_document(db, _viewer(request), document_id)
    version = service.version_of(document, number)
    try:
        chunks = await storage.stream(version.storage_key)
    except MissingFile as error:
        raise NotFound(_("The file of this document is missing from the storage. Ask the secretariat.")) from error
    return Stream(
        chunks,
        media_type=version.media_type,
        headers={
            **attachment(version.filename),
            "Content-Length": str(version.size),
            "X-Content-Type-Options": "nosniff",
        },
    )


@get("/documents/{document_id:int}/file", name="document_download", cache=False)
async def download_latest(request: Request, db: DB, storage: Storage, document_id: FromPath[int]) -> Stream:
    """The latest version's file."""
    return await _download(request, db, storage, document_id, None)


@get("/documents/{document_id:int}/versions/{number:int}/file", name="document_version_download", cache=False)
async def download_version(
    request: Request, db: DB, storage: Storage, document_id: FromPath[int], number: FromPath[int]
) -> Stream:
    return await _download(request, db, storage, document_id, number)


def router(settings: Settings) -> Router:
    """The pages of documents, with the request body this app's settings allow (only the
    uploads have a body)."""
    return Router(
        path="/",
        route_handlers=[
            meeting_documents,
            upload_to_meeting,
            item_documents,
            upload_to_item,
            position_documents,
            upload_to_position,
            progress_documents,
            upload_to_progress,
            document_page,
            download_latest,
            download_version,
        ],
        request_max_body_size=settings.upload_max_bytes + FORM_OVERHEAD,
        include_in_schema=False,
    )
