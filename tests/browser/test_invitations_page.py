"""Invitations on the meeting page, as the secretariat does them: the calendar card follows
each htmx change without a reload, sending goes through a confirmation that says who gets
what, several people are invited at once, everyone is marked present, and the attendance
sheet prints on A4."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_meeting_page import schedule


def card_text(page: Any) -> str:
    return page.locator("#calendar").inner_text()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_inviting_updates_the_calendar_card_without_a_reload(browser_context: Any, language: str) -> None:
    page = browser_context(language=language, width="1280").new_page()
    schedule(page, f"Invitations en un clic {language}")
    send = page.locator("#send-invitations")
    assert send.evaluate("e => e.tagName") == "BUTTON" and send.is_disabled()
    before = card_text(page)
    page.evaluate("window.__not_reloaded = true")
    # One person with an email address, with the form of the page (htmx, no reload).
    choice = page.locator("#f-person_id option:not([value=''])").first
    page.locator("#f-person_id").select_option(choice.get_attribute("value"))
    page.locator("form.invite-form button[type=submit]").click()
    page.locator("#calendar a#send-invitations").wait_for()
    assert page.evaluate("window.__not_reloaded") is True  # the same page: nothing reloaded
    after = card_text(page)
    assert after != before
    if language == "fr":
        assert "1 personne invitée a une adresse e-mail." in after
        assert "1 personne invitée n’a pas encore reçu l’invitation." in after
    else:
        assert "مدعو واحد له عنوان بريد إلكتروني." in after
    screenshot(page, f"invitations-card-{language}-1280")

    # Several at once: a whole organisation of the employers' side.
    page.locator("details.bulk-invite summary").click()
    page.locator(".bulk-side.side-employers input[name=organisation_id]").first.check()
    screenshot(page, f"invitations-bulk-{language}-1280")
    page.locator("details.bulk-invite button[type=submit]").click()
    page.locator("#invitations .alert.ok").wait_for()
    # The card reloads itself: more people with an address.
    page.wait_for_function("t => document.querySelector('#calendar').innerText !== t", arg=after)
    assert page.locator("#invitations .side-employers tr.invitee").count() >= 1

    # Send: the confirmation says who gets a first invitation; afterwards the page says it.
    page.locator("#send-invitations").click()
    page.wait_for_url(re.compile(r".*/invitations/send$"))
    plan = page.locator(".send-plan").inner_text()
    assert ("Première invitation" if language == "fr" else "دعوة أولى") in plan
    screenshot(page, f"invitations-confirmation-{language}-1280")
    page.locator(".send-plan button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+\?sent=\d+-0-0"))
    done = card_text(page)
    assert ("Écrit dans la boîte d’envoi" if language == "fr" else "كُتب في صندوق الصادر") in done
    # Sending again: nothing to send, and no button to send it.
    page.locator("#send-invitations").click()
    page.wait_for_url(re.compile(r".*/invitations/send$"))
    assert page.locator(".send-plan button[type=submit]").count() == 0
    assert ("rien à envoyer" if language == "fr" else "لا شيء للإرسال") in page.locator(".send-plan").inner_text()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_everyone_present_then_the_exceptions(browser_context: Any, demo_paths: dict[str, str], language: str) -> None:
    page = browser_context(language=language, width="1280").new_page()
    page.goto(demo_paths["meeting"])  # a held meeting
    page.locator("#invitations details").evaluate_all("all => all.forEach(d => d.open = true)")
    row = page.locator("#invitations tr.invitee").first
    row_id = row.get_attribute("id")
    row.locator("input[type=radio][value=unrecorded]").check()
    page.locator(f"#{row_id}.attendance-unrecorded").wait_for()
    page.locator("#invitations form[action$='/attendance/present'] button").click()
    page.locator("#invitations .alert.ok").wait_for()
    expected = "1 personne notée présente." if language == "fr" else "سُجِّل شخص واحد حاضرًا."
    assert page.locator("#invitations .alert.ok").inner_text() == expected
    assert page.locator(f"#{row_id} input[type=radio][value=present]").is_checked()
    screenshot(page, f"invitations-everyone-present-{language}-1280")


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("width", ["390", "1280"])
def test_the_attendance_sheet_prints_on_a4(
    browser_context: Any, demo_paths: dict[str, str], language: str, width: str
) -> None:
    page = browser_context(language=language, width=width).new_page()
    page.goto(demo_paths["meeting"])
    link = page.locator("a[href$='/attendance-sheet']")
    assert link.get_attribute("hx-boost") == "false"
    link.click()
    page.wait_for_url(re.compile(r".*/attendance-sheet$"))
    # The sign-in sheet's heading is in French and Arabic together, whatever the reader's language.
    heading = page.locator("h1").inner_text()
    assert "Feuille de présence" in heading and "ورقة الحضور" in heading
    assert page.locator("td.signature").count() >= 2
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow
    screenshot(page, f"attendance-sheet-{language}-{width}")
    if width == "1280":
        page.emulate_media(media="print")
        assert page.locator(".sheet-tools").is_hidden()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(path=str(SCREENSHOTS / f"attendance-sheet-{language}.pdf"), prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        assert re.search(rb"/MediaBox \[0 0 59[45][.\d]* 84[12]", pdf), "not A4 (595 x 842 points)"
