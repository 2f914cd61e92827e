"""invite.ics, "send invitations", updates, removals and cancellations through the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.mail.models import CalendarMethod
from dialogue.meetings.models import CalendarDelivery, Invitation
from tests.calendar.invites_helpers import arrange, attendee_emails, event_of, outbox

UID_DOMAIN = "127.0.0.1"  # the host of the tests' public_url


@pytest.fixture
def english(english: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """Answers looked at themselves: redirects are not followed."""
    english.follow_redirects = False
    return english


def edit_form(meeting: Any, **changes: Any) -> dict[str, Any]:
    values = {
        "body_id": meeting.body_id,
        "title": meeting.title,
        "kind": meeting.kind.value,
        "starts_at": "2036-12-10T09:00",
        "ends_at": "2036-12-10T12:00",
        "venue": meeting.venue,
        "online_url": "",
        "status": meeting.status.value,
        "description": "",
        "version": meeting.version,
        "confirm": "1",  # ten years ahead on purpose: the unusual date is confirmed
    }
    return {**values, **changes}


async def test_invite_ics_is_a_request_with_every_invitee_with_an_address(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    response = await client.get(f"/meetings/{meeting.id}/invite.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8; method=REQUEST"
    calendar, event = event_of(response.content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.id}@{UID_DOMAIN}"
    assert int(event["SEQUENCE"]) == 1  # 0 when scheduled, 1 once its agenda was added
    assert event["DTSTART"].params["TZID"] == "Africa/Tunis"
    assert event["DTSTART"].dt == dt.datetime(2036, 12, 10, 9, tzinfo=event["DTSTART"].dt.tzinfo)
    assert str(event["SUMMARY"]) == "Salaire minimum, révision: 2027"
    assert str(event["LOCATION"]) == "Dar Dhiafa, Carthage"
    assert "Barème 2027" in str(event["DESCRIPTION"]) and "09:15" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:secretariat@localhost"
    attendees = {str(a).removeprefix("mailto:"): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {
        "amel@ugtt.tn",
        "karim@utica.tn",
    }  # nobody without an address
    assert attendees["amel@ugtt.tn"]["ROLE"] == "REQ-PARTICIPANT"  # chair
    assert attendees["karim@utica.tn"]["ROLE"] == "NON-PARTICIPANT"  # observer
    assert attendees["karim@utica.tn"]["CN"] == "كريم الطرابلسي"
    assert all(p["PARTSTAT"] == "NEEDS-ACTION" and p["RSVP"] == "TRUE" for p in attendees.values())


async def test_meeting_page_offers_the_file_and_add_to_links(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await arrange(db)
    page = await english.get(f"/meetings/{world['meeting'].id}")
    assert page.status_code == 200
    assert f'href="/meetings/{world["meeting"].id}/invite.ics"' in page.text
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page.text
    assert "https://outlook.office.com/calendar/0/deeplink/compose?" in page.text
    assert "Send invitations" in page.text


async def test_secretariat_sends_invitations_in_each_persons_language(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    response = await client.post(f"/meetings/{meeting.id}/invitations/send", follow_redirects=False)
    assert response.status_code == 303, response.text
    messages = await outbox(db, meeting.id)
    assert sorted(m.to_address for m in messages) == ["amel@ugtt.tn", "karim@utica.tn"]
    by_address = {m.to_address: m for m in messages}
    french, arabic = by_address["amel@ugtt.tn"], by_address["karim@utica.tn"]
    assert {m.kind for m in messages} == {"invitation"}
    assert {m.calendar_method for m in messages} == {CalendarMethod.REQUEST}
    assert french.language == "fr" and arabic.language == "ar"
    assert "Salaire minimum" in french.subject and "Salaire minimum" in arabic.subject
    assert "Ordre du jour" in french.text_body and "heure de Tunis" in french.text_body
    assert "mer. 10 déc. 2036" in french.text_body  # dates written in French
    assert "جدول الأعمال" in arabic.text_body and "بتوقيت تونس" in arabic.html_body
    assert 'dir="rtl"' in arabic.html_body and 'lang="ar"' in arabic.html_body
    for message in messages:
        assert f"http://127.0.0.1:8000/meetings/{meeting.id}" in message.text_body
        invitation_id = world["invitations"]["amel" if message is french else "karim"].id
        assert f"http://127.0.0.1:8000/invitations/{invitation_id}/" in message.text_body
        assert "09:15" in message.text_body and "Barème 2027" in message.html_body
    # The same event for all, every invitee as ATTENDEE, its words in each one's language.
    events = {}
    for message in (french, arabic):
        calendar, event = event_of(message.calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert sorted(attendee_emails(event)) == ["amel@ugtt.tn", "karim@utica.tn"]
        events[message.language] = event
    assert events["fr"]["UID"] == events["ar"]["UID"]
    assert events["fr"]["SEQUENCE"] == events["ar"]["SEQUENCE"]
    assert str(events["fr"]["SUMMARY"]) == str(events["ar"]["SUMMARY"]) == meeting.title
    assert "Ordre du jour" in str(events["fr"]["DESCRIPTION"])
    assert "Page de la réunion" in str(events["fr"]["DESCRIPTION"])
    assert "جدول الأعمال" in str(events["ar"]["DESCRIPTION"])
    assert "Agenda:" not in str(events["ar"]["DESCRIPTION"])


async def test_moving_the_meeting_and_sending_again_updates_the_same_event(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    first = (await outbox(db, meeting.id))[0]
    moved = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=edit_form(meeting, starts_at="2036-12-11T10:00", ends_at="2036-12-11T13:00"),
    )
    assert moved.status_code == 303, moved.text
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    messages = await outbox(db, meeting.id)
    updates = [m for m in messages if m.kind == "update"]
    assert sorted(m.to_address for m in updates) == ["amel@ugtt.tn", "karim@utica.tn"]
    _, before = event_of(first.calendar)
    _, after = event_of(updates[0].calendar)
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].dt.day == 11
    page = await english.get(f"/meetings/{meeting.id}")
    assert page.text.count("amel@ugtt.tn") >= 2 and updates[0].subject in page.text and 'href="/outbox' in page.text


async def test_a_person_removed_from_the_list_gets_a_cancellation_for_themselves(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    karim = world["invitations"]["karim"]
    removed = await english.post(f"/meetings/{meeting.id}/invitations/{karim.id}/remove")
    assert removed.status_code == 303
    added = await english.post(
        f"/meetings/{meeting.id}/invitations",
        data={"person_id": world["spare"].id, "role": "alternate"},
    )
    assert added.status_code == 303
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    messages = (await outbox(db, meeting.id))[2:]
    kinds = {m.to_address: (m.kind, m.calendar_method) for m in messages}
    # Amel's copy is current (nothing about the meeting changed): nothing for her.
    assert kinds == {
        "karim@utica.tn": ("cancellation", CalendarMethod.CANCEL),
        "sami@ugtt.tn": ("invitation", CalendarMethod.REQUEST),
    }
    cancel = next(m for m in messages if m.kind == "cancellation")
    calendar, event = event_of(cancel.calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and attendee_emails(event) == ["karim@utica.tn"]
    request = next(m for m in messages if m.to_address == "sami@ugtt.tn")
    assert sorted(attendee_emails(event_of(request.calendar)[1])) == [
        "amel@ugtt.tn",
        "sami@ugtt.tn",
    ]
    # Sending again does not cancel twice, nor send anything else.
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    assert len(await outbox(db, meeting.id)) == 4


async def test_cancelling_the_meeting_sends_a_cancellation_to_everyone_sent_an_invitation(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    sent = await outbox(db, meeting.id)
    _, invited = event_of(sent[0].calendar)
    cancelled = await english.post(f"/meetings/{meeting.id}/cancel", data={"version": meeting.version})
    assert cancelled.status_code == 303, cancelled.text
    cancellations = (await outbox(db, meeting.id))[2:]
    assert sorted(m.to_address for m in cancellations) == [
        "amel@ugtt.tn",
        "karim@utica.tn",
    ]
    assert {(m.kind, m.calendar_method) for m in cancellations} == {("cancellation", CalendarMethod.CANCEL)}
    calendar, event = event_of(cancellations[0].calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == invited["UID"] and int(event["SEQUENCE"]) > int(invited["SEQUENCE"])
    deliveries = list(await db.scalars(select(CalendarDelivery).where(CalendarDelivery.meeting_id == meeting.id)))
    assert {d.method for d in deliveries} == {"CANCEL"}
    # The download is now the cancellation; sending is refused.
    download = await english.get(f"/meetings/{meeting.id}/invite.ics")
    assert download.headers["content-type"] == "text/calendar; charset=utf-8; method=CANCEL"
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 409


async def test_sending_is_refused_when_nobody_invited_has_an_address(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    for key in ("amel", "karim"):
        await db.delete(await db.get(Invitation, world["invitations"][key].id))
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/invitations/send")
    assert response.status_code == 409
    assert "Nobody invited to this meeting has an email address" in response.text
    assert await outbox(db, meeting.id) == []


async def test_unknown_meeting_has_no_invitation(english: AsyncTestClient[Any]) -> None:
    assert (await english.get("/meetings/999999/invite.ics")).status_code == 404
    assert (await english.post("/meetings/999999/invitations/send")).status_code == 404


async def test_cancelling_through_the_api_also_sends_the_cancellations(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code == 303
    cancelled = await english.post(f"/api/v1/meetings/{meeting.id}/cancel", json={})
    assert cancelled.status_code == 200, cancelled.text
    cancellations = (await outbox(db, meeting.id))[2:]
    assert sorted(m.to_address for m in cancellations) == ["amel@ugtt.tn", "karim@utica.tn"]
    assert {(m.kind, m.calendar_method) for m in cancellations} == {("cancellation", CalendarMethod.CANCEL)}
