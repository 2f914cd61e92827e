"""Email that is never lost.

1. `enqueue(db, ...)` adds a message to the caller's session: it exists if and only if the
   action that causes it is committed.
2. `deliver_due(...)` claims due messages with a lease (PostgreSQL: `FOR UPDATE SKIP
   LOCKED`; SQLite: a compare-and-set UPDATE, SQLite serialising writers), commits the
   claim, sends over SMTP outside any transaction, then records the outcome of each message
   at once: sent, or the error and the next try (backoff), or failed after the last try.
   A message claimed by a worker that died is taken again once its lease has expired.
3. `run_worker(...)` calls it every few seconds; `start_mail_worker`/`stop_mail_worker`
   run that worker inside the app when `DIALOGUE_SMTP_URL` is set.

Without SMTP configured nothing is sent: messages wait in the outbox, readable on /outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.db import utcnow
from dialogue.i18n import N_, _, gettext
from dialogue.mail.models import CalendarMethod, OutboxMessage, OutboxStatus
from dialogue.mail.smtp import (
    PermanentFailure,
    ServerUnavailable,
    SmtpConnection,
    SmtpServer,
    build_message,
    calendar_method_of,
    describe,
    sender_address,
)
from dialogue.meetings.models import Meeting
from dialogue.listing import Sort
from dialogue.search import matches
from dialogue.settings import Settings
from dialogue.web import Refused

log = logging.getLogger("dialogue.mail")

# Wait before the next try, by number of tries so far; then every 6 hours.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(hours=1))
BACKOFF_LATER = dt.timedelta(hours=6)
MAX_ATTEMPTS = 10
ERROR_LENGTH = 2000


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try (1 min, 5, 15, 60, then 6 h)."""
    return BACKOFF[attempts - 1] if 1 <= attempts <= len(BACKOFF) else BACKOFF_LATER


def _one_line(value: str) -> str:
    # Header values: a line break would start a new header (header injection).
    return " ".join(value.split())


def enqueue(
    db: AsyncSession,
    *,
    to_address: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    to_name: str = "",
    language: str = "fr",
    calendar: str | None = None,
    calendar_method: CalendarMethod | str | None = None,
    kind: str | None = None,
    meeting_id: int | None = None,
    person_id: int | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage:
    """Put one email in the outbox, in the caller's transaction (nothing is committed here).

    The caller commits with the action that causes the message; a rollback drops it. The
    calendar's METHOD (REQUEST, CANCEL, PUBLISH) is read from the calendar when not given,
    and must match it when given. `await db.flush()` to learn the message's id.
    """
    address = to_address.strip()
    if not address or "@" not in address or len(address) > 254 or any(c.isspace() for c in address):
        raise ValueError(f"not an email address: {to_address!r}")
    method = None
    if calendar:
        found = calendar_method_of(calendar)
        method = CalendarMethod(str(calendar_method).upper()) if calendar_method else None
        if found is not None and method is not None and found != method.value:
            raise ValueError(f"calendar_method {method.value} but the calendar says METHOD:{found}")
        method = method or (CalendarMethod(found) if found else None)
    message = OutboxMessage(
        to_address=address,
        to_name=_one_line(to_name)[:200],
        language=language[:5],
        subject=_one_line(subject)[:998],
        text_body=text_body,
        html_body=html_body or "",
        calendar=calendar or None,
        calendar_method=method,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now or utcnow(),
        kind=kind,
        meeting_id=meeting_id,
        person_id=person_id,
    )
    db.add(message)
    return message


# Claiming ------------------------------------------------------------------------------


def _due(now: dt.datetime) -> list[Any]:
    return [
        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    ]


def _claim_values(worker_id: str, lease_until: dt.datetime) -> dict[str, Any]:
    return {
        "status": OutboxStatus.SENDING,
        "claimed_by": worker_id,
        "claimed_until": lease_until,
        "attempts": OutboxMessage.attempts + 1,
    }


async def _claim(
    db: AsyncSession,
    *,
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    batch: int,
    ids: Sequence[int] | None,
) -> list[int]:
    """Claim up to `batch` due messages for `worker_id`; the claim is committed on return."""
    conditions = _due(now)
    if ids is not None:
        conditions.append(OutboxMessage.id.in_(list(ids)))
    candidates = (
        select(OutboxMessage.id)
        .where(*conditions)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
    )
    if db.get_bind().dialect.name == "postgresql":
        # Rows another worker is claiming are skipped, not waited for; the WHERE is checked
        # again on the latest version of each row, so a row claimed meanwhile is left out.
        claimed = list((await db.scalars(candidates.with_for_update(skip_locked=True))).all())
        if claimed:
            await db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(claimed))
                .values(**_claim_values(worker_id, lease_until))
                .execution_options(synchronize_session=False)
            )
        await db.commit()
        return claimed
    # SQLite: no row locks, but one writer at a time; each row is claimed only if it is
    # still free when our UPDATE runs (compare-and-set), which the row count tells.
    found = list((await db.scalars(candidates)).all())
    await db.commit()  # end the read before writing (a stale read snapshot cannot write in WAL)
    claimed = []
    try:
        for message_id in found:
            result = await db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, *_due(now))
                .values(**_claim_values(worker_id, lease_until))
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(message_id)
        await db.commit()
    except OperationalError:
        # The database stayed locked past its busy timeout: claim nothing this round.
        await db.rollback()
        log.warning("outbox: database busy, no message claimed by %s", worker_id)
        return []
    return claimed


