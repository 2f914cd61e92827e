"""Reading exports back with independent readers: pdftotext (poppler), python-docx, csv."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from typing import Any

import docx
import pytest

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Direction marks that pdftotext puts around right-to-left runs.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _noto_fonts_missing() -> bool:
    if not shutil.which("fc-list"):
        return True
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans" not in families or "Noto Naskh Arabic" not in families


needs_pdf_tools = pytest.mark.skipif(
    shutil.which("pdftotext") is None or _noto_fonts_missing(),
    reason="PDF checks need pdftotext (poppler-utils) and the Noto Sans / Noto Naskh Arabic fonts (fonts-noto-core)",
)


def pdf_text(content: bytes, *, raw: bool = False) -> str:
    """The PDF's text as pdftotext extracts it, without its direction marks. `raw` keeps
    the order of the content stream, where rotated text (the watermark) stays one word."""
    assert content.startswith(b"%PDF-"), content[:20]
    options = ["-raw"] if raw else []
    result = subprocess.run(["pdftotext", *options, "-", "-"], input=content, capture_output=True, check=True)
    return BIDI_CONTROLS.sub("", result.stdout.decode("utf-8"))


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (a table cell wraps)."""
    return " ".join(text.split())


def pdf_pages(content: bytes, *, raw: bool = False) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return pdf_text(content, raw=raw).split("\f")[:-1]


def read_docx(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def is_bidi(paragraph: Any) -> bool:
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.find(f"{W}bidi") is not None


def has_rtl_run(paragraph: Any) -> bool:
    return any(run.font.rtl for run in paragraph.runs)


def docx_text(document: Any) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)
