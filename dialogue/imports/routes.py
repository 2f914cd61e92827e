"""The import pages (the secretariat's): upload a file, see what each row will do, confirm.

The upload is kept in the database between the preview and the confirmation (any server
process may answer either); a session that ended before the confirmation sends the person
to sign in, then back to the preview, the upload still there. Confirm carries a one-time
key: a double click imports once.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_413_REQUEST_ENTITY_TOO_LARGE, HTTP_422_UNPROCESSABLE_ENTITY
from sqlalchemy import select

from dialogue import i18n, idempotency
from dialogue.accounts.permissions import SECRETARIAT
from dialogue.audit.models import AuditEvent
from dialogue.errors import NotFound, Refused
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.imports import service
from dialogue.imports.columns import FIELDS, ImportKind
from dialogue.imports.models import ImportUpload
from dialogue.imports.plan import Plan
from dialogue.imports.reading import MAX_BYTES, too_large_message
from dialogue.listing import Column, table_file
from dialogue.web import DB, Template, render, see_other

# The file, and the few fields and multipart boundaries around it.
BODY_LIMIT = MAX_BYTES + 64 * 1024


def _choices(data: Any) -> dict[int, str]:
    """The columns the person chose by hand (`map_0`, `map_1`...): index -> field key."""
    choices = {}
    for name in data:
        number = name.removeprefix("map_")
        if name.startswith("map_") and number.isdigit() and len(number) < 4:
            choices[int(number)] = str(data.get(name, "")).strip()
    return choices


def _account_id(request: Request) -> int:
    return int(request.scope["user"].id)


def _upload_page(
    request: Request, *, error: str = "", kind: str = "", status_code: int = 200, **extra: Any
) -> Template:
    context = {"kinds": ImportKind.options(), "error": error, "kind": kind, "max_mb": MAX_BYTES // (1024 * 1024)}
    return render(request, "imports/upload.html", {**context, **extra}, status_code=status_code)


@get("/import", opt=SECRETARIAT)
async def import_page(request: Request, db: DB, imported: FromQuery[int | None] = None) -> Template:
    done = None
    if imported is not None:
        done = await db.scalar(
            select(AuditEvent.summary)
            .where(AuditEvent.entity == "import_upload", AuditEvent.entity_id == imported)
            .order_by(AuditEvent.id.desc())  # an id SQLite gave again after a deletion: the latest
            .limit(1)
        )
    return _upload_page(request, done=done)


@post("/import", opt=SECRETARIAT, request_max_body_size=BODY_LIMIT)
async def upload(request: Request, db: DB) -> Response[Any]:
    data = await request.form()
    form = Form(data)
    kind = form.choice("kind", ImportKind)
    file = data.get("file")
    if kind is None:
        return _upload_page(request, error=_("Choose what the file holds."), status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    if not isinstance(file, UploadFile):
        return _upload_page(
            request, error=_("Choose a file."), kind=kind.value, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        return _upload_page(
            request, error=too_large_message(), kind=kind.value, status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    try:
        stored = await service.store_upload(db, _account_id(request), kind, file.filename or "", content)
    except Refused as refused:
        return _upload_page(request, error=refused.message, kind=kind.value, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    await db.commit()
    return see_other(request, f"/import/{stored.id}")


async def _preview_context(db: DB, upload_: ImportUpload, plan: Plan, **extra: Any) -> dict[str, Any]:
    return {
        "upload": upload_,
        "plan": plan,
        "kind": ImportKind(upload_.kind),
        "fields": FIELDS[ImportKind(upload_.kind)],
        "actions": {"create": _("New"), "update": _("Changed"), "same": _("Unchanged"), "invalid": _("Not valid")},
        **extra,
    }


@get("/import/{upload_id:int}", opt=SECRETARIAT)
async def preview_page(request: Request, db: DB, upload_id: FromPath[int]) -> Template:
    upload_ = await service.get_upload(db, upload_id, _account_id(request))
    plan = await service.preview(db, upload_, _choices(request.query_params))
    return render(request, "imports/preview.html", await _preview_context(db, upload_, plan))


@post("/import/{upload_id:int}", opt=SECRETARIAT)
async def confirm(request: Request, db: DB, upload_id: FromPath[int]) -> Response[Any]:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    upload_ = await service.get_upload(db, upload_id, _account_id(request))
    # Remembered first: a second click waits on this key, then goes where the first went.
    await idempotency.remember(db, request, form, f"/import?imported={upload_id}")
    choices = _choices(form.data)
    try:
        await service.run_import(db, upload_, choices, skip_invalid=form.boolean("skip_invalid"), today=i18n.today())
    except Refused as refused:
        await db.rollback()
        upload_ = await service.get_upload(db, upload_id, _account_id(request))
        plan = await service.preview(db, upload_, choices)
        context = await _preview_context(db, upload_, plan, refusal=refused.message)
        return render(request, "imports/preview.html", context, status_code=HTTP_409_CONFLICT)
    await db.commit()
    return see_other(request, f"/import?imported={upload_id}")


@get("/import/{kind:str}/template.csv", opt=SECRETARIAT, cache=False)
async def template_file(request: Request, kind: FromPath[str]) -> Response[bytes]:
    """An empty file with the headers an import of `kind` reads, in the person's language."""
    try:
        chosen = ImportKind(kind)
    except ValueError as error:
        raise NotFound() from error
    columns = [Column(spec.shown, lambda _row: "") for spec in FIELDS[chosen]]
    return table_file(request.url.path, chosen.label.lower(), columns, [])


routes: list[Any] = [
    Router(
        path="/", include_in_schema=False, route_handlers=[import_page, upload, preview_page, confirm, template_file]
    )
]
