"""Sending the messages that are due: claimed with a lease, sent over SMTP, outcomes recorded."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogue.db import utcnow
from dialogue.mail.models import OutboxMessage, OutboxStatus
from dialogue.mail.smtp import (
    PermanentFailure,
    ServerUnavailable,
    SmtpConnection,
    SmtpServer,
    build_message,
    describe,
    sender_address,
)
from dialogue.settings import Settings

log = logging.getLogger("dialogue.mail")

# Wait before the next try, by number of tries so far; then every 6 hours.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(hours=1))
BACKOFF_LATER = dt.timedelta(hours=6)
MAX_ATTEMPTS = 10
ERROR_LENGTH = 2000


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try (1 min, 5, 15, 60, then 6 h)."""
    return BACKOFF[attempts - 1] if 1 <= attempts <= len(BACKOFF) else BACKOFF_LATER


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
    given = now

    def clock() -> dt.datetime:
        return given if given is not None else utcnow()

    now = clock()
    # Each message may take up to the timeout to connect and as long to send.
    lease = dt.timedelta(seconds=max(300.0, server.timeout * (2 * batch + 2)))
    started = time.monotonic()
    sender = sender_address(settings.mail_from)

    async with sessionmaker() as db:
        claimed = await _claim(db, worker_id=worker_id, now=now, lease_until=now + lease, batch=batch, ids=ids)
        if not claimed:
            return 0
        letters = (
            await db.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id))
        ).all()
        # Detached: each keeps the values it was claimed with, whatever the session does next.
        for letter in letters:
            db.expunge(letter)
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
                    await _record_failure(
                        db, letter.id, letter.attempts, worker_id, unavailable, moment, permanent=False
                    )
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
