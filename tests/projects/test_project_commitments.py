"""A commitment's project: chosen on the form, filtered on the list, listed on the project page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from dialogue.commitments.models import Commitment
from dialogue.people.models import Side
from dialogue.projects.models import Project
from tests import factories as f
from tests.meetings.helpers import text


async def test_commitments_by_project(english: Any, db: Any) -> None:
    amem = Project(slug="amem", acronym="AMEM", name="Migration équitable")
    old = Project(slug="old", name="Ancien projet", archived_at=f.tunis(2024, 1, 1, 9))
    db.add_all([amem, old])
    await db.commit()
    form = await english.get("/commitments/new")
    assert "AMEM – Migration équitable" in form.text and "Ancien projet" not in form.text

    data = {"title": "Guide du travailleur migrant", "side": "government", "status": "open", "project_id": str(amem.id)}
    made = await english.post("/commitments", data=data, follow_redirects=False)
    assert made.status_code == 303, text(made)
    commitment = await db.scalar(select(Commitment))
    assert commitment.project_id == amem.id
    detail = text(await english.get(made.headers["location"]))
    assert f'href="/projects/{amem.id}"' in detail

    refused = await english.post("/commitments", data={**data, "project_id": str(old.id)})
    assert refused.status_code == 422 and "This project is archived: choose another one." in text(refused)
    unknown = await english.post("/commitments", data={**data, "project_id": "999999"})
    assert unknown.status_code == 422 and "This project does not exist." in text(unknown)
    assert await db.scalar(select(func.count(Commitment.id))) == 1

    await f.commitment(db, Side.WORKERS, title="Sans projet")
    await db.commit()
    filtered = text(await english.get("/commitments", params={"project": str(amem.id), "scope": "all"}))
    assert "Guide du travailleur migrant" in filtered and "Sans projet" not in filtered
    everything = text(await english.get("/commitments", params={"scope": "all"}))
    assert "Sans projet" in everything
    bad = await english.get("/commitments", params={"project": "abc"})
    assert bad.status_code == 200

    page = text(await english.get(f"/projects/{amem.id}"))
    assert "Guide du travailleur migrant" in page and "Sans projet" not in page
    kept = await english.post(f"/projects/{amem.id}/delete")
    assert kept.status_code == 409 and "it has 1 commitment" in text(kept)
