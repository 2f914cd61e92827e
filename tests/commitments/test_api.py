"""The commitments API (/api/v1/commitments) through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import Commitment, CommitmentStatus
from tests import factories as f

API = "/api/v1/commitments"


def ids(payload: dict[str, Any], record: dict[str, Any]) -> set[str]:
    found = {item["id"] for item in payload["items"]}
    return {key for key in ("gov", "workers", "employers", "observers") if record[key].id in found}


async def test_api_lists_commitments_with_overdue_computed(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(API)
    assert response.status_code == 200
    payload = response.json()
    assert payload["total"] == 4 and payload["limit"] == 50 and payload["offset"] == 0
    assert [item["id"] for item in payload["items"]] == [
        record[k].id for k in ("gov", "employers", "workers", "observers")
    ]
    by_id = {item["id"]: item for item in payload["items"]}
    gov = by_id[record["gov"].id]
    assert gov["overdue"] is True and gov["status"] == "open" and gov["side"] == "government"
    assert gov["organisation"].startswith("MAS") and gov["responsible"] == "MAS délégué 1"
    assert gov["version"] == 1 and gov["due_on"] == record["gov"].due_on.isoformat()
    assert by_id[record["employers"].id]["overdue"] is False
    workers = by_id[record["workers"].id]
    assert workers["last_update_on"] == (record["today"] - dt.timedelta(days=2)).isoformat()
    assert "+" in workers["created_at"] or workers["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("side=employers", {"employers"}),
        ("status=in_progress", {"workers"}),
        ("status=active", {"gov", "workers"}),
        ("overdue=true", {"gov"}),
        ("overdue=false", {"workers", "employers", "observers"}),
        ("q=saisonniers", {"workers"}),
        ("q=Financer", {"observers"}),
        ("due_soon=true", {"workers"}),
    ],
)
async def test_api_filters(client: Any, record: dict[str, Any], query: str, expected: set[str]) -> None:
    response = await client.get(f"{API}?{query}")
    assert response.status_code == 200
    assert ids(response.json(), record) == expected


async def test_api_filters_by_organisation_body_and_due_range(client: Any, record: dict[str, Any]) -> None:
    today = record["today"]
    assert ids((await client.get(f"{API}?organisation={record['ugtt'].id}")).json(), record) == {"workers"}
    assert ids((await client.get(f"{API}?body={record['plenary'].id}")).json(), record) == {"gov", "employers"}
    assert ids((await client.get(f"{API}?body={record['committee'].id}")).json(), record) == {"workers"}
    window = f"due_from={today.isoformat()}&due_to={(today + dt.timedelta(days=10)).isoformat()}"
    assert ids((await client.get(f"{API}?{window}")).json(), record) == {"workers"}


async def test_api_pages_with_limit_and_offset(client: Any, record: dict[str, Any]) -> None:
    payload = (await client.get(f"{API}?limit=2&offset=1")).json()
    assert payload["total"] == 4 and payload["limit"] == 2 and payload["offset"] == 1
    assert [item["id"] for item in payload["items"]] == [record["employers"].id, record["workers"].id]
    assert (await client.get(f"{API}?limit=100000")).json()["limit"] == 200


async def test_api_refuses_unknown_filter_values_with_json(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"{API}?side=martians&status=finished")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"side", "status"}
    response = await client.get(f"{API}?due_from=yesterday")
    assert response.status_code == 400 and "message" in response.json()


async def test_api_creates_a_commitment(client: Any, db: AsyncSession, record: dict[str, Any]) -> None:
    body = {
        "title": "Élaborer un guide",
        "side": "employers",
        "organisation_id": record["utica"].id,
        "responsible_id": record["utica2"].id,
        "due_on": f"{f.NEXT_YEAR}-03-31",  # still to come: not overdue
        "meeting_id": record["march"].id,
        "agenda_item_id": record["item"].id,
        "from_outcome": True,
    }
    response = await client.post(API, json=body)
    assert response.status_code == 201
    made = response.json()
    assert made["title"] == "Élaborer un guide" and made["status"] == "open" and made["version"] == 1
    assert made["updates"] == [] and made["overdue"] is False
    stored = await db.get(Commitment, made["id"])
    assert stored is not None and stored.responsible_id == record["utica2"].id


async def test_api_refuses_an_organisation_of_another_side(client: Any, record: dict[str, Any]) -> None:
    response = await client.post(API, json={"title": "x", "side": "workers", "organisation_id": record["mas"].id})
    assert response.status_code == 422
    assert "organisation_id" in response.json()["errors"]
    response = await client.post(
        API, json={"title": " ", "side": "nobody", "status": "eventually", "agenda_item_id": 999999}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"title", "side", "status", "agenda_item_id"}


async def test_api_answers_400_to_malformed_json_and_wrong_types(client: Any, record: dict[str, Any]) -> None:
    response = await client.post(API, content=b'{"title": "x", ', headers={"content-type": "application/json"})
    assert response.status_code == 400 and "message" in response.json()
    response = await client.post(API, json={"title": 12, "side": "workers"})
    assert response.status_code == 400 and "message" in response.json()
    response = await client.post(API, json={"title": "x", "side": "workers", "due_on": "31/12/2026"})
    assert response.status_code == 400


async def test_api_reads_a_commitment_with_its_updates_newest_first(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"{API}/{record['workers'].id}")
    assert response.status_code == 200
    payload = response.json()
    assert [u["note"] for u in payload["updates"]] == ["Deux fédérations consultées", "Réunion planifiée"]
    assert payload["status"] == "in_progress" and payload["overdue"] is False
    missing = await client.get(f"{API}/999999")
    assert missing.status_code == 404 and "message" in missing.json()


async def test_api_updates_a_commitment_with_its_version(client: Any, db: AsyncSession, record: dict[str, Any]) -> None:
    url = f"{API}/{record['gov'].id}"
    response = await client.patch(url, json={"version": 1, "status": "done", "due_on": None})
    assert response.status_code == 200
    payload = response.json()
    assert payload["status"] == "done" and payload["closed_on"] == record["today"].isoformat()
    assert payload["due_on"] is None and payload["version"] == 2
    assert payload["title"] == "Publier le décret d'application"  # untouched
    stale = await client.patch(url, json={"version": 1, "title": "Écrasement"})
    assert stale.status_code == 409 and "message" in stale.json()
    db.expunge_all()
    assert (await db.get(Commitment, record["gov"].id)).title == "Publier le décret d'application"
    assert (await client.patch(url, json={"title": "Sans version"})).status_code == 400
    invalid = await client.patch(url, json={"version": 2, "organisation_id": record["ugtt"].id})
    assert invalid.status_code == 422 and "organisation_id" in invalid.json()["errors"]
    assert (await client.patch(f"{API}/999999", json={"version": 1})).status_code == 404


async def test_api_adds_a_progress_update_that_closes_the_commitment(
    client: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    written = (record["today"] - dt.timedelta(days=1)).isoformat()
    response = await client.post(
        f"{API}/{record['gov'].id}/updates",
        json={
            "note": "Décret publié",
            "written_on": written,
            "evidence_url": "https://www.iort.gov.tn/x",
            "status": "done",
        },
    )
    assert response.status_code == 201
    payload = response.json()
    assert payload["status"] == "done" and payload["closed_on"] == written and payload["overdue"] is False
    assert payload["updates"][0]["note"] == "Décret publié" and payload["updates"][0]["status"] == "done"
    db.expunge_all()
    stored = (await db.execute(select(Commitment).where(Commitment.id == record["gov"].id))).scalar_one()
    assert stored.status is CommitmentStatus.DONE


async def test_api_refuses_a_progress_update_without_note_or_with_a_bad_link(
    client: Any, record: dict[str, Any]
) -> None:
    response = await client.post(
        f"{API}/{record['gov'].id}/updates", json={"note": "", "evidence_url": "not a url", "status": "x"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"note", "evidence_url", "status"}
    assert (await client.post(f"{API}/999999/updates", json={"note": "x"})).status_code == 404
    assert (
        await client.post(
            f"{API}/{record['gov'].id}/updates", content=b"nope", headers={"content-type": "application/json"}
        )
    ).status_code == 400


async def test_api_deletes_only_commitments_without_updates(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    client = english
    refused = await client.delete(f"{API}/{record['workers'].id}")
    assert refused.status_code == 409 and "dropped" in refused.json()["message"]
    assert (await client.delete(f"{API}/{record['gov'].id}")).status_code == 204
    db.expunge_all()
    assert await db.get(Commitment, record["gov"].id) is None
    assert await db.get(Commitment, record["workers"].id) is not None


async def test_commitments_api_is_documented_in_openapi(client: Any) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths[API])
    assert {"get", "patch", "delete"} <= set(paths[API + "/{commitment_id}"])
    assert "post" in paths[API + "/{commitment_id}/updates"]
    names = {p["name"] for p in paths[API]["get"]["parameters"]}
    assert {"side", "organisation", "body", "status", "overdue", "due_from", "due_to", "q", "limit", "offset"} <= names
