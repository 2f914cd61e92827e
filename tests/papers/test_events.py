"""The papers of an event with partners (the AMEM closing workshop): partner organisations
grouped with their roles on the sign-in sheet, the letter naming the project and partners,
the calendar filtered by project."""

from __future__ import annotations

import html
import re
from typing import Any

from dialogue.meetings.models import MeetingKind, MeetingPartner, PartnerRole
from dialogue.people.models import Language, Side
from dialogue.projects.models import Project
from tests import factories as f
from tests.minutes.exports import needs_pdf_tools, pdf_text


async def closing_workshop(db: Any) -> dict[str, Any]:
    """An event of its own (no body) of the AMEM project, led by the ministry, coordinated by
    the ILO, funded by AICS; a UN office observes without a role."""
    world = await f.table(db)
    world["aics"] = await f.organisation(db, Side.PARTNERS, slug="aics", name="Agence italienne", acronym="AICS")
    world["hcdh"] = await f.organisation(db, Side.OBSERVERS, slug="hcdh", name="Haut-Commissariat", acronym="HCDH")
    project = Project(slug="amem", name="Migration équitable au Maghreb", acronym="AMEM")
    db.add(project)
    await db.flush()
    workshop = await f.meeting(
        db,
        None,
        title="Atelier de clôture du projet AMEM",
        kind=MeetingKind.CLOSING_WORKSHOP,
        project_id=project.id,
        venue="Hôtel Sheraton, Tunis",
        starts_at=f.tunis(2027, 7, 27, 11),
    )
    # f.meeting made a body for it: an event stands on its own.
    workshop.body_id = None
    for rank, (org, role) in enumerate(
        ((world["mas"], PartnerRole.LEAD), (world["ilo"], PartnerRole.COORDINATOR), (world["aics"], PartnerRole.DONOR))
    ):
        db.add(MeetingPartner(meeting_id=workshop.id, organisation_id=org.id, role=role, rank=rank))
    world["aics1"] = await f.person(db, world["aics"], full_name="Giulia Rossi", language=Language.EN)
    world["hcdh1"] = await f.person(db, world["hcdh"], full_name="Observateur HCDH")
    for key in ("mas1", "ugtt1", "utica1", "ilo1", "aics1", "hcdh1"):
        await f.invite(db, workshop, world[key])
    await db.commit()
    return {**world, "workshop": workshop, "project": project}


async def test_partners_are_grouped_with_their_roles_on_the_sign_in_sheet(english: Any, db: Any) -> None:
    world = await closing_workshop(db)
    page = html.unescape((await english.get(f"/meetings/{world['workshop'].id}/attendance-sheet")).text)
    headings = [re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<h2>(.*?)</h2>", page, re.DOTALL)]
    # The three sides (MAS stays with the government, whatever its role), then each partner
    # organisation in the event's order, then the observers without a role, then walk-ins.
    # (Headings in French and Arabic, whatever the reader's language.)
    assert [h.split(" ")[0] for h in headings[:3]] == ["Gouvernement", "Travailleurs", "Employeurs"]
    assert "OIT" in headings[3] and "Coordinateur" in headings[3]
    assert "AICS" in headings[4] and "Bailleur de fonds" in headings[4]
    assert headings[5].startswith("Observateurs") and "(1)" in headings[5]
    assert len(headings) == 7
    assert page.index("OIT délégué 1") < page.index("Giulia Rossi") < page.index("Observateur HCDH")
    assert "Closing workshop" in page  # an event of its own: its kind stands for the body


@needs_pdf_tools
async def test_the_sign_in_sheet_pdf_of_an_event(english: Any, db: Any) -> None:
    world = await closing_workshop(db)
    response = await english.get(f"/meetings/{world['workshop'].id}/sign-in-sheet.pdf")
    assert response.status_code == 200
    sheet = pdf_text(response.content)
    assert sheet.index("OIT délégué 1") < sheet.index("Giulia Rossi") < sheet.index("Observateur HCDH")


@needs_pdf_tools
async def test_a_letter_for_an_event_names_its_project_and_partners(english: Any, db: Any) -> None:
    world = await closing_workshop(db)
    response = await english.get(f"/meetings/{world['workshop'].id}/convocation.pdf?person={world['aics1'].id}")
    assert response.status_code == 200
    letter = " ".join(pdf_text(response.content).split())
    assert "closing workshop “Atelier de clôture du projet AMEM”" in letter
    assert "Migration équitable au Maghreb" in letter
    assert "MAS (Lead), OIT (Coordinator), AICS (Donor)" in letter


async def test_the_calendar_filters_by_project(english: Any, db: Any) -> None:
    world = await closing_workshop(db)
    await f.meeting(db, world["plenary"], title="Plénière de juillet", starts_at=f.tunis(2027, 7, 5, 9))
    await f.commitment(
        db, Side.WORKERS, title="Rapport final AMEM", due_on=f.tunis(2027, 7, 30).date(), project_id=world["project"].id
    )
    await f.commitment(db, Side.WORKERS, title="Autre engagement", due_on=f.tunis(2027, 7, 30).date())
    await db.commit()
    everything = html.unescape((await english.get("/calendar?month=2027-07")).text)
    assert "Atelier de clôture du projet AMEM" in everything and "Plénière de juillet" in everything
    assert "Closing workshop" in everything  # no body: its kind
    project = html.unescape((await english.get(f"/calendar?month=2027-07&project={world['project'].id}")).text)
    assert "Atelier de clôture du projet AMEM" in project and "Rapport final AMEM" in project
    assert "Plénière de juillet" not in project and "Autre engagement" not in project
    assert f'<option value="{world["project"].id}" selected>AMEM</option>' in project
    refused = await english.get("/calendar?month=2027-07&project=999999")
    assert refused.status_code == 400
    # An event without a body is left out when a body is chosen.
    by_body = html.unescape((await english.get(f"/calendar?month=2027-07&body={world['plenary'].id}")).text)
    assert "Plénière de juillet" in by_body and "Atelier de clôture" not in by_body
