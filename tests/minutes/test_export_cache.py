"""Exports are rendered in the export processes, not in the server's; adopted minutes are
rendered once, kept in the database under the SHA-256 of what they print, and served from
there to every later download."""

from __future__ import annotations

import contextvars
import dataclasses
import os
from typing import Any
from zoneinfo import ZoneInfo

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.i18n import set_timezone
from dialogue.minutes.models import RenderedMinutes
from dialogue.minutes.render_pool import RenderPool
from dialogue.minutes.rendered import cache_key
from tests.minutes import samples
from tests.minutes.exports import needs_pdf_tools, pdf_text, read_docx
from tests.minutes.test_workflow import adopted
from tests.minutes.world import held_meeting


def pool_of(client: AsyncTestClient[Any]) -> RenderPool:
    pool = client.app.state["render_pool"]
    assert isinstance(pool, RenderPool)
    return pool


async def kept(db: AsyncSession) -> list[RenderedMinutes]:
    return list(await db.scalars(select(RenderedMinutes).execution_options(populate_existing=True)))


async def test_a_draft_is_rendered_at_each_download_in_another_process(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    await db.commit()
    meeting_id = world["meeting"].id
    pool = pool_of(english)
    before = pool.renders  # the app, and its pool, serve every test of the session
    for fmt in ("pdf", "docx"):
        response = await english.get(f"/meetings/{meeting_id}/minutes.{fmt}?lang=fr")
        assert response.status_code == 200
        assert f'filename="minutes-{meeting_id}-draft-fr.{fmt}"' in response.headers["content-disposition"]
        assert "etag" not in response.headers  # a draft changes with the record
    again = await english.get(f"/meetings/{meeting_id}/minutes.pdf?lang=fr")
    assert again.content.startswith(b"%PDF-")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    read_docx(response.content)  # python-docx opens it
    assert pool.renders == before + 3  # nothing kept for drafts
    assert await kept(db) == []
    # Rendered by the pool's worker processes, not by the server's process.
    assert pool.worker_pids and os.getpid() not in pool.worker_pids


@needs_pdf_tools
async def test_adopted_minutes_are_rendered_once_and_served_from_the_database(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await adopted(english, db)
    meeting_id = world["meeting"].id
    pool = pool_of(english)
    before = pool.renders
    first = await english.get(f"/meetings/{meeting_id}/minutes.pdf?lang=fr")
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    assert first.headers["content-type"] == "application/pdf"
    assert f'filename="minutes-{meeting_id}-v1-fr.pdf"' in first.headers["content-disposition"]
    assert "La séance est ouverte à 9 h." in pdf_text(first.content)
    assert pool.renders == before + 1
    [row] = await kept(db)
    assert first.headers["etag"] == f'"{row.key}"'
    assert (row.meeting_id, row.format, row.language, row.content) == (meeting_id, "pdf", "fr", first.content)

    second = await english.get(f"/meetings/{meeting_id}/minutes.pdf?lang=fr")
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert pool.renders == before + 1  # not rendered again
    # What is served is what the database keeps (another app process may have put it there).
    await db.execute(update(RenderedMinutes).values(content=b"%PDF-kept by another process"))
    await db.commit()
    third = await english.get(f"/meetings/{meeting_id}/minutes.pdf?lang=fr")
    assert third.content == b"%PDF-kept by another process"

    # Another language or format is another file.
    arabic = await english.get(f"/meetings/{meeting_id}/minutes.docx?lang=ar")
    assert arabic.status_code == 200 and "-v1-ar.docx" in arabic.headers["content-disposition"]
    read_docx(arabic.content)
    assert pool.renders == before + 2
    assert (await db.execute(select(func.count()).select_from(RenderedMinutes))).scalar_one() == 2


@needs_pdf_tools
async def test_an_addendum_gives_adopted_minutes_a_new_file(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await adopted(english, db)
    meeting_id = world["meeting"].id
    first = await english.get(f"/meetings/{meeting_id}/minutes.pdf?lang=fr")
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/addenda", data={"text": "Erratum : lire 7 % au point 1."}
    )
    assert response.status_code == 200
    after = await english.get(f"/meetings/{meeting_id}/minutes.pdf?lang=fr")
    assert after.headers["etag"] != first.headers["etag"]
    assert "Erratum : lire 7 % au point 1." in pdf_text(after.content)
    assert "Erratum" not in pdf_text(first.content)
    assert len(await kept(db)) == 2


def test_the_key_changes_with_what_the_file_would_print() -> None:
    document = samples.adopted(samples.document())
    key = cache_key(document, "pdf", "fr")
    assert len(key) == 64 and key == cache_key(samples.adopted(samples.document()), "pdf", "fr")
    others = {
        cache_key(dataclasses.replace(document, closing="Autre conclusion"), "pdf", "fr"),
        cache_key(document, "docx", "fr"),
        cache_key(document, "pdf", "ar"),
    }

    def in_paris() -> str:
        set_timezone(ZoneInfo("Europe/Paris"))
        return cache_key(document, "pdf", "fr")

    others.add(contextvars.copy_context().run(in_paris))
    assert key not in others and len(others) == 4
