"""The body's session ("2nd ordinary session of 2036") in the invitation email, in each
invitee's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dialogue.mail.models import OutboxMessage
from dialogue.meetings.models import SessionKind
from tests.calendar.invites_helpers import arrange


async def test_the_invitation_names_the_session(english: Any, db: Any) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    meeting.session_kind, meeting.session_number = SessionKind.ORDINARY, 2
    await db.commit()
    sent = await english.post(f"/meetings/{meeting.id}/invitations/send", follow_redirects=False)
    assert sent.status_code == 303
    messages = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.meeting_id == meeting.id)))
    texts = " ".join(message.text_body + message.html_body for message in messages)
    assert "2e session ordinaire de 2036" in texts  # Amel reads French
    assert len(messages) == 2
