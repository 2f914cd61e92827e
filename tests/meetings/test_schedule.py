"""Scheduling, editing, cancelling and deleting meetings through the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from dialogue.bodies.models import BodyKind
from dialogue.meetings.models import Attendance, Invitation, Meeting, MeetingKind, MeetingStatus
from tests import factories as f
from tests.meetings.helpers import HTMX, form, input_value, text

# A date ahead, never "in the past" nor "more than two years ahead" (those ask for confirmation).
YEAR = f.NEXT_YEAR


def meeting_form(body_id: Any, **overrides: Any) -> dict[str, str]:
    values = {
        "body_id": body_id,
        "title": "Session ordinaire",
        "kind": "plenary",
        "starts_at": f"{YEAR}-12-10T09:00",
        "ends_at": f"{YEAR}-12-10T12:30",
        "venue": "Ministère des Affaires Sociales, Tunis",
        "online_url": "https://meet.example.tn/cnds",
        "status": "scheduled",
        "description": "Première session",
    }
    values.update(overrides)
    return form(**values)


async def test_secretariat_schedules_a_meeting_in_tunis_time(english: Any, db: Any) -> None:
    body = await f.body(db, name="Commission migration de main-d'oeuvre", kind=BodyKind.COMMITTEE)
    await db.commit()
    page = await english.get(f"/meetings/new?body={body.id}")
    assert page.status_code == 200
    assert f'<option value="{body.id}" selected' in page.text
    assert '<option value="committee" selected' in page.text

    response = await english.post("/meetings", data=meeting_form(body.id, kind="committee"))
    assert response.status_code == 303
    meeting = await db.scalar(select(Meeting))
    assert response.headers["location"] == f"/meetings/{meeting.id}"
    assert meeting.title == "Session ordinaire"
    assert meeting.kind == MeetingKind.COMMITTEE
    # 09:00 in Tunis is 08:00 UTC (UTC+1 all year).
    assert meeting.starts_at.astimezone(dt.UTC) == dt.datetime(YEAR, 12, 10, 8, 0, tzinfo=dt.UTC)
    shown = await english.get(f"/meetings/{meeting.id}")
    assert "09:00" in shown.text and "12:30" in shown.text


async def test_end_before_start_is_refused_with_the_message_and_typed_values_kept(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    response = await english.post(
        "/meetings",
        data=meeting_form(body.id, title="Mon titre", starts_at=f"{YEAR}-12-10T12:00", ends_at=f"{YEAR}-12-10T09:00"),
    )
    assert response.status_code == 422
    page = text(response)
    assert "The end must be after the start." in page
    assert input_value(page, "title") == "Mon titre"
    assert input_value(page, "starts_at") == f"{YEAR}-12-10T12:00"
    assert input_value(page, "ends_at") == f"{YEAR}-12-10T09:00"
    assert await db.scalar(select(func.count(Meeting.id))) == 0


async def test_unreadable_dates_and_bad_link_are_refused_next_to_their_fields(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    response = await english.post(
        "/meetings",
        data=meeting_form(body.id, starts_at="10/12/2026", ends_at="", online_url="javascript:alert(1)", title=""),
    )
    assert response.status_code == 422
    page = text(response)
    assert "Enter a date and time as YYYY-MM-DD HH:MM." in page
    assert "This field is required." in page
    assert "Enter a full web address starting with https://." in page
    assert input_value(page, "starts_at") == "10/12/2026"
    assert await db.scalar(select(func.count(Meeting.id))) == 0


async def test_a_year_out_of_range_is_refused(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    response = await english.post(
        "/meetings", data=meeting_form(body.id, starts_at="0001-01-01T09:00", ends_at="9999-12-31T10:00")
    )
    assert response.status_code == 422
    assert "Enter a date between 1900 and 2999." in text(response)


async def test_unknown_body_is_a_field_error_not_a_crash(english: Any, db: Any) -> None:
    response = await english.post("/meetings", data=meeting_form(987654))
    assert response.status_code == 422
    assert "This body does not exist." in text(response)
    response = await english.post("/meetings", data=meeting_form("not-a-number"))
    assert response.status_code == 422
    assert "Enter a whole number." in text(response)


async def test_htmx_form_error_answers_the_form_fragment(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    response = await english.post("/meetings", data=meeting_form(body.id, title=""), headers=HTMX)
    assert response.status_code == 422
    assert response.text.lstrip().startswith("{#") is False
    assert "<html" not in response.text
    assert 'id="meeting-form"' in response.text


async def test_secretariat_edits_a_meeting(english: Any, db: Any) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    page = await english.get(f"/meetings/{meeting.id}/edit")
    assert page.status_code == 200
    assert input_value(page.text, "version") == "1"
    assert input_value(page.text, "starts_at") == "2026-12-10T09:00"  # the factory's default
    response = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=meeting_form(meeting.body_id, title="Nouveau titre", status="postponed", version=1),
    )
    assert response.status_code == 303
    await db.refresh(meeting)
    assert meeting.title == "Nouveau titre"
    assert meeting.status == MeetingStatus.POSTPONED
    assert meeting.version == 2


async def test_stale_edit_is_refused_with_current_values_and_nothing_changes(english: Any, db: Any) -> None:
    meeting = await f.meeting(db, title="Titre d'origine")
    await db.commit()
    # Someone else saves first.
    first = await english.post(
        f"/meetings/{meeting.id}/edit", data=meeting_form(meeting.body_id, title="Leur version", version=1)
    )
    assert first.status_code == 303
    late = await english.post(
        f"/meetings/{meeting.id}/edit", data=meeting_form(meeting.body_id, title="Ma version", version=1)
    )
    assert late.status_code == 409
    page = text(late)
    assert "Someone else changed this record while you were editing it." in page
    assert input_value(page, "title") == "Leur version"
    assert input_value(page, "version") == "2"
    await db.refresh(meeting)
    assert meeting.title == "Leur version" and meeting.version == 2


async def test_edit_form_without_version_is_refused(english: Any, db: Any) -> None:
    meeting = await f.meeting(db, title="Intact")
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/edit", data=meeting_form(meeting.body_id, title="X"))
    assert response.status_code == 409
    await db.refresh(meeting)
    assert meeting.title == "Intact"


async def test_cancelled_meeting_can_be_set_back_but_not_to_a_draft(english: Any, db: Any) -> None:
    meeting = await f.meeting(db, status=MeetingStatus.CANCELLED)
    await db.commit()
    refused = await english.post(
        f"/meetings/{meeting.id}/edit", data=meeting_form(meeting.body_id, status="draft", version=1)
    )
    assert refused.status_code == 422
    assert "A cancelled meeting can be set back to scheduled, postponed or held, not to a draft." in text(refused)
    rescheduled = await english.post(
        f"/meetings/{meeting.id}/edit", data=meeting_form(meeting.body_id, status="scheduled", version=1)
    )
    assert rescheduled.status_code == 303
    await db.refresh(meeting)
    assert meeting.status == MeetingStatus.SCHEDULED


async def test_a_meeting_cancelled_by_mistake_after_it_was_held_can_be_marked_held_again(english: Any, db: Any) -> None:
    meeting = await f.meeting(
        db, status=MeetingStatus.CANCELLED, starts_at=f.tunis(2024, 3, 5, 9), ends_at=f.tunis(2024, 3, 5, 12)
    )
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/edit",
        data=meeting_form(
            meeting.body_id, status="held", version=1, starts_at="2024-03-05T09:00", ends_at="2024-03-05T12:00"
        ),
    )
    assert response.status_code == 303, text(response)
    await db.refresh(meeting)
    assert meeting.status == MeetingStatus.HELD


async def test_secretariat_cancels_a_meeting_after_confirming(english: Any, db: Any) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    confirm = await english.get(f"/meetings/{meeting.id}/cancel")
    assert confirm.status_code == 200
    assert "Yes, cancel the meeting" in confirm.text
    response = await english.post(f"/meetings/{meeting.id}/cancel", data=form(version=meeting.version))
    assert response.status_code == 303
    await db.refresh(meeting)
    assert meeting.status == MeetingStatus.CANCELLED
    page = await english.get(f"/meetings/{meeting.id}")
    assert "This meeting is cancelled." in text(page)


async def test_cancel_from_a_stale_page_is_refused(english: Any, db: Any) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/cancel", data=form(version=99))
    assert response.status_code == 409
    await db.refresh(meeting)
    assert meeting.status == MeetingStatus.SCHEDULED


async def test_delete_is_refused_when_attendance_is_recorded(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["mas1"], attendance=Attendance.PRESENT)
    await db.commit()
    confirm = await english.get(f"/meetings/{meeting.id}/delete")
    assert confirm.status_code == 200
    assert "cannot be deleted" in confirm.text
    response = await english.post(f"/meetings/{meeting.id}/delete")
    assert response.status_code == 409
    assert "attendance has been recorded" in text(response)
    assert "cancel it instead" in text(response)
    assert await db.get(Meeting, meeting.id) is not None


async def test_delete_is_refused_when_positions_outcomes_or_commitments_exist(english: Any, db: Any) -> None:
    meeting = await f.meeting(db)
    item = await f.item(db, meeting)
    await f.position(db, item, f.Side.WORKERS)
    await f.outcome(db, item)
    await f.commitment(db, meeting_id=meeting.id)
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/delete")
    assert response.status_code == 409
    page = text(response)
    assert "positions have been recorded" in page
    assert "outcomes have been recorded" in page
    assert "commitments were made" in page


async def test_delete_a_meeting_nothing_depends_on(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["mas1"])
    await f.item(db, meeting)
    await db.commit()
    confirm = await english.get(f"/meetings/{meeting.id}/delete")
    assert "Yes, delete the meeting" in confirm.text
    response = await english.post(f"/meetings/{meeting.id}/delete")
    assert response.status_code == 303
    assert response.headers["location"] == "/meetings"
    db.expire_all()
    assert await db.scalar(select(func.count(Meeting.id))) == 0
    assert await db.scalar(select(func.count(Invitation.id))) == 0


async def test_unknown_meeting_pages_are_404(english: Any) -> None:
    for url in ("/meetings/424242", "/meetings/424242/edit", "/meetings/424242/cancel", "/meetings/424242/delete"):
        response = await english.get(url)
        assert response.status_code == 404, url
    response = await english.post("/meetings/424242/edit", data=form(title="x"))
    assert response.status_code == 404


async def test_meeting_page_shows_its_header(english: Any, db: Any) -> None:
    body = await f.body(db, name="Conseil national du dialogue social - plénière")
    meeting = await f.meeting(
        db,
        body,
        title="Session de décembre",
        venue="Salle du Conseil",
        online_url="https://meet.example.tn/x",
        description="Ordre du jour provisoire",
        starts_at=f.tunis(2026, 12, 10, 9),
        ends_at=f.tunis(2026, 12, 10, 13, 15),
    )
    await db.commit()
    response = await english.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    page = text(response)
    for expected in (
        "Session de décembre",
        "Conseil national du dialogue social - plénière",
        "Salle du Conseil",
        "https://meet.example.tn/x",
        "Ordre du jour provisoire",
        "09:00",
        "13:15",
        "Scheduled",
        "Quorum and parity",
        f"/meetings/{meeting.id}/edit",
        f"/meetings/{meeting.id}/cancel",
    ):
        assert expected in page, expected


async def test_every_meetings_page_renders_in_the_default_language(client: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["ugtt1"], attendance=Attendance.PRESENT)
    await db.commit()
    for url in (
        "/meetings",
        "/meetings?order=upcoming",
        "/meetings/new",
        "/meetings/new?body=abc",
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/edit",
        f"/meetings/{meeting.id}/cancel",
        f"/meetings/{meeting.id}/delete",
    ):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="fr"' in response.text, url
