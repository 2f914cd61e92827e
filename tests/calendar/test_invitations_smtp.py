"""End to end: invitations, then a cancellation, through a real SMTP server."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.mail.delivery import deliver_due
from dialogue.mail.models import OutboxStatus
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from tests.calendar.invites_helpers import arrange, event_of, outbox
from tests.mail.conftest import smtp_server, smtp_servers  # noqa: F401  (fixtures)


def calendar_part(message: Any) -> Any:
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


async def test_invitations_update_and_cancellation_arrive_by_smtp(
    client: AsyncTestClient[Any],
    db: AsyncSession,
    engine: AsyncEngine,
    settings: Settings,
    smtp_server: Any,  # noqa: F811
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    sessions = session_factory(engine)
    sending = dataclasses.replace(settings, smtp_url=smtp_server.url)

    assert (await client.post(f"/meetings/{meeting.id}/invitations/send", follow_redirects=False)).status_code == 303
    assert await deliver_due(sessions, sending, worker_id="test") == 2
    received = smtp_server.inbox.messages
    assert sorted(str(m["To"]) for m in received) == [
        "Amel Ben Salah <amel@ugtt.tn>",
        "كريم الطرابلسي <karim@utica.tn>",
    ]
    stored = await outbox(db, meeting.id)
    assert {m.status for m in stored} == {OutboxStatus.SENT}
    for message in received:
        kinds = {part.get_content_type() for part in message.walk()}
        assert {"text/plain", "text/html", "text/calendar"} <= kinds
        part = calendar_part(message)
        assert part.get_param("method") == "REQUEST"
        data = part.get_content()
        data = data.encode() if isinstance(data, str) else data
        calendar, event = event_of(data)
        assert str(calendar["METHOD"]) == "REQUEST"
        written = {m.to_address: m.calendar for m in stored}
        address = message["To"].addresses[0].addr_spec
        assert data == written[address].encode()  # the file as written in the outbox
        assert str(event["UID"]) == f"meeting-{meeting.id}@127.0.0.1"

    cancelled = await client.post(
        f"/meetings/{meeting.id}/cancel",
        data={"version": meeting.version},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    assert await deliver_due(sessions, sending, worker_id="test") == 2
    cancellations = received[2:]
    assert len(cancellations) == 2
    for message in cancellations:
        part = calendar_part(message)
        assert part.get_param("method") == "CANCEL"
        data = part.get_content()
        _, event = event_of(data.encode() if isinstance(data, str) else data)
        assert str(event["STATUS"]) == "CANCELLED"
