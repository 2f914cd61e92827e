"""Issue 11, items 14-16: one rule for SEQUENCE, ROLE, STATUS and METHOD in every output
(invite.ics, emailed REQUEST/CANCEL, feeds), RFC 5546 PUBLISH feeds with an ORGANIZER on
every event, and each copy of an event in its reader's language."""

from __future__ import annotations

from typing import Any

import icalendar
import vobject
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.calendar import rules
from dialogue.meetings.models import Invitation, Meeting, MeetingStatus
from dialogue.people.models import Language
from tests import factories
from tests.calendar.invites_helpers import arrange, attendee_emails, event_of, outbox
from tests.calendar.test_feeds_subscriptions import create, delegate_world, fetch
from tests.security.conftest import signed_in

PUBLISH_REQUIRED = ("DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID")
PUBLISH_AT_MOST_ONE = (*PUBLISH_REQUIRED, "SEQUENCE", "STATUS", "DTEND", "LOCATION", "DESCRIPTION", "URL")


def assert_rfc5546_publish(data: bytes) -> None:
    """The PUBLISH rules of RFC 5546 3.2.1, read with icalendar and vobject: METHOD,
    PRODID, VERSION once; each VEVENT with DTSTAMP, DTSTART, ORGANIZER, SUMMARY and UID
    once, no ATTENDEE, a STATUS among TENTATIVE/CONFIRMED/CANCELLED."""
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar["PRODID"] and str(calendar["VERSION"]) == "2.0"
    card = vobject.readOne(data.decode(), validate=True)
    assert len(card.contents["method"]) == 1
    events = calendar.walk("VEVENT")
    assert events
    for event in events:
        for name in PUBLISH_REQUIRED:
            assert name in event, (name, event.get("SUMMARY"))
        for name in PUBLISH_AT_MOST_ONE:
            values = event.get(name)
            assert not isinstance(values, list), (name, values)
        assert "ATTENDEE" not in event
        assert str(event["ORGANIZER"]).startswith("mailto:")
        if "STATUS" in event:
            assert str(event["STATUS"]) in {"TENTATIVE", "CONFIRMED", "CANCELLED"}
    for vevent in card.vevent_list:
        assert vevent.organizer.value.startswith("mailto:")


async def test_person_and_side_feeds_follow_rfc_5546_publish(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        tokens = [await create(me, "person", world["ugtt1"].id), await create(me, "side", "workers")]
    for token in tokens:
        response = await fetch(client, token)
        assert response.status_code == 200
        assert b"Rapport des travailleurs" in response.content  # a deadline is there
        assert_rfc5546_publish(response.content)


async def test_a_feed_is_in_its_owners_language(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db, Language.AR)
    await factories.item(db, world["invited"], 1, title="Barème 2027")
    await db.commit()
    async with signed_in(client, "delegate@ugtt.example") as me:  # an English browser
        token = await create(me, "person", world["ugtt1"].id)
    calendar = icalendar.Calendar.from_ical((await fetch(client, token)).content)
    texts = " ".join(str(e.get("DESCRIPTION", "")) + str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    arabic = i18n.translations("ar")
    assert arabic.gettext("Agenda:") in texts
    assert arabic.gettext("Meeting page: {url}").split("{")[0] in texts
    assert "Agenda:" not in texts and "Meeting page" not in texts


async def test_a_removed_observer_gets_a_cancellation_above_the_sequence_they_hold(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code in (200, 303)
    first = {m.to_address: m for m in await outbox(db, meeting.id)}
    _, held = event_of(first["karim@utica.tn"].calendar)
    roles = {str(a).removeprefix("mailto:"): a.params["ROLE"] for a in held["ATTENDEE"]}
    assert roles == {"amel@ugtt.tn": "REQ-PARTICIPANT", "karim@utica.tn": "NON-PARTICIPANT"}

    karim = world["invitations"]["karim"]
    await english.post(f"/meetings/{meeting.id}/invitations/{karim.id}/remove")
    await english.post(f"/meetings/{meeting.id}/invitations/send")
    new = (await outbox(db, meeting.id))[2:]
    assert [(m.to_address, m.kind) for m in new] == [("karim@utica.tn", "cancellation")]  # Amel: nothing
    calendar, cancel = event_of(new[0].calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert int(cancel["SEQUENCE"]) > int(held["SEQUENCE"])
    assert attendee_emails(cancel) == ["karim@utica.tn"]
    assert cancel["ATTENDEE"].params["ROLE"] == "NON-PARTICIPANT"  # an observer stays one
    assert "جدول الأعمال" in str(cancel["DESCRIPTION"])  # Karim reads Arabic

    # Invited again: the new invitation is above the cancellation he holds.
    await english.post(f"/meetings/{meeting.id}/invitations", data={"person_id": world["karim"].id, "role": "observer"})
    await english.post(f"/meetings/{meeting.id}/invitations/send")
    again = (await outbox(db, meeting.id))[3:]
    assert [(m.to_address, m.kind) for m in again] == [("karim@utica.tn", "invitation")]
    _, request = event_of(again[0].calendar)
    assert int(request["SEQUENCE"]) > int(cancel["SEQUENCE"])

    # Amel was sent nothing, yet a real change still reaches her above what she holds.
    _, amel_held = event_of(first["amel@ugtt.tn"].calendar)
    stored = await db.scalar(select(Meeting).where(Meeting.id == meeting.id).execution_options(populate_existing=True))
    await db.commit()
    response = await english.get(f"/meetings/{meeting.id}/invite.ics")
    _, download = event_of(response.content)
    assert int(download["SEQUENCE"]) == stored.calendar_sequence >= int(request["SEQUENCE"])
    assert int(amel_held["SEQUENCE"]) < int(download["SEQUENCE"])


async def test_status_is_the_same_in_every_output(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    postponed = await factories.meeting(db, world["plenary"], title="Reportée", status=MeetingStatus.POSTPONED)
    await factories.invite(db, postponed, world["ugtt1"])
    await db.commit()
    async with signed_in(client, "delegate@ugtt.example") as me:
        token = await create(me, "person", world["ugtt1"].id)
    feed = icalendar.Calendar.from_ical((await fetch(client, token)).content)
    in_feed = {str(e["SUMMARY"]): str(e.get("STATUS")) for e in feed.walk("VEVENT")}
    for meeting in (postponed, world["invited"], world["cancelled"], world["draft"]):
        response = await client.get(f"/meetings/{meeting.id}/invite.ics")
        calendar, event = event_of(response.content)
        expected = rules.status(meeting.status.value).upper()
        assert str(event["STATUS"]) == expected, meeting.title
        assert str(calendar["METHOD"]) == rules.invitation_method(meeting.status.value)
        if meeting.status is not MeetingStatus.DRAFT:  # drafts are not announced in feeds
            assert in_feed[meeting.title] == expected
    assert in_feed["Reportée"] == "TENTATIVE"
    _, draft = event_of((await client.get(f"/meetings/{world['draft'].id}/invite.ics")).content)
    assert str(draft["STATUS"]) == "TENTATIVE"  # a draft is not a confirmed invitation
    assert (await db.scalar(select(Invitation.id).limit(1))) is not None
