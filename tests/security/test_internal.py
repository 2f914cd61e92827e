"""A side's internal draft position or progress note stays inside that side: its delegates
and the secretariat see it; other sides, coordinators and observers see no trace of it, on
any page or API answer, nor in any count or date computed from it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.accounts.permissions import internal_visible_sides
from dialogue.agenda import reading
from dialogue.agenda.models import Position, Stance
from dialogue.commitments import editing, listing
from dialogue.commitments.listing import CommitmentFilters
from dialogue.commitments.models import CommitmentUpdate
from dialogue.people.models import Side
from tests import factories
from tests.security.conftest import get_routes, signed_in

WORKERS_DRAFT = "Brouillon UGTT confidentiel 7731"
EMPLOYERS_DRAFT = "Brouillon UTICA confidentiel 4412"
SHARED_STATEMENT = "Le gouvernement soutient la revalorisation"
WORKERS_NOTE = "Note interne UGTT 9920"
SHARED_NOTE = "Avancement partagé 5510"
SHARED_ON = dt.date(2026, 10, 1)
INTERNAL_ON = dt.date(2026, 11, 2)

# Who sees what: (the workers' draft, the employers' draft, the workers' internal note).
READERS: dict[str, tuple[bool, bool, bool]] = {
    "secretariat": (True, True, True),
    "workers": (True, False, True),
    "employers": (False, True, False),
    "government": (False, False, False),
    "coordinator": (False, False, False),
    "observer": (False, False, False),
}


@pytest.fixture
async def record(client: AsyncTestClient[Any], db: AsyncSession) -> dict[str, Any]:
    """One item with the workers' and the employers' internal drafts and a shared government
    position; a workers' commitment with a shared note and a later internal one; one
    account (with an API token) per kind of reader."""
    world = await factories.table(db)
    meeting = await factories.meeting(db, world["plenary"], title="Plénière de novembre")
    item = await factories.item(db, meeting, 1, title="Salaire minimum")
    await factories.position(db, item, Side.GOVERNMENT, Stance.SUPPORT, statement=SHARED_STATEMENT)
    await factories.position(db, item, Side.WORKERS, Stance.CONDITIONAL, statement=WORKERS_DRAFT, internal=True)
    await factories.position(db, item, Side.EMPLOYERS, Stance.OPPOSE, statement=EMPLOYERS_DRAFT, internal=True)
    # An item on which nobody has a position: what "no position" looks like.
    empty = await factories.item(db, meeting, 2, title="Questions diverses")
    commitment = await factories.commitment(
        db,
        Side.WORKERS,
        title="Consulter les fédérations",
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        organisation_id=world["ugtt"].id,
        due_on=dt.date(2027, 3, 1),
    )
    await factories.progress(db, commitment, SHARED_NOTE, written_on=SHARED_ON)
    await factories.progress(db, commitment, WORKERS_NOTE, written_on=INTERNAL_ON, internal=True)
    readers: dict[str, tuple[str, str | None]] = {"secretariat": ("secretariat@example.tn", None)}
    for name, role, org in (
        ("workers", Role.DELEGATE, world["ugtt"]),
        ("employers", Role.DELEGATE, world["utica"]),
        ("government", Role.DELEGATE, world["mas"]),
        ("coordinator", Role.COORDINATOR, None),
        ("observer", Role.OBSERVER, None),
    ):
        account = await factories.account(db, role, org, email=f"{name}@example.tn")
        readers[name] = (account.email, await factories.api_token(db, account))
    await db.commit()
    return {"meeting": meeting, "item": item, "empty": empty, "commitment": commitment, "readers": readers}


def pages(record: dict[str, Any], app: Any) -> list[str]:
    """Every page that shows positions or progress notes (or something computed from them)."""
    meeting, commitment = record["meeting"].id, record["commitment"].id
    urls = [
        "/",
        f"/meetings/{meeting}",
        f"/meetings/{meeting}/agenda",
        "/commitments",
        "/commitments?side=workers",
        f"/commitments/{commitment}",
        "/meetings?q=Pl%C3%A9ni%C3%A8re",
    ]
    # The history pages, where they exist: the trail shows changed statements and notes too.
    for path in get_routes(app):
        if path == "/meetings/{meeting_id:int}/history":
            urls.append(f"/meetings/{meeting}/history")
        if path == "/commitments/{commitment_id:int}/history":
            urls.append(f"/commitments/{commitment}/history")
    return urls


def api_answers(record: dict[str, Any]) -> list[str]:
    meeting, item, commitment = record["meeting"].id, record["item"].id, record["commitment"].id
    return [
        f"/api/v1/meetings/{meeting}/agenda",
        f"/api/v1/agenda/{item}",
        f"/api/v1/commitments/{commitment}",
        "/api/v1/commitments",
        "/api/v1/commitments?side=workers",
    ]


def check_texts(body: str, seen: tuple[bool, bool, bool], where: str) -> None:
    """The texts the reader may not see are absent from `body`."""
    workers, employers, note = seen
    if not workers:
        assert WORKERS_DRAFT not in body, where
    if not employers:
        assert EMPLOYERS_DRAFT not in body, where
    if not note:
        assert WORKERS_NOTE not in body, where


@pytest.mark.parametrize("reader", list(READERS))
async def test_internal_drafts_and_notes_reach_only_their_side_and_the_secretariat(
    client: AsyncTestClient[Any], record: dict[str, Any], reader: str
) -> None:
    seen = READERS[reader]
    email, token = record["readers"][reader]
    workers, employers, note = seen

    async def look(browser: AsyncTestClient[Any]) -> None:
        for url in pages(record, client.app):
            for htmx in (False, True):
                response = await browser.get(url, headers={"HX-Request": "true"} if htmx else {})
                assert response.status_code == 200, (url, response.status_code)
                check_texts(response.text, seen, f"{reader} {url} htmx={htmx}")
        agenda = (await browser.get(f"/meetings/{record['meeting'].id}/agenda")).text
        # Those who may see a draft see it, marked as internal.
        assert (WORKERS_DRAFT in agenda) is workers
        assert (EMPLOYERS_DRAFT in agenda) is employers
        assert ('class="badge internal"' in agenda) is (workers or employers)
        assert SHARED_STATEMENT in agenda
        detail = (await browser.get(f"/commitments/{record['commitment'].id}")).text
        assert (WORKERS_NOTE in detail) is note
        assert SHARED_NOTE in detail
        assert ('class="badge internal"' in detail) is note
        # The list's "last update" is computed from the notes the reader may see.
        listed = (await browser.get("/commitments?scope=all")).text  # a delegate lands on their side
        assert (f'datetime="{INTERNAL_ON.isoformat()}"' in listed) is note
        assert (f'datetime="{SHARED_ON.isoformat()}"' in listed) is (not note)

        for url in api_answers(record):
            response = await browser.get(url)
            assert response.status_code == 200, (url, response.text)
            assert response.headers["content-type"].startswith("application/json")
            check_texts(response.text, seen, f"{reader} {url}")
        item = (await browser.get(f"/api/v1/agenda/{record['item'].id}")).json()
        sides = {p["side"]: p for p in item["positions"]}
        # Counts: a hidden draft is not counted either.
        assert len(item["positions"]) == 1 + workers + employers
        assert set(sides) == {"government"} | ({"workers"} if workers else set()) | (
            {"employers"} if employers else set()
        )
        assert sides["government"]["internal"] is False
        if workers:
            assert sides["workers"]["internal"] is True and sides["workers"]["statement"] == WORKERS_DRAFT
        commitment = (await browser.get(f"/api/v1/commitments/{record['commitment'].id}")).json()
        assert len(commitment["updates"]) == 1 + note
        assert commitment["last_update_on"] == (INTERNAL_ON if note else SHARED_ON).isoformat()
        assert [u["internal"] for u in commitment["updates"]] == ([True, False] if note else [False])
        listed_api = (await browser.get("/api/v1/commitments")).json()
        assert listed_api["items"][0]["last_update_on"] == (INTERNAL_ON if note else SHARED_ON).isoformat()
        # Searching for the hidden words finds nothing new.
        found = (await browser.get("/api/v1/commitments", params={"q": "9920"})).json()
        assert found["total"] == 0

    if reader == "secretariat":
        client.headers["accept-language"] = "en"
        await look(client)
    else:
        async with signed_in(client, email, token=token) as browser:
            await look(browser)


async def test_a_hidden_draft_looks_exactly_like_no_position(
    client: AsyncTestClient[Any], record: dict[str, Any]
) -> None:
    """The employers' delegate cannot tell that the workers hold a draft: the workers' cell
    reads as on an item where nobody has a position yet."""
    email, token = record["readers"]["employers"]
    async with signed_in(client, email, token=token) as browser:
        html = (await browser.get(f"/meetings/{record['meeting'].id}/agenda")).text

    def cell(item_id: int, side: str) -> str:
        match = re.search(
            rf'<div id="pos-{item_id}-{side}" class="position side-{side}">(.*?)</div>\s*(?=<div id="pos-|</div>)',
            html,
            re.DOTALL,
        )
        assert match, (item_id, side)
        return re.sub(rf"pos-{item_id}-", "pos-N-", match.group(1)).replace(f"/agenda/{item_id}/", "/agenda/N/")

    hidden, nothing = cell(record["item"].id, "workers"), cell(record["empty"].id, "workers")
    assert "No position shared yet." in hidden
    assert hidden == nothing
    assert "No position shared yet." not in cell(record["item"].id, "employers")


async def test_secretariat_records_an_internal_draft_then_shares_it(
    english: AsyncTestClient[Any], db: AsyncSession, record: dict[str, Any]
) -> None:
    """The position form's choice and the API's `internal` field set what others see."""
    item = await factories.item(db, record["meeting"], 3, title="Formation professionnelle")
    await db.commit()
    form = (await english.get(f"/meetings/{record['meeting'].id}/agenda")).text
    assert "Internal draft (visible to my side and the secretariat only)" in form
    assert "Shared with all sides" in form
    response = await english.post(
        f"/agenda/{item.id}/positions/employers",
        data={"stance": "reservation", "statement": "Projet de réserve 3141", "visibility": "internal"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    position = await db.scalar(select(Position).where(Position.item_id == item.id, Position.side == Side.EMPLOYERS))
    assert position is not None and position.internal is True
    email, token = record["readers"]["coordinator"]
    async with signed_in(english, email, token=token) as coordinator:
        assert "3141" not in (await coordinator.get(f"/meetings/{record['meeting'].id}")).text
        # Through the API: changing the stance without `internal` keeps it a draft...
        answer = await english.put(
            f"/api/v1/agenda/{item.id}/positions/employers",
            json={"stance": "oppose", "statement": "Projet de réserve 3141", "version": position.version},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["internal"] is True
        assert "3141" not in (await coordinator.get(f"/api/v1/agenda/{item.id}")).text
        # ...and `internal: false` shares it with everyone.
        answer = await english.put(
            f"/api/v1/agenda/{item.id}/positions/employers",
            json={
                "stance": "oppose",
                "statement": "Position 3141",
                "version": answer.json()["version"],
                "internal": False,
            },
        )
        assert answer.status_code == 200 and answer.json()["internal"] is False
        assert "Position 3141" in (await coordinator.get(f"/api/v1/agenda/{item.id}")).text
        assert "Position 3141" in (await coordinator.get(f"/meetings/{record['meeting'].id}/agenda")).text


async def test_secretariat_adds_an_internal_note_through_the_form_and_the_api(
    english: AsyncTestClient[Any], db: AsyncSession, record: dict[str, Any]
) -> None:
    commitment = record["commitment"]
    page = (await english.get(f"/commitments/{commitment.id}")).text
    assert 'name="internal"' in page and "Internal note" in page
    response = await english.post(
        f"/commitments/{commitment.id}/updates",
        data={"note": "Note du formulaire 2718", "internal": "1"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    answer = await english.post(
        f"/api/v1/commitments/{commitment.id}/updates", json={"note": "Note API 1618", "internal": True}
    )
    assert answer.status_code == 201, answer.text
    assert {u["note"]: u["internal"] for u in answer.json()["updates"]}["Note API 1618"] is True
    shared = await english.post(f"/api/v1/commitments/{commitment.id}/updates", json={"note": "Note partagée 1414"})
    assert {u["note"]: u["internal"] for u in shared.json()["updates"]}["Note partagée 1414"] is False
    notes = {
        u.note: u.internal
        for u in await db.scalars(select(CommitmentUpdate).where(CommitmentUpdate.commitment_id == commitment.id))
    }
    assert notes["Note du formulaire 2718"] is True and notes["Note API 1618"] is True
    for reader, sees in (("workers", True), ("employers", False), ("observer", False)):
        email, token = record["readers"][reader]
        async with signed_in(english, email, token=token) as browser:
            html = (await browser.get(f"/commitments/{commitment.id}")).text
            data = (await browser.get(f"/api/v1/commitments/{commitment.id}")).text
            for text in ("Note du formulaire 2718", "Note API 1618"):
                assert (text in html) is sees and (text in data) is sees, (reader, text)
            assert "Note partagée 1414" in html and "Note partagée 1414" in data


async def test_services_filter_by_the_sides_a_reader_may_see(db: AsyncSession, record: dict[str, Any]) -> None:
    """The queries themselves take the visible sides: nothing to forget in a new handler."""
    meeting = record["meeting"]
    for sides, expected in (
        (frozenset(), {Side.GOVERNMENT}),
        (frozenset({Side.WORKERS}), {Side.GOVERNMENT, Side.WORKERS}),
        (frozenset(Side), {Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS}),
    ):
        items = await reading.load_items(db, meeting.id, visible=sides)
        assert {p.side for p in items[0].positions} == expected
        db.expunge_all()
        commitment = await editing.get_commitment(db, record["commitment"].id, visible=sides, refresh=True)
        assert (WORKERS_NOTE in [u.note for u in commitment.updates]) is (Side.WORKERS in sides)
        rows, total = await listing.list_commitments(
            db, CommitmentFilters(), dt.date(2026, 11, 29), limit=10, offset=0, visible=sides
        )
        assert total == 1
        assert rows[0].last_update_on == (INTERNAL_ON if Side.WORKERS in sides else SHARED_ON)
        db.expunge_all()
    # Without a reader's sides, a commitment shows shared notes only.
    commitment = await editing.get_commitment(db, record["commitment"].id, refresh=True)
    assert [u.note for u in commitment.updates] == [SHARED_NOTE]
    assert internal_visible_sides(None) == frozenset()
