"""Every main page, in French, Arabic and English, uses only translated strings, and says
its language and direction in <html>."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Role
from dialogue.agenda.models import Stance
from dialogue.mail.outbox import enqueue
from dialogue.meetings.models import Attendance, MeetingStatus
from dialogue.people.models import Side
from tests import factories as f


class Recorder(gettext.NullTranslations):
    """The last fallback of a catalog: notes each message the catalog did not have."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: set[str] = set()

    def gettext(self, message: str) -> str:
        self.missing.add(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.add(msgid1)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self.missing.add(f"{context}|{message}")
        return message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.add(f"{context}|{msgid1}")
        return msgid1 if n == 1 else msgid2


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """Watch every catalog (they are shared by the whole process) during one test."""
    watcher = Recorder()
    catalogs = [i18n.translations(language) for language in i18n.LANGUAGES]
    for catalog in catalogs:
        assert catalog._fallback is None
        catalog.add_fallback(watcher)
    try:
        yield watcher
    finally:
        for catalog in catalogs:
            catalog._fallback = None


async def _council(db: AsyncSession) -> dict[str, str]:
    """A council with one of everything the main pages show; their addresses."""
    world = await f.table(db)
    held = await f.meeting(
        db,
        world["plenary"],
        title="Plénière de printemps",
        venue="Dar Dhiafa, Carthage",
        starts_at=f.tunis(2026, 3, 10, 9),
        status=MeetingStatus.HELD,
    )
    for key in ("mas1", "ugtt1", "utica1", "ilo1"):
        await f.invite(db, held, world[key], attendance=Attendance.PRESENT)
    item = await f.item(db, held, title="Salaire minimum", description="Révision du SMIG", duration_minutes=45)
    for side in Side.parties():
        await f.position(
            db,
            item,
            side,
            Stance.SUPPORT if side is not Side.EMPLOYERS else Stance.RESERVATION,
            statement="Position écrite",
        )
    await f.outcome(db, item, text="Accord tripartite sur la méthode")
    today = i18n.today()
    coming = today + dt.timedelta(days=3)
    await f.meeting(
        db, world["plenary"], title="Commission emploi", starts_at=f.tunis(coming.year, coming.month, coming.day, 10)
    )
    late = await f.commitment(
        db,
        Side.WORKERS,
        title="Note sur le SMIG",
        due_on=today - dt.timedelta(days=2),
        organisation_id=world["ugtt"].id,
        responsible_id=world["ugtt1"].id,
        meeting_id=held.id,
        agenda_item_id=item.id,
    )
    await f.progress(db, late, note="Premier jet envoyé")
    await f.commitment(db, Side.EMPLOYERS, title="Étude d'impact", due_on=today + dt.timedelta(days=5))
    delegate = await f.account(db, Role.DELEGATE, world["ugtt"], email="ugtt@example.tn", person_id=world["ugtt1"].id)
    message = enqueue(
        db,
        to_address="ugtt1@example.tn",
        to_name="UGTT délégué 1",
        subject="Invitation",
        text_body="Bonjour",
        kind="digest",
        person_id=world["ugtt1"].id,
    )
    await db.flush()
    await db.commit()
    return {
        "dashboard": "/",
        "meetings": "/meetings",
        "meeting": f"/meetings/{held.id}",
        "agenda": f"/meetings/{held.id}/agenda",
        "meeting history": f"/meetings/{held.id}/history",
        "commitments": "/commitments",
        "commitment": f"/commitments/{late.id}",
        "commitment history": f"/commitments/{late.id}/history",
        "bodies": "/bodies",
        "body": f"/bodies/{world['plenary'].id}",
        "organisations": "/organisations",
        "organisation": f"/organisations/{world['ugtt'].id}",
        "people": "/people",
        "person": f"/people/{world['ugtt1'].id}",
        "account": "/account",
        "accounts": "/accounts",
        "account of another": f"/accounts/{delegate.id}",
        "outbox": "/outbox",
        "outbox message": f"/outbox/{message.id}",
        "audit": "/audit",
        "archive": "/export",
    }


DIRECTIONS = {"fr": "ltr", "ar": "rtl", "en": "ltr"}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
async def test_every_main_page_is_fully_translated(
    client: AsyncTestClient[Any], db: AsyncSession, recorder: Recorder, language: str
) -> None:
    pages = await _council(db)
    client.headers["accept-language"] = language
    missing: dict[str, set[str]] = {}
    for name, url in pages.items():
        recorder.missing.clear()
        page = await client.get(url)
        assert page.status_code == 200, (name, url, page.status_code)
        assert f'<html lang="{language}" dir="{DIRECTIONS[language]}">' in page.text, name
        if recorder.missing:
            missing[name] = set(recorder.missing)
    # The sign-in page, signed out.
    await client.post("/logout")
    recorder.missing.clear()
    login = await client.get("/login")
    assert login.status_code == 200
    assert f'<html lang="{language}" dir="{DIRECTIONS[language]}">' in login.text
    if recorder.missing:
        missing["login"] = set(recorder.missing)

    untranslated = sorted({message for messages in missing.values() for message in messages})
    assert not untranslated, f"{len(untranslated)} untranslated in {language} on {sorted(missing)}: {untranslated}"


def test_recorder_catches_a_missing_message(recorder: Recorder) -> None:
    """The recorder itself: a message no catalog has is noted; a known one is not."""
    with i18n.using_language("fr"):
        assert i18n.gettext("Save") != "Save" or "Save" not in recorder.missing
        assert i18n.gettext("A sentence nobody wrote in the catalog") == "A sentence nobody wrote in the catalog"
        assert i18n.ngettext("%(num)d ghost", "%(num)d ghosts", 3) == "%(num)d ghosts"
    assert recorder.missing == {"A sentence nobody wrote in the catalog", "%(num)d ghost"}
