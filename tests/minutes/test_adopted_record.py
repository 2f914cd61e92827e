"""Adopted minutes close their meeting's record: the meeting cannot be cancelled, moved or
deleted, and its attendance and agenda (items, order, positions, outcomes) cannot change,
on the pages, their HTMX fragments and the API. Corrections go in an addendum."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import AgendaItem, Outcome, OutcomeKind, Position
from dialogue.meetings.models import Attendance, Invitation, Meeting, MeetingStatus
from dialogue.minutes.models import Minutes, MinutesStatus
from dialogue.people.models import Side
from tests import factories as f

CLOSED = "The minutes of this meeting have been adopted"


async def adopted_meeting(db: AsyncSession) -> dict[str, Any]:
    world = await f.table(db)
    meeting = await f.meeting(
        db,
        world["plenary"],
        status=MeetingStatus.HELD,
        starts_at=f.tunis(2025, 3, 5, 9),
        ends_at=f.tunis(2025, 3, 5, 12),
    )
    invitation = await f.invite(db, meeting, world["ugtt1"])
    invitation.attendance = Attendance.PRESENT
    first = await f.item(db, meeting, rank=1, title="Premier point")
    second = await f.item(db, meeting, rank=2, title="Second point")
    await f.position(db, first, Side.WORKERS, statement="Tel que discuté")
    await f.outcome(db, first, OutcomeKind.TRIPARTITE_AGREEMENT)
    db.add(
        Minutes(
            meeting_id=meeting.id,
            status=MinutesStatus.ADOPTED,
            current_version=1,
            adopted_at=dt.datetime(2025, 3, 20, 9, tzinfo=dt.UTC),
            sha256="0" * 64,
        )
    )
    await db.commit()
    return {**world, "meeting": meeting, "invitation": invitation, "first": first, "second": second}


def text(response: Any) -> str:
    return html.unescape(response.text)


async def unchanged(db: AsyncSession, record: dict[str, Any]) -> None:
    await db.commit()
    meeting = await db.get(Meeting, record["meeting"].id, populate_existing=True)
    assert meeting is not None and meeting.status == MeetingStatus.HELD
    assert meeting.starts_at == f.tunis(2025, 3, 5, 9)
    invitation = await db.get(Invitation, record["invitation"].id, populate_existing=True)
    assert invitation is not None and invitation.attendance == Attendance.PRESENT
    first = await db.get(AgendaItem, record["first"].id, populate_existing=True)
    assert first is not None and first.rank == 1 and first.title == "Premier point"


async def test_the_meeting_page_offers_no_change_to_the_closed_record(english: Any, db: AsyncSession) -> None:
    record = await adopted_meeting(db)
    page = text(await english.get(f"/meetings/{record['meeting'].id}"))
    assert CLOSED in page
    meeting_id, item_id = record["meeting"].id, record["first"].id
    for address in (
        f"/meetings/{meeting_id}/cancel",
        f"/meetings/{meeting_id}/delete",
        f"/agenda/{item_id}/move",
        f"/agenda/{item_id}/outcome",
        f"/agenda/{item_id}/positions/workers",
        f"/meetings/{meeting_id}/attendance/present",
        f"/meetings/{meeting_id}/invitations/{record['invitation'].id}/attendance",
    ):
        assert f'"{address}"' not in page, address
    # The edit form keeps the title, venue and description open; the date and status are fixed.
    form = text(await english.get(f"/meetings/{meeting_id}/edit"))
    assert CLOSED in form
    assert 'value="cancelled"' not in form and 'value="scheduled"' not in form
    assert 'name="starts_at"' in form and form.count("readonly") >= 2


async def test_cancelling_moving_or_deleting_the_meeting_is_refused(english: Any, db: AsyncSession) -> None:
    record = await adopted_meeting(db)
    meeting = record["meeting"]

    cancel = await english.post(f"/meetings/{meeting.id}/cancel")
    assert cancel.status_code == 409 and CLOSED in text(cancel)
    cancel_versioned = await english.post(f"/meetings/{meeting.id}/cancel", data={"version": str(meeting.version)})
    assert cancel_versioned.status_code == 409
    moved = await english.post(
        f"/meetings/{meeting.id}/edit",
        data={
            "body_id": str(meeting.body_id),
            "title": meeting.title,
            "kind": meeting.kind.value,
            "starts_at": "2025-03-06T09:00",
            "ends_at": "2025-03-06T12:00",
            "venue": "",
            "online_url": "",
            "status": "held",
            "description": "",
            "version": str(meeting.version),
        },
    )
    assert moved.status_code == 409 and CLOSED in text(moved)
    deleted = await english.post(f"/meetings/{meeting.id}/delete")
    assert deleted.status_code == 409
    await unchanged(db, record)


async def test_a_title_can_still_be_corrected(english: Any, db: AsyncSession) -> None:
    record = await adopted_meeting(db)
    meeting = record["meeting"]
    response = await english.post(
        f"/meetings/{meeting.id}/edit",
        data={
            "body_id": str(meeting.body_id),
            "title": "Titre corrigé",
            "kind": meeting.kind.value,
            "starts_at": "2025-03-05T09:00",
            "ends_at": "2025-03-05T12:00",
            "venue": "",
            "online_url": "",
            "status": "held",
            "description": "",
            "version": str(meeting.version),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, text(response)
    await unchanged(db, record)


async def test_attendance_and_agenda_are_read_only_on_pages_and_fragments(english: Any, db: AsyncSession) -> None:
    record = await adopted_meeting(db)
    meeting, first, invitation = record["meeting"], record["first"], record["invitation"]
    htmx = {"HX-Request": "true", "HX-Target": "agenda"}
    attempts = [
        (
            f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance",
            {"attendance": "absent", "version": str(invitation.version)},
            {"HX-Request": "true"},
        ),
        (f"/meetings/{meeting.id}/attendance/present", {}, {}),
        (f"/meetings/{meeting.id}/invitations", {"person_id": str(record["ugtt2"].id), "role": "titular"}, {}),
        (f"/meetings/{meeting.id}/invitations/{invitation.id}/remove", {}, {}),
        (f"/agenda/{first.id}/move", {"direction": "down"}, htmx),
        (f"/meetings/{meeting.id}/agenda", {"title": "Nouveau point", "duration_minutes": "10"}, {}),
        (
            f"/agenda/{first.id}/edit",
            {"title": "Autre titre", "duration_minutes": "10", "version": str(first.version)},
            htmx,
        ),
        (f"/agenda/{first.id}/delete", {}, {}),
        (f"/agenda/{first.id}/outcome", {"kind": "no_agreement", "text": ""}, htmx),
        (f"/agenda/{first.id}/outcome/delete", {}, {}),
        (
            f"/agenda/{first.id}/positions/workers",
            {"stance": "oppose", "statement": "Autre", "visibility": "shared"},
            {},
        ),
    ]
    for address, data, headers in attempts:
        response = await english.post(address, data=data, headers=headers)
        assert response.status_code == 409, (address, response.status_code)
        assert CLOSED in text(response), address
    await unchanged(db, record)
    positions = list(await db.scalars(select(Position)))
    assert [(p.statement, p.stance.value) for p in positions] == [("Tel que discuté", "support")]
    outcomes = list(await db.scalars(select(Outcome)))
    assert [o.kind for o in outcomes] == [OutcomeKind.TRIPARTITE_AGREEMENT]
    assert len(list(await db.scalars(select(AgendaItem)))) == 2


async def test_the_api_refuses_with_its_error_shape(client: Any, db: AsyncSession) -> None:
    record = await adopted_meeting(db)
    meeting, first, invitation = record["meeting"], record["first"], record["invitation"]
    account = await f.account(db, email="api@example.tn")
    token = await f.api_token(db, account)
    await db.commit()
    bearer = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    for method, address, body in (
        ("POST", f"/api/v1/meetings/{meeting.id}/cancel", None),
        (
            "PATCH",
            f"/api/v1/meetings/{meeting.id}",
            {"starts_at": "2025-03-06T09:00:00+01:00", "version": meeting.version},
        ),
        ("DELETE", f"/api/v1/meetings/{meeting.id}", None),
        (
            "PATCH",
            f"/api/v1/meetings/{meeting.id}/invitations/{invitation.id}",
            {"attendance": "absent", "version": invitation.version},
        ),
        ("POST", f"/api/v1/meetings/{meeting.id}/agenda/order", [record["second"].id, first.id]),
        ("PUT", f"/api/v1/agenda/{first.id}/outcome", {"kind": "no_agreement"}),
        ("DELETE", f"/api/v1/agenda/{first.id}", None),
    ):
        response = await client.request(method, address, json=body, headers=bearer)
        assert response.status_code == 409, (method, address, response.text)
        assert CLOSED in response.json()["message"], address
    await unchanged(db, record)


async def test_the_refusal_is_in_the_readers_language(client: Any, db: AsyncSession) -> None:
    record = await adopted_meeting(db)
    client.headers["accept-language"] = "fr"
    response = await client.post(f"/meetings/{record['meeting'].id}/cancel", follow_redirects=False)
    assert response.status_code == 409
    assert "Le procès-verbal de cette réunion a été adopté" in text(response)
