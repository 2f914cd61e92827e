"""The meeting page as a person reads it: a new meeting opens at its top, and a long page has
an in-page navigation of its sections that stays in sight and mirrors in Arabic."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot


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


SECTIONS = ["#calendar", "#partners", "#invitations", "#quorum", "#agenda", "#commitments", "#documents"]


def in_viewport(page: Any, selector: str) -> bool:
    found = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return found is not None and 0 <= found["y"] < height * 0.5


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_meeting_page_has_a_sticky_navigation_of_its_sections(
    browser_context: Any, demo_paths: dict[str, str], language: str
) -> None:
    page = browser_context(language=language, width="1280").new_page()
    page.goto(demo_paths["meeting"])
    nav = page.locator("main nav.meeting-nav")
    assert nav.count() == 1 and nav.get_attribute("aria-label")
    links = nav.locator("a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # Every section of the page, in the page's order, and the minutes of this held meeting.
    assert hrefs[:-1] == SECTIONS and hrefs[-1].endswith("/minutes"), hrefs
    for href in SECTIONS:
        assert page.locator(href).count() == 1, f"{href} is in the navigation but not on the page"
    # Arabic reads from the right: the first section's link right of the second's.
    first, second = (links.nth(i).bounding_box()["x"] for i in range(2))
    assert (first > second) is (language == "ar"), (first, second)

    # (#documents, the last section, is short: the page ends before it can reach the top.)
    for href in ("#agenda", "#commitments", "#invitations", "#calendar"):
        nav.locator(f"a[href='{href}']").click()
        page.wait_for_timeout(150)
        assert in_viewport(page, href), f"{href} not in sight after its link was clicked"
        # The section's heading is not hidden under the sticky bar.
        bar = nav.bounding_box()
        heading = page.locator(f"{href} h2").first.bounding_box()
        assert heading["y"] >= bar["y"] + bar["height"] - 1, (href, heading, bar)
    # Still in sight far down the page.
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(150)
    assert page.evaluate("window.scrollY") > 1000
    bar = nav.bounding_box()
    assert nav.is_visible() and -1 <= bar["y"] <= 1, bar
    screenshot(page, f"meeting-navigation-{language}-1280")


def test_a_long_invitation_list_starts_folded_and_a_short_one_open(
    browser_context: Any, demo_paths: dict[str, str]
) -> None:
    page = browser_context(language="fr", width="1280").new_page()
    page.goto(demo_paths["meeting"])
    invited = page.locator("#invitations table.attendance tbody tr").count()
    folded = page.locator("#invitations details.invitation-list")
    if invited > 8:
        assert folded.count() == 1 and folded.get_attribute("open") is None
        assert not page.locator("#invitations table.attendance").first.is_visible()
        folded.locator("summary").click()
        assert page.locator("#invitations table.attendance").first.is_visible()
    else:
        assert folded.count() == 0

    # A new meeting: nobody invited, nothing folded, no minutes to link to.
    schedule(page, "Réunion sans procès-verbal")
    assert page.locator("#invitations details.invitation-list").count() == 0
    hrefs = page.locator("nav.meeting-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == SECTIONS
    assert "(0)" in page.locator("nav.meeting-nav a[href='#invitations']").inner_text()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext and pdfinfo (poppler-utils)")
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_meeting_page_prints_its_record_without_the_screens_controls(
    browser_context: Any, demo_paths: dict[str, str], language: str, tmp_path: Path
) -> None:
    page = browser_context(language=language, width="1280").new_page()
    page.goto(demo_paths["meeting"])
    names = page.locator("#invitations table.attendance .name").all_inner_texts()
    screen_only = {
        "header navigation": "header.top nav",
        "language buttons": "header.top form.language",
        "sign-out": "header.top .who",
        "skip link": "a.skip",
        "in-page navigation": "nav.meeting-nav",
        "buttons": "main .button",
        "history and export links": ".history-link",
    }
    labels = {key: page.locator(selector).first.inner_text().strip() for key, selector in screen_only.items()}
    page.emulate_media(media="print")
    for key, selector in screen_only.items():
        shown = page.locator(selector).evaluate_all("els => els.filter(e => e.getClientRects().length > 0).length")
        assert shown == 0, f"{key} ({selector}) is printed"
    visible_forms = page.locator("main form").evaluate_all(
        "forms => forms.filter(f => f.getClientRects().length && !f.closest('table.attendance')).length"
    )
    assert visible_forms == 0
    # The attendance list prints even when folded on the screen, a row never cut in two,
    # the column names repeated on each sheet.
    assert page.locator("#invitations table.attendance").first.is_visible()
    assert (
        page.locator("#invitations table.attendance tbody tr").first.evaluate("r => getComputedStyle(r).breakInside")
        == "avoid"
    )
    assert (
        page.locator("#invitations table.attendance thead").first.evaluate("t => getComputedStyle(t).display")
        == "table-header-group"
    )

    pdf = tmp_path / f"meeting-{language}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    text = pdf_text(pdf)
    for key in ("header navigation", "sign-out", "in-page navigation"):
        first_words = labels[key].split("\n")[0].strip()
        assert first_words not in text, f"{key} «{first_words}» printed"
    title = page.locator("h1 bdi").first.inner_text()
    assert title[:30] in text.replace("\n", " ")
    for name in names:
        if re.fullmatch(r"[\w .'-]+", name, re.ASCII):  # Latin names: pdftotext keeps them whole
            assert name in text, f"{name} missing from the printed attendance"
    # External addresses are printed after their link text.
    external = page.locator("main a[href^='http']").evaluate_all("links => links.map(a => a.href)")
    if external:
        assert "(https://" in text.replace("\n", "")
    assert pdf_pages(pdf) <= 8, f"{pdf_pages(pdf)} pages"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(SCREENSHOTS / f"meeting-print-{language}"),
        ],
        check=True,
    )


def test_an_item_edit_form_opens_on_demand_cancels_and_saves_once(browser_context: Any) -> None:
    """The agenda carries an "Edit the item" link per item, not the form: following it
    brings the form with the focus in its title; Cancel gives the item back (focus on the
    link); a double click on Save saves once."""
    page = browser_context(language="fr", width="1280").new_page()
    schedule(page, "Réunion à modifier")
    agenda = page.locator("#agenda")
    agenda.locator("details.agenda-add > summary").click()
    agenda.locator("#add-title").fill("Point initial")
    agenda.locator("#add-duration_minutes").fill("20")
    agenda.locator("details.agenda-add button[type=submit]").click()
    item = agenda.locator("li.agenda-item", has_text="Point initial")
    expect(item).to_have_count(1)
    item_id = item.get_attribute("id").removeprefix("item-")
    assert item.locator("form[action$='/edit']").count() == 0

    item.locator("a.edit-item-open").click()
    title = page.locator(f"#edit-{item_id}-title")
    expect(title).to_be_focused()
    title.fill("Point sans suite")
    page.locator(f"#item-{item_id} a.edit-item-cancel").click()
    expect(page.locator(f"#edit-{item_id}-title")).to_have_count(0)
    expect(page.locator(f"#item-{item_id} a.edit-item-open")).to_be_focused()
    expect(page.locator(f"#item-{item_id} .item-title")).to_contain_text("Point initial")

    page.locator(f"#item-{item_id} a.edit-item-open").click()
    page.locator(f"#edit-{item_id}-title").fill("Point modifié")
    page.locator(f"#item-{item_id} .edit-item button[type=submit]").first.dblclick()
    expect(page.locator(f"#item-{item_id} .item-title")).to_contain_text("Point modifié")
    expect(page.locator(f"#edit-{item_id}-title")).to_have_count(0)
    page.wait_for_timeout(300)
    expect(page.locator(".alert.error")).to_have_count(0)  # the second click was not a stale save
    page.reload()
    expect(page.locator(f"#item-{item_id} .item-title")).to_contain_text("Point modifié")
    screenshot(page, "agenda-item-edited-fr-1280")
