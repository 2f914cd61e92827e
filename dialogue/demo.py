"""Demo data: a realistic Tunisian National Council for Social Dialogue, two years of it."""

from __future__ import annotations

from dialogue.settings import Settings


class DatabaseNotEmpty(Exception):
    pass


async def load_demo(settings: Settings, *, force: bool = False) -> str:
    raise NotImplementedError  # written next
