"""The agenda's JSON API: items, order, positions and outcomes under /api/v1."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import AgendaDocument, AgendaItem, OutcomeKind, Position, Stance
from dialogue.people.models import Side
from tests import factories


async def fresh(db: AsyncSession, model: Any) -> list[Any]:
    statement = select(model).order_by(model.id).execution_options(populate_existing=True)
    return list(await db.scalars(statement))


async def test_api_lists_items_in_order_with_their_schedule(client: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    second = await factories.item(db, meeting, 2, title="Deuxième", duration_minutes=45)
    first = await factories.item(db, meeting, 1, title="Premier", duration_minutes=30, presenter_id=council["ugtt1"].id)
    await factories.position(db, first, Side.WORKERS, Stance.OPPOSE, statement="Non")
    await factories.outcome(db, first, OutcomeKind.BILATERAL_AGREEMENT, sides="government,employers", text="Accord")
    await db.commit()
    response = await client.get(f"/api/v1/meetings/{meeting.id}/agenda")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["offset"]) == (2, 0)
    assert [item["id"] for item in body["items"]] == [first.id, second.id]
    head = body["items"][0]
    assert head["starts_at"] == "2026-12-10T09:00:00+01:00"
    assert head["ends_at"] == "2026-12-10T09:30:00+01:00"
    assert body["items"][1]["starts_at"] == "2026-12-10T09:30:00+01:00"
    assert head["presenter_name"] == "UGTT délégué 1"
    assert head["positions"] == [
        {
            "id": head["positions"][0]["id"],
            "item_id": first.id,
            "side": "workers",
            "stance": "oppose",
            "statement": "Non",
            "internal": False,
            "version": 1,
        }
    ]
    assert head["outcome"]["sides"] == ["government", "employers"]
    assert head["version"] == 1

    page = (await client.get(f"/api/v1/meetings/{meeting.id}/agenda?limit=1&offset=1")).json()
    assert [item["title"] for item in page["items"]] == ["Deuxième"]
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert (await client.get("/api/v1/meetings/999999/agenda")).status_code == 404


async def test_api_creates_an_item_at_the_end_with_documents(client: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    await factories.item(db, meeting, 1, title="Premier", duration_minutes=30)
    await db.commit()
    response = await client.post(
        f"/api/v1/meetings/{meeting.id}/agenda",
        json={
            "title": "Questionnaire de l'OIT",
            "duration_minutes": 20,
            "presenter_id": council["mas1"].id,
            "c144_matter": "a",
            "documents": [{"title": "Questionnaire", "url": "https://www.ilo.org/q.pdf"}],
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["rank"], body["number"], body["c144_matter"]) == (2, 2, "a")
    assert body["starts_at"] == "2026-12-10T09:30:00+01:00"
    assert body["documents"][0]["url"] == "https://www.ilo.org/q.pdf"
    item = await db.get(AgendaItem, body["id"])
    assert item is not None and item.title == "Questionnaire de l'OIT"
    assert len(await fresh(db, AgendaDocument)) == 1


async def test_api_refuses_bad_items_with_field_errors(client: Any, db: AsyncSession, council: dict) -> None:
    url = f"/api/v1/meetings/{council['meeting'].id}/agenda"
    cases = [
        ({"title": ""}, "title"),
        ({"title": "Budget", "duration_minutes": 0}, "duration_minutes"),
        ({"title": "Budget", "duration_minutes": 10000}, "duration_minutes"),
        ({"title": "Budget", "presenter_id": 999999}, "presenter_id"),
        ({"title": "Budget", "c144_matter": "z"}, "c144_matter"),
        ({"title": "Budget", "documents": [{"title": "Note", "url": "note.pdf"}]}, "documents.0.url"),
        ({"title": "Budget", "duration_minutes": "une heure"}, "duration_minutes"),
        ({"duration_minutes": 30}, "title"),
    ]
    for payload, field in cases:
        response = await client.post(url, json=payload)
        assert response.status_code == 422, (payload, response.text)
        body = response.json()
        assert field in body["errors"], (payload, body)
        assert body["message"]
    assert await fresh(db, AgendaItem) == []


async def test_api_answers_malformed_json_with_400(client: Any, council: dict) -> None:
    url = f"/api/v1/meetings/{council['meeting'].id}/agenda"
    response = await client.post(url, content=b'{"title": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "message" in response.json()
    response = await client.post(url, content=b"", headers={"content-type": "application/json"})
    assert response.status_code == 400


async def test_api_updates_an_item_with_its_version(client: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Budget", duration_minutes=30)
    await db.commit()
    response = await client.patch(f"/api/v1/agenda/{item.id}", json={"version": 1, "duration_minutes": 50})
    assert response.status_code == 200, response.text
    assert (response.json()["duration_minutes"], response.json()["title"], response.json()["version"]) == (
        50,
        "Budget",
        2,
    )
    # Stale: refused, nothing changed.
    stale = await client.patch(f"/api/v1/agenda/{item.id}", json={"version": 1, "title": "Autre"})
    assert stale.status_code == 409
    assert "message" in stale.json()
    # The version is required.
    missing = await client.patch(f"/api/v1/agenda/{item.id}", json={"title": "Autre"})
    assert missing.status_code == 422
    assert "version" in missing.json()["errors"]
    invalid = await client.patch(f"/api/v1/agenda/{item.id}", json={"version": 2, "title": " "})
    assert invalid.status_code == 422
    [current] = await fresh(db, AgendaItem)
    assert (current.title, current.duration_minutes, current.version) == ("Budget", 50, 2)
    # Documents sent replace the item's documents.
    response = await client.patch(
        f"/api/v1/agenda/{item.id}",
        json={"version": 2, "documents": [{"title": "Note", "url": "https://example.tn/n.pdf"}]},
    )
    assert response.status_code == 200
    assert [d["title"] for d in response.json()["documents"]] == ["Note"]
    assert (await client.patch("/api/v1/agenda/999999", json={"version": 1})).status_code == 404


async def test_api_reads_and_deletes_an_item(client: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    a = await factories.item(db, meeting, 1, title="A")
    b = await factories.item(db, meeting, 2, title="B")
    await db.commit()
    assert (await client.get(f"/api/v1/agenda/{b.id}")).json()["number"] == 2
    assert (await client.delete(f"/api/v1/agenda/{a.id}")).status_code == 204
    assert [(i.title, i.rank) for i in await fresh(db, AgendaItem)] == [("B", 1)]
    assert (await client.get(f"/api/v1/agenda/{a.id}")).status_code == 404
    assert (await client.delete(f"/api/v1/agenda/{a.id}")).status_code == 404


async def test_api_refuses_to_delete_an_item_with_commitments(client: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="A")
    await factories.commitment(db, agenda_item_id=item.id)
    await factories.commitment(db, agenda_item_id=item.id)
    await db.commit()
    response = await client.delete(f"/api/v1/agenda/{item.id}")
    assert response.status_code == 409
    assert "2" in response.json()["message"]
    assert len(await fresh(db, AgendaItem)) == 1


async def test_api_reorders_the_agenda(client: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    a = await factories.item(db, meeting, 1, title="A", duration_minutes=10)
    b = await factories.item(db, meeting, 2, title="B", duration_minutes=20)
    c = await factories.item(db, meeting, 3, title="C", duration_minutes=30)
    other = await factories.item(db, await factories.meeting(db, council["plenary"]), 1, title="Ailleurs")
    await db.commit()
    url = f"/api/v1/meetings/{meeting.id}/agenda/order"
    response = await client.post(url, json=[c.id, a.id, b.id])
    assert response.status_code == 200, response.text
    assert [i["title"] for i in response.json()["items"]] == ["C", "A", "B"]
    assert response.json()["items"][1]["starts_at"] == "2026-12-10T09:30:00+01:00"
    rows = [i for i in await fresh(db, AgendaItem) if i.meeting_id == meeting.id]
    assert sorted((i.rank, i.title) for i in rows) == [(1, "C"), (2, "A"), (3, "B")]
    for bad in ([c.id, a.id], [c.id, a.id, b.id, b.id], [c.id, a.id, other.id], [c.id, a.id, b.id, other.id]):
        response = await client.post(url, json=bad)
        assert response.status_code == 422, bad
        assert "order" in response.json()["errors"]
    assert (await client.post(url, json={"ids": [a.id]})).status_code == 422
    assert (await client.post(url, json=[a.id, "b"])).status_code == 422
    assert (await client.post("/api/v1/meetings/999999/agenda/order", json=[])).status_code == 404
    rows = [i for i in await fresh(db, AgendaItem) if i.meeting_id == meeting.id]
    assert sorted((i.rank, i.title) for i in rows) == [(1, "C"), (2, "A"), (3, "B")]


async def test_api_records_positions_per_side_with_versions(client: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await db.commit()
    url = f"/api/v1/agenda/{item.id}/positions"
    created = await client.put(f"{url}/workers", json={"stance": "reservation", "statement": "À voir"})
    assert created.status_code == 201, created.text
    assert (created.json()["side"], created.json()["stance"], created.json()["version"]) == (
        "workers",
        "reservation",
        1,
    )
    updated = await client.put(f"{url}/workers", json={"stance": "support", "statement": "Oui", "version": 1})
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert (await client.put(f"{url}/workers", json={"stance": "oppose", "version": 1})).status_code == 409
    assert (await client.put(f"{url}/workers", json={"stance": "oppose"})).status_code == 409
    observers = await client.put(f"{url}/observers", json={"stance": "support"})
    assert observers.status_code == 422
    assert "side" in observers.json()["errors"]
    assert (await client.put(f"{url}/martians", json={"stance": "support"})).status_code == 404
    bad = await client.put(f"{url}/employers", json={"stance": "maybe"})
    assert bad.status_code == 422 and "stance" in bad.json()["errors"]
    assert (await client.put(f"{url}/employers", json={"statement": "x"})).status_code == 422
    assert (await client.put("/api/v1/agenda/999999/positions/workers", json={"stance": "support"})).status_code == 404
    [position] = await fresh(db, Position)
    assert (position.side, position.stance, position.statement) == (Side.WORKERS, Stance.SUPPORT, "Oui")


async def test_api_records_and_removes_an_outcome(client: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Convention collective")
    await db.commit()
    url = f"/api/v1/agenda/{item.id}/outcome"
    one_side = await client.put(url, json={"kind": "bilateral_agreement", "sides": ["workers"], "text": "Accord"})
    assert one_side.status_code == 422
    assert "sides" in one_side.json()["errors"]
    created = await client.put(
        url, json={"kind": "bilateral_agreement", "sides": ["employers", "workers"], "text": "Accord"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["sides"] == ["workers", "employers"]
    updated = await client.put(url, json={"kind": "deferred", "sides": ["workers"], "version": 1})
    assert updated.status_code == 200
    assert (updated.json()["kind"], updated.json()["sides"], updated.json()["version"]) == ("deferred", [], 2)
    assert (await client.put(url, json={"kind": "no_agreement", "version": 1})).status_code == 409
    assert (await client.put(url, json={"kind": "never"})).status_code in (409, 422)
    assert (await client.put(url, json={"kind": "never", "version": 2})).status_code == 422
    assert (await client.delete(url)).status_code == 204
    assert (await client.delete(url)).status_code == 404
    assert (await client.get(f"/api/v1/agenda/{item.id}")).json()["outcome"] is None


async def test_api_refuses_to_remove_an_outcome_with_commitments(client: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Convention collective")
    await factories.outcome(db, item, text="Accord")
    await factories.commitment(db, agenda_item_id=item.id, from_outcome=True)
    await db.commit()
    response = await client.delete(f"/api/v1/agenda/{item.id}/outcome")
    assert response.status_code == 409
    assert "message" in response.json()


async def test_agenda_api_is_documented_in_openapi(client: Any) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    assert "/api/v1/meetings/{meeting_id}/agenda" in paths
    assert set(paths["/api/v1/agenda/{item_id}"]) >= {"get", "patch", "delete"}
    assert "put" in paths["/api/v1/agenda/{item_id}/positions/{side}"]
    assert "post" in paths["/api/v1/meetings/{meeting_id}/agenda/order"]
    assert set(paths["/api/v1/agenda/{item_id}/outcome"]) >= {"put", "delete"}
