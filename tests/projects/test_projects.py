"""The projects area through HTTP: list, add, edit, archive, delete (refused while events
or commitments belong to it), its page and its history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from dialogue.people.models import Side
from dialogue.projects.models import Project, ProjectDonor
from tests import factories as f
from tests.meetings.helpers import text


def project_form(**fields: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Migration équitable",
        "acronym": "AMEM",
        "slug": "amem",
        "starts_on": "2019-03-01",
        "ends_on": "2022-07-31",
        "countries": ["TN", "MA"],
        "description": "Projet de l'OIT.",
    }
    form.update(fields)
    return form


async def test_the_secretariat_adds_a_project_and_everyone_reads_it(english: Any, db: Any) -> None:
    ilo = await f.organisation(db, Side.PARTNERS, acronym="ILO", name="International Labour Organization")
    aics = await f.organisation(db, Side.PARTNERS, acronym="AICS", name="Italian cooperation")
    await db.commit()
    form = await english.get("/projects/new")
    assert form.status_code == 200 and "ILO – International Labour Organization" in form.text
    made = await english.post(
        "/projects",
        data=project_form(lead_organisation_id=str(ilo.id), donor_ids=[str(aics.id)]),
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    project = await db.scalar(select(Project))
    assert project.countries == "TN,MA" and project.lead_organisation_id == ilo.id
    assert list(await db.scalars(select(ProjectDonor.organisation_id))) == [aics.id]

    page = await english.get(made.headers["location"])
    shown = text(page)
    assert "AMEM – Migration équitable" in shown
    assert "Tunisia" in shown and "Morocco" in shown  # countries by name, in the reader's language
    assert "Italian cooperation" in shown and "International Labour Organization" in shown
    french = await english.get(made.headers["location"], headers={"accept-language": "fr"})
    assert "Tunisie" in text(french) and "Maroc" in text(french)

    listed = await english.get("/projects", params={"q": "amem"})
    assert "Migration équitable" in listed.text
    nothing = await english.get("/projects", params={"q": "zzz"})
    assert "No project matches these filters." in nothing.text
    sheet = await english.get("/projects.csv")
    assert sheet.status_code == 200 and "Migration équitable" in sheet.text and "Tunisia" in sheet.text

    history = await english.get(f"/projects/{project.id}/history")
    assert history.status_code == 200 and "Project" in history.text


async def test_bad_input_is_refused_in_the_readers_language_and_nothing_changes(client: Any, db: Any) -> None:
    await f.organisation(db, Side.PARTNERS)
    await db.commit()
    bad = project_form(slug="Pas Bon!", ends_on="2018-01-01", countries=["TN", "QQ"], name="")
    refused = await client.post("/projects", data=bad)
    assert refused.status_code == 422
    shown = text(refused)
    assert "Ce champ est obligatoire." in shown
    assert await db.scalar(select(func.count(Project.id))) == 0
    unknown_lead = await client.post("/projects", data=project_form(lead_organisation_id="999999"))
    assert unknown_lead.status_code == 422
    assert await db.scalar(select(func.count(Project.id))) == 0


async def test_edit_archive_and_delete(english: Any, db: Any) -> None:
    made = await english.post("/projects", data=project_form(), follow_redirects=False)
    url = made.headers["location"]
    project = await db.scalar(select(Project))
    edited = await english.post(
        f"{url}/edit", data=project_form(name="Fair migration", version=str(project.version)), follow_redirects=False
    )
    assert edited.status_code == 303
    await db.refresh(project)
    assert project.name == "Fair migration"
    refused = await english.post(f"{url}/edit", data=project_form(ends_on="2000-01-01", version=str(project.version)))
    assert refused.status_code == 422 and "The end date must be on or after the start date." in text(refused)
    await db.refresh(project)
    assert project.ends_on is not None and project.ends_on.year == 2022

    assert (await english.post(f"{url}/archive", follow_redirects=False)).status_code == 303
    await db.refresh(project)
    assert project.archived_at is not None
    assert "Fair migration" not in (await english.get("/projects")).text
    assert "Fair migration" in (await english.get("/projects", params={"archived": "1"})).text
    assert (await english.post(f"{url}/unarchive", follow_redirects=False)).status_code == 303

    # An event of the project: deleting is refused, and explained.
    meeting = await f.meeting(db, project_id=project.id)
    await db.commit()
    kept = await english.post(f"{url}/delete")
    assert kept.status_code == 409
    assert "This project cannot be deleted: it has 1 event." in text(kept)
    assert await db.scalar(select(func.count(Project.id))) == 1

    await db.delete(meeting)
    await db.commit()
    assert (await english.post(f"{url}/delete", follow_redirects=False)).status_code == 303
    assert await db.scalar(select(func.count(Project.id))) == 0


async def test_the_api_reads_projects(client: Any, db: Any) -> None:
    aics = await f.organisation(db, Side.PARTNERS, acronym="AICS")
    project = Project(slug="amem", acronym="AMEM", name="Migration équitable", countries="TN,MA")
    project.donors = [ProjectDonor(organisation_id=aics.id, rank=1)]
    db.add(project)
    await db.commit()
    listed = await client.get("/api/v1/projects")
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 1 and body["items"][0]["country_codes"] == ["TN", "MA"]
    one = (await client.get(f"/api/v1/projects/{project.id}")).json()
    assert [donor["acronym"] for donor in one["donors"]] == ["AICS"] and one["lead_organisation"] is None
    assert (await client.get("/api/v1/projects/999999")).status_code == 404
