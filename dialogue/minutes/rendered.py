"""Exports of the minutes: rendered in the export pool, and for adopted minutes made once.

Adopted minutes do not change (an addendum changes the document, so its key): the first
download renders them and keeps the file in the database (`RenderedMinutes`), where every
app process finds it; later downloads are served from there. The key is the SHA-256 of the
document's canonical JSON, the format, the language and the renderer version (the code,
template, stylesheet and catalog that lay the file out, and the libraries' versions), so a
new release that prints differently renders again instead of serving an old file.
Drafts and circulated versions are rendered at each download.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.db import table_of
from dialogue.i18n import catalog_path, current_timezone
from dialogue.minutes import render
from dialogue.minutes.document import MinutesDocument, to_json
from dialogue.minutes.models import RenderedMinutes
from dialogue.minutes.render_pool import RenderPool
from dialogue.settings import ROOT

# What decides the bytes of an export, besides the document and the language.
RENDERER_FILES = (
    ROOT / "dialogue" / "minutes" / "render.py",
    ROOT / "dialogue" / "minutes" / "formats.py",
    ROOT / "dialogue" / "minutes" / "docx_writer.py",
    ROOT / "templates" / "minutes" / "export.html",
    ROOT / "templates" / "minutes" / "export.css",
)
RENDERER_LIBRARIES = ("weasyprint", "pydyf", "python-docx")


@cache
def renderer_version(language: str) -> str:
    """SHA-256 of what lays the minutes out in `language`: any change renders them anew."""
    digest = hashlib.sha256()
    for path in (*RENDERER_FILES, catalog_path(language)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in RENDERER_LIBRARIES:
        digest.update(f"{library}=={version(library)}\0".encode())
    return digest.hexdigest()


def cache_key(document: MinutesDocument, fmt: str, language: str) -> str:
    """The SHA-256 an export of `document` is kept under (times are printed in the current
    time zone: it is part of the key too)."""
    digest = hashlib.sha256()
    for part in (to_json(document), fmt, language, current_timezone().key, renderer_version(language)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Export:
    content: bytes
    key: str | None  # the cache key of adopted minutes (their ETag); None for a draft


async def export(db: AsyncSession, pool: RenderPool, document: MinutesDocument, fmt: str, language: str) -> Export:
    """The minutes as a file (see `render.render_minutes`), rendered in the pool; adopted
    minutes from the database when they were rendered before (kept there otherwise).
    Commits what it keeps."""
    if not document.adopted:
        return Export(await pool.run(render.render_minutes, document, fmt, language), None)
    key = cache_key(document, fmt, language)
    kept = await db.scalar(select(RenderedMinutes.content).where(RenderedMinutes.key == key))
    if kept is not None:
        return Export(kept, key)
    content = await pool.run(render.render_minutes, document, fmt, language)
    # Another process may have rendered the same file meanwhile: theirs stays, same bytes.
    insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    await db.execute(
        insert(table_of(RenderedMinutes))
        .values(meeting_id=document.meeting_id, key=key, format=fmt, language=language, content=content)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    await db.commit()
    return Export(content, key)
