"""Reading the outbox: messages listed, counted and described (outbox page, meeting page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.errors import NotFound
from dialogue.i18n import N_, gettext
from dialogue.mail.models import OutboxMessage, OutboxStatus
from dialogue.meetings.models import Meeting
from dialogue.search import matches
from dialogue.sorting import Sort

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
    counts.update(rows.tuples().all())
    return counts


# What each kind of message is, in words. The kinds are stored as written by the code that
# enqueues the messages (calendar/invitations.py, calendar/digest.py, minutes/circulation.py).
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
    """One message and its meeting's title; NotFound when unknown."""
    row = (
        await db.execute(
            select(OutboxMessage, Meeting.title)
            .outerjoin(Meeting, Meeting.id == OutboxMessage.meeting_id)
            .where(OutboxMessage.id == message_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


async def messages_for_meeting(db: AsyncSession, meeting_id: int) -> list[OutboxMessage]:
    """Who was sent what about a meeting, oldest first (for the meeting page)."""
    rows = await db.scalars(
        select(OutboxMessage).where(OutboxMessage.meeting_id == meeting_id).order_by(OutboxMessage.id)
    )
    return list(rows.all())
