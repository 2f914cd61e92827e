"""Arrangements shared by the agenda tests: a small council and a meeting on 10 December."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture
async def council(db: AsyncSession) -> dict[str, Any]:
    """The small National Council of the factories, with a meeting from 09:00 to 12:00 (Tunis)."""
    world = await factories.table(db)
    world["meeting"] = await factories.meeting(
        db,
        world["plenary"],
        title="Session plénière",
        starts_at=factories.tunis(2026, 12, 10, 9),
        ends_at=factories.tunis(2026, 12, 10, 12),
    )
    await db.commit()
    return world


def item_titles(html: str) -> list[str]:
    """The items' titles in the order the agenda shows them."""
    return re.findall(r'class="item-title"><span class="item-number">\d+\.</span> <bdi[^>]*>(.*?)</bdi>', html)
