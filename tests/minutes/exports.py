"""Reading exports back with independent readers: pdftotext (poppler), python-docx, csv."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path
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


_PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<((?:(?!>>\s*stream).)*?/Length (\d+)[^>]*)>>\s*stream\r?\n", re.DOTALL)


def pdf_objects(content: bytes) -> dict[int, bytes]:
    """Each object of a PDF by its number, inflated: a stream's dictionary and content, and
    each object kept inside an object stream on its own (a compressed PDF keeps its fonts'
    dictionaries and widths there)."""
    objects: dict[int, bytes] = {}
    for match in _PDF_OBJECT.finditer(content):
        head, data = match.group(2), content[match.end() : match.end() + int(match.group(3))]
        data = zlib.decompress(data) if b"/FlateDecode" in head else data
        objects[int(match.group(1))] = head + b" stream " + data
        if b"/Type /ObjStm" in head and (first := re.search(rb"/First (\d+)", head)):
            numbers = [int(n) for n in data[: int(first.group(1))].split()]
            starts = [int(first.group(1)) + offset for offset in numbers[1::2]]
            for number, start, end in zip(numbers[::2], starts, [*starts[1:], len(data)], strict=True):
                objects[number] = data[start:end].strip()
    return objects


def pdf_difference(first: bytes, second: bytes) -> str:
    """Where two PDFs differ, said in the terms of the PDF: which objects (inflated, those of
    the object streams one by one), where in each, and whether the object holds the same
    bytes in another order; both files are kept, for `qpdf --qdf --object-streams=disable`."""
    offsets = [n for n, (a, b) in enumerate(zip(first, second, strict=False)) if a != b]
    found = [f"lengths {len(first)}, {len(second)}; {len(offsets)} bytes differ, at {offsets[:8]}"]
    kept = Path(tempfile.mkdtemp(prefix="dialogue-pdf-difference-"))
    (kept / "first.pdf").write_bytes(first)
    (kept / "second.pdf").write_bytes(second)
    found.append(f"both files in {kept}")
    ones, others = pdf_objects(first), pdf_objects(second)
    for number in sorted(ones.keys() | others.keys()):
        one, other = ones.get(number, b""), others.get(number, b"")
        if one == other or b"/Type /ObjStm" in one or b"/Type /XRef" in one:
            continue  # an object stream or the cross-reference differs where its objects do
        at = next((n for n, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
        near = slice(max(at - 32, 0), at + 32)
        reordered = " (the same bytes in another order)" if sorted(one) == sorted(other) else ""
        found.append(f"object {number} <<{one[:60]!r}>> at {at}{reordered}: {one[near]!r} != {other[near]!r}")
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
