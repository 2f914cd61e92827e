"""`/export`: the secretariat downloads the whole record, the same archive as
`dialogue export` (dialogue/archive/service.py)."""

from __future__ import annotations

from litestar import Request, Response, get

from dialogue import i18n
from dialogue.accounts.permissions import Permission
from dialogue.archive import service
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.web import DB, Template, attachment, render


def archive_name() -> str:
    """dialogue-archive-YYYY-MM-DD.zip, the day in the council's time zone."""
    return f"dialogue-archive-{i18n.today().isoformat()}.zip"


@get("/export", name="archive:page", cache=False, opt={"permission": Permission.SECRETARIAT})
async def export_page(request: Request) -> Template:
    """What the archive holds and leaves out, how to restore it, and the download."""
    context = {"filename": archive_name(), "format_version": service.FORMAT_VERSION}
    return render(request, "archive/export.html", context)


@get("/export/archive.zip", name="archive:download", cache=False, opt={"permission": Permission.SECRETARIAT})
async def export_download(request: Request, db: DB) -> Response[bytes]:
    """The archive of the whole record, read in one transaction and built off the event loop.
    The trail records who took it (after the snapshot: the archive does not hold its own
    download)."""
    content = await service.export_archive(request.app.state.engine)
    name = archive_name()
    await record(db, AuditAction.EXPORT, summary=name)
    await db.commit()
    return Response(content=content, media_type="application/zip", headers=attachment(name))


routes = [export_page, export_download]
