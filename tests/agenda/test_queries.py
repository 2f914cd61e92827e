"""No N+1: the agenda costs the same number of statements for 3 items as for 30."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.agenda.models import AgendaDocument, OutcomeKind, Stance
from dialogue.people.models import Side
from tests import factories
from tests.agenda.conftest import item_titles
from tests.conftest import count_queries


async def full_agenda(db: AsyncSession, council: dict, count: int) -> Any:
    meeting = await factories.meeting(db, council["plenary"], title=f"Réunion à {count} points")
    presenters = [council["mas1"], council["ugtt1"], council["utica1"]]
    for n in range(1, count + 1):
        item = await factories.item(
            db, meeting, n, title=f"Point {n}", duration_minutes=5, presenter_id=presenters[n % 3].id
        )
        db.add(AgendaDocument(item_id=item.id, title=f"Note {n}", url=f"https://example.tn/{n}.pdf"))
        for side in Side.parties():
            await factories.position(db, item, side, Stance.SUPPORT, statement=f"{side.value} {n}")
        await factories.outcome(db, item, OutcomeKind.TRIPARTITE_AGREEMENT, text=f"Accord {n}")
    await db.commit()
    return meeting


async def test_agenda_page_needs_as_many_statements_for_30_items_as_for_3(
    english: Any, db: AsyncSession, council: dict, app_engine: AsyncEngine
) -> None:
    small = await full_agenda(db, council, 3)
    large = await full_agenda(db, council, 30)
    counts = []
    for meeting, size in ((small, 3), (large, 30)):
        with count_queries(app_engine) as counter:
            response = await english.get(f"/meetings/{meeting.id}/agenda")
        assert response.status_code == 200
        assert len(item_titles(response.text)) == size
        assert (
            response.text.count(
                '<div class="item-outcome-text"><div lang="fr" dir="ltr" class="versioned-text multiline">Accord '
            )
            == size
        )
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 9, counts  # 9: whether adopted minutes have closed the agenda


async def test_agenda_api_needs_as_many_statements_for_30_items_as_for_3(
    client: Any, db: AsyncSession, council: dict, app_engine: AsyncEngine
) -> None:
    small = await full_agenda(db, council, 3)
    large = await full_agenda(db, council, 30)
    counts = []
    for meeting in (small, large):
        with count_queries(app_engine) as counter:
            response = await client.get(f"/api/v1/meetings/{meeting.id}/agenda")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
