"""Adopted minutes close their meeting's record: its date, status, attendance and agenda
(items, their order, positions and outcomes) stay as the sides approved them. A later
correction is a dated addendum to the minutes, never an edit of the record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.errors import Refused
from dialogue.i18n import _
from dialogue.minutes.models import Minutes, MinutesStatus


async def record_closed(db: AsyncSession, meeting_id: int | None) -> bool:
    """Whether the minutes of the meeting have been adopted."""
    if meeting_id is None:
        return False
    status = await db.scalar(select(Minutes.status).where(Minutes.meeting_id == meeting_id))
    return status is MinutesStatus.ADOPTED


async def ensure_record_open(db: AsyncSession, meeting_id: int | None) -> None:
    """`Refused` (409) when the meeting's minutes are adopted."""
    if await record_closed(db, meeting_id):
        raise Refused(
            _(
                "The minutes of this meeting have been adopted: its date, attendance and agenda "
                "can no longer be changed. Correct the record with an addendum to the minutes."
            )
        )
