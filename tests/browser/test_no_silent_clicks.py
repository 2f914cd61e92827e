"""What a click does, seen from the browser: a link to a file downloads it and leaves the
page as it was; a refused click, or one the server cannot answer, says so on the page; the
language buttons keep the page's filters."""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from typing import Any

import pytest

from tests.browser.conftest import DIALOGUE, PG_URL, Server, screenshot

FILE_KINDS = {".ics", ".pdf", ".docx", ".md", ".html", ".csv", ".json", ".eml"}


def _page_state(page: Any) -> tuple[str, str, str]:
    # drafts.js marks each form it has looked at (data-draft-checked) once scripts have run,
    # which may be after the first look: that mark is bookkeeping, not the page's content.
    return page.url, page.title(), page.locator("main").inner_html().replace(' data-draft-checked="1"', "")


def _download_each(page: Any, links: Any) -> set[str]:
    """Click every link of `links`, one after the other: each must download a file and leave
    the page as it was (address, title, content)."""
    kinds: set[str] = set()
    for index in range(links.count()):
        link = links.nth(index)
        before = _page_state(page)
        href = link.get_attribute("href")
        with page.expect_download(timeout=60_000) as info:
            link.click()
        download = info.value
        assert download.failure() is None, href
        name = download.suggested_filename
        kinds.add(os.path.splitext(name)[1])
        assert _page_state(page) == before, f"{href} changed the page"
    return kinds


def test_every_file_link_downloads_and_leaves_the_page(browser_context: Any, demo_paths: dict[str, str]) -> None:
    page = browser_context(language="fr").new_page()
    kinds: set[str] = set()
    page.goto(demo_paths["meeting"])
    kinds |= _download_each(page, page.locator("main a[href*='.ics'], main a[href*='follow-up.']"))
    page.goto(demo_paths["minutes"])
    # One version's exports in one language, and its data (minutes.json).
    exports = page.locator("main ul.export-links").first
    kinds |= _download_each(page, exports.locator("li").first.locator("a"))
    kinds |= _download_each(page, exports.locator("a[href*='minutes.json']"))
    page.goto("/outbox")
    page.locator("main a[href^='/outbox/']").first.click()
    page.wait_for_url(re.compile(r".*/outbox/\d+$"))
    kinds |= _download_each(page, page.locator("main a[href$='.eml']"))
    assert kinds == FILE_KINDS


def test_file_links_are_made_by_the_one_macro(browser_context: Any, demo_paths: dict[str, str]) -> None:
    """Every link of ours to a file on these pages is out of htmx's boost and asks to download
    (htmx boosts only links to this site: documents elsewhere open as they are)."""
    page = browser_context(language="ar", width="390").new_page()
    for path in (demo_paths["meeting"], demo_paths["minutes"]):
        page.goto(path)
        wrong = page.locator("a[href]").evaluate_all(
            """links => links.filter(a => a.origin === location.origin
                 && /\\.(ics|pdf|docx|md|html|csv|xlsx|json|eml)$/.test(a.pathname)
                 && (a.getAttribute('hx-boost') !== 'false' || !a.hasAttribute('download')))
               .map(a => a.getAttribute('href'))"""
        )
        assert wrong == [], path


