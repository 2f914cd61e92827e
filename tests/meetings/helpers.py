"""Small helpers shared by the meetings tests."""

from __future__ import annotations

import html
import re
from typing import Any

HTMX = {"HX-Request": "true"}


def form(**values: Any) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in values.items()}


def text(response: Any) -> str:
    """The page's text with HTML entities decoded (for assertions on messages)."""
    return html.unescape(response.text)


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None
