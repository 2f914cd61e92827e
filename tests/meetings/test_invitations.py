"""Inviting people, taking attendance (HTMX rows) and the quorum panel on the meeting page."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from dialogue.bodies.models import QuorumRule
from dialogue.meetings.models import Attendance, Invitation, InvitationRole
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import count_queries
from tests.meetings.helpers import HTMX, form, text


async def invitations_of(db: Any, meeting: Any) -> dict[int, Invitation]:
    query = select(Invitation).where(Invitation.meeting_id == meeting.id)
    rows = await db.scalars(query.execution_options(populate_existing=True))
    return {inv.person_id: inv for inv in rows}


async def test_body_members_are_proposed_and_invited_in_one_click(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["mas1"], role=InvitationRole.CHAIR)
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Invite all members of the body (5)" in page
    assert "UGTT délégué 1" in page

    response = await english.post(f"/meetings/{meeting.id}/invitations/members")
    assert response.status_code == 303
    invitations = await invitations_of(db, meeting)
    assert len(invitations) == 6  # three sides, two members each
    assert invitations[world["mas1"].id].role == InvitationRole.CHAIR  # already invited: left alone
    assert invitations[world["ugtt1"].id].role == InvitationRole.TITULAR
    assert invitations[world["ugtt2"].id].role == InvitationRole.ALTERNATE
    assert world["ilo1"].id not in invitations  # not a member
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Invite all members of the body" not in page


async def test_invite_all_members_with_htmx_answers_the_section_and_the_panel(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/invitations/members", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert '<section id="invitations"' in response.text
    assert 'id="quorum"' in response.text and 'hx-swap-oob="true"' in response.text
    assert response.text.count('class="invitee') == 6


async def test_invitees_are_grouped_by_side_with_their_organisation(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    for key in ("utica1", "ilo1", "ugtt1", "mas1"):
        await f.invite(db, meeting, world[key])
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    section = page[page.index('id="invitations"') : page.index('id="quorum"')]
    names = ("MAS délégué 1", "UGTT délégué 1", "UTICA délégué 1", "OIT délégué 1")
    order = [section.index(f'<bdi class="name">{name}</bdi>') for name in names]
    assert order == sorted(order)
    for heading in ("Government", "Workers", "Employers", "Observers"):
        assert f"<h3>{heading}" in section
    assert "side-observers" in section
    assert ">UTICA</bdi>" in section


async def test_secretariat_invites_someone_on_behalf_of_a_member(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    adviser = await f.person(db, world["ugtt"], full_name="Conseillère UGTT")
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations",
        data=form(person_id=adviser.id, role="adviser", on_behalf_of_id=world["ugtt1"].id),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Conseillère UGTT" in text(response)
    assert "On behalf of" in text(response)
    invitation = (await invitations_of(db, meeting))[adviser.id]
    assert invitation.role == InvitationRole.ADVISER
    assert invitation.on_behalf_of_id == world["ugtt1"].id


async def test_inviting_twice_or_nobody_or_a_stranger_on_behalf_is_refused(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["mas1"])
    outsider = await f.person(db, world["mas"], full_name="Hors organe")
    await db.commit()
    twice = await english.post(
        f"/meetings/{meeting.id}/invitations", data=form(person_id=world["mas1"].id, role="titular"), headers=HTMX
    )
    assert twice.status_code == 422
    assert "This person is already invited." in text(twice)
    nobody = await english.post(
        f"/meetings/{meeting.id}/invitations", data=form(person_id="", role="titular"), headers=HTMX
    )
    assert nobody.status_code == 422
    assert "This field is required." in text(nobody)
    unknown = await english.post(f"/meetings/{meeting.id}/invitations", data=form(person_id=999999, role="titular"))
    assert unknown.status_code == 422
    assert "This person does not exist." in text(unknown)
    assert "<html" in unknown.text  # without HTMX: the whole page with the message
    stranger = await english.post(
        f"/meetings/{meeting.id}/invitations",
        data=form(person_id=world["mas2"].id, role="titular", on_behalf_of_id=outsider.id),
        headers=HTMX,
    )
    assert stranger.status_code == 422
    assert "Choose a member of the body or someone invited to this meeting." in text(stranger)
    assert len(await invitations_of(db, meeting)) == 1


async def test_change_an_invitees_role_with_htmx(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, meeting, world["mas2"])
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}",
        data=form(role="secretariat", on_behalf_of_id="", version=1),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert '<section id="invitations"' in response.text
    assert '<option value="secretariat" selected' in response.text
    await db.refresh(invitation)
    assert invitation.role == InvitationRole.SECRETARIAT and invitation.version == 2


async def test_stale_role_change_is_refused_and_shows_the_current_row(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], starts_at=f.tunis(2026, 11, 20))  # started: attendance can be taken
    invitation = await f.invite(db, meeting, world["mas2"], role=InvitationRole.ALTERNATE)
    await db.commit()
    await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance",
        data=form(attendance="present", version=1),
        headers=HTMX,
    )
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}", data=form(role="observer", version=1), headers=HTMX
    )
    assert response.status_code == 409
    answer = text(response)
    assert answer.lstrip().startswith('<section id="invitations"')  # what the role form's hx-target expects
    row = answer[answer.index(f'<tr id="invitation-{invitation.id}"') :]
    assert "Someone else changed this record" in row[: row.index("</tr>")]
    assert '<option value="alternate" selected' in row
    await db.refresh(invitation)
    assert invitation.role == InvitationRole.ALTERNATE


async def test_stale_attendance_is_refused_and_answers_the_current_row(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, meeting, world["mas2"], attendance=Attendance.EXCUSED, version=3)
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance",
        data=form(attendance="absent", version=2),
        headers=HTMX,
    )
    assert response.status_code == 409
    answer = text(response)
    assert answer.lstrip().startswith(f'<tr id="invitation-{invitation.id}"')
    assert "Someone else changed this record" in answer
    assert 'value="excused" checked' in answer
    await db.refresh(invitation)
    assert invitation.attendance == Attendance.EXCUSED


async def test_attendance_is_taken_per_row_and_refreshes_the_quorum_panel(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], starts_at=f.tunis(2026, 11, 20))  # started: attendance can be taken
    rows = {key: await f.invite(db, meeting, world[key]) for key in ("mas1", "ugtt1", "utica1")}
    await f.invite(db, meeting, world["mas2"], attendance=Attendance.PRESENT)
    await f.invite(db, meeting, world["ugtt2"], attendance=Attendance.PRESENT)
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Quorum not met" in page
    assert "Employers: 0 present, 1 required" in page

    target = rows["utica1"]
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{target.id}/attendance",
        data=form(attendance="present", arrived_late="1", version=target.version),
        headers=HTMX,
    )
    assert response.status_code == 200
    answer = text(response)
    assert answer.lstrip().startswith(f'<tr id="invitation-{target.id}"')
    assert answer.count("<tr id=") == 1  # only this row, no reload
    assert re.search(r'value="present" checked', answer)
    assert re.search(r'name="arrived_late" value="1" checked', answer)
    assert '<section id="quorum"' in answer and 'hx-swap-oob="true"' in answer
    assert "Quorum met" in answer and "Every side is represented." in answer
    await db.refresh(target)
    assert target.attendance == Attendance.PRESENT and target.arrived_late


async def test_attendance_without_javascript_goes_back_to_the_page(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, meeting, world["ugtt1"])
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance", data=form(attendance="excused", version=1)
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting.id}#invitation-{invitation.id}"
    await db.refresh(invitation)
    assert invitation.attendance == Attendance.EXCUSED and not invitation.arrived_late


async def test_bad_attendance_value_is_refused(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, meeting, world["ugtt1"])
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance",
        data=form(attendance="asleep", version=1),
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Choose one of the options." in text(response)
    await db.refresh(invitation)
    assert invitation.attendance == Attendance.UNRECORDED


async def test_quorum_panel_follows_the_bodys_minimum_per_side(english: Any, db: Any) -> None:
    world = await f.table(db)
    world["plenary"].quorum_rule = QuorumRule.MIN_PER_SIDE
    world["plenary"].quorum_min_per_side = 2
    meeting = await f.meeting(db, world["plenary"])
    for key in ("mas1", "mas2", "ugtt1", "ugtt2", "utica1"):
        await f.invite(db, meeting, world[key], attendance=Attendance.PRESENT)
    await f.invite(db, meeting, world["ilo1"], attendance=Attendance.PRESENT)
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    assert "Quorum: at least 2 present on each side" in page
    assert "Employers: 1 present, 2 required" in page
    assert "Both workers and employers are present, in different numbers" in page


async def test_remove_an_invitation_with_htmx(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, meeting, world["utica2"])
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/invitations/{invitation.id}/remove", headers=HTMX)
    assert response.status_code == 200
    assert "UTICA délégué 2" not in text(response).split("Members of the body not invited yet")[0]
    assert await invitations_of(db, meeting) == {}


async def test_removing_someone_whose_attendance_is_recorded_is_refused(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, meeting, world["utica2"], attendance=Attendance.ABSENT)
    await db.commit()
    response = await english.post(f"/meetings/{meeting.id}/invitations/{invitation.id}/remove", headers=HTMX)
    assert response.status_code == 409
    assert "The attendance of UTICA délégué 2 is recorded" in text(response)
    assert '<section id="invitations"' in response.text
    plain = await english.post(f"/meetings/{meeting.id}/invitations/{invitation.id}/remove")
    assert plain.status_code == 409
    assert len(await invitations_of(db, meeting)) == 1


async def test_invitation_of_another_meeting_is_404(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    other = await f.meeting(db, world["plenary"])
    invitation = await f.invite(db, other, world["mas1"])
    await db.commit()
    response = await english.post(
        f"/meetings/{meeting.id}/invitations/{invitation.id}/attendance", data=form(attendance="present", version=1)
    )
    assert response.status_code == 404
    response = await english.post("/meetings/424242/invitations/members")
    assert response.status_code == 404


async def test_meeting_page_statements_do_not_grow_with_invitees(english: Any, db: Any, app_engine: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    orgs = {side: await f.organisation(db, side) for side in Side}
    sides = list(Side)
    for i in range(3):
        person = await f.person(db, orgs[sides[i % 4]])
        await f.invite(db, meeting, person, attendance=Attendance.PRESENT, on_behalf_of_id=world["mas1"].id)
    await db.commit()
    with count_queries(app_engine) as few:
        assert (await english.get(f"/meetings/{meeting.id}")).status_code == 200
    for i in range(27):
        person = await f.person(db, orgs[sides[i % 4]])
        await f.invite(db, meeting, person, attendance=Attendance.ABSENT, on_behalf_of_id=world["ugtt1"].id)
    await db.commit()
    with count_queries(app_engine) as many:
        response = await english.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    assert response.text.count('class="invitee') == 30
    assert many.count == few.count
