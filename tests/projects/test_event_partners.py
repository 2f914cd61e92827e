"""Partners on an event: shown by role on the meeting page, added, moved and removed by the
secretariat (HTMX), refused once the minutes are adopted; never counted for quorum or parity
and never approving the minutes."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from zipfile import ZipFile

from sqlalchemy import func, select

from dialogue.meetings import invitations
from dialogue.meetings.models import Attendance, MeetingPartner, MeetingStatus, PartnerRole, SessionKind
from dialogue.meetings.service import get_meeting
from dialogue.minutes.compose import approving_sides
from dialogue.people.models import OrganisationCategory, Side
from tests import factories as f
from tests.meetings.helpers import text
from tests.minutes.test_adopted_record import adopted_meeting

HX = {"hx-request": "true", "hx-target": "partners"}


async def partner_world(db: Any) -> dict[str, Any]:
    world = await f.table(db)
    world["aics"] = await f.organisation(
        db, Side.PARTNERS, acronym="AICS", name="Coopération italienne", category=OrganisationCategory.DONOR
    )
    world["ote"] = await f.organisation(
        db, Side.PARTNERS, acronym="OTE", category=OrganisationCategory.PUBLIC_INSTITUTION
    )
    world["onm"] = await f.organisation(
        db, Side.PARTNERS, acronym="ONM", category=OrganisationCategory.PUBLIC_INSTITUTION
    )
    world["meeting"] = await f.meeting(db, world["plenary"], status=MeetingStatus.HELD)
    await db.commit()
    return world


async def test_the_secretariat_adds_moves_and_removes_partners(english: Any, db: Any) -> None:
    world = await partner_world(db)
    url = f"/meetings/{world['meeting'].id}"
    page = await english.get(url)
    assert "No partner organisation for this event yet." in page.text and "Add a partner" in page.text

    for org, role in (("mas", "lead"), ("aics", "donor"), ("ote", "technical_partner"), ("onm", "technical_partner")):
        added = await english.post(
            f"{url}/partners", data={"organisation_id": str(world[org].id), "role": role}, headers=HX
        )
        assert added.status_code == 200
    shown = text(added)
    assert 'id="partners"' in shown and "<html" not in shown
    assert "Lead" in shown and "Donor" in shown and "Technical partner" in shown
    assert shown.index(">OTE<") < shown.index(">ONM<")  # technical partners in the order given

    twice = await english.post(
        f"{url}/partners", data={"organisation_id": str(world["aics"].id), "role": "donor"}, headers=HX
    )
    assert twice.status_code == 422 and "This organisation already has this role on this event." in text(twice)
    unknown = await english.post(f"{url}/partners", data={"organisation_id": "999999", "role": "donor"}, headers=HX)
    assert unknown.status_code == 422 and "This organisation does not exist." in text(unknown)
    bad_role = await english.post(
        f"{url}/partners", data={"organisation_id": str(world["ote"].id), "role": "boss"}, headers=HX
    )
    assert bad_role.status_code == 422
    # Without HTMX, the whole page with the error beside the form.
    whole = await english.post(f"{url}/partners", data={"organisation_id": "", "role": "donor"})
    assert whole.status_code == 422 and "<html" in whole.text and "Add a partner" in whole.text
    assert "This field is required." in text(whole)
    assert await db.scalar(select(func.count(MeetingPartner.id))) == 4

    onm = await db.scalar(select(MeetingPartner).where(MeetingPartner.organisation_id == world["onm"].id))
    assert (await english.post(f"{url}/partners/{onm.id}/up", headers=HX)).status_code == 200
    order = list(await db.scalars(select(MeetingPartner.organisation_id).order_by(MeetingPartner.rank)))
    assert order == [world["mas"].id, world["aics"].id, world["onm"].id, world["ote"].id]

    removed = await english.post(f"{url}/partners/{onm.id}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert await db.scalar(select(func.count(MeetingPartner.id))) == 3
    assert (await english.post(f"{url}/partners/{onm.id}/remove", headers=HX)).status_code == 404

    page = text(await english.get(url))
    assert "Partners never count for quorum or parity" in page


async def test_partners_are_refused_once_the_minutes_are_adopted(english: Any, db: Any) -> None:
    world = await adopted_meeting(db)
    meeting = world["meeting"]
    aics = await f.organisation(db, Side.PARTNERS, acronym="AICS", category=OrganisationCategory.DONOR)
    ote = await f.organisation(db, Side.PARTNERS, acronym="OTE", category=OrganisationCategory.PUBLIC_INSTITUTION)
    db.add(MeetingPartner(meeting_id=meeting.id, organisation_id=aics.id, role=PartnerRole.DONOR, rank=1))
    await db.commit()
    url = f"/meetings/{meeting.id}"
    partner = await db.scalar(select(MeetingPartner))
    added = await english.post(f"{url}/partners", data={"organisation_id": str(ote.id), "role": "donor"}, headers=HX)
    assert added.status_code == 409
    assert "its partners can no longer be changed" in text(added)
    removed = await english.post(f"{url}/partners/{partner.id}/remove", headers=HX)
    assert removed.status_code == 409
    french = await english.post(f"{url}/partners/{partner.id}/down", headers={**HX, "accept-language": "fr"})
    assert french.status_code == 409
    assert await db.scalar(select(func.count(MeetingPartner.id))) == 1
    page = text(await english.get(url))
    assert "Add a partner" not in page and "AICS" in page


async def test_a_partner_present_never_counts_nor_approves(english: Any, db: Any) -> None:
    world = await partner_world(db)
    meeting = world["meeting"]
    for key in ("mas1", "ugtt1"):
        await f.invite(db, meeting, world[key], attendance=Attendance.PRESENT)
    await db.commit()
    before = invitations.meeting_quorum(await get_meeting(db, meeting.id, with_invitations=True))
    assert not before.quorum_met

    guest = await f.person(db, world["aics"], full_name="Représentante AICS")
    await f.invite(db, meeting, guest, attendance=Attendance.PRESENT)
    db.add(MeetingPartner(meeting_id=meeting.id, organisation_id=world["aics"].id, role=PartnerRole.DONOR, rank=1))
    await db.commit()
    db.expunge_all()
    loaded = await get_meeting(db, meeting.id, with_invitations=True)
    after = invitations.meeting_quorum(loaded)
    assert after.quorum_met == before.quorum_met
    assert [tally.counted for tally in after.sides if tally.counts] == [
        tally.counted for tally in before.sides if tally.counts
    ]
    assert approving_sides(loaded) == [Side.GOVERNMENT, Side.WORKERS]
    page = await english.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and "Représentante AICS" in page.text


async def test_the_minutes_list_the_partners_by_role_in_every_format(english: Any, db: Any) -> None:
    world = await partner_world(db)
    meeting = world["meeting"]
    meeting.session_kind, meeting.session_number = SessionKind.ORDINARY, 2
    db.add_all(
        [
            MeetingPartner(meeting_id=meeting.id, organisation_id=world["mas"].id, role=PartnerRole.LEAD, rank=1),
            MeetingPartner(meeting_id=meeting.id, organisation_id=world["aics"].id, role=PartnerRole.DONOR, rank=2),
            MeetingPartner(
                meeting_id=meeting.id, organisation_id=world["ote"].id, role=PartnerRole.TECHNICAL_PARTNER, rank=3
            ),
            MeetingPartner(
                meeting_id=meeting.id, organisation_id=world["onm"].id, role=PartnerRole.TECHNICAL_PARTNER, rank=4
            ),
        ]
    )
    await db.commit()
    url = f"/meetings/{meeting.id}/minutes"
    assert (await english.post(url)).status_code == 200
    page = text(await english.get(url))
    assert "2nd ordinary session of 2026" in page
    markdown = (await english.get(f"{url}.md?version=0")).text
    assert "Partners" in markdown and "Technical partner" in markdown and "OTE, ONM" in markdown
    assert "2nd ordinary session of 2026" in markdown
    french = (await english.get(f"{url}.md?version=0&lang=fr")).text
    assert "Partenaires" in french
    html_file = text(await english.get(f"{url}.html?version=0"))
    assert "Lead" in html_file and "AICS" in html_file and "OTE, ONM" in html_file
    docx = await english.get(f"{url}.docx?version=0")
    assert docx.status_code == 200
    body = ZipFile(BytesIO(docx.content)).read("word/document.xml").decode()
    assert "OTE, ONM" in body and "Technical partner" in body


async def test_the_participation_report_lists_partners_apart(english: Any, db: Any) -> None:
    world = await partner_world(db)
    meeting = world["meeting"]
    for key in ("mas1", "ugtt1", "utica1"):
        await f.invite(db, meeting, world[key], attendance=Attendance.PRESENT)
    guest = await f.person(db, world["aics"], full_name="Représentante AICS")
    await f.invite(db, meeting, guest, attendance=Attendance.PRESENT)
    db.add(MeetingPartner(meeting_id=meeting.id, organisation_id=world["aics"].id, role=PartnerRole.DONOR, rank=1))
    db.add(
        MeetingPartner(
            meeting_id=meeting.id, organisation_id=world["ote"].id, role=PartnerRole.TECHNICAL_PARTNER, rank=2
        )
    )
    await db.commit()
    query = "from=2026-01-01&to=2026-12-31"
    page = text(await english.get(f"/reports/participation?{query}"))
    partners = page[page.index('id="partners"') :]
    assert "Donor" in partners and "AICS" in partners and "Technical partner" in partners
    counted = page[: page.index('id="not-counted"')]
    assert "Coopération italienne" not in counted  # never among the organisations that count
    sheet = (await english.get(f"/reports/participation.csv?{query}&lang=en")).text
    assert "Partners" in sheet and "Technical partner" in sheet
