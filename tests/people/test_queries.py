"""No N+1: a page sends as many statements for 30 rows as for 3."""

from __future__ import annotations

from typing import Any

from dialogue.bodies.models import MembershipKind
from dialogue.meetings.models import InvitationRole
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import count_queries


async def _statements(client: Any, engine: Any, url: str) -> int:
    with count_queries(engine) as counter:
        response = await client.get(url)
    assert response.status_code == 200
    return counter.count


async def _add_people(db: Any, n: int) -> None:
    for i in range(n):
        org = await f.organisation(db, list(Side)[i % 4])
        await f.person(db, org, title=f"Titre {i}")
    await db.commit()


async def test_people_page_statements_do_not_grow_with_rows(english: Any, db: Any, app_engine: Any) -> None:
    await _add_people(db, 3)
    few = await _statements(english, app_engine, "/people")
    await _add_people(db, 27)
    many = await _statements(english, app_engine, "/people")
    assert few == many
    assert "Titre 29" in (await english.get("/people", params={"q": "Titre 29"})).text


async def test_organisations_page_statements_do_not_grow_with_rows(english: Any, db: Any, app_engine: Any) -> None:
    await _add_people(db, 3)
    few = await _statements(english, app_engine, "/organisations")
    await _add_people(db, 27)
    many = await _statements(english, app_engine, "/organisations")
    assert few == many


async def test_sides_and_bodies_pages_statements_do_not_grow_with_rows(english: Any, db: Any, app_engine: Any) -> None:
    await _add_people(db, 3)
    await f.body(db)
    await db.commit()
    few = (await _statements(english, app_engine, "/sides"), await _statements(english, app_engine, "/bodies"))
    await _add_people(db, 27)
    for _ in range(10):
        await f.body(db)
    await db.commit()
    many = (await _statements(english, app_engine, "/sides"), await _statements(english, app_engine, "/bodies"))
    assert few == many


async def _grow_body(db: Any, body: Any, n: int) -> None:
    for i in range(n):
        org = await f.organisation(db, list(Side)[i % 4])
        person = await f.person(db, org)
        await f.member(db, body, person, MembershipKind.ALTERNATE if i % 2 else MembershipKind.TITULAR)
        await f.person(db, org)  # a candidate, proposed in the picker
        await f.meeting(db, body, starts_at=f.tunis(2024 + i % 4, 1 + i % 12, 1 + i % 28))
    await db.commit()


async def test_body_page_statements_do_not_grow_with_members(english: Any, db: Any, app_engine: Any) -> None:
    body = await f.body(db)
    await _grow_body(db, body, 3)
    few = await _statements(english, app_engine, f"/bodies/{body.id}")
    await _grow_body(db, body, 27)
    many = await _statements(english, app_engine, f"/bodies/{body.id}")
    assert few == many


async def test_person_page_statements_do_not_grow_with_meetings(english: Any, db: Any, app_engine: Any) -> None:
    world = await f.table(db)
    person_id = world["ugtt1"].id

    async def invite_to(n: int) -> None:
        for _ in range(n):
            body = await f.body(db)
            await f.member(db, body, world["ugtt1"])
            meeting = await f.meeting(db, body)
            await f.invite(db, meeting, world["ugtt1"], InvitationRole.TITULAR, on_behalf_of_id=world["ugtt2"].id)
        await db.commit()

    await invite_to(3)
    few = await _statements(english, app_engine, f"/people/{person_id}")
    await invite_to(27)
    many = await _statements(english, app_engine, f"/people/{person_id}")
    assert few == many


async def test_api_lists_statements_do_not_grow_with_rows(client: Any, db: Any, app_engine: Any) -> None:
    body = await f.body(db)
    await _grow_body(db, body, 3)
    urls = ("/api/v1/people", "/api/v1/organisations", f"/api/v1/bodies/{body.id}")
    few = [await _statements(client, app_engine, url) for url in urls]
    await _grow_body(db, body, 27)
    many = [await _statements(client, app_engine, url) for url in urls]
    assert few == many
