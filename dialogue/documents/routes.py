"""The pages of documents: a meeting's documents, the documents of one record (an agenda
item, a position, a progress note) with the form to add one, a document's versions with
the form to add a version, and the downloads.

Uploads take up to DIALOGUE_UPLOAD_MAX_MB (the body a little more: the fields and
multipart boundaries); a larger body is refused by Litestar before it is read, with the
translated 413 page of web.py. Every download checks who asks: a document internal to a
side is "not found" for everyone else. Creates carry a one-time key (a double click
uploads once).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Stream

from dialogue import idempotency
from dialogue.accounts.models import Account
from dialogue.accounts.permissions import Permission
from dialogue.documents import service
from dialogue.documents.models import Attachment, Document
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


def _kind(raw: str) -> Attachment:
    try:
        return Attachment(raw)
    except ValueError as error:
        raise NotFound() from error


async def _visible_target(request: Request, db: DB, kind: str, target_id: int) -> service.Target:
    target = await service.find_target(db, _kind(kind), target_id)
    service.ensure_sees_target(request.scope.get("user"), target)
    return target


def _target_url(target: service.Target) -> str:
    return f"/documents/for/{target.kind.value}/{target.id}"


def _back(raw: str, target: service.Target) -> str:
    """Where the form returns: the page it was on, among the few that show the form."""
    allowed = [_target_url(target)]
    if target.meeting is not None and target.kind is Attachment.MEETING:
        allowed += [f"/meetings/{target.meeting.id}#documents", f"/meetings/{target.meeting.id}/documents"]
    return raw if raw in allowed else allowed[0]


def _limits(settings: Settings) -> dict[str, Any]:
    return {"max_mb": settings.upload_max_mb, "accept": ACCEPT}


async def _target_context(request: Request, db: DB, settings: Settings, target: service.Target) -> dict[str, Any]:
    account = request.scope.get("user")
    documents = await service.documents_of(db, account, target)
    return {
        "target": target,
        "documents": documents,
        "may_upload": service.may_upload(account, target),
        "form_url": _target_url(target),
        "back": _target_url(target),
        **_limits(settings),
    }


async def _upload_of(data: Any, max_bytes: int) -> service.Upload | None:
    """The uploaded file, read up to one byte past the limit (enough to say it is too large)."""
    file = data.get("file")
    if not isinstance(file, UploadFile) or not (file.filename or "").strip():
        return None
    try:
        return service.Upload(file.filename, await file.read(max_bytes + 1))
    finally:
        await file.close()


@get("/meetings/{meeting_id:int}/documents", name="meeting_documents", cache=False)
async def meeting_documents(request: Request, db: DB, settings: Config, meeting_id: FromPath[int]) -> Template:
    """Every document of the meeting the person sees (the invitation links here)."""
    target = await _visible_target(request, db, "meeting", meeting_id)
    context = {
        "meeting": target.meeting,
        "documents_section": await service.meeting_section(db, request.scope.get("user"), target),
        "back": f"/meetings/{meeting_id}/documents",
        **_limits(settings),
    }
    return render(request, "documents/meeting.html", context, fragment="documents/_meeting_section.html")


@get("/documents/for/{kind:str}/{target_id:int}", name="documents_of_record", cache=False)
async def record_documents(
    request: Request, db: DB, settings: Config, kind: FromPath[str], target_id: FromPath[int]
) -> Template:
    target = await _visible_target(request, db, kind, target_id)
    return render(request, "documents/record.html", await _target_context(request, db, settings, target))


@post("/documents/for/{kind:str}/{target_id:int}", name="document_upload", opt=SIDE)
async def upload_document(
    request: Request,
    db: DB,
    settings: Config,
    storage: Storage,
    kind: FromPath[str],
    target_id: FromPath[int],
) -> Any:
    data = await request.form()
    form = Form(data)
    await idempotency.replay(db, request, form)
    account = _account(request)
    target = await _visible_target(request, db, kind, target_id)
    service.ensure_may_upload(account, target)
    title = form.text("title", max_length=300)
    upload = await _upload_of(data, settings.upload_max_bytes)
    try:
        form.check()
        checked = service.check_file(upload, settings.upload_max_bytes)
    except Invalid as error:
        context = await _target_context(request, db, settings, target)
        values = {key: value for key, value in form.values.items() if key != "file"}
        template = "documents/record.html"
        if target.kind is Attachment.MEETING:
            section = await service.meeting_section(db, account, target)
            context = {**context, "meeting": target.meeting, "documents_section": section}
            template = "documents/meeting.html"
        return render_invalid(request, template, context, Invalid(error.errors, values))
    draft = service.read_draft(title, form.raw("visibility") == "internal", checked)
    back = _back(form.raw("back"), target)
    async with storage.staged(checked.content, checked.kind.media_type, checked.kind.extension) as key:
        await service.add_document(db, account, target, draft, checked, key)
        await idempotency.remember(db, request, form, back)
        await db.commit()
    return see_other(request, back)


@get("/documents/{document_id:int}", name="document", cache=False)
async def document_page(request: Request, db: DB, settings: Config, document_id: FromPath[int]) -> Template:
    document, target = await service.get_document(db, request.scope.get("user"), document_id)
    return render(request, "documents/document.html", _document_context(request, document, target, settings))


def _document_context(
    request: Request, document: Document, target: service.Target, settings: Settings
) -> dict[str, Any]:
    return {
        "document": document,
        "target": target,
        "target_url": _target_url(target),
        "may_upload": service.may_upload(request.scope.get("user"), target),
        **_limits(settings),
    }


@post("/documents/{document_id:int}/versions", name="document_version_upload", opt=SIDE)
async def upload_version(
    request: Request, db: DB, settings: Config, storage: Storage, document_id: FromPath[int]
) -> Any:
    data = await request.form()
    form = Form(data)
    await idempotency.replay(db, request, form)
    account = _account(request)
    document, target = await service.get_document(db, account, document_id)
    service.ensure_may_upload(account, target)
    try:
        checked = service.check_file(await _upload_of(data, settings.upload_max_bytes), settings.upload_max_bytes)
    except Invalid as error:
        context = _document_context(request, document, target, settings)
        return render_invalid(request, "documents/document.html", context, Invalid(error.errors, {}))
    url = f"/documents/{document.id}"
    async with storage.staged(checked.content, checked.kind.media_type, checked.kind.extension) as key:
        await service.add_version(db, account, document, target, checked, key)
        await idempotency.remember(db, request, form, url)
        await db.commit()
    return see_other(request, url)


async def _download(request: Request, db: DB, storage: Storage, document_id: int, number: int | None) -> Stream:
    document, _target = await service.get_document(db, request.scope.get("user"), document_id)
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
            record_documents,
            upload_document,
            document_page,
            upload_version,
            download_latest,
            download_version,
        ],
        request_max_body_size=settings.upload_max_bytes + FORM_OVERHEAD,
        include_in_schema=False,
    )
