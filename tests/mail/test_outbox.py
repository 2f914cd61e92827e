"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL:
nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogue.errors import Refused
from dialogue.mail.delivery import MAX_ATTEMPTS, deliver_due
from dialogue.mail.models import CalendarMethod, OutboxMessage, OutboxStatus
from dialogue.mail.outbox import enqueue, make_due
from dialogue.people.models import Person
from dialogue.settings import Settings
from tests import factories
from tests.mail.conftest import Inbox, free_port

NOW = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Dialogue//FR\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-7@example.tn\r\nSEQUENCE:0\r\nDTSTAMP:20260504T080000Z\r\n"
    "DTSTART;TZID=Africa/Tunis:20261210T090000\r\nSUMMARY:Commission — اللجنة\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def with_smtp(settings: Settings, url: str | None) -> Settings:
    return replace(settings, smtp_url=url, mail_from="Secrétariat <secretariat@cnds.tn>")


async def letters(db: AsyncSession, count: int, **fields: Any) -> list[OutboxMessage]:
    messages = [
        enqueue(
            db,
            to_address=f"delegate{n}@example.tn",
            to_name=fields.get("to_name", f"Délégué {n}"),
            subject=fields.get("subject", f"Convocation {n}"),
            text_body=f"Bonjour {n}",
            html_body=f"<p>Bonjour {n}</p>",
            calendar=fields.get("calendar"),
            language="fr",
            kind="invitation",
            now=NOW,
        )
        for n in range(count)
    ]
    await db.commit()
    return messages


