"""The weekly digest of commitments: to each side's active delegates, in their language, what
is due in the next 7 days and what is overdue; nothing to a side with nothing due."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Role
from dialogue.calendar.digest import queue_digests
from dialogue.cli import main
from dialogue.commitments.models import CommitmentStatus
from dialogue.mail.models import OutboxMessage
from dialogue.people.models import Language, Side
from dialogue.settings import Settings
from tests import factories
from tests.security.conftest import signed_in


async def digest_world(db: AsyncSession) -> dict[str, Any]:
    """Workers: two delegates (French, Arabic) and a disabled one, with commitments due soon,
    overdue, later and done; government: a delegate without a person and an overdue item;
    employers: a delegate and nothing due."""
    today = i18n.today()
    world = await factories.table(db)
    world["ugtt2"].language = Language.AR
    world["fr"] = await factories.account(
        db, Role.DELEGATE, world["ugtt"], person_id=world["ugtt1"].id, email="a@ugtt.tn"
    )
    world["ar"] = await factories.account(
        db, Role.DELEGATE, world["ugtt"], person_id=world["ugtt2"].id, email="b@ugtt.tn"
    )
    await factories.account(
        db,
        Role.DELEGATE,
        world["ugtt"],
        email="gone@ugtt.tn",
        disabled_at=dt.datetime.now(dt.UTC),
    )
    world["gov"] = await factories.account(db, Role.DELEGATE, world["mas"], email="gov@mas.tn")
    await factories.account(db, Role.DELEGATE, world["utica"], email="boss@utica.tn")
    await factories.account(db, Role.OBSERVER, email="observer@oit.tn")
    days = dt.timedelta
    world["soon"] = await factories.commitment(db, Side.WORKERS, title="Bientôt dû", due_on=today + days(3))
    world["late"] = await factories.commitment(
        db,
        Side.WORKERS,
        CommitmentStatus.IN_PROGRESS,
        title="Retard UGTT",
        due_on=today - days(5),
    )
    await factories.commitment(db, Side.WORKERS, title="Plus tard", due_on=today + days(20))
    await factories.commitment(db, Side.WORKERS, CommitmentStatus.DONE, title="Tenu", due_on=today - days(2))
    await factories.commitment(db, Side.WORKERS, title="Sans date")
    world["gov_late"] = await factories.commitment(db, Side.GOVERNMENT, title="Décret", due_on=today - days(1))
    await factories.commitment(db, Side.EMPLOYERS, title="Lointain", due_on=today + days(30))
    await db.commit()
    return world


async def digests(db: AsyncSession) -> dict[str, OutboxMessage]:
    rows = await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
    return {row.to_address: row for row in rows}


async def test_secretariat_sends_the_weekly_digest_to_each_sides_delegates(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await digest_world(db)
    outbox = await english.get("/outbox")
    assert 'action="/reminders/digest"' in outbox.text
    response = await english.post("/reminders/digest")
    assert response.status_code == 200
    assert "3 digests queued." in response.text
    sent = await digests(db)
    # The person's email when there is one, else the account's; nobody disabled, no employer.
    assert set(sent) == {world["ugtt1"].email, world["ugtt2"].email, "gov@mas.tn"}
    french = sent[world["ugtt1"].email]
    assert french.language == "fr" and french.to_name == world["ugtt1"].full_name
    assert "Travailleurs" in french.subject
    for title, record in (
        ("Bientôt dû", world["soon"]),
        ("Retard UGTT", world["late"]),
    ):
        assert title in french.text_body and title in french.html_body
        assert f"http://127.0.0.1:8000/commitments/{record.id}" in french.text_body
        assert f'href="http://127.0.0.1:8000/commitments/{record.id}"' in french.html_body
    assert french.text_body.index("Retard UGTT") < french.text_body.index("Bientôt dû")  # overdue first
    for absent in ("Plus tard", "Tenu", "Sans date", "Décret", "Lointain"):
        assert absent not in french.text_body
    arabic = sent[world["ugtt2"].email]
    assert arabic.language == "ar" and "العمال" in arabic.subject
    government = sent["gov@mas.tn"]
    assert "Décret" in government.text_body and "Retard UGTT" not in government.text_body


async def test_nothing_is_sent_when_nothing_is_due(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await factories.table(db)
    await factories.account(db, Role.DELEGATE, world["utica"], email="boss@utica.tn")
    await factories.commitment(db, Side.EMPLOYERS, due_on=i18n.today() + dt.timedelta(days=8))
    await db.commit()
    response = await english.post("/reminders/digest")
    assert response.status_code == 200 and "0 digests queued." in response.text
    assert await digests(db) == {}


async def test_delegate_cannot_send_the_digest(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await digest_world(db)
    assert world["fr"].id
    async with signed_in(client, "a@ugtt.tn") as me:
        assert (await me.post("/reminders/digest")).status_code == 403
    assert await digests(db) == {}


async def test_digest_is_measured_from_today_in_tunis(db: AsyncSession) -> None:
    """A commitment due today is due soon, not overdue; due in exactly 7 days is included."""
    world = await factories.table(db)
    await factories.account(db, Role.DELEGATE, world["ugtt"], person_id=world["ugtt1"].id)
    world["ugtt1"].language = Language.EN  # the assertions below read the English text
    today = dt.date(2026, 6, 1)
    await factories.commitment(db, Side.WORKERS, title="Aujourd'hui", due_on=today)
    await factories.commitment(db, Side.WORKERS, title="Dans sept jours", due_on=today + dt.timedelta(days=7))
    await factories.commitment(db, Side.WORKERS, title="Dans huit jours", due_on=today + dt.timedelta(days=8))
    settings = Settings(database_url="sqlite://", secret_key="k" * 40)
    assert await queue_digests(db, settings, today=today) == 1
    (message,) = (await digests(db)).values()
    overdue, soon = message.text_body.split("Due in the next 7 days")
    assert "Aujourd'hui" in soon and "Dans sept jours" in soon and "Dans huit jours" not in message.text_body
    assert "Aujourd'hui" not in overdue


@pytest.fixture
def reminders(database_url: str, monkeypatch: pytest.MonkeyPatch, engine: Any) -> Any:
    """Run `dialogue reminders ARGS` on the test database (in a thread: the command runs its
    own event loop)."""
    monkeypatch.setenv("DIALOGUE_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALOGUE_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.setenv("DIALOGUE_PUBLIC_URL", "https://dialogue.example.tn")

    async def run(*args: str) -> Any:
        return await asyncio.to_thread(CliRunner().invoke, main, ["reminders", *args])

    return run


async def test_cli_queues_the_weekly_digest(reminders: Any, db: AsyncSession) -> None:
    world = await digest_world(db)
    result = await reminders("send")
    assert result.exit_code == 0, result.output
    assert "3 récapitulatifs placés dans la boîte d'envoi." in result.output  # the CLI speaks DIALOGUE_LANGUAGE (fr)
    sent = await digests(db)
    assert set(sent) == {world["ugtt1"].email, world["ugtt2"].email, "gov@mas.tn"}
    assert f"https://dialogue.example.tn/commitments/{world['soon'].id}" in sent[world["ugtt1"].email].text_body


async def test_a_second_click_on_send_the_digest_queues_nothing_more(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    await digest_world(db)
    outbox = (await english.get("/outbox")).text
    form = outbox[outbox.index('action="/reminders/digest"') :]
    key = form[form.index('name="_form_key" value="') + len('name="_form_key" value="') :].split('"')[0]
    first = await english.post("/reminders/digest", data={"_form_key": key})
    second = await english.post("/reminders/digest", data={"_form_key": key}, follow_redirects=False)
    assert first.status_code == 200 and "3 digests queued." in first.text
    assert second.status_code == 303 and second.headers["location"] == "/outbox"
    rows = await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
    assert len(rows.all()) == 3
