"""The printable documents (`formats.Layout`) as editable Word files (python-docx): headings,
tables, right-to-left paragraphs in Arabic, and the same bytes for the same layout."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable

from dialogue import i18n
from dialogue.i18n import _
from dialogue.minutes.formats import (
    Fields,
    Heading,
    Items,
    Layout,
    Paragraph,
    Table,
    direction_of,
    joined,
    lines,
    printable_layout,
    title_text,
)

# Fonts from Debian's fonts-noto-core: Noto Naskh Arabic keeps Arabic shaped and its text
# extractable (with DejaVu, pdftotext reads the lam-alef ligature back as other letters).
LATIN_FONT = "Noto Sans"
ARABIC_FONT = "Noto Naskh Arabic"

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
