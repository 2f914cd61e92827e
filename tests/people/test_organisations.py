"""Sides and organisations: the pages the secretariat uses to set the table."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select

from dialogue.people import organisations
from dialogue.people.models import Organisation, Side
from tests import factories as f

HTMX = {"HX-Request": "true"}


async def test_sides_page_shows_the_four_sides_and_says_observers_never_count(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.organisation(
        db, Side.EMPLOYERS, slug="utap", name="Union Tunisienne de l'Agriculture et de la Pêche", acronym="UTAP"
    )
    await organisations.set_organisation_archived(
        db, await f.organisation(db, Side.WORKERS, name="Ancienne centrale"), True
    )
    await db.commit()

    response = await english.get("/sides")

    assert response.status_code == 200
    for label in ("Government", "Workers", "Employers", "Observers"):
        assert f">{label}</h2>" in response.text
    assert "Observers never count for quorum." in response.text
    assert f'href="/organisations/{world["ugtt"].id}"' in response.text
    assert "UTAP" in response.text
    assert "2 organisations" in response.text  # employers: UTICA and UTAP
    assert "Ancienne centrale" not in response.text  # archived


async def test_secretariat_filters_organisations_by_side_and_text(english: Any, db: Any) -> None:
    await f.table(db)
    await db.commit()

    workers = await english.get("/organisations", params={"side": "workers"})
    assert workers.status_code == 200
    assert "UGTT" in workers.text and "UTICA" not in workers.text

    searched = await english.get("/organisations", params={"q": "industrie"})
    assert "UTICA" in searched.text and "UGTT" not in searched.text

    nothing = await english.get("/organisations", params={"q": "%"})
    assert "No organisation matches these filters." in nothing.text

    # A filter value that means nothing is ignored rather than refused.
    lenient = await english.get("/organisations", params={"side": "martians", "offset": "abc"})
    assert lenient.status_code == 200 and "UGTT" in lenient.text


async def test_filtering_with_htmx_answers_only_the_results(english: Any, db: Any) -> None:
    await f.table(db)
    await db.commit()

    response = await english.get("/organisations", params={"side": "employers"}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "UTICA" in response.text and "UGTT" not in response.text


async def test_archived_organisations_show_only_when_asked(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.OBSERVERS, name="Projet AMEM", acronym="AMEM")
    await organisations.set_organisation_archived(db, org, True)
    await db.commit()

    assert "AMEM" not in (await english.get("/organisations")).text
    with_archived = await english.get("/organisations", params={"archived": "1"})
    assert "AMEM" in with_archived.text and "Archived" in with_archived.text


async def test_organisations_list_is_paginated(english: Any, db: Any) -> None:
    for i in range(30):
        await f.organisation(db, name=f"Organisation {i:02d}")
    await db.commit()

    first = await english.get("/organisations")
    assert "Organisation 00" in first.text and "Organisation 29" not in first.text
    assert 'href="?offset=25"' in first.text
    second = await english.get("/organisations", params={"offset": "25"})
    assert "Organisation 29" in second.text and "Organisation 00" not in second.text


async def test_secretariat_creates_an_organisation(english: Any, db: Any) -> None:
    page = await english.get("/organisations/new", params={"side": "employers"})
    assert page.status_code == 200
    assert '<option value="employers" selected>' in page.text

    response = await english.post(
        "/organisations",
        data={
            "slug": "UTAP",
            "name": "Union Tunisienne de l'Agriculture et de la Pêche",
            "acronym": "UTAP",
            "side": "employers",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    org = await db.scalar(select(Organisation).where(Organisation.slug == "utap"))
    assert org is not None and org.side == Side.EMPLOYERS
    assert response.headers["location"] == f"/organisations/{org.id}"


async def test_organisation_form_refuses_empty_and_too_long_values_and_keeps_them(english: Any, db: Any) -> None:
    response = await english.post(
        "/organisations", data={"slug": "bad slug!", "name": "", "acronym": "A" * 31, "side": "aliens"}
    )

    assert response.status_code == 422
    assert "This field is required." in response.text
    assert "At most 30 characters." in response.text
    assert "Use lowercase letters, digits and hyphens only" in response.text
    assert "Choose one of the options." in response.text
    assert 'value="bad slug!"' in response.text
    assert await db.scalar(select(func.count(Organisation.id))) == 0


async def test_duplicate_slug_is_refused_with_a_clear_error(english: Any, db: Any) -> None:
    await f.organisation(db, slug="ugtt")
    await db.commit()

    response = await english.post("/organisations", data={"slug": "UGTT", "name": "Doublon", "side": "workers"})

    assert response.status_code == 422
    assert "Another organisation already uses this short identifier" in response.text
    assert await db.scalar(select(func.count(Organisation.id))) == 1


async def test_organisation_page_lists_its_people(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()

    response = await english.get(f"/organisations/{world['ugtt'].id}")

    assert response.status_code == 200
    assert "UGTT délégué 1" in response.text and "UGTT délégué 2" in response.text
    assert "UTICA délégué 1" not in response.text
    assert '<dl class="facts">' in response.text


async def test_unknown_organisation_is_a_404(english: Any) -> None:
    assert (await english.get("/organisations/999")).status_code == 404
    assert (await english.get("/organisations/999/edit")).status_code == 404
    assert (await english.post("/organisations/999/edit", data={})).status_code == 404


async def test_secretariat_edits_an_organisation(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, slug="ugtt", name="UGTT")
    await db.commit()
    form = await english.get(f"/organisations/{org.id}/edit")
    assert 'name="version" value="1"' in form.text

    response = await english.post(
        f"/organisations/{org.id}/edit",
        data={"slug": "ugtt", "name": "Union Générale Tunisienne du Travail", "side": "workers", "version": "1"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    await db.refresh(org)
    assert org.name == "Union Générale Tunisienne du Travail" and org.version == 2


async def test_stale_organisation_edit_is_refused_and_shows_the_current_values(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, slug="ugtt", name="UGTT")
    await db.commit()
    colleague = dataclasses.replace(organisations.OrganisationDraft.of(org), name="Changed by a colleague")
    await organisations.update_organisation(db, org, colleague, 1)
    await db.commit()

    response = await english.post(
        f"/organisations/{org.id}/edit",
        data={"slug": "ugtt", "name": "My edit", "side": "workers", "version": "1"},
    )

    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert 'value="Changed by a colleague"' in response.text
    assert 'name="version" value="2"' in response.text
    assert "My edit" in response.text  # what the user typed is shown, not lost
    await db.refresh(org)
    assert org.name == "Changed by a colleague" and org.version == 2


async def test_archiving_an_organisation_hides_it_from_pickers(english: Any, db: Any) -> None:
    org_id = (await f.organisation(db)).id
    await db.commit()

    response = await english.post(f"/organisations/{org_id}/archive", follow_redirects=False)
    assert response.status_code == 303
    assert org_id not in [o.id for o in await organisations.active_organisations(db)]
    assert "Bring back" in (await english.get(f"/organisations/{org_id}")).text

    await english.post(f"/organisations/{org_id}/unarchive")
    db.expire_all()
    assert org_id in [o.id for o in await organisations.active_organisations(db)]


async def test_deleting_an_organisation_with_people_is_refused(english: Any, db: Any) -> None:
    org = await f.organisation(db)
    await f.person(db, org)
    await db.commit()

    response = await english.post(f"/organisations/{org.id}/delete")

    assert response.status_code == 409
    assert "This organisation cannot be deleted: it has 1 person" in response.text
    assert "Archive it instead" in response.text
    assert await db.get(Organisation, org.id) is not None


async def test_deleting_an_organisation_with_commitments_is_refused(english: Any, db: Any) -> None:
    org = await f.organisation(db)
    await f.commitment(db, side=org.side, organisation_id=org.id)
    await db.commit()

    response = await english.post(f"/organisations/{org.id}/delete")

    assert response.status_code == 409
    assert "it holds 1 commitment" in response.text


async def test_deleting_an_organisation_nobody_depends_on(english: Any, db: Any) -> None:
    org_id = (await f.organisation(db)).id
    await db.commit()

    response = await english.post(f"/organisations/{org_id}/delete", follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == "/organisations"
    db.expire_all()
    assert await db.get(Organisation, org_id) is None
