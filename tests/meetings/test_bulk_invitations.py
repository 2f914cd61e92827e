"""Inviting many people in one action (people ticked, whole organisations, whole sides),
"mark everyone present" then the exceptions, and the printable attendance sheet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from dialogue.meetings.models import Attendance, Invitation, InvitationRole, MeetingStatus
from tests import factories as f
from tests.meetings.helpers import HTMX, text


async def invitations_of(db: Any, meeting: Any) -> dict[int, Invitation]:
    query = select(Invitation).where(Invitation.meeting_id == meeting.id)
    rows = await db.scalars(query.execution_options(populate_existing=True))
    found = {inv.person_id: inv for inv in rows}
    await db.commit()
    return found


async def test_people_ticked_one_by_one_are_invited_in_one_action(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Invite several people at once" in page
    assert f'name="person_id" value="{world["ugtt2"].id}"' in page
    chosen = [world["ugtt2"].id, world["utica1"].id, world["ilo1"].id]
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/bulk",
        data={"person_id": [str(i) for i in chosen], "role": "adviser"},
        headers=HTMX,
    )
    assert response.status_code == 200, response.text
    assert "3 people invited." in response.text
    assert response.headers["hx-trigger"] == '{"calendar-changed":{}}'
    assert 'id="quorum"' in response.text and 'hx-swap-oob="true"' in response.text
    invitations = await invitations_of(db, meeting)
    assert set(invitations) == set(chosen)
    assert {inv.role for inv in invitations.values()} == {InvitationRole.ADVISER}
    assert sorted(inv.rank for inv in invitations.values()) == [1, 2, 3]


async def test_a_whole_organisation_and_a_whole_side_in_one_action(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    ugtt_other = await f.organisation(db, f.Side.WORKERS, slug="cgtt", name="CGTT", acronym="CGTT")
    cgtt1 = await f.person(db, ugtt_other, full_name="CGTT délégué 1")
    archived = await f.person(db, world["mas"], full_name="Ancien ministre")
    archived.archived_at = f.tunis(2025, 1, 1)
    await f.invite(db, meeting, world["mas1"], role=InvitationRole.CHAIR)
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/bulk",
        data={"organisation_id": str(world["ugtt"].id), "side": "government"},
    )
    assert response.status_code == 303
    invitations = await invitations_of(db, meeting)
    assert set(invitations) == {world["mas1"].id, world["mas2"].id, world["ugtt1"].id, world["ugtt2"].id}
    assert invitations[world["mas1"].id].role == InvitationRole.CHAIR  # already invited: kept
    assert cgtt1.id not in invitations and archived.id not in invitations
    again = await english.post(f"/meetings/{meeting.id}/invitations/bulk", data={"side": "government"}, headers=HTMX)
    assert again.status_code == 200 and "Everyone chosen was already invited." in again.text


async def test_bulk_invitation_with_nothing_or_a_bad_choice_changes_nothing(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await db.commit()
    empty = await english.post(f"/meetings/{meeting.id}/invitations/bulk", data={"role": "titular"}, headers=HTMX)
    assert empty.status_code == 422
    assert "Choose people, an organisation or a side." in text(empty)
    assert "hx-trigger" not in empty.headers
    for bad in ({"person_id": [str(world["ugtt1"].id), "999999"]}, {"side": "martians"}, {"person_id": "x"}):
        refused = await english.post(f"/meetings/{meeting.id}/invitations/bulk", data=bad, headers=HTMX)
        assert refused.status_code == 422, bad
        assert 'role="alert"' in refused.text
    assert await invitations_of(db, meeting) == {}


async def test_everyone_present_then_the_exceptions(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], starts_at=f.tunis(2026, 11, 20))  # started: attendance can be taken
    for key in ("mas1", "ugtt1", "utica1", "ugtt2"):
        await f.invite(db, meeting, world[key])
    excused = await f.invite(db, meeting, world["utica2"])
    excused.attendance = Attendance.EXCUSED
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Mark everyone present" in page
    response = await english.post(f"/meetings/{meeting.id}/attendance/present", headers=HTMX)
    assert response.status_code == 200
    assert "4 people marked present." in response.text
    assert "Quorum met" in response.text  # the panel, out of band
    invitations = await invitations_of(db, meeting)
    assert invitations[world["utica2"].id].attendance == Attendance.EXCUSED  # recorded: kept
    assert {inv.attendance for pid, inv in invitations.items() if pid != world["utica2"].id} == {Attendance.PRESENT}
    # The exception: one of them was absent after all (the row form, with its new version).
    row = invitations[world["ugtt2"].id]
    corrected = await english.post(
        f"/meetings/{meeting.id}/invitations/{row.id}/attendance",
        data={"attendance": "absent", "version": str(row.version)},
        headers=HTMX,
    )
    assert corrected.status_code == 200
    assert (await invitations_of(db, meeting))[world["ugtt2"].id].attendance == Attendance.ABSENT


async def test_the_attendance_sheet_lists_each_side_with_a_column_to_sign(client: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(
        db,
        world["plenary"],
        title="Atelier de clôture du projet AMEM",
        venue="Hôtel Sheraton, Tunis",
        starts_at=f.tunis(2022, 7, 27, 9),
    )
    for key in ("mas1", "ugtt1", "utica1", "ilo1"):
        await f.invite(db, meeting, world[key])
    await f.invite(db, meeting, world["ugtt2"], on_behalf_of_id=world["ugtt1"].id)
    await db.commit()
    page = text(await client.get(f"/meetings/{meeting.id}"))
    assert f'href="/meetings/{meeting.id}/attendance-sheet" hx-boost="false"' in page
    stylesheet = client.app.state.static_files.url("css/attendance-sheet.css")
    for language, words in {
        "fr": ("Feuille de présence", "Signature", "Hôtel Sheraton, Tunis", "27 juil. 2022"),
        "ar": ("ورقة الحضور", "الإمضاء", "Hôtel Sheraton, Tunis"),
    }.items():
        sheet = await client.get(f"/meetings/{meeting.id}/attendance-sheet", headers={"accept-language": language})
        assert sheet.status_code == 200
        body = text(sheet)
        assert f'<html lang="{language}"' in body
        assert f'href="{stylesheet}"' in body and "<form" not in body
        for word in words:
            assert word in body, (language, word)
        sides = re.findall(r'<section class="sheet-side">\s*<h2>', body)
        assert len(sides) == 4  # government, workers, employers, observers
        # Headings in French and Arabic together, whatever the reader's language.
        assert "Travailleurs" in body and "العمال" in body
        # A box to sign for each invitee, and blank rows for those who come uninvited.
        assert body.count('<td class="signature"></td>') == 5 + 8
        assert body.count('<tr class="walk-in">') == 8
        assert "UGTT délégué 2" in body and "UGTT délégué 1" in body
    css = await client.get(stylesheet)
    assert css.status_code == 200 and "size: A4" in css.text


async def test_a_meeting_not_started_offers_no_everyone_present(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], starts_at=f.tunis(dt.date.today().year + 1, 6, 1, 9))
    await f.invite(db, meeting, world["ugtt1"])
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Mark everyone present" not in page
    assert "Attendance sheet to print" in page


async def test_a_cancelled_meeting_offers_no_everyone_present(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(
        db, world["plenary"], starts_at=f.tunis(dt.date.today().year - 1, 6, 1, 9), status=MeetingStatus.CANCELLED
    )
    await f.invite(db, meeting, world["ugtt1"])
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Mark everyone present" not in page
