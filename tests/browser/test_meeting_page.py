"""The meeting page as a person reads it: a new meeting opens at its top, and a long page has
an in-page navigation of its sections that stays in sight and mirrors in Arabic."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.conftest import screenshot


def schedule(page: Any, title: str) -> None:
    """Fill and submit the schedule form at /meetings/new, as the secretariat does."""
    page.goto("/meetings/new")
    page.locator("#f-body_id").select_option(index=1)
    page.locator("#f-title").fill(title)
    page.locator("#f-kind").select_option(index=1)
    page.locator("#f-status").select_option(index=1)
    day = dt.date.today() + dt.timedelta(days=40)
    page.locator("#f-starts_at").fill(f"{day.isoformat()}T09:30")
    page.locator("#f-ends_at").fill(f"{day.isoformat()}T12:30")
    page.locator("#meeting-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    page.locator("h1", has_text=title).wait_for()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_new_meeting_opens_at_its_top(browser_context: Any, language: str) -> None:
    page = browser_context(language=language, width="1280").new_page()
    page.set_viewport_size({"width": 1280, "height": 600})  # the form's button is below the fold
    schedule(page, f"Réunion de test {language}")
    page.wait_for_timeout(200)  # htmx settles, then scrolls
    assert page.evaluate("window.scrollY") == 0
    assert page.locator("h1").is_visible()
