"""Control characters stored before input was cleaned (\\x01, \\x0b, \\x1f in a position, a
progress note, titles and names) never break an export: minutes of every version (the
circulated ones are frozen with them) and every format, the follow-up sheets, the lists'
CSV and XLSX, the calendar file. And the pages and the API clean them at input."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import icalendar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import Position
from dialogue.commitments.models import Commitment
from dialogue.meetings.models import Meeting
from dialogue.people.models import Side
from tests import factories
from tests.listing.test_export import read_xlsx
from tests.minutes.exports import read_docx
from tests.minutes.test_workflow import _minutes, circulated

CONTROLS = "\x01\x0b\x1f\x0c\x08"
XML_REFUSES = set("\x00\x01\x08\x0b\x0c\x1f")


def _docx_text(content: bytes) -> str:
    document = read_docx(content)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def _spoil(db: AsyncSession, world: dict[str, Any]) -> None:
    """Control characters written straight into the database, as older versions let them in."""
    position = await db.scalar(
        select(Position).where(Position.item_id == world["item"].id, Position.side == Side.WORKERS)
    )
    assert position is not None
    position.statement = f"Hausse{CONTROLS}de 10 %"
    commitment = await db.scalar(select(Commitment).where(Commitment.meeting_id == world["meeting"].id))
    assert commitment is not None
    commitment.title = f"Transmettre{CONTROLS}l'étude"
    await factories.progress(db, commitment, f"Étude{CONTROLS}envoyée")
    await factories.progress(db, world["old"], f"Décret{CONTROLS}publié")
    meeting = await db.get(Meeting, world["meeting"].id)
    assert meeting is not None
    meeting.venue = f"Tunis{CONTROLS}siège"
    world["ugtt1"].full_name = f"Ali{CONTROLS}Ben Salah"
    await db.commit()


async def test_exports_of_minutes_frozen_with_control_characters_still_download(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    client = english
    world = await circulated(client, db)  # version 1: frozen before the characters came in
    meeting_id = world["meeting"].id
    await _spoil(db, world)
    # Version 2 is frozen with them: the revision circulates the record as it is now.
    minutes = await _minutes(db, meeting_id)
    assert minutes is not None
    response = await client.post(f"/meetings/{meeting_id}/minutes/revise", data={"version": minutes.version})
    assert response.status_code == 200, response.text[:500]
    frozen = json.loads((await client.get(f"/meetings/{meeting_id}/minutes.json?version=2")).text)
    assert "\x0b" in json.dumps(frozen, ensure_ascii=False) or "\\u000b" in json.dumps(frozen)

    for version in ("1", "2"):
        for language in ("fr", "ar", "en"):
            for fmt in ("pdf", "docx", "md", "html", "json"):
                response = await client.get(f"/meetings/{meeting_id}/minutes.{fmt}?version={version}&lang={language}")
                assert response.status_code == 200, (fmt, version, language, response.text[:300])
                if fmt == "docx":
                    text = _docx_text(response.content)
                    assert not XML_REFUSES & set(text)
                    if version == "2":
                        assert "Hausse" in text and "de 10 %" in text
                elif fmt in ("md", "html"):
                    assert not XML_REFUSES & set(response.text)
    for fmt in ("pdf", "docx", "csv"):
        for url in (f"/meetings/{meeting_id}/follow-up.{fmt}", f"/bodies/{world['plenary'].id}/follow-up.{fmt}"):
            response = await client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            if fmt == "docx":
                assert "Étude" in _docx_text(response.content)
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
                assert rows and not any(XML_REFUSES & set(cell) for row in rows for cell in row)
    for listing in ("commitments", "meetings", "people"):
        response = await client.get(f"/{listing}.xlsx")
        assert response.status_code == 200
        assert read_xlsx(response)
        response = await client.get(f"/{listing}.csv")
        assert response.status_code == 200
        assert not XML_REFUSES & set(response.content.decode("utf-8-sig"))
    response = await client.get(f"/meetings/{meeting_id}/invite.ics")
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.content)
    for url in (f"/meetings/{meeting_id}", f"/commitments/{world['old'].id}", f"/api/v1/meetings/{meeting_id}"):
        assert (await client.get(url)).status_code == 200


async def test_control_characters_are_cleaned_at_input_in_forms_and_the_api(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    client = english
    world = await circulated(client, db)
    item_id = world["item"].id
    response = await client.post(
        f"/agenda/{item_id}/positions/government",
        data={"stance": "support", "statement": f"Ligne 1{CONTROLS}Ligne 2\r\n\tLigne 3", "visibility": "shared"},
    )
    assert response.status_code in (200, 303), response.text[:300]
    position = await db.scalar(select(Position).where(Position.item_id == item_id, Position.side == Side.GOVERNMENT))
    assert position is not None
    await db.refresh(position)
    assert position.statement == "Ligne 1\n\nLigne 2\r\n\tLigne 3"  # \x0b and \x0c are line ends
    commitment = await db.scalar(select(Commitment).where(Commitment.meeting_id == world["meeting"].id))
    assert commitment is not None
    response = await client.post(f"/api/v1/commitments/{commitment.id}/updates", json={"note": f"Note{CONTROLS}fin"})
    assert response.status_code == 201, response.text
    assert "Note\n\nfin" in [update["note"] for update in response.json()["updates"]]
    response = await client.post(f"/api/v1/commitments/{commitment.id}/updates", json={"note": "Note\u0000fin"})
    assert response.status_code in (400, 422)
    assert "not allowed" in response.text