# Recording outcomes --------------------------------------------------------------------


async def _record_sent(db: AsyncSession, message_id: int, now: dt.datetime) -> None:
    # Sent is the truth even if our lease expired meanwhile: record it unconditionally.
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, claimed_by=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    await db.commit()


async def _record_failure(
    db: AsyncSession, message_id: int, attempts: int, worker_id: str, error: str, now: dt.datetime, *, permanent: bool
) -> None:
    give_up = permanent or attempts >= MAX_ATTEMPTS
    values: dict[str, Any] = {
        "status": OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
        "last_error": error[:ERROR_LENGTH],
        "claimed_until": None,
        "claimed_by": None,
    }
    if not give_up:
        values["next_attempt_at"] = now + backoff(attempts)
    # Only while the claim is still ours: another worker may have taken an expired lease.
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await db.commit()


# Delivering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Letter:
    """A claimed message, detached from the session that loaded it."""

    id: int
    to_address: str
    to_name: str
    language: str
    subject: str
    text_body: str
    html_body: str
    calendar: str | None
    calendar_method: Any
    attempts: int


def smtp_server(settings: Settings) -> SmtpServer | None:
    """The configured SMTP server, or None when mail stays in the outbox."""
    return SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    worker_id: str,
    now: dt.datetime | None = None,
    batch: int = 20,
    ids: Sequence[int] | None = None,
) -> int:
    """Send the messages that are due (only `ids` among them, when given); the number sent.

    Each message is sent at most once per claim: a worker claims rows with a lease long
    enough for the whole batch and stops before the lease runs out. With no SMTP server
    configured, nothing is claimed and nothing changes.
    """
    server = smtp_server(settings)
    if server is None:
        return 0
    # A given `now` (tests) holds for the whole round; otherwise each outcome has its own time.
    clock = (lambda: now) if now is not None else utcnow
    now = clock()
    # Each message may take up to the timeout to connect and as long to send.
    lease = dt.timedelta(seconds=max(300.0, server.timeout * (2 * batch + 2)))
    started = time.monotonic()
    sender = sender_address(settings.mail_from)

    async with sessionmaker() as db:
        claimed = await _claim(db, worker_id=worker_id, now=now, lease_until=now + lease, batch=batch, ids=ids)
        if not claimed:
            return 0
        rows = (
            await db.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id))
        ).all()
        letters = [
            _Letter(
                id=row.id,
                to_address=row.to_address,
                to_name=row.to_name,
                language=row.language,
                subject=row.subject,
                text_body=row.text_body,
                html_body=row.html_body,
                calendar=row.calendar,
                calendar_method=row.calendar_method,
                attempts=row.attempts,
            )
            for row in rows
        ]
        await db.commit()

        sent = 0
        connection = SmtpConnection(server)
        unavailable: str | None = None
        try:
            for letter in letters:
                moment = clock()
                if unavailable is not None or time.monotonic() - started > lease.total_seconds() - 2 * server.timeout:
                    # The server is down (same error for the rest of the batch) or the lease
                    # is running out: give the message back with its next try planned.
                    error = unavailable or "lease expired before this message could be sent"
                    await _record_failure(db, letter.id, letter.attempts, worker_id, error, moment, permanent=False)
                    continue
                try:
                    mime = build_message(letter, settings.mail_from, now=moment)
                except Exception as error:  # noqa: BLE001  (a message that cannot be built never will be)
                    log.warning("outbox message %s cannot be built: %s", letter.id, error)
                    await _record_failure(
                        db, letter.id, letter.attempts, worker_id, describe(error), moment, permanent=True
                    )
                    continue
                try:
                    await connection.send(mime, sender, letter.to_address)
                except ServerUnavailable as error:
                    unavailable = str(error)
                    log.warning("SMTP server unavailable: %s", unavailable)
                    await _record_failure(db, letter.id, letter.attempts, worker_id, unavailable, moment, permanent=False)
                except PermanentFailure as error:
                    log.warning("outbox message %s refused: %s", letter.id, error)
                    await _record_failure(db, letter.id, letter.attempts, worker_id, str(error), moment, permanent=True)
                except Exception as error:  # noqa: BLE001  (any other failure: try again later)
                    log.warning("outbox message %s not sent: %s", letter.id, describe(error))
                    await _record_failure(
                        db, letter.id, letter.attempts, worker_id, describe(error), moment, permanent=False
                    )
                else:
                    await _record_sent(db, letter.id, moment)
                    sent += 1
        finally:
            await connection.close()
    return sent


