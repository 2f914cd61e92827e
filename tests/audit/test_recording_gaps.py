"""Changes written outside the ORM's flush, and refusals outside the permission check, are
in the trail too: a deleted meeting (with a snapshot of what was deleted), the agenda's
order, calendar feeds, the outbox (retry, send, digest) and CSRF refusals. The audit page
says them in words in French, Arabic and English."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.audit.models import AuditAction
from dialogue.calendar.models import FeedToken
from dialogue.mail.models import OutboxStatus
from dialogue.mail.outbox import enqueue
from tests import factories as f
from tests.audit.conftest import SECRETARIAT, events


async def test_deleting_a_meeting_keeps_a_snapshot_of_it_and_its_agenda(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db, title="Réunion à supprimer", venue="Salle B")
    item = await f.item(db, meeting, title="Point unique")
    await db.commit()

    response = await english.post(f"/meetings/{meeting.id}/delete")

    assert response.status_code == 303, response.text
    [deleted] = await events(db, entity="meeting", action=AuditAction.DELETE)
    assert (deleted.root_entity, deleted.root_id, deleted.entity_id) == ("meeting", meeting.id, meeting.id)
    assert deleted.actor == SECRETARIAT
    assert deleted.summary == "Réunion à supprimer"
    assert deleted.changes["title"] == ["Réunion à supprimer", None]
    assert deleted.changes["venue"] == ["Salle B", None]
    [gone] = await events(db, entity="agenda_item", action=AuditAction.DELETE)
    assert (gone.entity_id, gone.root_id) == (item.id, meeting.id)
    assert gone.changes["title"] == ["Point unique", None]

    page = (await english.get("/audit?action=delete")).text
    assert "Deleted" in page and "Réunion à supprimer" in page and "Salle B" in page


async def test_moving_an_agenda_item_records_the_new_order(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    first = await f.item(db, meeting, rank=1, title="Premier point")
    second = await f.item(db, meeting, rank=2, title="Second point")
    await db.commit()

    response = await english.post(f"/agenda/{second.id}/move", data={"direction": "up"})

    assert response.status_code in (200, 303), response.text
    moved = {event.entity_id: event for event in await events(db, entity="agenda_item", action=AuditAction.UPDATE)}
    assert moved[second.id].changes == {"rank": [2, 1]}
    assert moved[first.id].changes == {"rank": [1, 2]}
    assert (moved[second.id].root_entity, moved[second.id].root_id) == ("meeting", meeting.id)
    assert moved[second.id].summary == "Second point"
    history = (await english.get(f"/meetings/{meeting.id}/history")).text
    assert "Order" in history


async def test_reordering_through_the_api_is_recorded(client: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    first = await f.item(db, meeting, rank=1)
    second = await f.item(db, meeting, rank=2)
    account = await f.account(db, email="api@example.tn")
    token = await f.api_token(db, account)
    await db.commit()

    response = await client.post(
        f"/api/v1/meetings/{meeting.id}/agenda/order",
        json=[second.id, first.id],
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200, response.text
    changed = await events(db, entity="agenda_item", action=AuditAction.UPDATE)
    assert {event.entity_id: event.changes["rank"] for event in changed} == {second.id: [2, 1], first.id: [1, 2]}
    assert {event.actor for event in changed} == {"api@example.tn"}


async def test_creating_regenerating_and_revoking_a_feed_are_recorded(english: Any, db: AsyncSession) -> None:
    await db.commit()

    created = await english.post("/account/calendars", data={"scope": "side", "key": "workers"})
    assert created.status_code == 201, created.text
    again = await english.post("/account/calendars", data={"scope": "side", "key": "workers"})
    assert again.status_code == 201, again.text

    [first, second] = await events(db, entity="feed_token", action=AuditAction.CREATE)
    assert first.changes["scope"] == [None, "side"] and first.changes["token_hash"] == [None, "•••"]
    [regenerated] = await events(db, entity="feed_token", action=AuditAction.UPDATE)
    assert regenerated.entity_id == first.entity_id and regenerated.changes["revoked_at"][0] is None

    revoked = await english.post(f"/account/calendars/{second.entity_id}/revoke")
    assert revoked.status_code == 303
    revocations = await events(db, entity="feed_token", action=AuditAction.UPDATE)
    assert [event.entity_id for event in revocations] == [first.entity_id, second.entity_id]
    assert await db.get(FeedToken, second.entity_id) is not None

    page = (await english.get("/audit?entity=feed_token")).text
    assert "Calendar feed" in page and "Revoked" in page


async def test_outbox_retry_send_and_digest_are_recorded(english: Any, db: AsyncSession) -> None:
    message = enqueue(db, to_address="a@example.tn", subject="Convocation", text_body="Bonjour")
    await db.flush()
    message.status = OutboxStatus.FAILED
    await db.commit()

    retried = await english.post(f"/outbox/{message.id}/retry")
    assert retried.status_code == 303, retried.text
    [retry] = await events(db, entity="outbox_message", action=AuditAction.STATUS)
    assert retry.entity_id == message.id and retry.summary == "Convocation"
    assert retry.changes == {"status": ["failed", "pending"]}

    sent = await english.post("/outbox/send")
    assert sent.status_code == 303, sent.text
    [send] = await events(db, entity="outbox_message", action=AuditAction.SEND)
    assert send.changes == {"sent": [None, 0]} and send.actor == SECRETARIAT

    digest = await english.post("/reminders/digest")
    assert digest.status_code in (200, 303), digest.text
    [queued] = await events(db, entity="digest")
    assert queued.action is AuditAction.CREATE and queued.changes == {"queued": [None, 0]}

    page = (await english.get("/audit")).text
    for words in ("Outbox message", "Sent", "Messages sent", "Weekly digest", "Digests queued", "Status changed"):
        assert words in page, words


async def test_a_post_refused_for_its_csrf_token_is_recorded(english: Any, db: AsyncSession) -> None:
    del english.headers["x-csrftoken"]

    response = await english.post("/organisations", data={"slug": "forged", "name": "Forged", "side": "employers"})

    assert response.status_code == 403
    [refusal] = await events(db, action=AuditAction.REFUSED)
    assert (refusal.entity, refusal.summary, refusal.actor) == ("csrf", "POST /organisations", SECRETARIAT)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Accès refusé", "Contrôle du formulaire (CSRF)")),
        ("ar", ("تم رفض الإذن", "التحقق من النموذج (CSRF)")),
        ("en", ("Permission refused", "Form check (CSRF)")),
    ],
)
async def test_the_new_entries_are_in_words_in_each_language(
    english: Any, db: AsyncSession, language: str, words: tuple[str, ...]
) -> None:
    english.headers["accept-language"] = language
    token = english.headers.pop("x-csrftoken")
    await english.post("/organisations", data={"slug": "forged", "name": "Forged", "side": "employers"})
    english.headers["x-csrftoken"] = token

    page = (await english.get("/audit?action=refused")).text

    for word in words:
        assert word in page, word
    assert "csrf</" not in page
