"""Printable documents (the minutes, the follow-up sheet) written in four formats from one
list of blocks: HTML (a standalone page), PDF (WeasyPrint, from that HTML), DOCX
(python-docx, editable: `docx_writer.py`) and Markdown.

A `Layout` holds text that is already translated and formatted; the writers here only lay
it out, so that every format says exactly the same thing. Everything is synchronous and
pure (no database, no request): callers in a request run it off the event loop.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment

from dialogue import i18n
from dialogue.i18n import _
from dialogue.settings import ROOT
from dialogue.templating import jinja_environment
from dialogue.text_input import printable

# Blocks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 is the document's title


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `user` text (typed by people) may be in any script and keeps its lines."""

    text: str
    user: bool = False
    label: str = ""  # shown before the text, in bold ("Outcome: ...")
    note: bool = False  # secondary text (e.g. "no commitment")


@dataclass(frozen=True)
class Fields:
    """Label/value pairs (the header of the minutes); values are user text."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    user_columns: frozenset[int] = frozenset()  # columns holding user text
    caption: str = ""
    # Widths of the columns in the PDF and the HTML file, in percent of the page's width;
    # none: each column as wide as its content needs. Measuring the content of every cell
    # is a quarter of WeasyPrint's layout time: the long tables of the minutes say theirs.
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Items:
    """A bulleted (or numbered) list."""

    items: tuple[str, ...]
    ordered: bool = False
    user: bool = True  # the items are user text (the app's minutes page marks them dir="auto")


@dataclass(frozen=True)
class Figure:
    """A chart (SVG made by dialogue/reports/charts.py, its text escaped there) in the HTML
    file and the PDF. Word and Markdown leave it out: a table next to it holds the same
    numbers."""

    svg: str
    caption: str = ""


Block = Heading | Paragraph | Fields | Table | Items | Figure


@dataclass(frozen=True)
class Layout:
    """A document ready to write: translated text, and what its pages carry."""

    language: str
    title: str
    blocks: tuple[Block, ...]
    running_head: tuple[str, str] = ("", "")  # start and end of the page header
    running_foot: str = ""  # start of the footer; "page X of Y" goes at the end
    watermark: str | None = None  # across every page of the PDF ("DRAFT")
    banner: str = ""  # a line above the title (status of the document)
    dated: dt.datetime | None = None  # the document's date, for file metadata
    landscape: bool = False

    @property
    def direction(self) -> str:
        return i18n.text_direction(self.language)


# Without a charset: Litestar appends "; charset=utf-8" to every text/* media type itself
# (a charset written here came out twice). The text formats are all written in UTF-8.
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "html": "text/html",
    "csv": "text/csv",
}


def direction_of(text: str, default: str = "ltr") -> str:
    """ "rtl" or "ltr" from the first strong character of `text` (what `dir="auto"` does in a
    browser; WeasyPrint ignores `dir="auto"`, so every export states the direction)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


RLM = "\u200f"  # RIGHT-TO-LEFT MARK: invisible, strongly right to left
DASHES = re.compile(" ([–—]) ")


def joined(parts: Iterable[str], separator: str, direction: str) -> str:
    """Parts of one line ("Workers – UGTT – Leïla Ben Salah", "body · date") joined so that
    each keeps its place in a line of `direction`: a mark of that direction after each
    separator stops a part written the other way from taking the separator, or the next
    part's leading number ("14 ماي"), to its side; in a right-to-left line a no-break space
    before the separator keeps it at the end of its line when the line wraps. Left-to-right
    lines are joined as they are."""
    present = [part for part in parts if part]
    if direction != "rtl":
        return separator.join(present)
    core = separator.strip()
    before, after = separator.split(core, 1)
    return (before.replace(" ", "\u00a0") + core + RLM + after).join(present)


def title_text(text: str, direction: str) -> str:
    """A title in a right-to-left document with a no-break space before each spaced dash: the
    dash stays at the end of its line when the title wraps, instead of opening the next line
    where right-to-left layout moves it to the wrong side."""
    return DASHES.sub("\u00a0\\1 ", text) if direction == "rtl" else text