async def make_due(db: AsyncSession, message: OutboxMessage, now: dt.datetime | None = None) -> None:
    """"Retry now": a waiting or failed message is tried at the next delivery (one more try
    for a failed one). The caller commits."""
    now = now or utcnow()
    if message.status is OutboxStatus.SENT:
        raise Refused(_("This message has already been sent."))
    if message.status is OutboxStatus.SENDING and message.claimed_until and message.claimed_until >= now:
        raise Refused(_("This message is being sent right now."))
    await record(
        db,
        AuditAction.STATUS,
        summary=message.subject,
        entity="outbox_message",
        entity_id=message.id,
        changes={"status": [message.status.value, OutboxStatus.PENDING.value]},
    )
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now
    message.claimed_until = None
    message.claimed_by = None
    if message.attempts >= MAX_ATTEMPTS:
        message.attempts = MAX_ATTEMPTS - 1
    await db.flush()


async def record_delivery_round(db: AsyncSession, sent: int) -> None:
    """The secretariat's "Send now" in the audit trail, with how many messages went."""
    await record(db, AuditAction.SEND, entity="outbox_message", changes={"sent": [None, sent]})


# The worker ----------------------------------------------------------------------------


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    stop_event: asyncio.Event,
    interval: float = 10,
    *,
    worker_id: str | None = None,
) -> None:
    """Deliver due messages every `interval` seconds until `stop_event` is set. A failing
    round (database unreachable...) is logged and the next one tries again."""
    worker_id = worker_id or new_worker_id()
    log.info("mail worker %s started", worker_id)
    while not stop_event.is_set():
        try:
            sent = await deliver_due(sessionmaker, settings, worker_id=worker_id)
            if sent:
                log.info("mail worker %s sent %d message(s)", worker_id, sent)
        except Exception:
            log.exception("mail worker %s: delivery round failed", worker_id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop_event.wait(), timeout=interval)
    log.info("mail worker %s stopped", worker_id)


async def start_mail_worker(app: Any) -> None:
    """App start-up hook: run the worker in the background when SMTP is configured.

    Fails the start-up on a malformed `DIALOGUE_SMTP_URL` rather than at the first message.
    """
    settings: Settings = app.state.settings
    if smtp_server(settings) is None:
        return
    sender_address(settings.mail_from)
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(app.state.sessions, settings, stop), name="dialogue-mail-worker")
    app.state.mail_worker = (stop, task)


