"""The JSON API for organisations, people and bodies (/api/v1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from dialogue.people.models import Organisation, Person
from tests import factories as f


async def test_api_lists_organisations_with_filters_and_paging(client: Any, db: Any) -> None:
    world = await f.table(db)
    world["ilo"].archived_at = f.tunis(2025, 1, 1)
    await db.commit()

    everyone = (await client.get("/api/v1/organisations")).json()
    assert everyone["total"] == 3 and everyone["limit"] == 50 and everyone["offset"] == 0
    assert {o["slug"] for o in everyone["items"]} == {"mas", "ugtt", "utica"}
    first = everyone["items"][0]
    assert set(first) >= {"id", "slug", "name", "acronym", "side", "description", "archived_at", "version"}

    workers = (await client.get("/api/v1/organisations", params={"side": "workers"})).json()
    assert [o["slug"] for o in workers["items"]] == ["ugtt"]
    assert workers["items"][0]["side"] == "workers"

    with_archived = (await client.get("/api/v1/organisations", params={"archived": "true", "q": "travail"})).json()
    assert {o["slug"] for o in with_archived["items"]} == {"ugtt", "oit"}
    archived = next(o for o in with_archived["items"] if o["slug"] == "oit")
    assert archived["archived_at"].endswith(("Z", "+00:00"))

    paged = (await client.get("/api/v1/organisations", params={"limit": "1", "offset": "1"})).json()
    assert paged["total"] == 3 and len(paged["items"]) == 1 and paged["limit"] == 1

    bad = await client.get("/api/v1/organisations", params={"side": "martians"})
    assert bad.status_code == 400 and "message" in bad.json()


async def test_api_creates_an_organisation(client: Any, db: Any) -> None:
    response = await client.post(
        "/api/v1/organisations", json={"slug": "utap", "name": "UTAP", "side": "employers", "acronym": "UTAP"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "utap" and body["version"] == 1 and body["side"] == "employers"
    assert (await client.get(f"/api/v1/organisations/{body['id']}")).json()["name"] == "UTAP"


async def test_api_refuses_a_duplicate_slug_and_bad_fields_with_422(client: Any, db: Any) -> None:
    await f.organisation(db, slug="ugtt")
    await db.commit()

    duplicate = await client.post("/api/v1/organisations", json={"slug": "ugtt", "name": "X", "side": "workers"})
    assert duplicate.status_code == 422
    assert "slug" in duplicate.json()["errors"]

    bad = await client.post("/api/v1/organisations", json={"slug": "", "name": "N" * 201, "side": "aliens"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"slug", "name", "side"}
    assert await db.scalar(select(func.count(Organisation.id))) == 1


async def test_api_answers_400_json_to_malformed_bodies(client: Any) -> None:
    for content in (b"{not json", b"[]", b'{"slug": 3, "name": "X", "side": "workers"}', b'{"name": "X"}'):
        response = await client.post(
            "/api/v1/organisations", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, content
        assert "message" in response.json()


async def test_api_unknown_records_are_404_json(client: Any) -> None:
    for url in ("/api/v1/organisations/99", "/api/v1/people/99", "/api/v1/bodies/99"):
        response = await client.get(url)
        assert response.status_code == 404 and "message" in response.json()
    patched = await client.patch("/api/v1/people/99", json={"version": 1})
    assert patched.status_code == 404


async def test_api_patches_an_organisation_with_its_version(client: Any, db: Any) -> None:
    org = await f.organisation(db, slug="ugtt", name="UGTT")
    await db.commit()

    response = await client.patch(f"/api/v1/organisations/{org.id}", json={"version": 1, "name": "Union Générale"})

    assert response.status_code == 200
    assert response.json()["name"] == "Union Générale" and response.json()["version"] == 2
    assert response.json()["slug"] == "ugtt"  # untouched fields stay


async def test_api_refuses_a_stale_patch_with_409_and_the_current_record(client: Any, db: Any) -> None:
    org = await f.organisation(db, slug="ugtt", name="UGTT")
    await db.commit()
    await client.patch(f"/api/v1/organisations/{org.id}", json={"version": 1, "name": "First"})

    stale = await client.patch(f"/api/v1/organisations/{org.id}", json={"version": 1, "name": "Second"})

    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "First" and stale.json()["current"]["version"] == 2
    await db.refresh(org)
    assert org.name == "First"

    missing_version = await client.patch(f"/api/v1/organisations/{org.id}", json={"name": "Third"})
    assert missing_version.status_code == 400


async def test_api_lists_people_with_the_page_filters(client: Any, db: Any) -> None:
    world = await f.table(db)
    world["utica2"].archived_at = f.tunis(2025, 1, 1)
    await db.commit()

    everyone = (await client.get("/api/v1/people")).json()
    assert everyone["total"] == 7
    person = everyone["items"][0]
    assert person["organisation"]["acronym"] and person["side"] in {"government", "workers", "employers", "observers"}

    workers = (await client.get("/api/v1/people", params={"side": "workers"})).json()
    assert {p["full_name"] for p in workers["items"]} == {"UGTT délégué 1", "UGTT délégué 2"}

    of_utica = (
        await client.get("/api/v1/people", params={"organisation": world["utica"].id, "archived": "true"})
    ).json()
    assert of_utica["total"] == 2
    assert (await client.get("/api/v1/people", params={"organisation": world["utica"].id})).json()["total"] == 1

    by_text = (await client.get("/api/v1/people", params={"q": world["mas1"].email})).json()
    assert [p["id"] for p in by_text["items"]] == [world["mas1"].id]

    assert (await client.get("/api/v1/people", params={"organisation": "abc"})).status_code == 400


async def test_api_creates_a_person_and_refuses_duplicates_and_unknown_organisations(client: Any, db: Any) -> None:
    org = await f.organisation(db)
    await db.commit()

    created = await client.post(
        "/api/v1/people",
        json={"full_name": "Hela Ben Ali", "organisation_id": org.id, "email": "Hela@Example.TN", "language": "ar"},
    )
    assert created.status_code == 201
    assert created.json()["email"] == "hela@example.tn" and created.json()["language"] == "ar"
    assert created.json()["organisation"]["id"] == org.id

    duplicate = await client.post(
        "/api/v1/people", json={"full_name": "Autre", "organisation_id": org.id, "email": "HELA@example.tn"}
    )
    assert duplicate.status_code == 422 and "email" in duplicate.json()["errors"]

    unknown = await client.post("/api/v1/people", json={"full_name": "Autre", "organisation_id": 4242})
    assert unknown.status_code == 422 and "organisation_id" in unknown.json()["errors"]

    empty = await client.post("/api/v1/people", json={"full_name": "  ", "organisation_id": org.id, "language": "de"})
    assert empty.status_code == 422 and set(empty.json()["errors"]) == {"full_name", "language"}

    wrong_type = await client.post("/api/v1/people", json={"full_name": "X", "organisation_id": "one"})
    assert wrong_type.status_code == 400
    assert await db.scalar(select(func.count(Person.id))) == 1


async def test_api_patches_a_person_and_refuses_a_stale_version(client: Any, db: Any) -> None:
    world = await f.table(db)
    person = world["ugtt1"]
    await db.commit()

    moved = await client.patch(
        f"/api/v1/people/{person.id}", json={"version": 1, "organisation_id": world["utica"].id, "email": None}
    )
    assert moved.status_code == 200
    assert moved.json()["organisation"]["slug"] == "utica" and moved.json()["side"] == "employers"
    assert moved.json()["email"] is None and moved.json()["version"] == 2

    stale = await client.patch(f"/api/v1/people/{person.id}", json={"version": 1, "title": "Trésorier"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2

    taken = await client.patch(f"/api/v1/people/{person.id}", json={"version": 2, "email": world["mas1"].email})
    assert taken.status_code == 422 and "email" in taken.json()["errors"]
    await db.refresh(person)
    assert person.title == "" and person.email is None

    malformed = await client.patch(
        f"/api/v1/people/{person.id}", content=b"{", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400


async def test_api_lists_bodies_and_shows_one_with_its_members(client: Any, db: Any) -> None:
    world = await f.table(db)
    await f.body(db, name="Commission migration de main-d'oeuvre")
    await db.commit()

    listed = (await client.get("/api/v1/bodies")).json()
    assert listed["total"] == 2
    assert {"id", "name", "kind", "quorum_rule", "quorum_min_per_side", "version"} <= set(listed["items"][0])
    assert (await client.get("/api/v1/bodies", params={"q": "migration"})).json()["total"] == 1

    plenary = (await client.get(f"/api/v1/bodies/{world['plenary'].id}")).json()
    assert len(plenary["members"]) == 6
    ugtt1 = next(m for m in plenary["members"] if m["person_id"] == world["ugtt1"].id)
    assert ugtt1["kind"] == "titular" and ugtt1["organisation"]["side"] == "workers"


async def test_api_is_documented_in_openapi(client: Any) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/bodies",
        "/api/v1/bodies/{body_id}",
    ):
        assert path in paths
    assert "patch" in paths["/api/v1/people/{person_id}"]
    assert "/people" not in paths  # HTML pages stay out of the API document


async def test_every_error_of_the_api_has_the_one_shape(client: Any, db: Any) -> None:
    """Errors of the handlers and of the router alike: `status` and `message`, and only
    `errors`, `warnings`, `detail` or `current` besides (dialogue.openapi.ApiError)."""
    org = await f.organisation(db, slug="mas")
    await db.commit()
    answers = [
        (401, await client.get("/api/v1/bodies", headers={"Authorization": "Bearer not-a-token"})),
        (400, await client.get("/api/v1/people", params={"side": "martians"})),
        (404, await client.get("/api/v1/bodies/999999")),
        (404, await client.get("/api/v1/no-such-list")),
        (405, await client.put("/api/v1/bodies")),
        (409, await client.patch(f"/api/v1/organisations/{org.id}", json={"version": 99, "name": "X"})),
        (422, await client.post("/api/v1/people", json={"full_name": "", "organisation_id": org.id})),
    ]
    for expected, response in answers:
        body = response.json()
        assert response.status_code == expected, response.text
        assert body["status"] == expected and body["message"], body
        assert set(body) <= {"status", "message", "errors", "warnings", "detail", "current"}, body
    assert set(answers[-1][1].json()["errors"]) == {"full_name"}
    assert answers[-2][1].json()["current"]["slug"] == "mas"
