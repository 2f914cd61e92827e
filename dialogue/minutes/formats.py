"""Printable documents (the minutes, the follow-up sheet) written in four formats from one
list of blocks: HTML (a standalone page), PDF (WeasyPrint, from that HTML), DOCX
(python-docx, editable) and Markdown.

A `Layout` holds text that is already translated and formatted; the writers here only lay
it out, so that every format says exactly the same thing. Everything is synchronous and
pure (no database, no request): callers in a request run it off the event loop.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment

from dialogue import i18n
from dialogue.i18n import _
from dialogue.settings import ROOT
from dialogue.templating import jinja_environment
from dialogue.text_input import printable

# Fonts from Debian's fonts-noto-core: Noto Naskh Arabic keeps Arabic shaped and its text
# extractable (with DejaVu, pdftotext reads the lam-alef ligature back as other letters).
LATIN_FONT = "Noto Sans"
ARABIC_FONT = "Noto Naskh Arabic"


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


@dataclass(frozen=True)
class Items:
    """A bulleted (or numbered) list."""

    items: tuple[str, ...]
    ordered: bool = False
    user: bool = True  # the items are user text (the app's minutes page marks them dir="auto")


Block = Heading | Paragraph | Fields | Table | Items


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
    """"rtl" or "ltr" from the first strong character of `text` (what `dir="auto"` does in a
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


def write_html(layout: Layout, *, for_pdf: bool = False) -> str:
    """A standalone page (its CSS in a <style> element: it is a downloaded file)."""
    layout = printable_layout(layout)
    with i18n.using_language(layout.language):
        return _environment().get_template("minutes/export.html").render(
            layout=layout,
            blocks=layout.blocks,
            kinds={Heading: "heading", Paragraph: "paragraph", Fields: "fields", Table: "table", Items: "items"},
            for_pdf=for_pdf,
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


def write_pdf(layout: Layout) -> bytes:
    """A4 PDF through WeasyPrint, with the same HTML as `write_html` (without Arabic
    diacritics, see `without_arabic_marks`).

    The PDF carries no creation time of its own (only `layout.dated`), so rendering the same
    layout twice gives the same bytes."""
    from weasyprint import CSS, HTML  # heavy import: only where PDFs are made

    # The marks are combining characters: they never appear in markup, only in text.
    page = without_arabic_marks(write_html(layout, for_pdf=True))
    html = HTML(string=page, base_url=str(ROOT / "templates"))
    css = CSS(string=without_arabic_marks(_page_css(layout)))
    # Tagged PDF/UA: a screen reader reads the headings, paragraphs and tables in order, in
    # the document's language (the Lang of the catalog, from <html lang>).
    return html.write_pdf(stylesheets=[css], uncompressed_pdf=False, pdf_variant="pdf/ua-1")


# DOCX ---------------------------------------------------------------------------------------

_PARAGRAPH_BIDI_SUCCESSORS = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
# A fixed time for the entries of the .docx zip, so that the same layout gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def qn_w(tag: str) -> str:
    """`w:tag` in Clark notation, for lxml's find."""
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


class _DocxWriter:
    """Blocks into a python-docx document; right to left (w:bidi, w:rtl, w:bidiVisual)
    throughout when the language is written right to left."""

    def __init__(self, layout: Layout) -> None:
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm, Pt

        self.layout = layout
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = Pt(10.5)
        self._fonts(normal.element.get_or_add_rPr())
        section = self.doc.sections[0]
        if layout.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Mm(18))
        if layout.direction == "rtl":
            from docx.oxml import OxmlElement

            section._sectPr.append(OxmlElement("w:bidi"))  # noqa: SLF001  (no API for it)

    def _fonts(self, rpr: object) -> None:
        """Complex-script font for Arabic runs, Latin font for the rest."""
        from docx.oxml.ns import qn

        fonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fonts.set(qn("w:cs"), ARABIC_FONT)

    def _direction(self, paragraph: object, text: str = "") -> None:
        """A right-to-left paragraph (w:bidi) when its text starts right to left, or, for
        text without a strong direction, when the document is right to left."""
        if direction_of(text, self.layout.direction) != "rtl":
            return
        from docx.oxml import OxmlElement

        ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]  # noqa: SLF001
        if ppr.find(qn_w("bidi")) is None:
            ppr.insert_element_before(OxmlElement("w:bidi"), *_PARAGRAPH_BIDI_SUCCESSORS)

    def _run(self, paragraph: object, text: str, *, bold: bool = False, italic: bool = False) -> None:
        run = paragraph.add_run(text)  # type: ignore[attr-defined]
        run.bold = bold or None
        rtl = direction_of(text, self.layout.direction) == "rtl"
        # Arabic fonts have no italic: a word processor would slant Arabic, so it stays upright.
        run.italic = (italic and not rtl) or None
        if rtl:
            # A right-to-left run (w:rtl) takes the complex-script font and bold.
            run.font.rtl = True
            run.font.cs_bold = bold or None

    def paragraph(self, text: str = "", *, style: str | None = None, bold: bool = False, label: str = "",
                  italic: bool = False) -> None:  # fmt: skip
        """Each line of `text` is a paragraph of its own, in its own direction (a French line
        after an Arabic one is left to right); the label starts the first, which then reads in
        the document's direction."""
        first, *rest = lines(text)
        paragraph = self.doc.add_paragraph(style=style)
        self._direction(paragraph, label or first)
        if label:
            self._run(paragraph, f"{label} ", bold=True)
        if first:
            self._run(paragraph, first, bold=bold, italic=italic)
        for line in rest:
            self._line(self.doc.add_paragraph(style=style), line, bold=bold, italic=italic)

    def _line(self, paragraph: object, line: str, *, bold: bool = False, italic: bool = False) -> None:
        self._direction(paragraph, line)
        if line:
            self._run(paragraph, line, bold=bold, italic=italic)

    def _cell(self, cell: object, text: str, *, bold: bool = False) -> None:
        """A cell's lines, each a paragraph in its own direction."""
        first, *rest = lines(text)
        self._line(cell.paragraphs[0], first, bold=bold)  # type: ignore[attr-defined]
        for line in rest:
            self._line(cell.add_paragraph(), line, bold=bold)  # type: ignore[attr-defined]

    def table(self, headers: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
        from docx.enum.table import WD_TABLE_DIRECTION
        from docx.oxml import OxmlElement

        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        if self.layout.direction == "rtl":
            table.table_direction = WD_TABLE_DIRECTION.RTL
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # noqa: SLF001  repeat on each page
        for cell, text in zip(header.cells, headers, strict=True):
            self._cell(cell, text, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                self._cell(cell, text)
        self.doc.add_paragraph()

    def header_footer(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section = self.doc.sections[0]
        head = section.header.paragraphs[0]
        self._direction(head)
        self._run(head, joined(self.layout.running_head, "   ·   ", self.layout.direction))
        foot = section.footer.paragraphs[0]
        self._direction(foot, self.layout.running_foot)
        if self.layout.running_foot:
            self._run(foot, self.layout.running_foot + "   ·   ")
        # "Page {page} of {pages}" with Word's PAGE and NUMPAGES fields in place.
        with i18n.using_language(self.layout.language):
            page_of = _("Page {page} of {pages}")
        for part in re.split(r"(\{page\}|\{pages\})", page_of):
            if part in ("{page}", "{pages}"):
                field_ = OxmlElement("w:fldSimple")
                field_.set(qn("w:instr"), "PAGE" if part == "{page}" else "NUMPAGES")
                run = OxmlElement("w:r")
                text = OxmlElement("w:t")
                text.text = "1"
                run.append(text)
                field_.append(run)
                foot._p.append(field_)  # noqa: SLF001
            elif part:
                self._run(foot, part)

    def write(self) -> bytes:
        from docx.shared import Pt

        layout = self.layout
        core = self.doc.core_properties
        core.title = layout.title
        core.language = layout.language
        core.author = core.last_modified_by = ""
        core.comments = ""
        core.revision = 1
        if layout.dated is not None:
            # Core properties hold naive UTC times.
            dated = layout.dated.astimezone(dt.UTC).replace(tzinfo=None)
            core.created = core.modified = dated
        self.header_footer()
        if layout.banner:
            self.paragraph(layout.banner, italic=True)
        for block in layout.blocks:
            if isinstance(block, Heading):
                heading = self.doc.add_heading(level=min(block.level, 4) if block.level > 1 else 0)
                self._direction(heading, block.text)
                self._run(heading, title_text(block.text, layout.direction))
            elif isinstance(block, Paragraph):
                self.paragraph(block.text, label=block.label, italic=block.note)
            elif isinstance(block, Fields):
                for label, value in block.rows:
                    self.paragraph(value, label=f"{label}:")
            elif isinstance(block, Table):
                if block.caption:
                    self.paragraph(block.caption, bold=True)
                self.table(block.headers, block.rows)
            elif isinstance(block, Items):
                style = "List Number" if block.ordered else "List Bullet"
                for item in block.items:
                    self.paragraph(item, style=style)
        for paragraph in self.doc.paragraphs:
            paragraph.paragraph_format.space_after = paragraph.paragraph_format.space_after or Pt(4)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times (python-docx stamps each entry with the clock)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_docx(layout: Layout) -> bytes:
    """An editable Word document: headings, tables, right-to-left paragraphs in Arabic."""
    return _DocxWriter(printable_layout(layout)).write()


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
