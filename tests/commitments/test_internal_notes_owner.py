"""An internal progress note belongs to the side that wrote it: moving the commitment to
another side neither hands the note to the new side nor takes it from its authors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.commitments.models import CommitmentStatus
from dialogue.people.models import Side
from tests import factories as f
from tests.security.conftest import signed_in

NOTE = "INTERNE gouvernement: le décret attend un arbitrage"


async def _move(client: AsyncTestClient[Any], commitment: Any, world: dict[str, Any], version: int) -> None:
    response = await client.post(
        f"/commitments/{commitment.id}/edit",
        data={
            "version": version,
            "title": commitment.title,
            "side": Side.WORKERS.value,
            "organisation_id": world["ugtt"].id,
            "status": CommitmentStatus.OPEN.value,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


async def test_an_internal_note_stays_with_the_side_that_wrote_it_when_the_commitment_moves(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await f.table(db)
    commitment = await f.commitment(
        db,
        Side.GOVERNMENT,
        title="Publier le décret",
        organisation_id=world["mas"].id,
        due_on=dt.date(2026, 12, 31),
    )
    await f.account(db, Role.DELEGATE, world["mas"], email="mas@example.tn")
    await f.account(db, Role.DELEGATE, world["ugtt"], email="ugtt@example.tn")
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    government_token = await f.api_token(db, await f.account(db, Role.DELEGATE, world["mas"], email="mas2@example.tn"))
    workers_token = await f.api_token(db, await f.account(db, Role.DELEGATE, world["ugtt"], email="ugtt2@example.tn"))
    await db.commit()
    page = f"/commitments/{commitment.id}"

    # The government's delegate writes an internal note on their side's commitment.
    async with signed_in(english, "mas@example.tn") as government:
        response = await government.post(
            f"{page}/updates", data={"note": NOTE, "written_on": "2026-11-02", "internal": "1"}
        )
        assert response.status_code in (200, 303), response.text
        assert NOTE in (await government.get(page)).text

    # The secretariat moves the commitment to the workers' side.
    await _move(english, commitment, world, commitment.version)

    async with signed_in(english, "ugtt@example.tn") as workers:
        assert NOTE not in (await workers.get(page)).text
        assert NOTE not in (await workers.get(f"{page}/history")).text
    async with signed_in(english, "observer@example.tn") as observer:
        assert NOTE not in (await observer.get(page)).text
    async with signed_in(english, "ugtt2@example.tn", token=workers_token) as workers_api:
        answer = await workers_api.get(f"/api/v1/commitments/{commitment.id}")
        assert answer.status_code == 200 and NOTE not in answer.text
    async with signed_in(english, "mas@example.tn") as government:
        assert NOTE in (await government.get(page)).text
        assert NOTE in (await government.get(f"{page}/history")).text
    async with signed_in(english, "mas2@example.tn", token=government_token) as government_api:
        answer = await government_api.get(f"/api/v1/commitments/{commitment.id}")
        assert NOTE in answer.text
    assert NOTE in (await english.get(page)).text  # the secretariat sees every side's notes

    # The workers' own internal notes, written after the move, are theirs.
    async with signed_in(english, "ugtt@example.tn") as workers:
        response = await workers.post(
            f"{page}/updates", data={"note": "INTERNE travailleurs", "written_on": "2026-11-03", "internal": "1"}
        )
        assert response.status_code in (200, 303), response.text
        assert "INTERNE travailleurs" in (await workers.get(page)).text
    async with signed_in(english, "mas@example.tn") as government:
        text = (await government.get(page)).text
        assert NOTE in text and "INTERNE travailleurs" not in text
