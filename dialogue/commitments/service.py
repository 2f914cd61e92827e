"""Rules of commitments: status, overdue, matters arising."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.meetings.models import Meeting


async def commitments_section(db: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """Context for `commitments/_meeting_section.html` on the meeting page."""
    return {}
