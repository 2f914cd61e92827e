"""What a file is, read from its bytes, never from its name: PDF, Word, Excel, PowerPoint,
OpenDocument, PNG, JPEG, GIF and WebP are accepted; anything else (programs, HTML, SVG,
which can carry scripts, archives of other kinds) is refused.

A small function rather than a library: the libraries on PyPI (filetype, puremagic) tell
Office files apart by the first bytes of the zip only and cannot say an archive is broken,
while the standard zipfile reads the list of members, which does both.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint")
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt", "OpenDocument")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument")
ODP = FileKind("application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument")
PNG = FileKind("image/png", "png", "PNG")
JPEG = FileKind("image/jpeg", "jpg", "JPEG")
GIF = FileKind("image/gif", "gif", "GIF")
WEBP = FileKind("image/webp", "webp", "WebP")

KINDS = (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG, JPEG, GIF, WEBP)
BY_MEDIA_TYPE = {kind.media_type: kind for kind in KINDS}
# For the file input's `accept` (a hint to the browser; the bytes decide).
ACCEPT = ",".join(f".{kind.extension}" for kind in KINDS) + ",.jpeg"

_OPEN_DOCUMENT = {kind.media_type: kind for kind in (ODT, ODS, ODP)}
# The member that makes an Office Open XML package a document, a workbook or a presentation.
_OFFICE_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))


class WrongType(ValueError):
    """Not one of the accepted kinds of file."""


class Unreadable(ValueError):
    """Looks like an accepted kind but cannot be read (truncated, corrupt)."""


def _zipped(content: bytes) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _OPEN_DOCUMENT and "content.xml" in names:
                    return _OPEN_DOCUMENT[declared]
                raise WrongType(declared)
            if "[Content_Types].xml" in names:
                for part, kind in _OFFICE_PARTS:
                    if part in names:
                        archive.getinfo(part)
                        return kind
            raise WrongType("zip")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as error:
        raise Unreadable(str(error)) from error


def sniff(content: bytes) -> FileKind:
    """The kind of `content`, from its bytes. Raises `WrongType` or `Unreadable`."""
    if content.startswith(b"%PDF-"):
        # A PDF ends with %%EOF (some writers add a little padding after it); a file cut
        # short during its transfer has none near its end.
        if b"%%EOF" not in content[-65536:]:
            raise Unreadable("pdf without %%EOF")
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        if b"IEND" not in content[-64:]:
            raise Unreadable("truncated png")
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(b"PK\x03\x04"):
        return _zipped(content)
    raise WrongType("unknown")
