"""The month calendar in Chromium: on a desktop, a grid of weeks where each day sits under
its weekday (left to right in French, right to left in Arabic)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_each_day_sits_under_its_weekday(browser_context: Any, language: str) -> None:
    page = browser_context(language=language, width="1280").new_page()
    page.goto("/calendar?month=2022-07")
    weekdays = page.locator(".month .weekdays li")
    # Monday is the first column; 27 July 2022 was a Wednesday, the third.
    wednesday = weekdays.nth(2).bounding_box()
    day = page.locator(".month .days li.day:has(time[datetime='2022-07-27'])").bounding_box()
    assert wednesday is not None and day is not None
    assert abs(day["x"] - wednesday["x"]) < 20 and abs(day["width"] - wednesday["width"]) < 20
    # An empty day has its cell too: 26 July, the day before, is beside it.
    before = page.locator(".month .days li.day:has(time[datetime='2022-07-26'])").bounding_box()
    assert before is not None and abs(before["y"] - day["y"]) < 2
    assert (before["x"] < day["x"]) == (language == "fr")