async def reload(db: AsyncSession) -> list[OutboxMessage]:
    db.expire_all()
    return list((await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_message_exists_only_if_the_action_commits(db: AsyncSession) -> None:
    org = await factories.organisation(db)
    await db.commit()
    person = Person(organisation_id=org.id, full_name="Amel", email="amel@example.tn")
    db.add(person)
    await db.flush()
    enqueue(db, to_address="amel@example.tn", subject="Bienvenue", text_body="...", person_id=person.id)
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert await db.scalar(select(func.count()).select_from(Person)) == 0

    enqueue(db, to_address="amel@example.tn", subject="Bienvenue", text_body="...")
    await db.commit()
    assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_enqueue_refuses_bad_address_and_mismatched_method(db: AsyncSession) -> None:
    with pytest.raises(ValueError):
        enqueue(db, to_address="not an address", subject="x", text_body="x")
    with pytest.raises(ValueError):
        enqueue(db, to_address="a@example.tn", subject="x", text_body="x", calendar=CALENDAR, calendar_method="CANCEL")
    message = enqueue(
        db, to_address=" a@example.tn ", subject="Ligne\r\nBcc: x@evil.tn", text_body="x", calendar=CALENDAR
    )
    assert message.calendar_method is CalendarMethod.REQUEST
    assert message.subject == "Ligne Bcc: x@evil.tn" and message.to_address == "a@example.tn"


async def test_without_smtp_messages_wait_and_stay_readable(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await letters(db, 2)
    assert await deliver_due(sessions, with_smtp(settings, None), worker_id="w1", now=NOW) == 0
    rows = await reload(db)
    assert [(m.status, m.attempts, m.claimed_by) for m in rows] == [(OutboxStatus.PENDING, 0, None)] * 2


async def test_invitation_arrives_with_the_rfc_6047_structure(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_server: Any
) -> None:
    await letters(db, 1, calendar=CALENDAR, subject="Convocation — اجتماع اللجنة", to_name="Samir Ben Ali, Comité")
    assert await deliver_due(sessions, with_smtp(settings, smtp_server.url), worker_id="w1", now=NOW) == 1

    [received] = smtp_server.inbox.messages
    assert smtp_server.inbox.envelopes == [("secretariat@cnds.tn", ["delegate0@example.tn"])]
    assert [p.get_content_type() for p in received.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    calendar = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_payload(decode=True) == CALENDAR.encode()
    attachment = next(p for p in received.walk() if p.get_content_type() == "application/ics")
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == CALENDAR.encode()
    assert received["Subject"] == "Convocation — اجتماع اللجنة"
    assert received["To"].addresses[0].display_name == "Samir Ben Ali, Comité"
    [message] = await reload(db)
    assert received["Message-ID"] == f"<outbox-{message.id}@cnds.tn>"
    assert (message.status, message.attempts, message.sent_at, message.claimed_by) == (OutboxStatus.SENT, 1, NOW, None)


async def test_server_down_midway_loses_nothing_and_sends_nothing_twice(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_servers: Any
) -> None:
    await letters(db, 3)
    inbox = Inbox()
    failing = smtp_servers(inbox, stop_after=1)
    assert await deliver_due(sessions, with_smtp(settings, failing.url), worker_id="w1", now=NOW) == 1

    first, *rest = await reload(db)
    assert first.status is OutboxStatus.SENT
    for message in rest:
        assert message.status is OutboxStatus.PENDING
        assert message.last_error
        assert message.next_attempt_at == NOW + dt.timedelta(minutes=1)
        assert (message.attempts, message.claimed_until, message.sent_at) == (1, None, None)

    # Still down, and not yet due: nothing happens.
    assert await deliver_due(sessions, with_smtp(settings, failing.url), worker_id="w1", now=NOW) == 0

    back = smtp_servers(inbox)  # the server is back
    later = NOW + dt.timedelta(minutes=2)
    assert await deliver_due(sessions, with_smtp(settings, back.url), worker_id="w2", now=later) == 2
    assert await deliver_due(sessions, with_smtp(settings, back.url), worker_id="w2", now=later) == 0
    counts = inbox.by_message_id()
    assert len(counts) == 3 and set(counts.values()) == {1}
    assert [m.status for m in await reload(db)] == [OutboxStatus.SENT] * 3


async def test_closed_port_keeps_messages_and_gives_up_after_the_last_try(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await letters(db, 2)
    closed = with_smtp(settings, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await deliver_due(sessions, closed, worker_id="w1", now=now) == 0
        rows = await reload(db)
        assert {m.attempts for m in rows} == {attempt}
        expected = OutboxStatus.FAILED if attempt == MAX_ATTEMPTS else OutboxStatus.PENDING
        assert {m.status for m in rows} == {expected}
        assert all(m.last_error for m in rows)
        now = now + dt.timedelta(hours=7)
    # Given up: no more tries until the secretariat asks for one.
    assert await deliver_due(sessions, closed, worker_id="w1", now=now) == 0
    assert {m.attempts for m in await reload(db)} == {MAX_ATTEMPTS}


async def test_refused_recipient_fails_at_once_without_blocking_the_others(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_servers: Any
) -> None:
    await letters(db, 3)
    server = smtp_servers(refuse={"delegate1@example.tn"})
    assert await deliver_due(sessions, with_smtp(settings, server.url), worker_id="w1", now=NOW) == 2
    rows = await reload(db)
    assert [m.status for m in rows] == [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENT]
    assert "550" in (rows[1].last_error or "")


async def test_two_workers_never_send_the_same_message(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_server: Any
) -> None:
    await letters(db, 12)
    configured = with_smtp(settings, smtp_server.url)
    sent = await asyncio.gather(
        deliver_due(sessions, configured, worker_id="w1", now=NOW),
        deliver_due(sessions, configured, worker_id="w2", now=NOW),
    )
    assert sum(sent) == 12
    counts = smtp_server.inbox.by_message_id()
    assert len(counts) == 12 and set(counts.values()) == {1}
    assert {(m.status, m.attempts) for m in await reload(db)} == {(OutboxStatus.SENT, 1)}


async def test_live_lease_is_respected_and_expired_lease_is_retried(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_server: Any
) -> None:
    [message] = await letters(db, 1)
    # A worker claimed it, then died in the middle of sending.
    message.status = OutboxStatus.SENDING
    message.claimed_by = "dead-worker"
    message.claimed_until = NOW + dt.timedelta(minutes=5)
    message.attempts = 1
    await db.commit()
    configured = with_smtp(settings, smtp_server.url)

    assert await deliver_due(sessions, configured, worker_id="w2", now=NOW + dt.timedelta(minutes=1)) == 0
    assert smtp_server.inbox.messages == []

    assert await deliver_due(sessions, configured, worker_id="w2", now=NOW + dt.timedelta(minutes=6)) == 1
    [message] = await reload(db)
    assert (message.status, message.attempts, message.claimed_by) == (OutboxStatus.SENT, 2, None)
    assert len(smtp_server.inbox.messages) == 1


async def test_retry_now_makes_a_failed_message_due_for_one_more_try(db: AsyncSession) -> None:
    [message] = await letters(db, 1)
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, MAX_ATTEMPTS, "421 busy"
    await db.commit()
    later = NOW + dt.timedelta(days=1)
    await make_due(db, message, now=later)
    await db.commit()
    assert (message.status, message.next_attempt_at, message.attempts) == (
        OutboxStatus.PENDING,
        later,
        MAX_ATTEMPTS - 1,
    )

    message.status = OutboxStatus.SENT
    await db.commit()
    with pytest.raises(Refused):
        await make_due(db, message, now=later)


async def test_meeting_page_can_list_who_was_sent_what(db: AsyncSession) -> None:
    from dialogue.mail.reading import messages_for_meeting

    meeting = await factories.meeting(db)
    other = await factories.meeting(db)
    enqueue(
        db, to_address="a@example.tn", subject="Convocation", text_body=".", meeting_id=meeting.id, kind="invitation"
    )
    enqueue(db, to_address="b@example.tn", subject="Autre", text_body=".", meeting_id=other.id, kind="invitation")
    enqueue(
        db, to_address="a@example.tn", subject="Annulation", text_body=".", meeting_id=meeting.id, kind="cancellation"
    )
    await db.commit()
    sent = await messages_for_meeting(db, meeting.id)
    assert [(m.to_address, m.kind) for m in sent] == [("a@example.tn", "invitation"), ("a@example.tn", "cancellation")]
