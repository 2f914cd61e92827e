""" "Send invitations" sends each person only what they do not have yet: a confirmation says
beforehand what goes to whom, the meeting page says afterwards what was sent and which
copies are out of date; a meeting that is over needs a confirmed correction."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.meetings.models import Meeting
from tests.calendar.invites_helpers import arrange, event_of, outbox
from tests.calendar.test_invitations_send import edit_form

HTMX = {"HX-Request": "true"}


@pytest.fixture
def english(english: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    english.follow_redirects = False
    return english


def plan_of(page: str) -> str:
    found = re.search(r'name="plan" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


def text_of(html: str) -> str:
    """The page's words, tags and runs of spaces removed (<bdi> is inline: no space)."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", html)).split())


async def send(client: AsyncTestClient[Any], meeting_id: int, **form: Any) -> Any:
    return await client.post(f"/meetings/{meeting_id}/invitations/send", data=form)


async def test_a_second_send_with_nothing_changed_queues_nothing(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    meeting = (await arrange(db))["meeting"]
    first = await send(english, meeting.id)
    assert first.status_code == 303
    assert first.headers["location"] == f"/meetings/{meeting.id}?sent=2-0-0#calendar"
    assert len(await outbox(db, meeting.id)) == 2
    confirmation = await english.get(f"/meetings/{meeting.id}/invitations/send")
    assert confirmation.status_code == 200
    assert "there is nothing to send" in confirmation.text
    assert f'action="/meetings/{meeting.id}/invitations/send"' not in confirmation.text
    assert "Up to date, nothing sent 2 people" in text_of(confirmation.text)
    again = await send(english, meeting.id)
    assert again.headers["location"] == f"/meetings/{meeting.id}?sent=0-0-0#calendar"
    assert len(await outbox(db, meeting.id)) == 2
    page = await english.get(f"/meetings/{meeting.id}?sent=0-0-0")
    assert "Nothing was sent: everyone already had the current invitation." in page.text
    assert "Everyone invited with an email address has the current invitation." in page.text


async def test_after_a_time_change_only_those_with_the_old_copy_get_an_update(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    await send(english, meeting.id)
    sent = await outbox(db, meeting.id)
    old_sequence = int(event_of(sent[0].calendar)[1]["SEQUENCE"])
    moved = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=edit_form(meeting, starts_at="2036-12-11T10:00", ends_at="2036-12-11T13:00"),
    )
    assert moved.status_code == 303, moved.text
    added = await english.post(
        f"/meetings/{meeting.id}/invitations", data={"person_id": world["spare"].id, "role": "titular"}
    )
    assert added.status_code == 303
    confirmation = await english.get(f"/meetings/{meeting.id}/invitations/send")
    words = text_of(confirmation.text)
    assert "First invitation Sami Alterné" in words
    assert "Update Amel Ben Salah, كريم الطرابلسي" in words
    assert "Cancellation" not in words and "Up to date, nothing sent 0 people" in words
    assert "Send 3 messages" in words
    done = await send(english, meeting.id, plan=plan_of(confirmation.text))
    assert done.headers["location"] == f"/meetings/{meeting.id}?sent=1-2-0#calendar"
    new = (await outbox(db, meeting.id))[2:]
    kinds = sorted((m.to_address, m.kind) for m in new)
    assert kinds == [("amel@ugtt.tn", "update"), ("karim@utica.tn", "update"), ("sami@ugtt.tn", "invitation")]
    for message in new:
        calendar, event = event_of(message.calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert int(event["SEQUENCE"]) > old_sequence
        assert event["DTSTART"].dt.day == 11
    page = await english.get(done.headers["location"])
    assert "Written to the outbox: 1 first invitation · 2 updates" in text_of(page.text)


async def test_a_new_invitee_gets_only_a_first_invitation(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    await send(english, meeting.id)
    await english.post(f"/meetings/{meeting.id}/invitations", data={"person_id": world["spare"].id, "role": "titular"})
    page = await english.get(f"/meetings/{meeting.id}")
    assert "1 invited person has not been sent the invitation yet." in page.text
    confirmation = await english.get(f"/meetings/{meeting.id}/invitations/send")
    words = text_of(confirmation.text)
    assert "First invitation Sami Alterné" in words and "Up to date, nothing sent 2 people" in words
    assert "Update" not in words.replace("Up to date", "")
    await send(english, meeting.id, plan=plan_of(confirmation.text))
    new = (await outbox(db, meeting.id))[2:]
    assert [(m.to_address, m.kind, m.calendar_method.value) for m in new] == [("sami@ugtt.tn", "invitation", "REQUEST")]
    _calendar, event = event_of(new[0].calendar)
    assert int(event["SEQUENCE"]) == meeting.calendar_sequence


async def test_a_removed_invitee_gets_a_cancellation_and_nobody_else_anything(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    await send(english, meeting.id)
    karim = world["invitations"]["karim"]
    await english.post(f"/meetings/{meeting.id}/invitations/{karim.id}/remove")
    page = await english.get(f"/meetings/{meeting.id}")
    assert "1 person removed from the invitations will be sent a cancellation." in page.text
    confirmation = await english.get(f"/meetings/{meeting.id}/invitations/send")
    words = text_of(confirmation.text)
    assert "Cancellation كريم الطرابلسي" in words and "Up to date, nothing sent 1 person" in words
    done = await send(english, meeting.id, plan=plan_of(confirmation.text))
    assert done.headers["location"].endswith("?sent=0-0-1#calendar")
    new = (await outbox(db, meeting.id))[2:]
    assert [(m.to_address, m.kind) for m in new] == [("karim@utica.tn", "cancellation")]
    calendar, _event = event_of(new[0].calendar)
    assert str(calendar["METHOD"]) == "CANCEL"


async def test_what_was_confirmed_is_what_is_sent(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    confirmation = await english.get(f"/meetings/{meeting.id}/invitations/send")
    await english.post(f"/meetings/{meeting.id}/invitations", data={"person_id": world["spare"].id, "role": "titular"})
    refused = await send(english, meeting.id, plan=plan_of(confirmation.text))
    assert refused.status_code == 409
    assert "What would be sent has changed since this page was opened" in refused.text
    assert "Sami Alterné" in refused.text  # the new plan, to confirm again
    assert await outbox(db, meeting.id) == []


async def test_a_meeting_that_is_over_is_sent_only_as_a_confirmed_correction(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    meeting = (await arrange(db))["meeting"]
    row = await db.get(Meeting, meeting.id)
    assert row is not None
    row.starts_at = dt.datetime(2022, 7, 27, 8, tzinfo=dt.UTC)
    row.ends_at = dt.datetime(2022, 7, 27, 12, tzinfo=dt.UTC)
    await db.commit()
    confirmation = await english.get(f"/meetings/{meeting.id}/invitations/send")
    assert "This meeting is over." in confirmation.text and 'name="correction"' in confirmation.text
    refused = await send(english, meeting.id, plan=plan_of(confirmation.text))
    assert refused.status_code == 422
    assert "invitations are sent for it only to correct the record" in refused.text
    assert await outbox(db, meeting.id) == []
    french = await english.post(f"/meetings/{meeting.id}/invitations/send", headers={"accept-language": "fr"})
    assert french.status_code == 422 and "Cochez" in french.text
    done = await send(english, meeting.id, plan=plan_of(confirmation.text), correction="1")
    assert done.status_code == 303
    assert len(await outbox(db, meeting.id)) == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "2 people have an out-of-date invitation: send the update."),
        ("fr", "2 personnes ont une invitation périmée : envoyez la mise à jour."),
        ("ar", "شخصان لديهما دعوة قديمة: أرسلوا التحديث."),
    ],
)
async def test_the_meeting_page_counts_out_of_date_copies(
    client: AsyncTestClient[Any], db: AsyncSession, language: str, expected: str
) -> None:
    meeting = (await arrange(db))["meeting"]
    client.follow_redirects = False
    await send(client, meeting.id)
    page = await client.get(f"/meetings/{meeting.id}", headers={"accept-language": language})
    assert "out-of-date" not in page.text and "périmée" not in page.text
    moved = await client.post(f"/meetings/{meeting.id}/edit", data=edit_form(meeting, venue="Hôtel Sheraton, Tunis"))
    assert moved.status_code == 303, moved.text
    page = await client.get(f"/meetings/{meeting.id}", headers={"accept-language": language})
    assert expected in page.text


async def test_inviting_on_the_page_tells_the_calendar_card_to_reload(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    card = await english.get(f"/meetings/{meeting.id}/calendar", headers=HTMX)
    assert "2 invited people have an email address." in card.text
    added = await english.post(
        f"/meetings/{meeting.id}/invitations",
        data={"person_id": world["spare"].id, "role": "titular"},
        headers=HTMX,
    )
    assert added.status_code == 200
    assert added.headers["hx-trigger"] == '{"calendar-changed":{}}'
    card = await english.get(f"/meetings/{meeting.id}/calendar", headers=HTMX)
    assert card.text.lstrip().startswith("{#") is False and 'id="calendar"' in card.text
    assert "3 invited people have an email address." in card.text
    assert 'hx-trigger="calendar-changed from:body"' in card.text


async def test_the_api_sends_by_the_same_rules(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    url = f"/api/v1/meetings/{meeting.id}/invitations/send"
    preview = await english.post(url, json={"dry_run": True})
    assert preview.status_code == 200, preview.text
    assert preview.json()["sent"] is False and preview.json()["invitations"] == 2
    assert preview.json()["without_address"] == 1
    assert await outbox(db, meeting.id) == []
    first = await english.post(url)
    assert first.status_code == 200 and first.json()["sent"] is True
    assert sorted((m["email"], m["kind"]) for m in first.json()["messages"]) == [
        ("amel@ugtt.tn", "invitation"),
        ("karim@utica.tn", "invitation"),
    ]
    again = await english.post(url, json={})
    assert again.json() == {**again.json(), "sent": False, "messages": [], "up_to_date": 2}
    assert len(await outbox(db, meeting.id)) == 2
    row = await db.get(Meeting, meeting.id)
    assert row is not None
    row.starts_at = dt.datetime(2022, 7, 27, 8, tzinfo=dt.UTC)
    row.ends_at = dt.datetime(2022, 7, 27, 12, tzinfo=dt.UTC)
    await db.commit()
    await english.post(f"/meetings/{meeting.id}/invitations", data={"person_id": world["spare"].id, "role": "titular"})
    refused = await english.post(url, json={})
    assert refused.status_code == 409 and "correct the record" in refused.json()["message"]
    assert len(await outbox(db, meeting.id)) == 2
    corrected = await english.post(url, json={"correction": True})
    assert corrected.status_code == 200 and corrected.json()["updates"] == 2  # the time changed
    assert corrected.json()["invitations"] == 1 and len(await outbox(db, meeting.id)) == 5


async def test_the_names_in_the_plan_are_listed_with_the_language_s_comma(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    meeting = (await arrange(db))["meeting"]

    async def names(language: str) -> str:
        page = await english.get(f"/meetings/{meeting.id}/invitations/send", headers={"accept-language": language})
        found = re.search(r'<dd class="plan-invitations">(.*?)</dd>', page.text, re.DOTALL)
        assert found, page.text
        return text_of(found.group(1))

    assert re.fullmatch(r"[^,،]+, [^,،]+", await names("fr"))
    assert re.fullmatch(r"[^,،]+، [^,،]+", await names("ar"))