async def stop_mail_worker(app: Any) -> None:
    """App shutdown hook: let the current round finish, then stop (before the engine goes)."""
    worker = getattr(app.state, "mail_worker", None)
    if worker is None:
        return
    stop, task = worker
    stop.set()
    try:
        await asyncio.wait_for(task, timeout=60)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    app.state.mail_worker = None


# Reading (the outbox page, the meeting page) -------------------------------------------


SORT_KEYS = ("written", "recipient", "subject", "about", "status", "tries", "sent")


def _sort_columns() -> dict[str, tuple[Any, ...]]:
    return {
        "written": (OutboxMessage.created_at,),
        "recipient": (func.lower(func.coalesce(func.nullif(OutboxMessage.to_name, ""), OutboxMessage.to_address)),),
        "subject": (func.lower(OutboxMessage.subject),),
        "about": (OutboxMessage.kind, func.lower(Meeting.title)),
        "status": (OutboxMessage.status,),
        "tries": (OutboxMessage.attempts,),
        "sent": (func.coalesce(OutboxMessage.sent_at, OutboxMessage.next_attempt_at),),
    }


async def list_messages(
    db: AsyncSession,
    *,
    status: OutboxStatus | None = None,
    kind: str = "",
    meeting_id: int | None = None,
    q: str = "",
    limit: int | None,
    offset: int,
    sort: Sort | None = None,
) -> tuple[list[tuple[OutboxMessage, str | None]], int]:
    """Messages, newest first (or in the order of `sort`), each with its meeting's title
    (or None); and the total."""
    conditions: list[Any] = []
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    if kind:
        conditions.append(OutboxMessage.kind == kind)
    if meeting_id is not None:
        conditions.append(OutboxMessage.meeting_id == meeting_id)
    if q:
        conditions.append(matches(OutboxMessage.search_text, q))
    total = await db.scalar(select(func.count()).select_from(OutboxMessage).where(*conditions)) or 0
    rows = await db.execute(
        select(OutboxMessage, Meeting.title)
        .outerjoin(Meeting, Meeting.id == OutboxMessage.meeting_id)
        .where(*conditions)
        .order_by(*(sort.clauses(_sort_columns(), (OutboxMessage.id.desc(),)) if sort else (OutboxMessage.id.desc(),)))
        .limit(limit)
        .offset(offset)
    )
    return [(message, title) for message, title in rows.all()], total


async def status_counts(db: AsyncSession) -> dict[OutboxStatus, int]:
    """How many messages in each status (every status present, zero included)."""
    rows = await db.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({status: count for status, count in rows.all()})
    return counts


# What each kind of message is, in words. The kinds are stored as written by the code that
# enqueues the messages (calendar/invitations.py, calendar/digest.py, minutes/service.py).
KIND_LABELS = {
    "invitation": N_("Invitation to a meeting"),
    "update": N_("Updated invitation"),
    "cancellation": N_("Cancellation"),
    "digest": N_("Weekly digest of commitments"),
    "minutes": N_("Minutes"),
}


def kind_label(kind: str | None) -> str:
    """The kind of a message in the reader's language; a kind this list does not know is
    shown as stored rather than hidden."""
    if not kind:
        return ""
    return gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


async def kinds(db: AsyncSession) -> list[str]:
    """The kinds of message in the outbox, for the filter."""
    rows = await db.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.kind.is_not(None)).distinct().order_by(OutboxMessage.kind)
    )
    return [kind for kind in rows.all() if kind]


async def get_message(db: AsyncSession, message_id: int) -> tuple[OutboxMessage, str | None]:
    """One message and its meeting's title; NotFoundException when unknown."""
    row = (
        await db.execute(
            select(OutboxMessage, Meeting.title)
            .outerjoin(Meeting, Meeting.id == OutboxMessage.meeting_id)
            .where(OutboxMessage.id == message_id)
        )
    ).first()
    if row is None:
        raise NotFoundException()
    return row[0], row[1]


async def messages_for_meeting(db: AsyncSession, meeting_id: int) -> list[OutboxMessage]:
    """Who was sent what about a meeting, oldest first (for the meeting page)."""
    rows = await db.scalars(
        select(OutboxMessage).where(OutboxMessage.meeting_id == meeting_id).order_by(OutboxMessage.id)
    )
    return list(rows.all())
