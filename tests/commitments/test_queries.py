"""No N+1: the commitments pages send as many statements for 30 rows as for 3."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.commitments import at_meetings
from dialogue.commitments.models import CommitmentStatus
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import count_queries


async def commitments(db: AsyncSession, n: int) -> list[Any]:
    """`n` commitments, each with its own organisation, person, meeting and an update."""
    made = []
    for i in range(n):
        org = await f.organisation(db, Side.WORKERS)
        person = await f.person(db, org)
        meeting = await f.meeting(db, starts_at=f.tunis(2026, 1, 1) + dt.timedelta(days=i))
        commitment = await f.commitment(
            db,
            Side.WORKERS,
            organisation_id=org.id,
            responsible_id=person.id,
            meeting_id=meeting.id,
            due_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
        await f.progress(db, commitment)
        made.append(commitment)
    await db.commit()
    return made


async def statements_for(client: Any, engine: AsyncEngine, url: str) -> int:
    await client.get(url)  # warm up
    with count_queries(engine) as counter:
        response = await client.get(url)
    assert response.status_code == 200
    return counter.count


async def test_commitments_page_does_not_grow_with_its_rows(
    client: Any, db: AsyncSession, app_engine: AsyncEngine
) -> None:
    await commitments(db, 3)
    few = await statements_for(client, app_engine, "/commitments")
    await commitments(db, 27)
    many = await statements_for(client, app_engine, "/commitments")
    assert many == few
    api_few = await statements_for(client, app_engine, "/api/v1/commitments?limit=3")
    api_many = await statements_for(client, app_engine, "/api/v1/commitments?limit=30")
    assert api_many == api_few


async def test_commitment_page_does_not_grow_with_its_updates(
    client: Any, db: AsyncSession, app_engine: AsyncEngine
) -> None:
    few_updates, many_updates = await f.commitment(db), await f.commitment(db)
    for i in range(3):
        await f.progress(db, few_updates, f"Note {i}", status=CommitmentStatus.IN_PROGRESS)
    for i in range(30):
        await f.progress(db, many_updates, f"Note {i}", evidence_url="https://example.tn/x")
    await db.commit()
    few = await statements_for(client, app_engine, f"/commitments/{few_updates.id}")
    many = await statements_for(client, app_engine, f"/commitments/{many_updates.id}")
    assert many == few
    assert await statements_for(client, app_engine, f"/api/v1/commitments/{many_updates.id}") == await statements_for(
        client, app_engine, f"/api/v1/commitments/{few_updates.id}"
    )


async def test_meeting_section_does_not_grow_with_its_commitments(db: AsyncSession, engine: AsyncEngine) -> None:
    plenary = await f.body(db)
    earlier = await f.meeting(db, plenary, starts_at=f.tunis(2026, 1, 10))
    current = await f.meeting(db, plenary, starts_at=f.tunis(2026, 6, 10))
    item = await f.item(db, current)
    await db.commit()

    async def add(n: int) -> int:
        for _ in range(n):
            org = await f.organisation(db, Side.EMPLOYERS)
            await f.commitment(
                db,
                Side.EMPLOYERS,
                organisation_id=org.id,
                responsible_id=(await f.person(db, org)).id,
                meeting_id=earlier.id,
            )
            await f.commitment(
                db, Side.EMPLOYERS, organisation_id=org.id, meeting_id=current.id, agenda_item_id=item.id
            )
        await db.commit()
        db.expunge_all()
        with count_queries(engine) as counter:
            section = await at_meetings.commitments_section(db, current, today=dt.date(2026, 6, 10))
        assert len(section["commitments_arising"]) == len(section["commitments_made"][0].commitments)
        return counter.count

    assert await add(3) == await add(27) == 4  # the matters arising, their meetings open (2), the made
