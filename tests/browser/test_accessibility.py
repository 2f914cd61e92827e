"""Usable with a keyboard and a screen reader: focus is always visible, the skip link, the
navigation and the language switcher work from the keyboard. (axe-core's check of every main
page in French and Arabic, phone and desktop, is in test_layout.py, on the page opened for the
layout check.)"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_layout import open_page

# What the focused element looks like: a keyboard user must see where they are.
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim().slice(0, 40),
    cls: el.className, lang: el.getAttribute("lang"), inNav: !!el.closest("header nav"),
    inMain: !!el.closest("main"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    visible: box.width > 1 && box.height > 1 && box.right > 0 && box.left < innerWidth,
  };
}
"""


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def tab(page: Any) -> dict[str, Any]:
    page.keyboard.press("Tab")
    now = focused(page)
    assert now is not None, "Tab left the page"
    assert now["visible"] and now["outline"], f"focus not visible on {now}"
    return now


def tab_until(page: Any, wanted: Any, limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        now = tab(page)
        if wanted(now):
            return now
    pytest.fail(f"not reached within {limit} presses of Tab")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_keyboard_reaches_skip_link_then_navigation(
    browser_context: Any, demo_paths: dict[str, str], language: str
) -> None:
    page = open_page(browser_context, demo_paths, "dashboard", language, "1280")
    first = tab(page)
    assert "skip" in first["cls"], f"the first Tab stop is {first}"
    reached = tab_until(page, lambda now: now["inNav"], limit=3)
    assert reached["tag"] == "a"
    # The skip link takes the keyboard straight to the page's content.
    page.goto(demo_paths["dashboard"])
    tab(page)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert tab(page)["inMain"]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_phone_menu_opens_from_the_keyboard(browser_context: Any, demo_paths: dict[str, str], language: str) -> None:
    page = open_page(browser_context, demo_paths, "dashboard", language, "390")
    summary = tab_until(page, lambda now: now["tag"] == "summary", limit=4)
    assert summary["inNav"]
    page.keyboard.press("Enter")
    link = tab(page)
    assert link["inNav"] and link["tag"] == "a"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("width", ["390", "1280"])
def test_language_switcher_works_from_the_keyboard(
    browser_context: Any, demo_paths: dict[str, str], width: str
) -> None:
    # The observer's account: switching may also become that person's preference.
    context = browser_context(language="fr", width=width, email="observateur@demo.tn")
    page = context.new_page()
    page.goto(demo_paths["meetings"])
    assert page.locator("html").get_attribute("lang") == "fr"
    tab_until(page, lambda now: now["tag"] == "button" and now["lang"] == "ar")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.url.endswith(demo_paths["meetings"]), "the switcher stays on the same page"
    tab_until(page, lambda now: now["tag"] == "button" and now["lang"] == "fr")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.locator("html").get_attribute("dir") == "ltr"


@pytest.mark.parametrize("name", ["meeting", "commitment", "people"])
def test_focus_is_visible_on_every_stop(browser_context: Any, demo_paths: dict[str, str], name: str) -> None:
    page = open_page(browser_context, demo_paths, name, "ar", "1280")
    stops = 0
    for _ in range(80):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:  # past the last stop
            break
        assert now["visible"] and now["outline"], f"focus not visible on {now}"
        stops += 1
    assert stops >= 10, f"only {stops} stops on {name}"
