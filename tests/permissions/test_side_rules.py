"""Object-level rules: a delegate writes only their own side's positions and their own side's
commitments' progress; coordinators and observers write nothing; pages show a person only
the controls they may use."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, Role
from dialogue.agenda import positions
from dialogue.agenda.models import Position, Stance
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.errors import Forbidden, Invalid, NotFound
from dialogue.people.models import Organisation, Side
from tests.test_permissions import (
    PEOPLE,
    ROUTES,
    SECRETARIAT,
    SIDE,
    browser,
    call,
    fill,
    seed,
    snapshot,
)


def person(name: str) -> Any:
    return next(who for who in PEOPLE if who.name == name)


async def seeded(db: AsyncSession) -> dict[str, Any]:
    world = await seed(db)
    await db.commit()
    return world


async def position_of(db: AsyncSession, item_id: int, side: Side) -> tuple[Any, ...] | None:
    row = (
        await db.execute(
            select(Position.stance, Position.statement, Position.version).where(
                Position.item_id == item_id, Position.side == side
            )
        )
    ).one_or_none()
    await db.commit()  # end the read transaction, keep the loaded objects
    return tuple(row) if row else None


async def commitment_state(db: AsyncSession, commitment_id: int) -> tuple[Any, ...]:
    commitment = (
        await db.execute(
            select(
                Commitment.status,
                Commitment.due_on,
                Commitment.title,
                Commitment.version,
            ).where(Commitment.id == commitment_id)
        )
    ).one()
    updates = await db.scalar(
        select(func.count()).select_from(CommitmentUpdate).where(CommitmentUpdate.commitment_id == commitment_id)
    )
    await db.commit()  # end the read transaction, keep the loaded objects
    return (*commitment, updates)


async def test_workers_delegate_cannot_change_the_employers_position(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seeded(db)
    item_id = world["item"].id
    before = await position_of(db, item_id, Side.EMPLOYERS)
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        page = await ugtt.post(
            f"/agenda/{item_id}/positions/employers",
            data={
                "stance": "oppose",
                "statement": "Réécrit par l'UGTT",
                "version": "1",
            },
            follow_redirects=False,
        )
        assert page.status_code == 403
        api = await ugtt.put(
            f"/api/v1/agenda/{item_id}/positions/employers",
            json={"stance": "oppose", "statement": "Réécrit par l'UGTT", "version": 1},
        )
        assert api.status_code == 403
        assert "message" in api.json()
        # Nor may they record a position for a side that has none yet.
        government = await ugtt.put(f"/api/v1/agenda/{item_id}/positions/government", json={"stance": "support"})
        assert government.status_code == 403
    assert await position_of(db, item_id, Side.EMPLOYERS) == before
    assert await position_of(db, item_id, Side.GOVERNMENT) is None


async def test_workers_delegate_records_their_own_sides_position(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seeded(db)
    item_id = world["item"].id
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        page = await ugtt.post(
            f"/agenda/{item_id}/positions/workers",
            data={"stance": "reservation", "statement": "Sous réserve", "version": "1"},
            follow_redirects=False,
        )
        assert page.status_code == 303
        assert await position_of(db, item_id, Side.WORKERS) == (
            Stance.RESERVATION,
            "Sous réserve",
            2,
        )
        api = await ugtt.put(
            f"/api/v1/agenda/{item_id}/positions/workers",
            json={"stance": "oppose", "statement": "Non", "version": 2},
        )
        assert api.status_code == 200, api.text
    assert await position_of(db, item_id, Side.WORKERS) == (Stance.OPPOSE, "Non", 3)


async def test_workers_delegate_cannot_add_progress_to_a_government_commitment(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seeded(db)
    government = world["commitments"][Side.GOVERNMENT].id
    before = await commitment_state(db, government)
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        page = await ugtt.post(
            f"/commitments/{government}/updates",
            data={"note": "Fait", "status": "done"},
            follow_redirects=False,
        )
        assert page.status_code == 403
        api = await ugtt.post(
            f"/api/v1/commitments/{government}/updates",
            json={"note": "Fait", "status": "done"},
        )
        assert api.status_code == 403
    assert await commitment_state(db, government) == before


async def test_workers_delegate_adds_progress_to_their_sides_commitment_and_may_change_its_status(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seeded(db)
    workers = world["commitments"][Side.WORKERS].id
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        page = await ugtt.post(
            f"/commitments/{workers}/updates",
            data={"note": "Réunion tenue"},
            follow_redirects=False,
        )
        assert page.status_code == 303
        api = await ugtt.post(
            f"/api/v1/commitments/{workers}/updates",
            json={"note": "Lancé", "status": "in_progress"},
        )
        assert api.status_code == 201, api.text
    status, _due, _title, _version, updates = await commitment_state(db, workers)
    assert status is CommitmentStatus.IN_PROGRESS
    assert updates == 3  # the seeded one and these two


async def test_workers_delegate_cannot_change_a_commitments_due_date_or_status(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seeded(db)
    workers = world["commitments"][Side.WORKERS].id  # even their own side's
    before = await commitment_state(db, workers)
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        patch = await ugtt.patch(
            f"/api/v1/commitments/{workers}",
            json={"version": before[3], "due_on": "2030-01-01"},
        )
        assert patch.status_code == 403
        status = await ugtt.patch(
            f"/api/v1/commitments/{workers}",
            json={"version": before[3], "status": "done"},
        )
        assert status.status_code == 403
        form = await ugtt.get(f"/commitments/{workers}/edit")
        assert form.status_code == 403
        edit = await ugtt.post(
            f"/commitments/{workers}/edit",
            data={
                "title": "Autre",
                "side": "workers",
                "due_on": "2030-01-01",
                "status": "done",
                "version": before[3],
            },
            follow_redirects=False,
        )
        assert edit.status_code == 403
        delete = await ugtt.delete(f"/api/v1/commitments/{workers}")
        assert delete.status_code == 403
    assert await commitment_state(db, workers) == before
    assert before[1] != dt.date(2030, 1, 1)


@pytest.mark.parametrize("name", ["coordinator", "observer"])
async def test_coordinators_and_observers_are_refused_every_write(
    client: AsyncTestClient[Any], db: AsyncSession, name: str
) -> None:
    world = await seeded(db)
    writes = [
        key for key, permission in ROUTES.items() if permission in (SIDE, SECRETARIAT) and not key.startswith("GET ")
    ]
    assert len(writes) > 50
    async with browser(client, db, person(name), world) as them:
        before = await snapshot(db)
        for key in writes:
            for side in (Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS):
                url = fill(key, world["ids"], side, world["commitments"][side].id)
                response = await call(them, key, url)
                assert response.status_code == 403, f"{name}: {key} -> {response.status_code}"
                if "{side}" not in key and "{commitment_id}" not in key:
                    break
        assert await snapshot(db) == before


# What the pages show -------------------------------------------------------------------


async def test_delegate_sees_no_meeting_controls_but_their_own_sides_position_form(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seeded(db)
    meeting_id, item_id = world["meeting"].id, world["item"].id
    controls = [
        f'href="/meetings/{meeting_id}/edit"',
        f'href="/meetings/{meeting_id}/cancel"',
        f'href="/meetings/{meeting_id}/delete"',
        f'action="/meetings/{meeting_id}/agenda"',  # add an item
        f'href="/agenda/{item_id}/edit?',  # the link that opens the item's edit form
        f'action="/agenda/{item_id}/outcome"',
        f'action="/meetings/{meeting_id}/invitations"',
        f'href="/commitments/new?meeting={meeting_id}"',
        f'action="/agenda/{item_id}/positions/employers"',
        f'action="/agenda/{item_id}/positions/government"',
    ]
    secretariat_page = (await client.get(f"/meetings/{meeting_id}")).text
    for control in controls:
        assert control in secretariat_page, control
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        page = await ugtt.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200
        for control in controls:
            assert control not in page.text, control
        assert f'action="/agenda/{item_id}/positions/workers"' in page.text
        assert "Position des employeurs" in page.text  # reading is still allowed


async def test_progress_form_only_for_the_commitments_side(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await seeded(db)
    workers, government = (world["commitments"][side].id for side in (Side.WORKERS, Side.GOVERNMENT))
    async with browser(client, db, person("delegate-workers"), world) as ugtt:
        own = (await ugtt.get(f"/commitments/{workers}")).text
        other = (await ugtt.get(f"/commitments/{government}")).text
    assert f'action="/commitments/{workers}/updates"' in own
    assert f'href="/commitments/{workers}/edit"' not in own
    assert f'action="/commitments/{government}/updates"' not in other
    secretariat = (await client.get(f"/commitments/{government}")).text
    assert f'action="/commitments/{government}/updates"' in secretariat
    assert f'href="/commitments/{government}/edit"' in secretariat


async def test_observer_sees_no_write_controls_anywhere(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await seeded(db)
    ids = world["ids"]
    pages = [
        "/",
        "/meetings",
        f"/meetings/{ids['meeting_id']}",
        "/commitments",
        f"/commitments/{world['commitments'][Side.WORKERS].id}",
        "/bodies",
        f"/bodies/{ids['body_id']}",
        "/sides",
        "/organisations",
        f"/organisations/{ids['organisation_id']}",
        "/people",
        f"/people/{ids['person_id']}",
    ]
    async with browser(client, db, person("observer"), world) as observer:
        for url in pages:
            response = await observer.get(url)
            assert response.status_code == 200, url
            # The only forms that post are the language and sign-out buttons, and the
            # subscription to a body's calendar, which is the observer's own.
            posts = response.text.count('method="post"')
            allowed = (
                response.text.count('action="/language"')
                + response.text.count('action="/logout"')
                + response.text.count('action="/account/calendars"')
            )
            assert posts <= allowed, f"{url}: a write form is shown to an observer"
            assert "/new" not in response.text, f"{url}: a link to a 'new' form is shown to an observer"


# The rule itself ----------------------------------------------------------------------


def test_writable_side_lets_the_secretariat_and_the_sides_delegate_only() -> None:
    workers = Organisation(side=Side.WORKERS, slug="ugtt", name="UGTT", acronym="UGTT")
    delegate = Account(role=Role.DELEGATE, email="d@example.tn", organisation=workers)
    secretariat = Account(role=Role.SECRETARIAT, email="s@example.tn")
    coordinator = Account(role=Role.COORDINATOR, email="c@example.tn")
    assert positions.writable_side(delegate, "workers") is Side.WORKERS
    for side in ("government", "workers", "employers"):
        assert positions.writable_side(secretariat, side).value == side
    for account, side in (
        (delegate, "employers"),
        (delegate, "government"),
        (delegate, "observers"),
        (coordinator, "workers"),
    ):
        with pytest.raises(Forbidden):
            positions.writable_side(account, side)
    with pytest.raises(Invalid):
        positions.writable_side(secretariat, "observers")
    with pytest.raises(NotFound):
        positions.writable_side(delegate, "nobody")
