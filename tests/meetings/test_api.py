"""The meetings JSON API under /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from dialogue.meetings.models import Attendance, Invitation, InvitationRole, Meeting, MeetingStatus
from tests import factories as f

API = "/api/v1/meetings"


def new_meeting(body_id: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "body_id": body_id,
        "title": "Session ordinaire",
        "kind": "plenary",
        "starts_at": f"{f.NEXT_YEAR}-12-10T09:00",
        "ends_at": f"{f.NEXT_YEAR}-12-10T12:00",
        "venue": "Tunis",
        "status": "scheduled",
        **overrides,
    }


async def test_api_lists_meetings_with_filters_and_pages(client: Any, db: Any) -> None:
    plenary = await f.body(db, name="Plénière")
    committee = await f.body(db, name="Commission")
    for day in range(1, 6):
        await f.meeting(db, plenary, title=f"Plénière {day}", starts_at=f.tunis(2026, 5, day))
    await f.meeting(db, committee, title="Commission tenue", status=MeetingStatus.HELD, starts_at=f.tunis(2026, 6, 1))
    await db.commit()
    response = await client.get(API, params={"limit": 2, "offset": 1, "body": plenary.id})
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
    assert [m["title"] for m in body["items"]] == ["Plénière 4", "Plénière 3"]
    assert body["items"][0]["starts_at"] == "2026-05-04T09:00:00+01:00"
    assert body["items"][0]["invited"] == 0
    held = (await client.get(API, params={"status": "held"})).json()
    assert [m["title"] for m in held["items"]] == ["Commission tenue"]
    ranged = (await client.get(API, params={"from": "2026-05-02", "to": "2026-05-03"})).json()
    assert sorted(m["title"] for m in ranged["items"]) == ["Plénière 2", "Plénière 3"]
    found = (await client.get(API, params={"q": "tenue"})).json()
    assert found["total"] == 1


async def test_api_list_with_bad_filters_is_422_json(client: Any) -> None:
    response = await client.get(API, params={"from": "not-a-date", "status": "nope"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"from", "status"}
    response = await client.get(API, params={"limit": "many"})
    assert response.status_code == 422


async def test_api_schedules_a_meeting_with_naive_time_in_tunis(client: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    response = await client.post(API, json=new_meeting(body.id, online_url="https://meet.example.tn/a"))
    assert response.status_code == 201
    created = response.json()
    assert created["starts_at"] == f"{f.NEXT_YEAR}-12-10T09:00:00+01:00"
    assert created["version"] == 1 and created["invitations"] == []
    assert created["quorum"]["met"] is False
    meeting = await db.get(Meeting, created["id"])
    assert meeting.starts_at.astimezone(dt.UTC).hour == 8


async def test_api_accepts_an_offset_and_answers_in_tunis_time(client: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    response = await client.post(
        API,
        json=new_meeting(
            body.id, starts_at=f"{f.NEXT_YEAR}-12-10T08:00:00Z", ends_at=f"{f.NEXT_YEAR}-12-10T10:00:00+00:00"
        ),
    )
    assert response.status_code == 201
    assert response.json()["starts_at"] == f"{f.NEXT_YEAR}-12-10T09:00:00+01:00"
    assert response.json()["ends_at"] == f"{f.NEXT_YEAR}-12-10T11:00:00+01:00"


async def test_api_refuses_bad_meetings_with_field_errors(client: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    cases = [
        (new_meeting(body.id, ends_at=f"{f.NEXT_YEAR}-12-10T08:00"), "ends_at"),
        (new_meeting(body.id, starts_at="tomorrow"), "starts_at"),
        (new_meeting(424242), "body_id"),
        (new_meeting(body.id, title=""), "title"),
        (new_meeting(body.id, title="x" * 301), "title"),
        (new_meeting(body.id, kind="party"), "kind"),
        (new_meeting(body.id, online_url="ftp://example.tn"), "online_url"),
        (new_meeting("three"), "body_id"),
    ]
    for payload, field in cases:
        response = await client.post(API, json=payload)
        assert response.status_code == 422, payload
        assert field in response.json()["errors"], (payload, response.json())
    assert await db.scalar(select(func.count(Meeting.id))) == 0


async def test_api_malformed_json_is_400_json(client: Any) -> None:
    response = await client.post(API, content=b'{"title": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "message" in response.json()
    response = await client.post(API, json=[1, 2])
    assert response.status_code == 400
    assert "message" in response.json()
    response = await client.post(API, content=b"", headers={"content-type": "application/json"})
    assert response.status_code == 400


async def test_api_names_unknown_and_missing_fields(client: Any) -> None:
    response = await client.post(API, json={"title": "x", "unknown": 1, "body_id": 1, "starts_at": "", "ends_at": ""})
    assert response.status_code == 422
    assert "unknown" in response.json()["errors"]
    response = await client.post(API, json={"title": "x"})
    assert response.status_code == 422
    assert "body_id" in response.json()["errors"]


async def test_api_reads_a_meeting_with_invitations_and_quorum(client: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["utica1"], attendance=Attendance.PRESENT)
    await f.invite(db, meeting, world["mas1"], role=InvitationRole.CHAIR, attendance=Attendance.PRESENT)
    await f.invite(db, meeting, world["ilo1"], role=InvitationRole.OBSERVER, attendance=Attendance.PRESENT)
    await db.commit()
    response = await client.get(f"{API}/{meeting.id}")
    assert response.status_code == 200
    body = response.json()
    assert [i["side"] for i in body["invitations"]] == ["government", "employers", "observers"]
    assert body["invitations"][0]["role"] == "chair"
    quorum = body["quorum"]
    assert quorum["met"] is False
    assert len(quorum["shortfalls"]) == 1  # workers: nobody present
    observers = next(s for s in quorum["sides"] if s["side"] == "observers")
    assert observers["present"] == 1 and observers["counts"] is False
    assert (await client.get(f"{API}/424242")).status_code == 404


async def test_api_patch_with_version_and_stale_patch_is_409(client: Any, db: Any) -> None:
    meeting = await f.meeting(db, title="Avant")
    await db.commit()
    response = await client.patch(f"{API}/{meeting.id}", json={"version": 1, "title": "Après", "venue": "Sfax"})
    assert response.status_code == 200
    assert response.json()["title"] == "Après" and response.json()["version"] == 2
    stale = await client.patch(f"{API}/{meeting.id}", json={"version": 1, "title": "Écrasé ?"})
    assert stale.status_code == 409
    assert "message" in stale.json()
    missing = await client.patch(f"{API}/{meeting.id}", json={"title": "Sans version"})
    assert missing.status_code == 422
    await db.refresh(meeting)
    assert (meeting.title, meeting.venue, meeting.version) == ("Après", "Sfax", 2)


async def test_api_patch_keeps_end_after_start(client: Any, db: Any) -> None:
    meeting = await f.meeting(db, starts_at=f.tunis(f.NEXT_YEAR, 12, 10, 9), ends_at=f.tunis(f.NEXT_YEAR, 12, 10, 12))
    await db.commit()
    response = await client.patch(f"{API}/{meeting.id}", json={"version": 1, "starts_at": f"{f.NEXT_YEAR}-12-10T13:00"})
    assert response.status_code == 422
    assert "ends_at" in response.json()["errors"]
    await db.refresh(meeting)
    assert meeting.version == 1


async def test_api_cancels_a_meeting(client: Any, db: Any) -> None:
    meeting = await f.meeting(db, starts_at=f.tunis(f.NEXT_YEAR, 12, 10, 9))  # still to come: cannot be held
    await db.commit()
    response = await client.post(f"{API}/{meeting.id}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    stale = await client.post(f"{API}/{meeting.id}/cancel", json={"version": 1})
    assert stale.status_code == 409
    back = await client.patch(f"{API}/{meeting.id}", json={"version": 2, "status": "held"})
    assert back.status_code == 422 and "status" in back.json()["errors"]
    again = await client.patch(f"{API}/{meeting.id}", json={"version": 2, "status": "scheduled"})
    assert again.status_code == 200 and again.json()["status"] == "scheduled"


async def test_api_delete_refused_when_attendance_recorded(client: Any, db: Any) -> None:
    world = await f.table(db)
    kept = await f.meeting(db, world["plenary"])
    await f.invite(db, kept, world["mas1"], attendance=Attendance.EXCUSED)
    gone = await f.meeting(db, world["plenary"])
    await f.invite(db, gone, world["mas1"])
    await db.commit()
    refused = await client.delete(f"{API}/{kept.id}")
    assert refused.status_code == 409
    assert "cancel" in refused.json()["message"].lower() or "annul" in refused.json()["message"].lower()
    assert (await client.delete(f"{API}/{gone.id}")).status_code == 204
    assert await db.scalar(select(func.count(Meeting.id))) == 1


async def test_api_invitations_add_list_update_remove(client: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], starts_at=f.tunis(2026, 11, 20))  # started: attendance can be taken
    await db.commit()
    url = f"{API}/{meeting.id}/invitations"
    created = await client.post(
        url, json={"person_id": world["ugtt2"].id, "role": "alternate", "on_behalf_of_id": world["ugtt1"].id}
    )
    assert created.status_code == 201
    invitation = created.json()
    assert invitation["on_behalf_of_id"] == world["ugtt1"].id and invitation["attendance"] == "unrecorded"
    assert (await client.post(url, json={"person_id": world["ugtt2"].id})).status_code == 422
    assert (await client.post(url, json={"person_id": 999999})).status_code == 422
    listed = (await client.get(url)).json()
    assert listed["total"] == 1 and listed["items"][0]["person_name"] == "UGTT délégué 2"

    item_url = f"{url}/{invitation['id']}"
    patched = await client.patch(item_url, json={"version": 1, "attendance": "present", "arrived_late": True})
    assert patched.status_code == 200
    assert patched.json()["attendance"] == "present" and patched.json()["arrived_late"] is True
    assert (await client.patch(item_url, json={"version": 1, "role": "adviser"})).status_code == 409
    assert (await client.patch(item_url, json={"version": 2, "attendance": "sleeping"})).status_code == 422
    assert (await client.delete(item_url)).status_code == 409  # attendance recorded
    await client.patch(item_url, json={"version": 2, "attendance": "unrecorded"})
    assert (await client.delete(item_url)).status_code == 204
    assert await db.scalar(select(func.count(Invitation.id))) == 0
    assert (await client.delete(f"{url}/424242")).status_code == 404


async def test_api_is_documented_in_openapi(client: Any) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    assert "/api/v1/meetings" in paths
    assert "/api/v1/meetings/{meeting_id}/cancel" in paths
    assert "/api/v1/meetings/{meeting_id}/invitations/{invitation_id}" in paths
    assert "MeetingIn" in schema["components"]["schemas"]
