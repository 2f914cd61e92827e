"""Records that cannot be true are refused; records that are unusual are saved once the
secretariat confirms them. The same rules through the forms and the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import Commitment
from dialogue.meetings import attendance, service
from dialogue.meetings.models import Attendance, Invitation, Meeting, MeetingStatus
from dialogue.meetings.service import MeetingDraft
from tests import factories as f
from tests.meetings.helpers import HTMX, form, text

TUNIS = ZoneInfo("Africa/Tunis")
API = "/api/v1/meetings"
NOW = dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC)


def days_from_now(days: int, hour: int = 9) -> dt.datetime:
    """A time in Tunis `days` from today (negative: in the past)."""
    day = dt.datetime.now(TUNIS).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), TUNIS)


def typed(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def meeting_form(
    body_id: int, starts: dt.datetime, ends: dt.datetime | None = None, **overrides: Any
) -> dict[str, str]:
    values = {
        "body_id": body_id,
        "title": "Session de contrôle",
        "kind": "plenary",
        "starts_at": typed(starts),
        "ends_at": typed(ends or starts + dt.timedelta(hours=3)),
        "status": "scheduled",
        "carry_over_offered": "1",
    }
    values.update(overrides)
    return form(**values)


async def meetings_titled(db: AsyncSession, title: str = "Session de contrôle") -> int:
    await db.commit()
    return await db.scalar(select(func.count(Meeting.id)).where(Meeting.title == title)) or 0


# The rules, as plain functions ----------------------------------------------------------


def draft(starts: dt.datetime, hours: float = 3, status: MeetingStatus = MeetingStatus.SCHEDULED) -> MeetingDraft:
    return MeetingDraft(
        body_id=1, title="x", starts_at=starts, ends_at=starts + dt.timedelta(hours=hours), status=status
    )


def test_held_is_impossible_before_the_start() -> None:
    tomorrow = NOW + dt.timedelta(days=1)
    assert "status" in service.meeting_impossibilities(draft(tomorrow, status=MeetingStatus.HELD), now=NOW)
    assert service.meeting_impossibilities(draft(NOW - dt.timedelta(hours=1), status=MeetingStatus.HELD), now=NOW) == {}
    assert service.meeting_impossibilities(draft(tomorrow), now=NOW) == {}


def test_what_is_unusual() -> None:
    assert set(service.meeting_warnings(draft(NOW - dt.timedelta(days=30)), now=NOW)) == {"status"}
    assert service.meeting_warnings(draft(NOW - dt.timedelta(days=30), status=MeetingStatus.HELD), now=NOW) == {}
    assert set(service.meeting_warnings(draft(NOW + dt.timedelta(days=7), hours=24 * 21), now=NOW)) == {"ends_at"}
    assert set(service.meeting_warnings(draft(NOW + dt.timedelta(days=7), hours=13), now=NOW)) == {"ends_at"}
    evening = dt.datetime(2026, 12, 20, 21, tzinfo=TUNIS)  # 21:00 to 00:30: over two days
    assert set(service.meeting_warnings(draft(evening, hours=3.5), now=NOW)) == {"ends_at"}
    assert set(service.meeting_warnings(draft(NOW + dt.timedelta(days=800)), now=NOW)) == {"starts_at"}
    assert service.meeting_warnings(draft(NOW + dt.timedelta(days=700), hours=12), now=NOW) == {}


def test_attendance_waits_for_the_start() -> None:
    coming = Meeting(starts_at=NOW + dt.timedelta(days=2), ends_at=NOW + dt.timedelta(days=2, hours=3))
    assert attendance.attendance_problem(coming, Attendance.PRESENT, now=NOW)
    assert attendance.attendance_problem(coming, Attendance.ABSENT, now=NOW)
    assert attendance.attendance_problem(coming, Attendance.EXCUSED, now=NOW) is None  # apologies come beforehand
    assert attendance.attendance_problem(coming, Attendance.UNRECORDED, now=NOW) is None
    started = Meeting(starts_at=NOW - dt.timedelta(minutes=5), ends_at=NOW + dt.timedelta(hours=3))
    assert attendance.attendance_problem(started, Attendance.PRESENT, now=NOW) is None


# Meetings through the form ----------------------------------------------------------------


async def test_a_meeting_held_in_the_future_is_refused_with_a_field_error(client: Any, db: AsyncSession) -> None:
    body = await f.body(db)
    await db.commit()
    response = await client.post("/meetings", data=meeting_form(body.id, days_from_now(30), status="held"))
    assert response.status_code == 422
    page = text(response)
    assert "Une réunion qui n'a pas encore commencé ne peut pas être marquée tenue" in page
    assert 'name="confirm"' not in page  # impossible: nothing to confirm
    refused = await client.post("/meetings", data=meeting_form(body.id, days_from_now(30), status="held", confirm="1"))
    assert refused.status_code == 422
    assert await meetings_titled(db) == 0


async def test_a_past_meeting_still_scheduled_asks_for_confirmation(english: Any, db: AsyncSession) -> None:
    body = await f.body(db)
    await db.commit()
    values = meeting_form(body.id, days_from_now(-60))
    response = await english.post("/meetings", data=values, headers=HTMX)
    assert response.status_code == 422
    page = text(response)
    assert "Please check before saving" in page and "its start has passed" in page
    assert 'name="confirm"' in page and "Session de contrôle" in page  # typed values kept
    assert await meetings_titled(db) == 0

    confirmed = await english.post("/meetings", data={**values, "confirm": "1"}, follow_redirects=False)
    assert confirmed.status_code == 303
    assert await meetings_titled(db) == 1
    # Recorded as held instead: nothing unusual.
    held = await english.post(
        "/meetings",
        data=meeting_form(body.id, days_from_now(-59), status="held", title="Tenue"),
        follow_redirects=False,
    )
    assert held.status_code == 303


async def test_a_three_week_meeting_and_a_year_typo_ask_for_confirmation(client: Any, db: AsyncSession) -> None:
    body = await f.body(db)
    await db.commit()
    start = days_from_now(10)
    long = meeting_form(body.id, start, start + dt.timedelta(days=21))
    response = await client.post("/meetings", data=long)
    assert response.status_code == 422
    assert "dure plus de 12 heures" in text(response)
    far = meeting_form(body.id, days_from_now(365 * 3), title="Lointaine")
    response = await client.post("/meetings", data=far)
    assert response.status_code == 422 and "plus de deux ans" in text(response)
    assert await meetings_titled(db) == 0 and await meetings_titled(db, "Lointaine") == 0
    for values in (long, far):
        assert (
            await client.post("/meetings", data={**values, "confirm": "1"}, follow_redirects=False)
        ).status_code == 303
    assert await meetings_titled(db) == 1 and await meetings_titled(db, "Lointaine") == 1


async def test_the_warning_in_arabic(client: Any, db: AsyncSession) -> None:
    body = await f.body(db)
    await db.commit()
    client.headers["accept-language"] = "ar"
    response = await client.post("/meetings", data=meeting_form(body.id, days_from_now(-3)))
    assert response.status_code == 422
    assert 'dir="rtl"' in response.text and 'name="confirm"' in response.text
    assert "يرجى التحقق قبل الحفظ" in text(response)


async def test_editing_an_old_meeting_asks_only_about_what_changes(english: Any, db: AsyncSession) -> None:
    old = await f.meeting(db, starts_at=days_from_now(-400), title="Ancienne")  # still "scheduled"
    await db.commit()
    values = meeting_form(old.body_id, days_from_now(-400), title="Ancienne (titre corrigé)", version=old.version)
    saved = await english.post(f"/meetings/{old.id}/edit", data=values, follow_redirects=False)
    assert saved.status_code == 303
    moved = {**values, "starts_at": typed(days_from_now(-300)), "ends_at": typed(days_from_now(-300, 12)),
             "version": old.version + 1}  # fmt: skip
    response = await english.post(f"/meetings/{old.id}/edit", data=moved)
    assert response.status_code == 422 and "its start has passed" in text(response)
    await db.refresh(old)
    assert old.starts_at == days_from_now(-400)
    held = {**values, "status": "held", "starts_at": typed(days_from_now(5)), "version": old.version}
    refused = await english.post(f"/meetings/{old.id}/edit", data=held)
    assert refused.status_code == 422 and "cannot be marked held" in text(refused)


# Meetings through the API -------------------------------------------------------------------


async def test_the_api_refuses_the_impossible_and_asks_to_confirm_the_unusual(english: Any, db: AsyncSession) -> None:
    body = await f.body(db)
    await db.commit()
    future = {"body_id": body.id, "title": "Session de contrôle", "starts_at": typed(days_from_now(30)),
              "ends_at": typed(days_from_now(30, 12)), "carry_over": False}  # fmt: skip
    refused = await english.post(API, json={**future, "status": "held", "confirm": True})
    assert refused.status_code == 422
    assert "cannot be marked held" in refused.json()["errors"]["status"]

    past = {**future, "starts_at": typed(days_from_now(-30)), "ends_at": typed(days_from_now(-30, 12))}
    unusual = await english.post(API, json=past)
    assert unusual.status_code == 422
    assert "its start has passed" in unusual.json()["warnings"]["status"]
    assert await meetings_titled(db) == 0
    created = await english.post(API, json={**past, "confirm": True})
    assert created.status_code == 201, created.text

    meeting_id, version = created.json()["id"], created.json()["version"]
    three_weeks = {"version": version, "ends_at": typed(days_from_now(-9))}
    patched = await english.patch(f"{API}/{meeting_id}", json=three_weeks)
    assert patched.status_code == 422 and "ends_at" in patched.json()["warnings"]
    assert (await english.patch(f"{API}/{meeting_id}", json={**three_weeks, "confirm": True})).status_code == 200
    too_soon = await english.patch(
        f"{API}/{meeting_id}",
        json={
            "version": version + 1,
            "status": "held",
            "starts_at": typed(days_from_now(2)),
            "ends_at": typed(days_from_now(2, 12)),
        },
    )
    assert too_soon.status_code == 422 and "status" in too_soon.json()["errors"]


# Attendance -------------------------------------------------------------------------------


async def _invited(db: AsyncSession, starts: dt.datetime) -> tuple[Meeting, Invitation]:
    meeting = await f.meeting(db, starts_at=starts)
    invitation = await f.invite(db, meeting, await f.person(db))
    await db.commit()
    return meeting, invitation


async def test_attendance_cannot_be_recorded_before_the_meeting_starts(english: Any, db: AsyncSession) -> None:
    meeting, invitation = await _invited(db, days_from_now(7))
    url = f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance"
    response = await english.post(url, data={"attendance": "present", "version": invitation.version}, headers=HTMX)
    assert response.status_code == 422
    assert "has not started yet" in text(response)
    await db.refresh(invitation)
    assert invitation.attendance is Attendance.UNRECORDED
    # Apologies can be recorded beforehand.
    excused = await english.post(url, data={"attendance": "excused", "version": invitation.version}, headers=HTMX)
    assert excused.status_code == 200
    await db.refresh(invitation)
    assert invitation.attendance is Attendance.EXCUSED

    everyone = await english.post(f"/meetings/{meeting.id}/attendance/present", headers=HTMX)
    assert everyone.status_code == 409 and "has not started yet" in text(everyone)
    await db.refresh(invitation)
    assert invitation.attendance is Attendance.EXCUSED

    api = await english.patch(f"{API}/{meeting.id}/invitations/{invitation.id}",
                              json={"version": invitation.version, "attendance": "absent"})  # fmt: skip
    assert api.status_code == 422 and "has not started yet" in api.json()["errors"]["attendance"]


async def test_attendance_is_recorded_once_the_meeting_has_started(english: Any, db: AsyncSession) -> None:
    meeting, invitation = await _invited(db, days_from_now(0, 0))
    api = await english.patch(f"{API}/{meeting.id}/invitations/{invitation.id}",
                              json={"version": invitation.version, "attendance": "present"})  # fmt: skip
    assert api.status_code == 200 and api.json()["attendance"] == "present"
    other, _ = await _invited(db, days_from_now(-1))
    everyone = await english.post(f"/meetings/{other.id}/attendance/present", headers=HTMX)
    assert everyone.status_code == 200


# Commitments --------------------------------------------------------------------------------


async def test_a_commitment_due_before_its_meeting_is_refused(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db, starts_at=dt.datetime(2026, 3, 12, 9, tzinfo=TUNIS), status=MeetingStatus.HELD)
    await db.commit()
    values = {"title": "Publier le décret", "side": "government", "status": "open",
              "meeting_id": str(meeting.id), "due_on": "2026-03-11"}  # fmt: skip
    response = await english.post("/commitments", data=values)
    assert response.status_code == 422
    assert "cannot be before the meeting that made this commitment" in text(response)
    api = await english.post("/api/v1/commitments", json={**values, "meeting_id": meeting.id})
    assert api.status_code == 422 and "due_on" in api.json()["errors"]
    assert await db.scalar(select(func.count(Commitment.id))) == 0
    # Due the day of the meeting itself: fine.
    same_day = await english.post("/commitments", data={**values, "due_on": "2026-03-12"}, follow_redirects=False)
    assert same_day.status_code == 303