def _invited_account(server: Server, email: str) -> str:
    """A new secretariat account (as `dialogue users create` makes it): its welcome link."""
    database = PG_URL if server.database == "postgresql" else f"sqlite+aiosqlite:///{server.log.parent}/dialogue.db"
    env = {
        **os.environ,
        "DIALOGUE_DATABASE_URL": database,
        "DIALOGUE_PUBLIC_URL": server.url,
        "DIALOGUE_LANGUAGE": "en",
    }
    result = subprocess.run(
        [str(DIALOGUE), "users", "create", email, "--role", "secretariat"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r"http\S+/welcome/\S+", result.stdout)
    assert found, result.stdout
    return found.group(0)


@pytest.mark.parametrize(("language", "refused"), [("fr", "Vous n'êtes pas autorisé"), ("ar", "غير مسموح لك")])
def test_a_refused_click_says_why(
    chromium: Any, server: Server, browser_context: Any, demo_paths: dict[str, str], language: str, refused: str
) -> None:
    # Someone of the secretariat has a meeting open; meanwhile their account becomes an
    # observer's. What they click next is refused, and the page says so.
    email = f"refused-{uuid.uuid4().hex[:8]}@example.tn"
    link = _invited_account(server, email)
    clerk = browser_context(language=language, email=None).new_page()
    clerk.goto(link)
    clerk.locator("input[name=password]").fill("a long enough password")
    clerk.locator("input[name=repeat_password]").fill("a long enough password")
    clerk.locator("main form button[type=submit]").click()
    clerk.wait_for_url(re.compile(r".*/$"))
    clerk.goto(demo_paths["meeting"])

    secretariat = browser_context(language="fr").new_page()
    secretariat.goto(f"/accounts?q={email}")
    secretariat.locator(f"main a:has-text('{email}')").first.click()
    secretariat.wait_for_url(re.compile(r".*/accounts/\d+$"))
    secretariat.locator("select[name=role]").select_option("observer")
    secretariat.locator("main form[action^='/accounts/'] button[type=submit]").first.click()
    secretariat.wait_for_load_state("networkidle")

    # An htmx control that replaces a part of the page: a message, the page stays.
    address = clerk.url
    folded = clerk.locator("details.invitation-list:not([open]) > summary")
    if folded.count():
        folded.click()
    clerk.locator("form.attendance-form input[name=arrived_late]").first.click()
    message = clerk.locator("#messages [role=alert]")
    message.wait_for(state="visible")
    assert refused in message.inner_text()
    assert clerk.url == address
    screenshot(clerk, f"refused-click-{server.database}-{language}")
    clerk.locator("#messages [data-dismiss]").click()
    assert clerk.locator("#messages [role=alert]").count() == 0

    # A boosted link to a page now refused: the error page, at that page's address.
    clerk.locator("header a[href='/outbox']").click()
    clerk.wait_for_url(re.compile(r".*/outbox$"))
    assert clerk.locator("main h1").inner_text() == "403"
    assert refused in clerk.locator("main").inner_text()


@pytest.mark.parametrize("width", ["390", "1280"])
def test_a_click_the_server_cannot_answer_says_so(browser_context: Any, demo_paths: dict[str, str], width: str) -> None:
    context = browser_context(language="ar", width=width)
    page = context.new_page()
    page.goto(demo_paths["meeting"])
    before = _page_state(page)
    context.set_offline(True)
    try:
        page.locator("main a[href$='/minutes']").first.click()
        message = page.locator("#messages [role=alert]")
        message.wait_for(state="visible")
        assert "تعذّر الوصول إلى الخادم" in message.inner_text()
        box = message.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]
        screenshot(page, f"server-unreachable-ar-{width}")
    finally:
        context.set_offline(False)
    assert _page_state(page)[0] == before[0]


def test_the_language_buttons_keep_the_filters(browser_context: Any) -> None:
    page = browser_context(language="fr").new_page()
    page.goto("/meetings")
    page.locator("select[name=status]").select_option("held")
    page.wait_for_url(re.compile(r".*status=held.*"))
    page.locator("form.language button[value=ar]").click()
    try:
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "ar"
        assert "status=held" in page.url
        assert page.locator("select[name=status]").input_value() == "held"
    finally:
        # The button saved Arabic as the shared demo account's language: give the choice
        # back to the browser, or every later test signed in as it would speak Arabic.
        page.goto("/account")
        page.locator("#language select[name=language]").select_option("")
        page.locator("#language button[type=submit]").click()
        page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", ["/commitments", "/meetings"])
def test_a_result_clicked_after_typing_a_search_keeps_its_own_address(browser_context: Any, path: str) -> None:
    """Typing in a list's search box, then clicking a result without pressing Enter: the
    search box's `change` (fired as it loses focus) used to refresh the list and push the
    list's address over the record that opened."""
    page = browser_context(language="fr").new_page()
    page.goto(path)
    results = "#commitment-results" if path == "/commitments" else "#results"
    page.locator("#f-q").fill("commission" if path == "/meetings" else "BIT")
    page.wait_for_url(re.compile(r".*[?&]q="))
    page.wait_for_load_state("networkidle")
    link = page.locator(f"{results} tbody a[href^='/']").first
    target = link.get_attribute("href")
    assert target, f"no result link on {path}"
    link.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(600)  # the list's own refresh (delay 400 ms) would have landed by now
    assert page.url.endswith(target), f"address {page.url}, the page opened was {target}"


def test_a_result_clicked_before_the_search_answers_keeps_its_own_address(browser_context: Any) -> None:
    """Typing in the search box, then clicking a result while the search's request is still
    on its way (a slow line): its answer arrives after the record has opened and must not
    take the address bar back to the list."""
    page = browser_context(language="fr").new_page()
    page.goto("/meetings?q=commission")
    link = page.locator("#results tbody a[href^='/']").first
    target = link.get_attribute("href")
    assert target

    def slowly(route: Any) -> None:
        time.sleep(1.5)
        route.continue_()

    page.route(re.compile(r".*/meetings\?q=commissio&.*"), slowly)
    with page.expect_request(re.compile(r".*/meetings\?q=commissio&.*")):
        page.locator("#f-q").fill("commissio")
    link.click()
    page.wait_for_timeout(2500)  # the search's answer has come back by now
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(target), f"address {page.url}, the page opened was {target}"
