"""The outbox page through HTTP: the secretariat reads every message and acts; nobody else."""

from __future__ import annotations

import email
from email import policy
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.mail.models import OutboxMessage, OutboxStatus
from dialogue.mail.outbox import enqueue
from tests import factories
from tests.conftest import count_queries, open_session

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:m-1@x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


async def some_messages(db: AsyncSession) -> dict[str, OutboxMessage]:
    meeting = await factories.meeting(db, title="Commission des salaires")
    invitation = enqueue(
        db,
        to_address="samir@example.tn",
        to_name="Samir Ben Ali",
        subject="Convocation : commission des salaires",
        text_body="Bonjour Samir,\nvous êtes convoqué.",
        html_body='<p onclick="evil()">Bonjour <script>alert(1)</script></p>',
        calendar=CALENDAR,
        kind="invitation",
        meeting_id=meeting.id,
        language="fr",
    )
    failed = enqueue(db, to_address="leila@example.tn", subject="Rappel hebdomadaire", text_body="...", kind="digest")
    await db.flush()
    failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 10, "550 5.1.1 No such user here"
    await db.commit()
    return {"invitation": invitation, "failed": failed, "meeting": meeting}


async def test_without_smtp_the_secretariat_reads_what_would_be_sent(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    made = await some_messages(db)
    invitation_id = made["invitation"].id
    page = await english.get("/outbox")
    assert page.status_code == 200
    assert "No SMTP server is configured" in page.text and "Send due messages now" not in page.text
    assert "Convocation : commission des salaires" in page.text and "Rappel hebdomadaire" in page.text
    assert "Commission des salaires" in page.text
    assert "550 5.1.1 No such user here" in page.text

    detail = await english.get(f"/outbox/{made['invitation'].id}")
    assert detail.status_code == 200
    assert "vous êtes convoqué." in detail.text
    # The HTML version is shown as escaped source, never rendered.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.text and "<script>alert(1)" not in detail.text
    assert "METHOD:CANCEL" in detail.text
    db.expire_all()
    assert (await db.get(OutboxMessage, invitation_id)).status is OutboxStatus.PENDING  # type: ignore[union-attr]


async def test_secretariat_filters_the_outbox(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    made = await some_messages(db)
    failed = await english.get("/outbox", params={"status": "failed"})
    assert "Rappel hebdomadaire" in failed.text and "Convocation" not in failed.text
    by_kind = await english.get("/outbox", params={"kind": "invitation"})
    assert "Convocation" in by_kind.text and "Rappel hebdomadaire" not in by_kind.text
    by_meeting = await english.get("/outbox", params={"meeting": made["meeting"].id})
    assert "Convocation" in by_meeting.text and "Rappel hebdomadaire" not in by_meeting.text
    by_text = await english.get("/outbox", params={"q": "LEILA"})
    assert "Rappel hebdomadaire" in by_text.text and "Convocation" not in by_text.text
    fragment = await english.get("/outbox", params={"q": "samir"}, headers={"HX-Request": "true"})
    assert "Convocation" in fragment.text and "<html" not in fragment.text
    for nonsense in ({"status": "lost"}, {"meeting": "abc"}, {"offset": "-4"}, {"meeting": "9" * 30}, {"q": "%_\\"}):
        response = await english.get("/outbox", params=nonsense)
        assert response.status_code == 200, nonsense


async def test_outbox_is_paginated_without_a_query_per_row(
    english: AsyncTestClient[Any], db: AsyncSession, app_engine: Any
) -> None:
    meeting = await factories.meeting(db)
    for n in range(3):
        enqueue(db, to_address=f"a{n}@example.tn", subject=f"Message {n}", text_body=".", meeting_id=meeting.id)
    await db.commit()
    with count_queries(app_engine) as few:
        await english.get("/outbox")
    for n in range(3, 30):
        enqueue(db, to_address=f"a{n}@example.tn", subject=f"Message {n}", text_body=".", meeting_id=meeting.id)
    await db.commit()
    with count_queries(app_engine) as many:
        first = await english.get("/outbox")
    assert many.count == few.count
    assert "Message 29" in first.text and "Message 0<" not in first.text
    second = await english.get("/outbox", params={"offset": 25})
    assert "Message 0<" in second.text


async def test_message_downloads_as_it_would_be_sent(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    made = await some_messages(db)
    response = await english.get(f"/outbox/{made['invitation'].id}/message.eml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("message/rfc822")
    parsed = email.message_from_bytes(response.content, policy=policy.default)
    assert parsed["Subject"] == "Convocation : commission des salaires"
    calendar = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    assert (await english.get("/outbox/999999")).status_code == 404
    assert (await english.get("/outbox/999999/message.eml")).status_code == 404


async def test_secretariat_retries_a_failed_message_and_it_goes_out(
    smtp_client: AsyncTestClient[Any], db: AsyncSession, smtp_server: Any
) -> None:
    failed_id = (await some_messages(db))["failed"].id
    response = await smtp_client.post(f"/outbox/{failed_id}/retry", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/outbox/{failed_id}"
    db.expire_all()
    failed = await db.get(OutboxMessage, failed_id)
    assert failed is not None and failed.status is OutboxStatus.SENT
    # Only that message: the invitation waits for the worker or "send now".
    assert [m["Subject"] for m in smtp_server.inbox.messages] == ["Rappel hebdomadaire"]
    again = await smtp_client.post(f"/outbox/{failed_id}/retry")
    assert again.status_code == 409


async def test_secretariat_sends_due_messages_now(
    smtp_client: AsyncTestClient[Any], db: AsyncSession, smtp_server: Any
) -> None:
    await some_messages(db)
    page = await smtp_client.get("/outbox")
    assert "No SMTP server is configured" not in page.text and "Send due messages now" in page.text
    response = await smtp_client.post("/outbox/send")
    assert response.status_code == 200 and "1 message sent." in response.text
    assert [m["Subject"] for m in smtp_server.inbox.messages] == ["Convocation : commission des salaires"]
    statuses = (await db.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))).all()
    assert statuses == [OutboxStatus.SENT, OutboxStatus.FAILED]


async def test_retry_without_smtp_only_makes_the_message_due(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    failed_id = (await some_messages(db))["failed"].id
    response = await english.post(f"/outbox/{failed_id}/retry")
    assert response.status_code == 200
    db.expire_all()
    failed = await db.get(OutboxMessage, failed_id)
    assert failed is not None and failed.status is OutboxStatus.PENDING
    assert (await english.post("/outbox/send")).status_code == 200
    assert (await english.post("/outbox/424242/retry")).status_code == 404


async def test_delegate_cannot_see_or_use_the_outbox(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    message_id = (await some_messages(db))["invitation"].id
    org = await factories.organisation(db)
    delegate = await factories.account(db, Role.DELEGATE, org)
    await db.commit()
    open_session(anonymous, delegate.email)
    for method, url in (
        ("GET", "/outbox"),
        ("GET", f"/outbox/{message_id}"),
        ("GET", f"/outbox/{message_id}/message.eml"),
        ("POST", f"/outbox/{message_id}/retry"),
        ("POST", "/outbox/send"),
    ):
        response = await anonymous.request(method, url)
        assert response.status_code == 403, (method, url)
        assert "Convocation" not in response.text
    db.expire_all()
    assert (await db.get(OutboxMessage, message_id)).status is OutboxStatus.PENDING  # type: ignore[union-attr]
    assert "/outbox" not in (await anonymous.get("/")).text


async def test_outbox_link_is_in_the_secretariat_menu(english: AsyncTestClient[Any]) -> None:
    assert 'href="/outbox"' in (await english.get("/")).text


async def test_malformed_mail_settings_are_refused_not_crashed(
    client: AsyncTestClient[Any], settings: Any, db: AsyncSession
) -> None:
    from dataclasses import replace

    from dialogue.app import create_app
    from dialogue.mail.worker import start_mail_worker

    await some_messages(db)
    app = create_app(replace(settings, smtp_url="smtp://relay:notaport"))
    if start_mail_worker in app.on_startup:  # that hook would (rightly) refuse to start
        app.on_startup.remove(start_mail_worker)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as browser:
        open_session(browser, "secretariat@example.tn")
        browser.headers["accept-language"] = "en"
        response = await browser.post("/outbox/send")
        assert response.status_code == 409 and "DIALOGUE_SMTP_URL" in response.text
    statuses = (await db.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))).all()
    assert statuses == [OutboxStatus.PENDING, OutboxStatus.FAILED]


async def test_outbox_names_each_kind_of_message_in_the_readers_language(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    made = await some_messages(db)
    enqueue(db, to_address="odd@example.tn", subject="Autre", text_body="...", kind="something-new")
    await db.commit()

    page = await english.get("/outbox")
    detail = await english.get(f"/outbox/{made['failed'].id}")

    assert page.status_code == 200
    assert "Invitation to a meeting" in page.text and "Weekly digest of commitments" in page.text
    # The filter offers the labels, and still sends the stored values.
    assert '<option value="digest" >Weekly digest of commitments</option>' in page.text
    assert ">digest<" not in page.text and ">invitation<" not in page.text
    assert "something-new" in page.text  # a kind without a label is shown as stored
    assert "<dd>Weekly digest of commitments</dd>" in detail.text
    filtered = await english.get("/outbox?kind=digest")
    assert "Rappel hebdomadaire" in filtered.text and "Convocation" not in filtered.text
