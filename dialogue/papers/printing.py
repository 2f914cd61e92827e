"""The papers as PDF, through WeasyPrint: pure functions of the frozen data that
`sheet.sign_in_sheet` and `convocation.convocations` make, run in the export processes
(dialogue/minutes/render_pool.py)."""

from __future__ import annotations

from collections.abc import Sequence

from dialogue import i18n
from dialogue.minutes.formats import _environment, _no_cyclic_gc, without_arabic_marks
from dialogue.papers.convocation import Letter
from dialogue.papers.sheet import SignInSheet
from dialogue.settings import ROOT

SHEET_CSS = ROOT / "dialogue" / "static" / "css" / "attendance-sheet.css"
LETTER_CSS = ROOT / "dialogue" / "static" / "css" / "convocation.css"


def _pdf(page: str, stylesheet: str) -> bytes:
    """The page as a tagged PDF (PDF/UA), Arabic shaped by WeasyPrint; Arabic diacritics
    left out so that the text stays extractable (formats.without_arabic_marks)."""
    from weasyprint import CSS, HTML  # heavy import: only where PDFs are made

    with _no_cyclic_gc():
        html = HTML(string=without_arabic_marks(page), base_url=str(ROOT / "templates"))
        return html.write_pdf(stylesheets=[CSS(filename=stylesheet)], pdf_variant="pdf/ua-1")


def sign_in_sheet_pdf(sheet: SignInSheet) -> bytes:
    with i18n.using_language(sheet.language):
        page = _environment().get_template("meetings/attendance_sheet.html").render(sheet=sheet, pdf=True)
    return _pdf(page, str(SHEET_CSS))


def convocations_pdf(letters: Sequence[Letter], language: str) -> bytes:
    """The letters one after the other, each from a new page in its own language and
    direction; `language` is the document's (its title and metadata)."""
    with i18n.using_language(language):
        page = _environment().get_template("papers/convocation.html").render(letters=letters, language=language)
    return _pdf(page, str(LETTER_CSS))
