"""Reading the minutes of a meeting from the database: versions, decisions, comments, addenda, summaries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.errors import Refused
from dialogue.i18n import _
from dialogue.minutes.models import (
    Minutes,
    MinutesAddendum,
    MinutesDecision,
    MinutesItemComment,
    MinutesItemNote,
    MinutesVersion,
)
from dialogue.people.models import Side

PARTY_ORDER = {side: rank for rank, side in enumerate(Side)}


async def get_minutes(db: AsyncSession, meeting_id: int, *, for_update: bool = False) -> Minutes | None:
    """The minutes of the meeting, or None. `for_update` locks the row (PostgreSQL) so that
    two decisions arriving together see each other before deciding on adoption."""
    statement = select(Minutes).where(Minutes.meeting_id == meeting_id)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return await db.scalar(statement)


async def require_minutes(db: AsyncSession, meeting_id: int, *, for_update: bool = False) -> Minutes:
    """The minutes of the meeting, or a refusal that says there are none yet."""
    minutes = await get_minutes(db, meeting_id, for_update=for_update)
    if minutes is None:
        raise Refused(_("This meeting has no minutes yet."))
    return minutes


async def versions_of(db: AsyncSession, minutes: Minutes) -> list[MinutesVersion]:
    """The circulated versions, oldest first."""
    statement = select(MinutesVersion).where(MinutesVersion.minutes_id == minutes.id).order_by(MinutesVersion.number)
    return list(await db.scalars(statement))


async def get_version(db: AsyncSession, minutes: Minutes, number: int) -> MinutesVersion | None:
    return await db.scalar(
        select(MinutesVersion).where(MinutesVersion.minutes_id == minutes.id, MinutesVersion.number == number)
    )


async def decisions_of(db: AsyncSession, version_ids: Sequence[int]) -> dict[int, list[MinutesDecision]]:
    """Decisions by version id, in party order."""
    found: dict[int, list[MinutesDecision]] = {version_id: [] for version_id in version_ids}
    if not version_ids:
        return found
    rows = await db.scalars(select(MinutesDecision).where(MinutesDecision.version_id.in_(list(version_ids))))
    for decision in sorted(rows, key=lambda d: (PARTY_ORDER[d.side], d.id)):
        found[decision.version_id].append(decision)
    return found


async def comments_of(db: AsyncSession, decision_ids: Sequence[int]) -> dict[int, list[MinutesItemComment]]:
    """Per-item comments by decision id."""
    found: dict[int, list[MinutesItemComment]] = {decision_id: [] for decision_id in decision_ids}
    if not decision_ids:
        return found
    rows = await db.scalars(
        select(MinutesItemComment)
        .where(MinutesItemComment.decision_id.in_(list(decision_ids)))
        .order_by(MinutesItemComment.id)
    )
    for comment in rows:
        found[comment.decision_id].append(comment)
    return found


async def addenda_of(db: AsyncSession, minutes: Minutes) -> list[MinutesAddendum]:
    statement = (
        select(MinutesAddendum)
        .where(MinutesAddendum.minutes_id == minutes.id)
        .order_by(MinutesAddendum.written_on, MinutesAddendum.id)
    )
    return list(await db.scalars(statement))


async def item_notes(db: AsyncSession, minutes: Minutes | None) -> list[MinutesItemNote]:
    """The secretariat's notes on the agenda items (their summaries in each language)."""
    if minutes is None:
        return []
    return list(await db.scalars(select(MinutesItemNote).where(MinutesItemNote.minutes_id == minutes.id)))


async def item_summaries(db: AsyncSession, minutes: Minutes | None) -> dict[int, str]:
    """The secretariat's summary of each agenda item, by item id."""
    if minutes is None:
        return {}
    rows = await db.execute(
        select(MinutesItemNote.agenda_item_id, MinutesItemNote.summary).where(MinutesItemNote.minutes_id == minutes.id)
    )
    return dict(rows.tuples().all())