def printable_layout(value: Any) -> Any:
    """`value` (a layout, a block, a text) with every text as every format can hold it: text
    stored before input was cleaned may hold control characters that XML refuses (a Word
    file then could never be written), and frozen minutes keep what they were given."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, tuple):
        return tuple(printable_layout(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: printable_layout(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        )
    return value


def lines(text: str) -> list[str]:
    """The lines of user text (Windows or old Mac line ends too)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# HTML and PDF ---------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    # The app's environment: same filters and translations.
    env = jinja_environment()
    env.globals.update(lines=lines, direction_of=direction_of, title_text=title_text)
    return env


BLOCK_KINDS: dict[type, str] = {
    Heading: "heading",
    Paragraph: "paragraph",
    Fields: "fields",
    Table: "table",
    Items: "items",
    Figure: "figure",
}


def write_html(layout: Layout, *, for_pdf: bool = False) -> str:
    """A standalone page (its CSS in a <style> element: it is a downloaded file)."""
    layout = printable_layout(layout)
    with i18n.using_language(layout.language):
        return (
            _environment()
            .get_template("minutes/export.html")
            .render(
                layout=layout,
                blocks=layout.blocks,
                kinds=BLOCK_KINDS,
                for_pdf=for_pdf,
            )
        )


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _page_counter_content(template: str) -> str:
    """`_("Page {page} of {pages}")` as CSS `content`: strings around the two counters."""
    parts = re.split(r"(\{page\}|\{pages\})", template)
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def _page_css(layout: Layout) -> str:
    """The @page rules of the PDF: A4, running header and footer (set per document)."""
    with i18n.using_language(layout.language):
        page_of = _("Page {page} of {pages}")
    # Margin boxes are physical: in a right-to-left document the start is on the right.
    start, end = ("right", "left") if layout.direction == "rtl" else ("left", "right")
    head_start, head_end = layout.running_head
    size = "A4 landscape" if layout.landscape else "A4"
    return f"""
@page {{
  size: {size};
  margin: 22mm 16mm 20mm 16mm;
  @top-{start} {{ content: {_css_string(title_text(head_start, layout.direction))}; }}
  @top-{end} {{ content: {_css_string(title_text(head_end, layout.direction))}; }}
  @bottom-{start} {{ content: {_css_string(layout.running_foot)}; }}
  @bottom-{end} {{ content: {_page_counter_content(page_of)}; }}
}}
"""


# Arabic diacritics: tanween, harakat, shadda, sukun and the other combining marks
# (U+064B-U+065F) and the superscript alef (U+0670).
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")


def without_arabic_marks(text: str) -> str:
    """`text` without Arabic diacritics, for the PDF only.

    WeasyPrint positions each mark as a glyph of its own, and pdftotext (and copy-paste,
    and search in PDF readers) then splits the word around it ("يُشارَك" comes out in
    pieces): the PDF's text must stay extractable. Arabic print commonly leaves
    the marks out; the other formats keep them."""
    return ARABIC_MARKS.sub("", text)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector off for the while (back as it was afterwards).

    WeasyPrint allocates hundreds of thousands of boxes, styles and PDF objects for a long
    document: the collector then runs over and over through all of them, a quarter of the
    CPU time of a 30-item minutes PDF (bench/README.md, "Profiling notes"). Reference
    counting still frees what is not in a cycle; the cycles go at the next collection.
    PDFs are rendered in the export processes (render_pool.py), which do nothing else."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_pdf(layout: Layout) -> bytes:
    """A4 PDF through WeasyPrint, with the same HTML as `write_html` (without Arabic
    diacritics, see `without_arabic_marks`).

    The PDF carries no creation time of its own (only `layout.dated`), so rendering the same
    layout twice gives the same bytes."""
    from weasyprint import CSS, HTML  # heavy import: only where PDFs are made

    if layout.direction == "rtl":
        # WeasyPrint draws SVG text a character at a time: Arabic would come out unjoined and
        # reversed. A right-to-left PDF leaves its charts to the tables beside them.
        layout = dataclasses.replace(layout, blocks=tuple(b for b in layout.blocks if not isinstance(b, Figure)))
    # The marks are combining characters: they never appear in markup, only in text.
    page = without_arabic_marks(write_html(layout, for_pdf=True))
    with _no_cyclic_gc():
        html = HTML(string=page, base_url=str(ROOT / "templates"))
        css = CSS(string=without_arabic_marks(_page_css(layout)))
        # Tagged PDF/UA: a screen reader reads the headings, paragraphs and tables in order,
        # in the document's language (the Lang of the catalog, from <html lang>).
        return html.write_pdf(stylesheets=[css], uncompressed_pdf=False, pdf_variant="pdf/ua-1")


