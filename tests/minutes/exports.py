"""Reading exports back with independent readers: pdftotext (poppler), python-docx, csv."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
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


_PDF_STREAM = re.compile(rb"<<((?:(?!>>\s*stream).)*?/Length (\d+)[^>]*)>>\s*stream\r?\n", re.DOTALL)


def pdf_streams(content: bytes) -> list[tuple[bytes, bytes]]:
    """Each stream of a PDF as (its dictionary, its bytes inflated when compressed)."""
    streams = []
    for match in _PDF_STREAM.finditer(content):
        data = content[match.end() : match.end() + int(match.group(2))]
        streams.append((match.group(1), zlib.decompress(data) if b"/FlateDecode" in match.group(1) else data))
    return streams


def pdf_difference(first: bytes, second: bytes) -> str:
    """Where two PDFs differ, said in the terms of the PDF (which stream, at which offset of
    its inflated content): a flaky byte in a compressed file otherwise tells nothing."""
    offsets = [n for n, (a, b) in enumerate(zip(first, second, strict=False)) if a != b]
    found = [f"lengths {len(first)}, {len(second)}; {len(offsets)} bytes differ, at {offsets[:8]}"]
    for number, ((head, one), (_, other)) in enumerate(zip(pdf_streams(first), pdf_streams(second), strict=False)):
        if one != other:
            at = next(
                (n for n, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other))
            )
            near = slice(max(at - 24, 0), at + 24)
            found.append(f"stream {number} <<{head[:80]!r}>> at {at}: {one[near]!r} != {other[near]!r}")
    return "; ".join(found)


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
