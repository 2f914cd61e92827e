"""What a change through the pages writes to the trail: one event per changed row, in the
same transaction, with who, from where and the fields' values before and after."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.accounts.passwords import hash_password
from dialogue.agenda.models import AgendaItem
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Side
from tests import factories as f
from tests.audit.conftest import SECRETARIAT, act_as, event_count, events
from tests.conftest import sign_in


def meeting_form(meeting: Meeting, **overrides: Any) -> dict[str, str]:
    """The edit form of a factory-made meeting, as the browser would send it unchanged."""
    values = {
        "body_id": meeting.body_id,
        "title": meeting.title,
        "kind": meeting.kind.value,
        "starts_at": "2026-12-10T09:00",
        "ends_at": "2026-12-10T12:00",
        "venue": meeting.venue,
        "online_url": meeting.online_url or "",
        "status": meeting.status.value,
        "description": meeting.description,
        "version": meeting.version,
    }
    values.update(overrides)
    return {key: str(value) for key, value in values.items()}


async def test_editing_a_meetings_title_writes_one_event_with_before_and_after(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db, title="Session ordinaire")
    await db.commit()
    before = await event_count(db)

    response = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=meeting_form(meeting, title="Session extraordinaire"),
    )

    assert response.status_code == 303
    assert await event_count(db) == before + 1
    [event] = await events(db, entity="meeting", action=AuditAction.UPDATE)
    assert event.changes == {"title": ["Session ordinaire", "Session extraordinaire"]}
    assert event.actor == SECRETARIAT
    assert event.account_id is not None
    assert event.ip == "testclient"  # the address the request came from (the test client's)
    assert (event.root_entity, event.root_id, event.entity_id) == (
        "meeting",
        meeting.id,
        meeting.id,
    )
    assert event.summary == "Session extraordinaire"


async def test_a_status_change_is_recorded_as_a_status_event(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()

    response = await english.post(f"/meetings/{meeting.id}/edit", data=meeting_form(meeting, status="postponed"))

    assert response.status_code == 303
    [event] = await events(db, entity="meeting", entity_id=meeting.id, action=AuditAction.STATUS)
    assert event.changes == {"status": ["scheduled", "postponed"]}
    page = await english.get(f"/meetings/{meeting.id}/history")
    assert "Status changed" in page.text
    assert "Scheduled" in page.text and "Postponed" in page.text


async def test_cancelling_a_meeting_is_a_status_event(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/cancel", data={"version": "1"})
    assert response.status_code == 303
    [event] = await events(db, entity="meeting", action=AuditAction.STATUS)
    assert event.changes["status"] == [
        MeetingStatus.SCHEDULED.value,
        MeetingStatus.CANCELLED.value,
    ]


async def test_adding_and_removing_an_agenda_item_is_filed_under_the_meeting(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()

    added = await english.post(
        f"/meetings/{meeting.id}/agenda",
        data={"title": "Salaire minimum", "duration_minutes": "45"},
    )
    assert added.status_code == 303
    [created] = await events(db, entity="agenda_item", action=AuditAction.CREATE)
    assert (created.root_entity, created.root_id) == ("meeting", meeting.id)
    assert created.changes["title"] == [None, "Salaire minimum"]
    assert created.changes["duration_minutes"] == [None, 45]

    removed = await english.post(f"/agenda/{created.entity_id}/delete")
    assert removed.status_code == 303
    [deleted] = await events(db, entity="agenda_item", action=AuditAction.DELETE)
    assert (deleted.root_entity, deleted.root_id, deleted.entity_id) == (
        "meeting",
        meeting.id,
        created.entity_id,
    )
    assert deleted.changes["title"] == ["Salaire minimum", None]

    page = await english.get(f"/meetings/{meeting.id}/history")
    assert page.status_code == 200
    assert page.text.count("Agenda item") >= 2
    assert "Created" in page.text and "Deleted" in page.text
    assert page.text.index("Deleted") < page.text.index("Created")  # newest first


async def test_a_stale_edit_writes_no_event(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db, title="Avant")
    await db.commit()
    assert (
        await english.post(f"/meetings/{meeting.id}/edit", data=meeting_form(meeting, title="Premier"))
    ).status_code == 303
    before = await event_count(db)

    stale = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=meeting_form(meeting, title="Second", version=1),
    )

    assert stale.status_code == 409
    assert await event_count(db) == before


async def test_an_invalid_form_writes_no_event(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    before = await event_count(db)

    invalid = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=meeting_form(
            meeting,
            title="Nouveau",
            starts_at="2026-12-10T12:00",
            ends_at="2026-12-10T09:00",
        ),
    )

    assert invalid.status_code == 422
    assert await event_count(db) == before


async def test_a_stale_agenda_edit_writes_no_event(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    item = await f.item(db, meeting, title="Point")
    await db.commit()
    before = await event_count(db)

    response = await english.post(
        f"/agenda/{item.id}/edit",
        data={"title": "Autre", "duration_minutes": "30", "version": "7"},
    )

    assert response.status_code == 409
    assert await event_count(db) == before
    await db.refresh(item)
    assert item.title == "Point"


async def test_an_event_is_written_in_the_transaction_of_its_change(
    db: AsyncSession,
) -> None:
    """A change that is flushed and then rolled back leaves no event behind."""
    meeting = await f.meeting(db, title="Avant")
    await db.commit()
    before = await event_count(db)
    meeting.title = "Après"
    await db.flush()
    assert [e.changes for e in await _uncommitted(db, meeting.id)] == [{"title": ["Avant", "Après"]}]
    await db.rollback()
    assert await event_count(db) == before


async def _uncommitted(db: AsyncSession, meeting_id: int) -> list[AuditEvent]:
    """Events as this session sees them, without ending its transaction."""
    query = select(AuditEvent).where(AuditEvent.entity == "meeting", AuditEvent.action == AuditAction.UPDATE)
    return list(await db.scalars(query.where(AuditEvent.entity_id == meeting_id)))


async def test_a_positions_event_carries_its_side_and_whether_it_is_internal(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    item = await f.item(db, meeting)
    await db.commit()

    response = await english.post(
        f"/agenda/{item.id}/positions/workers",
        data={"stance": "support", "statement": "Nous soutenons"},
    )
    assert response.status_code == 303
    [shared] = await events(db, entity="position")
    assert (shared.side, shared.internal) == ("workers", False)
    assert (shared.root_entity, shared.root_id) == ("meeting", meeting.id)

    await f.position(db, item, Side.EMPLOYERS, statement="Brouillon", internal=True)
    await db.commit()
    [draft] = await events(db, entity="position", side="employers")
    assert draft.internal is True


async def test_sharing_a_draft_position_keeps_its_event_internal(
    db: AsyncSession,
) -> None:
    """The event that shares a draft shows the draft's text as "before": it stays internal."""
    meeting = await f.meeting(db)
    item = await f.item(db, meeting)
    position = await f.position(db, item, Side.WORKERS, statement="Nous pourrions accepter 5 %", internal=True)
    await db.commit()
    position.internal = False
    position.statement = "Nous demandons 8 %"
    await db.commit()
    update = (await events(db, entity="position", action=AuditAction.UPDATE))[-1]
    assert update.changes["internal"] == [True, False]
    assert update.internal is True


