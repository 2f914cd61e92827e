"""Texts written in French, Arabic and English (dialogue/bilingual.py), through the pages:
one field per language, the reader's version shown (else another, marked), the exports in
a language, search by any version, and a text required in at least one language."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import AgendaItem
from dialogue.commitments.models import Commitment
from dialogue.meetings.models import Meeting
from dialogue.minutes.models import Minutes
from tests import factories
from tests.minutes.exports import flat, pdf_text
from tests.minutes.world import held_meeting

ARABIC_TITLE = "الدورة العادية للمجلس الوطني للحوار الاجتماعي"
ARABIC_COMMITMENT = "إعداد مشروع الأمر المتعلق بالأجر الأدنى"
FRENCH_TITLE = "Session ordinaire du Conseil"
REQUIRED = "Write this in at least one language."


def in_arabic(client: Any) -> Any:
    client.headers["accept-language"] = "ar"
    return client


def in_english(client: Any) -> Any:
    client.headers["accept-language"] = "en"
    return client


def meeting_form(body_id: int, **texts: str) -> dict[str, str]:
    year = dt.date.today().year + 1
    return {
        "body_id": str(body_id),
        "kind": "plenary",
        "starts_at": f"{year}-12-10T09:00",
        "ends_at": f"{year}-12-10T12:30",
        "venue": "Tunis",
        "status": "scheduled",
        **texts,
    }


def heading(page: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", page, re.DOTALL)
    assert match, "no heading"
    return match.group(1)


async def test_a_meeting_in_french_and_arabic_is_read_in_each_language_with_the_fallback_marked(
    client: Any, db: AsyncSession
) -> None:
    body = await factories.body(db, name="Conseil national")
    await db.commit()
    form = meeting_form(body.id, title=FRENCH_TITLE, title_ar=ARABIC_TITLE, description_ar="جدول أعمال الدورة")
    response = await in_english(client).post("/meetings", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    meeting = await db.scalar(select(Meeting))
    # The canonical columns keep the first version in the order fr, ar, en.
    assert meeting.title == FRENCH_TITLE and meeting.description == "جدول أعمال الدورة"
    assert meeting.translations["title"] == {"fr": FRENCH_TITLE, "ar": ARABIC_TITLE}

    arabic = (await in_arabic(client).get(f"/meetings/{meeting.id}")).text
    assert heading(arabic).startswith(f'<bdi lang="ar" dir="rtl">{ARABIC_TITLE}</bdi>')
    assert "language-note" not in heading(arabic)
    assert '<div lang="ar" dir="rtl" class="versioned-text multiline">جدول أعمال الدورة</div>' in arabic

    english = (await in_english(client).get(f"/meetings/{meeting.id}")).text
    assert heading(english).startswith(
        f'<bdi lang="fr" dir="ltr">{FRENCH_TITLE}</bdi> <small class="language-note">(in French)</small>'
    )
    # The description exists only in Arabic: the English reader gets it, marked.
    assert '<div lang="ar" dir="rtl" class="versioned-text multiline">جدول أعمال الدورة</div>' in english
    assert "(in Arabic)" in english
    # The edit form shows one field per language, each with its language and direction.
    edit = (await in_english(client).get(f"/meetings/{meeting.id}/edit")).text
    assert re.search(r'name="title_ar"[^>]*value="' + ARABIC_TITLE + '"[^>]*lang="ar" dir="rtl"', edit)
    assert re.search(r'name="title"[^>]*lang="fr" dir="ltr"', edit)
    assert re.search(r'name="title_en"[^>]*lang="en" dir="ltr"', edit)
    # The history names each version by its field and language, never as raw JSON.
    history = html.unescape((await in_english(client).get(f"/meetings/{meeting.id}/history")).text)
    assert f"Title (Arabic): {ARABIC_TITLE}" in history and "{'title'" not in history


async def test_an_arabic_only_commitment_is_shown_to_a_french_reader_marked_and_found_in_arabic(
    client: Any, db: AsyncSession
) -> None:
    await factories.table(db)
    await db.commit()
    response = await in_english(client).post(
        "/commitments",
        data={"title": "", "title_ar": ARABIC_COMMITMENT, "title_en": "", "side": "workers", "status": "open"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    made = await db.scalar(select(Commitment))
    assert made.title == ARABIC_COMMITMENT  # what emails, calendars and reports read
    assert made.translations["title"] == {"ar": ARABIC_COMMITMENT}

    listed = (await in_english(client).get("/commitments")).text
    assert (
        f'<bdi lang="ar" dir="rtl">{ARABIC_COMMITMENT}</bdi> <small class="language-note">(in Arabic)</small>' in listed
    )
    # Search by a word of the Arabic version, without its hamza (search folds the alef).
    found = (await in_english(client).get("/commitments", params={"q": "اعداد الامر"})).text
    assert ARABIC_COMMITMENT in found
    missed = (await in_english(client).get("/commitments", params={"q": "اتفاقية"})).text
    assert ARABIC_COMMITMENT not in missed


async def test_search_finds_a_meeting_by_its_arabic_version(client: Any, db: AsyncSession) -> None:
    body = await factories.body(db, name="Conseil national")
    await db.commit()
    form = meeting_form(body.id, title=FRENCH_TITLE, title_ar=ARABIC_TITLE)
    assert (await client.post("/meetings", data=form, follow_redirects=False)).status_code == 303
    found = (await in_english(client).get("/meetings", params={"q": "الوطني الاجتماعي"})).text
    assert FRENCH_TITLE in found  # an English reader gets the French version
    assert FRENCH_TITLE not in (await in_english(client).get("/meetings", params={"q": "الميزانية"})).text


async def test_a_form_with_every_language_empty_is_refused_and_nothing_changes(client: Any, db: AsyncSession) -> None:
    world = await factories.table(db)
    meeting = await factories.meeting(db, world["plenary"], title=FRENCH_TITLE)
    await db.commit()
    refused = await in_english(client).post(
        "/commitments",
        data={"title": " ", "title_ar": "", "title_en": "", "side": "workers", "status": "open"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert REQUIRED in html.unescape(refused.text)
    assert await db.scalar(select(func.count(Commitment.id))) == 0

    edit = await in_english(client).get(f"/meetings/{meeting.id}/edit")
    version = re.search(r'name="version" value="(\d+)"', edit.text)
    assert version
    form = meeting_form(world["plenary"].id, title="", title_ar="", title_en="", version=version.group(1))
    answer = await in_english(client).post(f"/meetings/{meeting.id}/edit", data=form, follow_redirects=False)
    assert answer.status_code == 422
    assert REQUIRED in html.unescape(answer.text)
    again = (await db.execute(select(Meeting).execution_options(populate_existing=True))).scalar_one()
    assert again.title == FRENCH_TITLE and again.version == meeting.version


async def test_the_minutes_exported_in_arabic_use_the_arabic_texts(client: Any, db: AsyncSession) -> None:
    world = await held_meeting(db)
    await db.commit()
    meeting_id = world["meeting"].id
    assert (await in_english(client).post(f"/meetings/{meeting_id}/minutes")).status_code == 200
    minutes = await db.scalar(select(Minutes))
    saved = await client.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={
            "version": minutes.version,
            "introduction": "La séance est ouverte.",
            "introduction_ar": "افتتحت الرئاسة الجلسة.",
            "closing": "La séance est levée.",
        },
    )
    assert saved.status_code == 200
    page = (await in_arabic(client).get(f"/meetings/{meeting_id}/minutes.html?lang=ar&version=0")).text
    assert "افتتحت الرئاسة الجلسة." in page
    assert "La séance est ouverte." not in page
    # The closing exists only in French: given, followed by the note in the export's language.
    assert "La séance est levée." in page
    english = (await in_english(client).get(f"/meetings/{meeting_id}/minutes.html?lang=en&version=0")).text
    assert "La séance est ouverte. (in French)" in english and "افتتحت" not in english

    pdf = await client.get(f"/meetings/{meeting_id}/minutes.pdf?lang=ar&version=0")
    assert pdf.status_code == 200
    text = flat(pdf_text(pdf.content))
    assert "افتتحت الرئاسة الجلسة" in text and "La séance est ouverte" not in text


async def test_an_agenda_item_and_its_outcome_in_arabic_are_shown_to_each_reader(client: Any, db: AsyncSession) -> None:
    world = await factories.table(db)
    meeting = await factories.meeting(db, world["plenary"], title=FRENCH_TITLE)
    await db.commit()
    added = await in_english(client).post(
        f"/meetings/{meeting.id}/agenda",
        data={
            "title": "",
            "title_ar": "مراجعة الأجر الأدنى",
            "title_en": "Minimum wage review",
            "duration_minutes": "30",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    item = (await db.execute(select(AgendaItem))).scalar_one()
    assert item.title == "مراجعة الأجر الأدنى"
    recorded = await client.post(
        f"/agenda/{item.id}/outcome",
        data={"kind": "for_information", "text": "Le Conseil prend acte.", "text_ar": "أخذ المجلس علمًا بذلك."},
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text

    arabic = (await in_arabic(client).get(f"/meetings/{meeting.id}/agenda")).text
    assert '<bdi lang="ar" dir="rtl">مراجعة الأجر الأدنى</bdi></h3>' in arabic
    assert '<div lang="ar" dir="rtl" class="versioned-text multiline">أخذ المجلس علمًا بذلك.</div>' in arabic
    english = (await in_english(client).get(f"/meetings/{meeting.id}/agenda")).text
    assert '<bdi lang="en" dir="ltr">Minimum wage review</bdi></h3>' in english
    assert 'Le Conseil prend acte.</div> <small class="language-note">(in French)</small>' in english


async def test_the_api_writes_and_reads_every_version(client: Any, db: AsyncSession) -> None:
    world = await factories.table(db)
    await db.commit()
    made = await client.post(
        "/api/v1/commitments", json={"title": "", "title_ar": ARABIC_COMMITMENT, "side": "workers"}
    )
    assert made.status_code == 201, made.text
    assert made.json()["title"] == ARABIC_COMMITMENT
    assert made.json()["versions"] == {"title": {"ar": ARABIC_COMMITMENT}, "description": {}}
    refused = await client.post("/api/v1/commitments", json={"title": "", "title_en": " ", "side": "workers"})
    assert refused.status_code == 422 and "title" in refused.text

    year = dt.date.today().year + 1
    meeting = await client.post(
        "/api/v1/meetings",
        json={
            "body_id": world["plenary"].id,
            "title": FRENCH_TITLE,
            "starts_at": f"{year}-12-10T09:00",
            "ends_at": f"{year}-12-10T12:00",
        },
    )
    assert meeting.status_code == 201, meeting.text
    body = meeting.json()
    changed = await client.patch(
        f"/api/v1/meetings/{body['id']}", json={"version": body["version"], "title_ar": ARABIC_TITLE}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == FRENCH_TITLE
    assert changed.json()["versions"]["title"] == {"fr": FRENCH_TITLE, "ar": ARABIC_TITLE}
