"""The outbox page (secretariat only): every email, what it says, whether it went out."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery

from dialogue.accounts.permissions import Permission
from dialogue.i18n import _
from dialogue.mail import outbox
from dialogue.mail.models import OutboxStatus
from dialogue.mail.smtp import build_message
from dialogue.web import DB, Config, Page, Refused, page_window, render, see_other

SECRETARIAT = {"permission": Permission.SECRETARIAT}


def _number(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number < 2**63 else None


@get("/outbox", opt=SECRETARIAT)
async def outbox_page(
    request: Request,
    db: DB,
    settings: Config,
    status: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    meeting: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
    sent: FromQuery[str | None] = None,
) -> Response[Any]:
    chosen = OutboxStatus(status) if status in OutboxStatus.values() else None
    text, kind_ = (q or "").strip()[:200], (kind or "").strip()[:30]
    meeting_id = _number(meeting)
    limit, start = page_window(settings.page_size, _number(offset), settings.page_size)
    rows, total = await outbox.list_messages(
        db, status=chosen, kind=kind_, meeting_id=meeting_id, q=text, limit=limit, offset=start
    )
    filters = {
        "status": chosen.value if chosen else "",
        "kind": kind_,
        "meeting": meeting_id if meeting_id is not None else "",
        "q": text,
    }
    context = {
        "rows": rows,
        "page": Page(total=total, limit=limit, offset=start, query=filters),
        "filters": filters,
        "statuses": OutboxStatus.options(),
        "kinds": [(kind, outbox.kind_label(kind)) for kind in await outbox.kinds(db)],
        "kind_label": outbox.kind_label,
        "counts": await outbox.status_counts(db),
        "smtp_configured": bool(settings.smtp_url),
        "sent": _number(sent),
    }
    return render(request, "mail/outbox.html", context, fragment="mail/_messages.html")


@get("/outbox/{message_id:int}", opt=SECRETARIAT)
async def message_page(request: Request, db: DB, settings: Config, message_id: FromPath[int]) -> Response[Any]:
    message, meeting_title = await outbox.get_message(db, message_id)
    context = {
        "message": message,
        "meeting_title": meeting_title,
        "kind_label": outbox.kind_label,
        "smtp_configured": bool(settings.smtp_url),
        "can_retry": message.status in (OutboxStatus.PENDING, OutboxStatus.FAILED),
    }
    return render(request, "mail/message.html", context)


@get("/outbox/{message_id:int}/message.eml", opt=SECRETARIAT)
async def message_source(db: DB, settings: Config, message_id: FromPath[int]) -> Response[bytes]:
    """The message exactly as it goes to the SMTP server (but for its Date)."""
    message, _title = await outbox.get_message(db, message_id)
    try:
        content = build_message(message, settings.mail_from, now=message.sent_at).as_bytes()
    except ValueError as error:
        raise Refused(_("This message cannot be built: {error}").format(error=error)) from error
    return Response(
        content=content,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="outbox-{message.id}.eml"'},
    )


@post("/outbox/{message_id:int}/retry", opt=SECRETARIAT)
async def retry_message(request: Request, db: DB, settings: Config, message_id: FromPath[int]) -> Response[Any]:
    message, _title = await outbox.get_message(db, message_id)
    await outbox.make_due(db, message)
    await db.commit()
    if settings.smtp_url:
        await _deliver(request, settings, ids=[message.id])
    return see_other(request, f"/outbox/{message.id}")


@post("/outbox/send", opt=SECRETARIAT)
async def send_due(request: Request, settings: Config) -> Response[Any]:
    sent = await _deliver(request, settings)
    return see_other(request, f"/outbox?sent={sent}")


async def _deliver(request: Request, settings: Config, ids: list[int] | None = None) -> int:
    """One delivery round now, in this request (the worker does the same in the background)."""
    try:
        return await outbox.deliver_due(
            request.app.state.sessions, settings, worker_id=outbox.new_worker_id(), ids=ids
        )
    except ValueError as error:  # DIALOGUE_SMTP_URL or DIALOGUE_MAIL_FROM is malformed
        raise Refused(_("The mail settings are not valid: {error}").format(error=error)) from error


routes: list[Any] = [
    Router(
        path="/",
        include_in_schema=False,
        route_handlers=[outbox_page, message_page, message_source, retry_message, send_due],
    )
]
