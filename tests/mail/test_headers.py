"""Long subjects and display names reach the reader exactly as meant
(no space lost where a subject is folded between two encoded words, no quoted display
name folded unquoted)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogue.mail.delivery import deliver_due
from dialogue.mail.outbox import enqueue
from dialogue.mail.smtp import build_message
from dialogue.settings import Settings
from tests.mail.headers import check_headers

SUBJECTS = [
    "Invitation : Conseil national du dialogue social – réunion pour vérifier les résultats",
    "Mise à jour : Commission des salaires – révision du salaire minimum, barème 2027 « à valider »",
    "Annulé : Groupe de travail sur la migration équitable – réunion de clôture du projet AMEM",
    "دعوة: المجلس الوطني للحوار الاجتماعي – اجتماع للتحقق من نتائج مراجعة الأجر الأدنى المضمون",
    "تحديث: لجنة الأجور، مراجعة سلم 2027 — Commission des salaires (UGTT, UTICA, UTAP) «تأكيد»",
    "Engagements à échéance : UGTT – 3 engagements en retard, 2 à échéance cette semaine",
]
NAMES = [
    "",
    "Amel Ben Salah",
    'Ben Salah, Amel "la présidente" du Comité national des salaires et de la révision',
    'Secretariat of the National Council for Social Dialogue, Committee on Wages ("CNDS")',
    "الأمانة العامة للمجلس الوطني للحوار الاجتماعي، لجنة الأجور والأسعار",
    "كريم الطرابلسي (UTICA, نائب الرئيس) – Comité « tripartite »",
    "Back\\slash; semi:colon <angle> @at",
]
SENDERS = [
    "Dialogue <secretariat@example.tn>",
    '"Secrétariat, Conseil national du dialogue social" <cnds@social.gov.tn>',
]


@dataclass
class Letter:
    subject: str
    to_name: str
    to_address: str = "amel@ugtt.tn"
    id: int = 7
    language: str = "fr"
    text_body: str = "Bonjour"
    html_body: str = ""
    calendar: str | None = None
    calendar_method: Any = None


@pytest.mark.parametrize("sender", SENDERS)
def test_every_fold_of_long_french_and_arabic_subjects_decodes_to_the_subject(sender: str) -> None:
    # Each subject is tried at every length (cut one character at a time), so that a fold
    # lands at every place: between words, inside a word, between two encoded words. Each
    # header is folded on its own (the To header of a name is the same whatever the
    # subject), so the names take turns: every name is checked with many subjects, every
    # cut once, instead of each cut seven times over with the same seven To headers.
    names = itertools.cycle(NAMES)
    for subject in SUBJECTS:
        for cut in range(20, len(subject) + 1):
            letter = Letter(subject=subject[:cut], to_name=next(names))
            check_headers(build_message(letter, sender).as_bytes(), letter, sender)


def test_the_space_before_a_folded_word_is_kept() -> None:
    letter = Letter(subject="Invitation : Conseil national du dialogue social – réunion pour vérifier", to_name="")
    raw = build_message(letter, SENDERS[0]).as_bytes()
    assert b"\r\n " in raw.split(b"Subject: ")[1].split(b"\r\nDate")[0]  # folded indeed
    check_headers(raw, letter, SENDERS[0])


async def test_a_long_subject_and_name_arrive_as_meant_over_smtp(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_server: Any
) -> None:
    from dataclasses import replace

    settings = replace(settings, smtp_url=smtp_server.url, mail_from=SENDERS[1])
    for index, (subject, name) in enumerate(zip(SUBJECTS, NAMES[1:], strict=False)):
        enqueue(db, to_address=f"p{index}@ugtt.tn", to_name=name, subject=subject, text_body="x")
    await db.commit()
    sent = await deliver_due(sessions, settings, worker_id="test", now=dt.datetime.now(dt.UTC))
    assert sent == len(NAMES) - 1
    received = {str(m["To"].addresses[0].addr_spec): m for m in smtp_server.inbox.messages}
    for index, (subject, name) in enumerate(zip(SUBJECTS, NAMES[1:], strict=False)):
        message = received[f"p{index}@ugtt.tn"]
        assert str(message["Subject"]) == subject
        assert message["To"].addresses[0].display_name == name
        assert message["From"].addresses[0].display_name == "Secrétariat, Conseil national du dialogue social"


async def test_the_downloaded_message_of_a_long_arabic_subject_reads_as_meant(
    smtp_client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    message = enqueue(db, to_address="karim@utica.tn", to_name=NAMES[5], subject=SUBJECTS[4], text_body="x")
    await db.commit()
    response = await smtp_client.get(f"/outbox/{message.id}/message.eml")
    assert response.status_code == 200, response.text
    check_headers(response.content, message, "Dialogue <secretariat@localhost>")
