"""The main pages fit a 390 px phone and a 1280 px desktop, in French and in Arabic, axe-core
finds nothing serious on them, and the Arabic pages are mirrored. With DIALOGUE_SCREENSHOTS
set, a full-page screenshot of each is kept under tests/artifacts/screenshots/
(page-lang-width.png)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import screenshot
from tests.browser.pages import MAIN_PAGES, box, centre, misaligned_columns, overflow

AXE = Axe()


def open_page(browser_context: Any, demo_paths: dict[str, str], name: str, language: str, width: str) -> Any:
    """The main page `name` in a browser context of its own (closed after the test)."""
    return visit(lambda **kind: browser_context(**kind).new_page(), demo_paths, name, language, width)


def visit(new_page: Any, demo_paths: dict[str, str], name: str, language: str, width: str) -> Any:
    """The main page `name`, in a tab `new_page(language=, width=, email=)` gives, loaded."""
    if name not in demo_paths:
        pytest.skip(f"no {name} page in this build yet")
    page = new_page(language=language, width=width, email=None if name == "login" else "secretariat@demo.tn")
    response = page.goto(demo_paths[name])
    assert response is not None and response.status == 200, f"{demo_paths[name]}: {response and response.status}"
    page.evaluate("document.fonts.ready")
    return page


@pytest.mark.parametrize("width", ["390", "1280"])
@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_page_fits_the_screen_has_its_landmarks_and_no_serious_accessibility_fault(
    reading_page: Any, demo_paths: dict[str, str], name: str, language: str, width: str
) -> None:
    # One test per page, language and width (opening the page is much of its cost).
    page = visit(reading_page, demo_paths, name, language, width)
    screenshot(page, f"{name}-{language}-{width}")
    measured = overflow(page)
    assert measured["scrollWidth"] <= measured["width"], f"{name} scrolls sideways: {measured}"
    assert measured["found"] == [], f"{name} ({language}, {width} px): elements outside the screen: {measured['found']}"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # Landmarks: one header, one main, the navigation once signed in, and one h1.
    assert page.locator("body > header").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("header nav").count() == (0 if name == "login" else 1)
    assert page.locator("h1").count() == 1, f"{name}: {page.locator('h1').all_inner_texts()}"
    # Usable with a screen reader and a keyboard: axe-core finds nothing serious or critical.
    results = AXE.run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


@pytest.mark.parametrize("width", ["390", "1280"])
def test_arabic_header_starts_on_the_right(browser_context: Any, demo_paths: dict[str, str], width: str) -> None:
    french = open_page(browser_context, demo_paths, "dashboard", "fr", width)
    arabic = open_page(browser_context, demo_paths, "dashboard", "ar", width)
    half = int(width) / 2
    assert centre(french, ".brand") < half
    assert centre(arabic, ".brand") > half
    if width == "1280":
        # The navigation reads from right to left: its first link right of its second.
        assert centre(arabic, "header nav li:nth-child(1) a") > centre(arabic, "header nav li:nth-child(2) a")
        assert centre(french, "header nav li:nth-child(1) a") < centre(french, "header nav li:nth-child(2) a")


@pytest.mark.parametrize("name", ["people", "meetings", "commitments"])
def test_arabic_table_starts_on_the_right(browser_context: Any, demo_paths: dict[str, str], name: str) -> None:
    for language, first_is_right in (("fr", False), ("ar", True)):
        page = open_page(browser_context, demo_paths, name, language, "1280")
        first = centre(page, "main table thead th:nth-child(1)")
        second = centre(page, "main table thead th:nth-child(2)")
        assert (first > second) is first_is_right, f"{name} in {language}: first column at {first}, second at {second}"


# Every main list (table.list), with its records: a real table on a desktop.
LISTS = ["meetings", "commitments", "people", "organisations", "bodies", "outbox", "/accounts", "/audit"]


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("name", LISTS)
def test_list_headers_sit_over_their_columns_on_a_desktop(
    browser_context: Any, demo_paths: dict[str, str], name: str, language: str
) -> None:
    context = browser_context(language=language, width="1280")
    page = context.new_page()
    response = page.goto(demo_paths.get(name, name))
    assert response is not None and response.status == 200
    page.evaluate("document.fonts.ready")
    measured = misaligned_columns(page)
    assert not measured["missing"], f"{name}: no table.list"
    assert measured["heads"] >= 2 and measured["rows"] >= 1, f"{name}: {measured}"
    assert measured["found"] == [], f"{name} ({language}, 1280 px): {measured['found']}"


def test_arabic_positions_read_from_right_to_left(browser_context: Any, demo_paths: dict[str, str]) -> None:
    for language in ("fr", "ar"):
        page = open_page(browser_context, demo_paths, "meeting", language, "1280")
        sides = page.locator(".positions").first.locator(":scope > *")
        assert sides.count() == 3
        xs = [sides.nth(i).bounding_box()["x"] for i in range(3)]
        expected = sorted(xs, reverse=language == "ar")
        assert xs == expected, f"{language}: the three sides at {xs}"
        # On a phone the three sides are stacked, one above the other.
        page.set_viewport_size({"width": 390, "height": 844})
        tops = [sides.nth(i).bounding_box()["y"] for i in range(3)]
        assert tops == sorted(tops) and len(set(tops)) == 3


def test_phone_navigation_collapses_into_a_menu(browser_context: Any, demo_paths: dict[str, str]) -> None:
    for language in ("fr", "ar"):
        page = open_page(browser_context, demo_paths, "dashboard", language, "390")
        links = page.locator("header nav a[href='/commitments']")
        assert not links.is_visible(), "the navigation links show before the menu is opened"
        menu = page.locator("header nav summary")
        assert menu.is_visible()
        menu.click()
        assert links.is_visible()
        every = page.locator("header nav a")
        for i in range(every.count()):
            found = every.nth(i).bounding_box()
            assert found["x"] >= 0 and found["x"] + found["width"] <= 390, every.nth(i).inner_text()
        links.click()
        page.wait_for_url("**/commitments")
        assert page.locator("h1").count() == 1
    # On a desktop the links are there without a menu.
    page = open_page(browser_context, demo_paths, "dashboard", "fr", "1280")
    assert page.locator("header nav a[href='/commitments']").is_visible()
    assert not page.locator("header nav summary").is_visible()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_forms_fit_a_360_px_phone(browser_context: Any, demo_paths: dict[str, str], language: str) -> None:
    context = browser_context(language=language, width="390")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/meetings/new", "/commitments/new", "/people/new", f"{demo_paths['meeting']}/edit"):
        response = page.goto(path)
        assert response is not None and response.status == 200
        measured = overflow(page)
        assert measured["scrollWidth"] <= 360 and measured["found"] == [], f"{path}: {measured}"
        controls = page.locator("main form :is(input:not([type=hidden]), select, textarea)")
        for i in range(controls.count()):
            control = controls.nth(i)
            if control.is_visible():
                found = control.bounding_box()
                assert found["x"] >= 0 and found["x"] + found["width"] <= 360, (
                    f"{path}: {control.get_attribute('name')}"
                )
        screenshot(page, f"{path.strip('/').replace('/', '_')}-{language}-360")
    assert box(page, "main form")["width"] <= 360


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_approvers_decision_form_fits_a_phone(
    browser_context: Any, demo_paths: dict[str, str], language: str
) -> None:
    # The demo's circulated minutes wait for the employers' side: UTICA's approver sees the
    # decision form (a fieldset, item comments) above the document's wide tables.
    context = browser_context(language=language, width="390", email="utica@demo.tn")
    page = context.new_page()
    page.goto("/meetings?status=held")
    meetings = page.locator("main a[href^='/meetings/']").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href')).filter(h => /^\\/meetings\\/\\d+$/.test(h)))]"
    )
    for meeting in meetings:
        page.goto(f"{meeting}/minutes")
        if page.locator(".minutes-decide").count():
            break
    else:
        pytest.fail("no circulated minutes awaiting the employers' side in the demo")
    page.evaluate("document.fonts.ready")
    screenshot(page, f"minutes-decision-{language}-390")
    measured = overflow(page)
    assert measured["scrollWidth"] <= measured["width"], f"the decision page scrolls sideways: {measured}"
    assert measured["found"] == [], f"elements outside the screen: {measured['found']}"
