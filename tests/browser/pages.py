"""What the browser tests measure on a page: horizontal overflow, and where things sit."""

from __future__ import annotations

from typing import Any

# The main pages, by name (their addresses come from the `demo_paths` fixture).
MAIN_PAGES = [
    "login",
    "dashboard",
    "meetings",
    "meeting",
    "commitments",
    "commitment",
    "bodies",
    "body",
    "organisations",
    "people",
    "account",
    "outbox",
    "archive",
    "minutes",
    "documents",
]

# Every visible element that sticks out of the viewport, unless an ancestor clips or scrolls
# it (a deliberate scroll container such as .table-wrap) or it is visually hidden (1 px).
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + [...el.classList].join(".");
    return name + " «" + (el.textContent || "").trim().slice(0, 40) + "»";
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if (box.left < -1 || box.right > width + 1 || box.width > width + 1) {
      if (!clipped(el)) found.push(`${describe(el)}: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, found: found.slice(0, 15)};
}
"""


def overflow(page: Any) -> dict[str, Any]:
    """The page's scroll width, the viewport's width, and the elements that stick out."""
    return page.evaluate(OVERFLOWING)


def box(page: Any, selector: str) -> dict[str, float]:
    """The bounding box of the first visible element matching `selector`."""
    locator = page.locator(selector).first
    result = locator.bounding_box()
    assert result is not None, f"{selector} is not visible"
    return result


def centre(page: Any, selector: str) -> float:
    found = box(page, selector)
    return found["x"] + found["width"] / 2


# Each header cell of the first table.list against the cells of its column: a header that
# is not over its column (a table laid out as a grid, a flex row) shows here.
MISALIGNED_COLUMNS = """
(selector) => {
  const table = document.querySelector(selector);
  if (!table) return {missing: true};
  const heads = [...table.querySelectorAll(":scope > thead > tr:first-child > th")];
  const rows = [...table.querySelectorAll(":scope > tbody > tr")].slice(0, 10);
  const found = [];
  rows.forEach((row, r) => {
    const cells = [...row.children];
    if (cells.length !== heads.length) return;  // a row spanning columns
    heads.forEach((th, i) => {
      const h = th.getBoundingClientRect(), c = cells[i].getBoundingClientRect();
      if (Math.abs(h.left - c.left) > 2 || Math.abs(h.width - c.width) > 2) {
        found.push(`row ${r + 1}, column ${i + 1} «${th.textContent.trim()}»: header ${Math.round(h.left)}+${Math.round(h.width)}, cell ${Math.round(c.left)}+${Math.round(c.width)}`);
      }
    });
  });
  return {missing: false, heads: heads.length, rows: rows.length, found: found.slice(0, 10)};
}
"""


def misaligned_columns(page: Any, selector: str = "main table.list") -> dict[str, Any]:
    """Header cells not over their column's cells (left edge or width off by more than 2 px)."""
    return page.evaluate(MISALIGNED_COLUMNS, selector)


# Every visible table of the page's main content, each header cell against its column's
# cells (rows spanning columns are skipped): the layout check of a whole page.
MISALIGNED_TABLES = """
() => {
  const found = [];
  let tables = 0;
  for (const table of document.querySelectorAll("main table")) {
    const box = table.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || !table.checkVisibility()) continue;
    const heads = [...table.querySelectorAll(":scope > thead > tr:first-child > th")];
    if (!heads.length || getComputedStyle(table.tHead).display === "none") continue;
    tables += 1;
    const name = "table." + [...table.classList].join(".");
    for (const [r, row] of [...table.querySelectorAll(":scope > tbody > tr")].slice(0, 10).entries()) {
      const cells = [...row.children];
      if (cells.length !== heads.length) continue;
      heads.forEach((th, i) => {
        const h = th.getBoundingClientRect(), c = cells[i].getBoundingClientRect();
        if (Math.abs(h.left - c.left) > 2 || Math.abs(h.width - c.width) > 2) {
          found.push(`${name} row ${r + 1}, column ${i + 1} «${th.textContent.trim()}»: header ${Math.round(h.left)}+${Math.round(h.width)}, cell ${Math.round(c.left)}+${Math.round(c.width)}`);
        }
      });
    }
  }
  return {tables, found: found.slice(0, 10)};
}
"""


def misaligned_tables(page: Any) -> dict[str, Any]:
    """Header cells of any visible table in <main> not over their column's cells."""
    return page.evaluate(MISALIGNED_TABLES)
