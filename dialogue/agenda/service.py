"""Rules of the agenda: order, running schedule, positions and outcomes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.meetings.models import Meeting


async def agenda_section(db: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """Context for `agenda/_agenda.html` on the meeting page."""
    return {}
