"""What a person typed is never lost, seen from the browser: a double click creates once;
an expired session gives the typed text back after signing in again, in French; a warning
comes before the idle timeout; two tabs editing the same record show "your text" beside the
current values."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

from tests.browser.conftest import Server, screenshot, sign_in

SESSION_COOKIE = "dialogue_session"


def _first_meeting(page: Any) -> str:
    page.goto("/meetings")
    href = page.locator("main a[href^='/meetings/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).find(h => /^\\/meetings\\/\\d+$/.test(h))"
    )
    assert href, "no meeting on /meetings"
    return href


def test_a_double_click_on_schedule_creates_one_meeting(browser_context: Any) -> None:
    page = browser_context(language="fr").new_page()
    title = f"Réunion double clic {uuid.uuid4().hex[:8]}"
    page.goto("/meetings/new")
    page.locator("#f-body_id").select_option(index=1)
    page.locator("#f-title").fill(title)
    year = dt.date.today().year + 1  # still to come on any day the test runs (see factories.NEXT_YEAR)
    page.locator("#f-starts_at").fill(f"{year}-12-15T09:00")
    page.locator("#f-ends_at").fill(f"{year}-12-15T12:00")
    page.locator("#meeting-form button[type=submit]").dblclick()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    page.goto("/meetings?q=" + title.replace(" ", "+"))
    assert page.locator("main").get_by_text(title, exact=True).count() == 1


def test_text_typed_before_the_session_ended_comes_back_after_signing_in_again(
    chromium: Any, server: Server, browser_context: Any
) -> None:
    # A browser of its own (its session is ended below), in French.
    context = browser_context(language="fr", email=None)
    page = context.new_page()
    sign_in(page, "secretariat@demo.tn")
    meeting = _first_meeting(page)
    page.goto(f"{meeting}/edit")
    summary = "Résumé long des échanges : l'UGTT et l'UTICA ont présenté leurs positions. " * 5
    page.locator("#f-description").fill(summary)

    # The session ends (the cookie is gone, as after the idle timeout); the form is sent.
    context.clear_cookies(name=SESSION_COOKIE)
    page.locator("#meeting-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "405" not in page.locator("main").inner_text()
    page.locator("input[name=email]").fill("secretariat@demo.tn")
    page.locator("input[name=password]").fill("dialogue-demo")
    page.locator("main form button[type=submit]").click()

    # Back on the page of the form, with the text given back and said so.
    page.wait_for_url(re.compile(rf".*{meeting}/edit$"))
    notice = page.locator(".draft-restored")
    notice.wait_for()
    assert "Votre texte non enregistré a été rétabli" in notice.inner_text()
    assert page.locator("#f-description").input_value() == summary
    screenshot(page, f"typed-text-restored-fr-{server.database}")

    # Saved, the draft is forgotten: the page shown again restores nothing.
    page.locator("#meeting-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*{meeting}$"))
    page.goto(f"{meeting}/edit")
    assert page.locator("#f-description").input_value() == summary.strip()
    page.wait_for_timeout(300)
    assert page.locator(".draft-restored").count() == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("width", ["390", "1280"])
def test_discarding_restored_text_shows_what_is_saved(
    browser_context: Any, server: Server, language: str, width: str
) -> None:
    page = browser_context(language=language, width=width).new_page()
    meeting = _first_meeting(page)
    page.goto(f"{meeting}/edit")
    saved = page.locator("#f-venue").input_value()
    page.locator("#f-venue").fill("Hôtel Sheraton, Tunis (brouillon)")
    page.goto(f"{meeting}/edit")  # left without saving, opened again
    page.locator(".draft-restored").wait_for()
    assert page.locator("#f-venue").input_value() == "Hôtel Sheraton, Tunis (brouillon)"
    screenshot(page, f"typed-text-restored-{language}-{width}-{server.database}")
    page.locator(".draft-restored button").click()
    assert page.locator("#f-venue").input_value() == saved
    page.goto(f"{meeting}/edit")
    page.wait_for_timeout(300)
    assert page.locator(".draft-restored").count() == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("width", ["390", "1280"])
def test_a_warning_comes_before_the_idle_timeout_and_stay_signed_in_keeps_the_session(
    browser_context: Any, server: Server, language: str, width: str
) -> None:
    page = browser_context(language=language, width=width).new_page()
    page.clock.install()
    page.goto("/")
    banner = page.locator("#session-warning")
    assert banner.is_hidden()
    page.clock.run_for("26:00")
    assert banner.is_hidden()
    page.clock.run_for("02:00")  # 28 minutes without a request: 2 before the 30-minute timeout
    assert banner.is_visible()
    button = banner.get_by_role("button")
    assert button.inner_text() == {"fr": "Rester connecté", "ar": "البقاء متّصلاً"}[language]
    screenshot(page, f"session-warning-{language}-{width}-{server.database}")
    with page.expect_response("**/session/extend") as answer:
        button.click()
    assert answer.value.status == 204
    # The page hides the warning when htmx has handled the answer, a moment after it arrived.
    banner.wait_for(state="hidden", timeout=5000)
    page.clock.run_for("30:01")  # nothing done since: the session has ended
    assert banner.locator("[data-session-ended]").is_visible()
    screenshot(page, f"session-ended-{language}-{width}-{server.database}")


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("width", ["390", "1280"])
def test_two_tabs_editing_one_meeting_show_my_text_beside_the_current_one(
    browser_context: Any, server: Server, language: str, width: str
) -> None:
    context = browser_context(language=language, width=width)
    first, second = context.new_page(), context.new_page()
    meeting = _first_meeting(first)
    for page in (first, second):
        page.goto(f"{meeting}/edit")
    mark = uuid.uuid4().hex[:6]
    first.locator("#f-venue").fill(f"Salle A {mark}")
    first.locator("#meeting-form button[type=submit]").click()
    first.wait_for_url(re.compile(rf".*{meeting}$"))

    mine = f"Hôtel Sheraton, Tunis {mark}"
    second.locator("#f-venue").fill(mine)
    second.locator("#meeting-form button[type=submit]").click()
    yours = second.locator("#f-venue-yours")
    yours.wait_for()
    assert second.locator("#f-venue").input_value() == f"Salle A {mark}"
    assert mine in yours.inner_text()
    screenshot(second, f"stale-form-{language}-{width}-{server.database}")
    yours.get_by_role("button").click()
    assert second.locator("#f-venue").input_value() == mine
    second.locator("#meeting-form button[type=submit]").click()
    second.wait_for_url(re.compile(rf".*{meeting}$"))
    assert mine in second.locator("main").inner_text()
