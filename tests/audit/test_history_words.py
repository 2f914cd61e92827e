"""A history reads in words, in the reader's language: other records by their current name
(not "#31"), field labels translated (the same as the forms'), old → new values."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import dialogue.models  # noqa: F401  (registers the audited tables)
from dialogue.audit.trail import _BOOKKEEPING, _NOT_TRACKED, _roots, _untracked
from dialogue.db import Base
from dialogue.i18n import using_language
from dialogue.labels import field_msgid
from dialogue.meetings.models import InvitationResponse
from dialogue.people.models import Side
from tests import factories as f


def change_row(page: str, label: str, before: str, arrow: str, after: str) -> bool:
    """Whether the page has the row "label: before arrow after" of a changes table."""
    pattern = (
        rf'<th scope="row">{re.escape(label)}</th>\s*'
        rf'<td class="before"><bdi>{re.escape(before)}</bdi></td>\s*'
        rf'<td class="arrow" aria-hidden="true">{arrow}</td>\s*'
        rf'<td class="after"><bdi>{re.escape(after)}</bdi></td>'
    )
    return re.search(pattern, page) is not None


async def test_a_person_history_names_the_organisation_not_its_number(english: Any, db: AsyncSession) -> None:
    world = await f.table(db)
    person = await f.person(db, world["ugtt"], full_name="Sami Ben Ali")
    await db.commit()
    person.organisation_id = world["utica"].id
    await db.commit()

    page = (await english.get(f"/people/{person.id}/history")).text
    assert change_row(page, "Organisation", "—", "→", "UGTT")  # created in UGTT
    assert change_row(page, "Organisation", "UGTT", "→", "UTICA")  # then moved
    assert f"#{world['ugtt'].id}" not in page and f"#{world['utica'].id}" not in page


async def test_a_record_deleted_since_reads_deleted(english: Any, db: AsyncSession) -> None:
    gone = await f.organisation(db, Side.EMPLOYERS, acronym="UTAP")
    stays = await f.organisation(db, Side.EMPLOYERS, acronym="CONECT")
    person = await f.person(db, gone)
    await db.commit()
    person.organisation_id = stays.id
    await db.commit()
    await db.delete(gone)
    await db.commit()

    page = (await english.get(f"/people/{person.id}/history")).text
    assert change_row(page, "Organisation", "(deleted)", "→", "CONECT")


@pytest.mark.parametrize(
    ("language", "labels", "answers", "arrow"),
    [
        ("fr", ("Personne", "Réunion", "Réponse"), ("Pas encore de réponse", "Sera présent"), "→"),
        ("ar", ("الشخص", "الاجتماع", "الرد"), None, "←"),
    ],
)
async def test_a_meeting_history_in_french_and_arabic(
    client: Any, db: AsyncSession, language: str, labels: tuple[str, ...], answers: tuple[str, str] | None, arrow: str
) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], title="Session plénière")
    invitation = await f.invite(db, meeting, world["ugtt1"])
    await db.commit()
    invitation.response = InvitationResponse.ACCEPTED
    await db.commit()

    client.headers["accept-language"] = language
    page = (await client.get(f"/meetings/{meeting.id}/history")).text
    person_label, meeting_label, answer_label = labels
    # The invited person and the meeting by their names, the labels in the reader's language.
    assert change_row(page, person_label, "—", arrow, world["ugtt1"].full_name)
    assert change_row(page, meeting_label, "—", arrow, "Session plénière")
    with using_language(language):
        before, after = InvitationResponse.NEEDS_ACTION.label, InvitationResponse.ACCEPTED.label
    if answers:
        assert (before, after) == answers
    assert change_row(page, answer_label, before, arrow, after)
    assert f"#{meeting.id}" not in page and f"#{world['ugtt1'].id}" not in page
    assert "Response" not in page and "Answer" not in page


def test_every_recorded_field_has_a_label() -> None:
    """No history shows a raw column name: each column the trail records is in the table of
    labels (and so in the catalogs)."""
    missing = [
        f"{table}.{column.key}"
        for table in _roots
        for column in Base.metadata.tables[table].columns
        if column.key not in _NOT_TRACKED | _BOOKKEEPING | _untracked.get(table, frozenset())
        and field_msgid(table, column.key) is None
    ]
    assert missing == []
