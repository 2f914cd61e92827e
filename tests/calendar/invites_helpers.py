"""Shared arrangements of the invitation tests: a meeting (in 2036, so that it stays in the
future: invitations for a past meeting need a confirmation) with a French, an Arabic and an
address-less invitee, and an agenda of two items."""

from __future__ import annotations

import email
from email import policy
from typing import Any

import icalendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.mail.models import OutboxMessage
from dialogue.meetings.models import InvitationRole
from dialogue.people.models import Language, Side
from tests import factories
from tests.calendar.samples import assert_well_formed, read


async def arrange(db: AsyncSession) -> dict[str, Any]:
    workers = await factories.organisation(db, Side.WORKERS, acronym="UGTT")
    employers = await factories.organisation(db, Side.EMPLOYERS, acronym="UTICA")
    body = await factories.body(db, name="Commission des salaires")
    meeting = await factories.meeting(
        db,
        body,
        title="Salaire minimum, révision: 2027",
        venue="Dar Dhiafa, Carthage",
        starts_at=factories.tunis(2036, 12, 10, 9),
    )
    amel = await factories.person(
        db,
        workers,
        full_name="Amel Ben Salah",
        email="amel@ugtt.tn",
        language=Language.FR,
    )
    karim = await factories.person(
        db,
        employers,
        full_name="كريم الطرابلسي",
        email="karim@utica.tn",
        language=Language.AR,
    )
    nomail = await factories.person(db, workers, full_name="Sans Adresse", email=None)
    spare = await factories.person(db, workers, full_name="Sami Alterné", email="sami@ugtt.tn")
    invitations = {
        "amel": await factories.invite(db, meeting, amel, InvitationRole.CHAIR, rank=1),
        "karim": await factories.invite(db, meeting, karim, InvitationRole.OBSERVER, rank=2),
        "nomail": await factories.invite(db, meeting, nomail, rank=3),
    }
    await factories.item(db, meeting, 1, title="Ouverture", duration_minutes=15)
    await factories.item(db, meeting, 2, title="Barème 2027", duration_minutes=60)
    await db.commit()
    return {
        "meeting": meeting,
        "amel": amel,
        "karim": karim,
        "nomail": nomail,
        "spare": spare,
        "body": body,
        "invitations": invitations,
        "workers": workers,
        "employers": employers,
    }


async def outbox(db: AsyncSession, meeting_id: int) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.meeting_id == meeting_id).order_by(OutboxMessage.id)
    rows = list(await db.scalars(query.execution_options(populate_existing=True)))
    await db.commit()  # end the read: the app writes next
    return rows


def event_of(calendar: bytes | str) -> tuple[icalendar.Calendar, Any]:
    data = calendar.encode() if isinstance(calendar, str) else calendar
    assert_well_formed(data)
    parsed, _vobj = read(data)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 1
    return parsed, events[0]


def attendee_emails(event: Any) -> list[str]:
    values = event.get("ATTENDEE", [])
    values = values if isinstance(values, list) else [values]
    return [str(v).removeprefix("mailto:") for v in values]


def parse_mime(raw: bytes) -> Any:
    return email.message_from_bytes(raw, policy=policy.default)