# Markdown -----------------------------------------------------------------------------------

# Text goes into Markdown so that a CommonMark reader shows it as typed: the punctuation that
# makes emphasis, code, links, images, raw HTML, entities, tables and strike-through is
# escaped wherever it is, and what makes a block (heading, quote, list, setext underline)
# where a line starts.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
_MD_LINE_START = re.compile(r"^([>+\-=]|\d+(?=[.)]))")


def _md_inline(line: str, *, starts_block: bool = True) -> str:
    """A line of text escaped; `starts_block`: it opens a paragraph or a list item, where
    "1." or "-" would start a list (not after a heading's marks, nor in a table cell)."""
    escaped = _MD_INLINE.sub(r"\\\1", line.strip())
    if not starts_block:
        return escaped
    # A list number's dot is escaped, not its digits (a backslash before a digit is shown).
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), escaped)


def md_text(text: str) -> str:
    """User text as a Markdown paragraph: its lines kept (hard breaks), every character shown
    as typed (an indented line would become code: lines are trimmed)."""
    return "  \n".join(_md_inline(line) for line in lines(text.strip()))


def md_cell(text: str, *, starts_block: bool = False) -> str:
    """Text inside a line (a table cell, a heading, a list item): lines joined."""
    return " <br> ".join(_md_inline(line, starts_block=starts_block) for line in lines(text.strip()) if line.strip())


def write_markdown(layout: Layout) -> str:
    layout = printable_layout(layout)
    out: list[str] = []
    if layout.banner:
        out.append(f"*{md_text(layout.banner)}*")
    for block in layout.blocks:
        if isinstance(block, Heading):
            out.append("#" * max(1, min(block.level, 6)) + " " + md_cell(block.text))
        elif isinstance(block, Paragraph):
            text = md_text(block.text)
            if block.note:
                text = f"*{text}*"
            out.append(f"**{md_cell(block.label)}** {text}" if block.label else text)
        elif isinstance(block, Fields):
            out.append("\n".join(f"- **{md_cell(label)}:** {md_cell(value)}" for label, value in block.rows))
        elif isinstance(block, Table):
            rows = [
                "| " + " | ".join(md_cell(h) for h in block.headers) + " |",
                "|" + "|".join(" --- " for _h in block.headers) + "|",
                *("| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in block.rows),
            ]
            if block.caption:
                rows.insert(0, f"**{md_cell(block.caption)}**\n")
            out.append("\n".join(rows))
        elif isinstance(block, Items):
            marker = (lambda n: f"{n}.") if block.ordered else (lambda _n: "-")
            out.append(
                "\n".join(f"{marker(n)} {md_cell(item, starts_block=True)}" for n, item in enumerate(block.items, 1))
            )
    return "\n\n".join(out) + "\n"


# Any of the formats -------------------------------------------------------------------------


def write_file(layout: Layout, fmt: str) -> bytes:
    """`layout` as a file in `fmt`: "pdf", "docx", "md" or "html" (`ValueError` for another)."""
    from dialogue.minutes import docx_writer  # it builds on this module: imported here, not above

    if fmt == "pdf":
        return write_pdf(layout)
    if fmt == "docx":
        return docx_writer.write_docx(layout)
    if fmt == "md":
        return write_markdown(layout).encode("utf-8")
    if fmt == "html":
        return write_html(layout).encode("utf-8")
    raise ValueError(f"unknown document format: {fmt!r}")
