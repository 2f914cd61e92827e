"""The outbox page (secretariat only): every email, what it says, whether it went out."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.params import FromPath, FromQuery

from dialogue.accounts.permissions import SECRETARIAT
from dialogue.errors import Refused
from dialogue.i18n import _
from dialogue.listing import Column, Filters, list_context, list_sort, query_filters, query_number, table_file
from dialogue.mail import delivery, outbox, reading, worker
from dialogue.mail.models import OutboxStatus
from dialogue.mail.smtp import build_message
from dialogue.sorting import Sort
from dialogue.web import DB, Config, attachment, page_window, render, see_other

FILTERS = query_filters("status", "kind", "meeting", "q")


@get("/outbox", opt=SECRETARIAT, dependencies=FILTERS)
async def outbox_page(
    request: Request,
    db: DB,
    settings: Config,
    filters: Filters,
    offset: FromQuery[str | None] = None,
    sent: FromQuery[str | None] = None,
) -> Response[Any]:
    limit, start = page_window(settings.page_size, query_number(offset), settings.page_size)
    rows, total, query, sort = await _messages(request, db, **filters, limit=limit, offset=start)
    context = {
        "rows": rows,
        **list_context(total, limit, start, query, sort),
        "statuses": OutboxStatus.options(),
        "kinds": [(kind, reading.kind_label(kind)) for kind in await reading.kinds(db)],
        "kind_label": reading.kind_label,
        "counts": await reading.status_counts(db),
        "smtp_configured": bool(settings.smtp_url),
        "sent": query_number(sent),
    }
    return render(request, "mail/outbox.html", context, fragment="mail/_messages.html")


async def _messages(
    request: Request,
    db: DB,
    status: str | None,
    kind: str | None,
    meeting: str | None,
    q: str | None,
    limit: int | None,
    offset: int,
) -> tuple[list[Any], int, dict[str, Any], Sort]:
    chosen = OutboxStatus(status) if status in OutboxStatus.values() else None
    text, kind_ = (q or "").strip()[:200], (kind or "").strip()[:30]
    meeting_id = query_number(meeting)
    filters: dict[str, Any] = {
        "status": chosen.value if chosen else "",
        "kind": kind_,
        "meeting": meeting_id if meeting_id is not None else "",
        "q": text,
    }
    sort = list_sort(request.query_params, reading.SORT_KEYS, "written", filters, descending=True)
    rows, total = await reading.list_messages(
        db, status=chosen, kind=kind_, meeting_id=meeting_id, q=text, limit=limit, offset=offset, sort=sort
    )
    return rows, total, filters, sort


@get(["/outbox.csv", "/outbox.xlsx"], opt=SECRETARIAT, cache=False, dependencies=FILTERS)
async def outbox_export(request: Request, db: DB, filters: Filters) -> Response[bytes]:
    """Every message the outbox lists with these filters and this order (not their bodies)."""
    rows, _total, _query, _sort = await _messages(request, db, **filters, limit=None, offset=0)
    columns = [
        Column(_("Written"), lambda row: row[0].created_at),
        Column(_("Recipient"), lambda row: row[0].to_name),
        Column(_("Email"), lambda row: row[0].to_address),
        Column(_("Subject"), lambda row: row[0].subject),
        Column(_("About"), lambda row: reading.kind_label(row[0].kind) if row[0].kind else None),
        Column(_("Meeting"), lambda row: row[1]),
        Column(_("Status"), lambda row: row[0].status.label),
        Column(_("Tries"), lambda row: row[0].attempts),
        Column(_("Sent"), lambda row: row[0].sent_at),
    ]
    return table_file(request.url.path, _("outbox"), columns, rows)


@get("/outbox/{message_id:int}", opt=SECRETARIAT)
async def message_page(request: Request, db: DB, settings: Config, message_id: FromPath[int]) -> Response[Any]:
    message, meeting_title = await reading.get_message(db, message_id)
    context = {
        "message": message,
        "meeting_title": meeting_title,
        "kind_label": reading.kind_label,
        "smtp_configured": bool(settings.smtp_url),
        "can_retry": message.status in (OutboxStatus.PENDING, OutboxStatus.FAILED),
    }
    return render(request, "mail/message.html", context)


@get("/outbox/{message_id:int}/message.eml", opt=SECRETARIAT)
async def message_source(db: DB, settings: Config, message_id: FromPath[int]) -> Response[bytes]:
    """The message exactly as it goes to the SMTP server (but for its Date)."""
    message, _title = await reading.get_message(db, message_id)
    try:
        content = build_message(message, settings.mail_from, now=message.sent_at).as_bytes()
    except ValueError as error:
        raise Refused(_("This message cannot be built: {error}").format(error=error)) from error
    return Response(
        content=content,
        media_type="message/rfc822",
        headers=attachment(f"outbox-{message.id}.eml"),
    )


@post("/outbox/{message_id:int}/retry", opt=SECRETARIAT)
async def retry_message(request: Request, db: DB, settings: Config, message_id: FromPath[int]) -> Response[Any]:
    message, _title = await reading.get_message(db, message_id)
    await outbox.make_due(db, message)
    await db.commit()
    if settings.smtp_url:
        await _deliver(request, settings, ids=[message.id])
    return see_other(request, f"/outbox/{message.id}")


@post("/outbox/send", opt=SECRETARIAT)
async def send_due(request: Request, db: DB, settings: Config) -> Response[Any]:
    sent = await _deliver(request, settings)
    await outbox.record_delivery_round(db, sent)
    await db.commit()
    return see_other(request, f"/outbox?sent={sent}")


async def _deliver(request: Request, settings: Config, ids: list[int] | None = None) -> int:
    """One delivery round now, in this request (the worker does the same in the background)."""
    try:
        return await delivery.deliver_due(
            request.app.state.sessions, settings, worker_id=worker.new_worker_id(), ids=ids
        )
    except ValueError as error:  # DIALOGUE_SMTP_URL or DIALOGUE_MAIL_FROM is malformed
        raise Refused(_("The mail settings are not valid: {error}").format(error=error)) from error


routes: list[Any] = [
    Router(
        path="/",
        include_in_schema=False,
        route_handlers=[outbox_page, outbox_export, message_page, message_source, retry_message, send_due],
    )
]
