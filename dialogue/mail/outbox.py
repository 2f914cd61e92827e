"""Email that is never lost: putting a message in the outbox, and the secretariat's "Retry now".

1. `enqueue(db, ...)` (here) adds a message to the caller's session: it exists if and only
   if the action that causes it is committed.
2. `deliver_due(...)` (delivery.py) claims due messages with a lease (PostgreSQL: `FOR
   UPDATE SKIP LOCKED`; SQLite: a compare-and-set UPDATE, SQLite serialising writers),
   commits the claim, sends over SMTP outside any transaction, then records the outcome of
   each message at once: sent, or the error and the next try (backoff), or failed after the
   last try. A message claimed by a worker that died is taken again once its lease expired.
3. `run_worker(...)` (worker.py) calls it every few seconds; `start_mail_worker` and
   `stop_mail_worker` run that worker inside the app when `DIALOGUE_SMTP_URL` is set.

Without SMTP configured nothing is sent: messages wait in the outbox, readable on /outbox
(reading.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.db import utcnow
from dialogue.errors import Refused
from dialogue.i18n import _
from dialogue.mail.delivery import MAX_ATTEMPTS
from dialogue.mail.models import CalendarMethod, OutboxMessage, OutboxStatus
from dialogue.mail.smtp import calendar_method_of

if TYPE_CHECKING:
    from dialogue.accounts.models import Account
    from dialogue.settings import Settings


def _one_line(value: str) -> str:
    # Header values: a line break would start a new header (header injection).
    return " ".join(value.split())


def account_language(account: Account, settings: Settings) -> str:
    """The language Dialogue writes to an account in: its person's, else the app's default."""
    if account.person is not None and account.person.language is not None:
        return account.person.language.value
    return settings.default_language


def account_address(account: Account) -> tuple[str, str]:
    """(address, name): the person's email when there is one, else the account's."""
    person = account.person
    if person is not None and person.email:
        return person.email, person.full_name
    return account.email, person.full_name if person is not None else ""


def enqueue_to_account(db: AsyncSession, account: Account, **message: Any) -> OutboxMessage:
    """`enqueue` one email to an account, at `account_address`, filed under its person."""
    address, name = account_address(account)
    return enqueue(db, to_address=address, to_name=name, person_id=account.person_id, **message)


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


async def make_due(db: AsyncSession, message: OutboxMessage, now: dt.datetime | None = None) -> None:
    """ "Retry now": a waiting or failed message is tried at the next delivery (one more try
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