async def test_secrets_never_reach_the_trail(english: Any, db: AsyncSession) -> None:
    org = await f.organisation(db, Side.WORKERS)
    person = await f.person(db, org)
    account = await f.account(db, Role.DELEGATE, org, person_id=person.id)
    token = await f.api_token(db, account)
    await db.commit()

    account.password_hash = hash_password("a brand new long password")
    await db.commit()
    new_hash = account.password_hash

    created = (await events(db, entity="account", entity_id=account.id, action=AuditAction.CREATE))[0]
    assert created.changes["password_hash"] == [None, "•••"]
    [changed] = await events(db, entity="account", entity_id=account.id, action=AuditAction.UPDATE)
    assert changed.changes == {"password_hash": ["•••", "•••"]}
    [token_event] = await events(db, entity="api_token", root_id=account.id)
    assert token_event.changes["token_hash"] == [None, "•••"]
    everything = repr([(e.summary, e.changes) for e in await events(db)])
    assert new_hash not in everything and "$argon2" not in everything
    assert token not in everything

    for url in (f"/people/{person.id}/history", "/audit"):
        page = await english.get(url)
        assert page.status_code == 200
        assert "•••" in page.text
        assert "$argon2" not in page.text and token not in page.text


async def test_signing_in_is_an_event_of_its_own_not_a_change_to_the_person(english: Any, db: AsyncSession) -> None:
    org = await f.organisation(db, Side.WORKERS)
    person = await f.person(db, org)
    await f.account(db, Role.DELEGATE, org, person_id=person.id, email="ugtt@example.tn")
    await db.commit()

    assert (await sign_in(english, "ugtt@example.tn")).status_code == 303  # the form
    await act_as(english, SECRETARIAT)
    assert await events(db, action=AuditAction.SIGN_IN, actor="ugtt@example.tn")
    assert not await events(db, entity="account", action=AuditAction.UPDATE)
    page = await english.get(f"/people/{person.id}/history")
    assert "Signed in" not in page.text
    assert "Last sign" not in page.text


async def test_agenda_items_are_filed_under_their_meeting_even_when_rows_are_made_directly(
    db: AsyncSession,
) -> None:
    meeting = await f.meeting(db)
    item = await f.item(db, meeting)
    await f.position(db, item, Side.GOVERNMENT)
    await db.commit()
    for event in await events(db, entity="position") + await events(db, entity="agenda_item"):
        assert (event.root_entity, event.root_id) == ("meeting", meeting.id)
    assert await db.get(AgendaItem, item.id) is not None


def test_the_served_app_records_changes_without_anyone_importing_dialogue_models(
    tmp_path: Any,
) -> None:
    """`dialogue run` imports the app, never `dialogue.models` where the audited tables are
    registered: the trail must still record every change."""
    script = f"""
import asyncio, sys
from sqlalchemy import func, select
from dialogue.app import create_app
from dialogue.audit.models import AuditEvent
from dialogue.bodies.models import Body
from dialogue.db import Base
from dialogue.settings import Settings

async def main():
    settings = Settings(database_url="sqlite+aiosqlite:///{tmp_path}/served.db", secret_key="k" * 40)
    app = create_app(settings)
    assert "dialogue.models" not in sys.modules
    engine = app.state.engine
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with app.state.sessions() as db:
        db.add(Body(name="Commission"))
        await db.commit()
        print(await db.scalar(select(func.count()).select_from(AuditEvent)))
    await engine.dispose()

asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
