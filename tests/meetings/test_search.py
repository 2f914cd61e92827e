"""Finding meetings again: text, body, date range (days in Tunis), status, pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogue.meetings.models import MeetingStatus
from tests import factories as f
from tests.conftest import count_queries
from tests.meetings.helpers import HTMX, text


async def test_meetings_page_lists_date_title_body_status_and_invited(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(
        db, world["plenary"], title="Session sur la migration", starts_at=f.tunis(2026, 3, 4, 14, 30)
    )
    for key in ("mas1", "ugtt1", "utica1"):
        await f.invite(db, meeting, world[key])
    await db.commit()
    response = await english.get("/meetings")
    assert response.status_code == 200
    page = text(response)
    assert "Session sur la migration" in page
    assert "Conseil national du dialogue social - plénière" in page
    assert "14:30" in page  # Tunis time, 24-hour clock
    assert 'class="badge scheduled"' in page
    assert '<td data-label="Invited" class="number">3</td>' in page


async def test_default_order_is_most_recent_first_and_upcoming_first_is_an_option(english: Any, db: Any) -> None:
    body = await f.body(db)
    now = dt.datetime.now(dt.UTC)
    await f.meeting(db, body, title="Passée lointaine", starts_at=now - dt.timedelta(days=60))
    await f.meeting(db, body, title="Passée récente", starts_at=now - dt.timedelta(days=2))
    await f.meeting(db, body, title="Prochaine", starts_at=now + dt.timedelta(days=3))
    await f.meeting(db, body, title="Plus tard", starts_at=now + dt.timedelta(days=40))
    await db.commit()
    page = text(await english.get("/meetings"))
    positions = [page.index(t) for t in ("Plus tard", "Prochaine", "Passée récente", "Passée lointaine")]
    assert positions == sorted(positions)
    page = text(await english.get("/meetings?order=upcoming"))
    positions = [page.index(t) for t in ("Prochaine", "Plus tard", "Passée récente", "Passée lointaine")]
    assert positions == sorted(positions)


async def test_search_by_text_in_title_venue_and_description(english: Any, db: Any) -> None:
    body = await f.body(db)
    await f.meeting(db, body, title="Salaire minimum")
    await f.meeting(db, body, title="Autre A", venue="Hôtel Africa, Tunis")
    await f.meeting(db, body, title="Autre B", description="Examen de la convention 144")
    await f.meeting(db, body, title="Sans rapport")
    await db.commit()
    assert "Salaire minimum" in text(await english.get("/meetings?q=salaire"))
    page = text(await english.get("/meetings?q=africa"))
    assert "Autre A" in page and "Salaire minimum" not in page
    page = text(await english.get("/meetings?q=convention 144"))
    assert "Autre B" in page and "Sans rapport" not in page
    page = text(await english.get("/meetings?q=100%25"))
    assert "No meeting matches these filters." in page


async def test_filter_by_body_status_and_tunis_date_range(english: Any, db: Any) -> None:
    plenary = await f.body(db, name="Plénière")
    committee = await f.body(db, name="Commission")
    await f.meeting(db, plenary, title="Plénière de mars", starts_at=f.tunis(2026, 3, 10))
    await f.meeting(
        db, committee, title="Commission de mars", starts_at=f.tunis(2026, 3, 11), status=MeetingStatus.HELD
    )
    # 00:30 on 1 April in Tunis is still 31 March in UTC: it belongs to April here.
    await f.meeting(db, committee, title="Commission d'avril", starts_at=f.tunis(2026, 4, 1, 0, 30))
    await db.commit()
    page = text(await english.get(f"/meetings?body={committee.id}"))
    assert "Commission de mars" in page and "Commission d'avril" in page and "Plénière de mars" not in page
    page = text(await english.get("/meetings?status=held"))
    assert "Commission de mars" in page and "Plénière de mars" not in page
    page = text(await english.get("/meetings?from=2026-03-01&to=2026-03-31"))
    assert "Plénière de mars" in page and "Commission de mars" in page and "Commission d'avril" not in page
    page = text(await english.get("/meetings?from=2026-04-01"))
    assert "Commission d'avril" in page and "Plénière de mars" not in page


async def test_bad_filters_are_explained_not_a_crash(english: Any, db: Any) -> None:
    await f.meeting(db, title="Toujours là")
    await db.commit()
    response = await english.get("/meetings?from=31/12/2026&status=nope&body=abc&offset=-3")
    assert response.status_code == 422
    page = text(response)
    assert "Enter a date as YYYY-MM-DD." in page
    assert "Choose one of the options." in page
    assert "Toujours là" in page  # the other filters still apply
    response = await english.get("/meetings?from=2026-05-01&to=2026-04-01")
    assert response.status_code == 422
    assert "The end of the range is before its start." in text(response)


async def test_htmx_filter_answers_only_the_results(english: Any, db: Any) -> None:
    await f.meeting(db, title="Réunion HTMX")
    await db.commit()
    response = await english.get("/meetings?q=htmx", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results"')
    assert "<html" not in response.text
    assert "Réunion HTMX" in text(response)
    full = await english.get("/meetings?q=htmx")
    assert 'hx-get="/meetings"' in full.text and 'hx-push-url="true"' in full.text
    assert '<form class="filters meeting-filters" method="get" action="/meetings"' in full.text


async def test_pages_of_meetings_keep_the_filters(english: Any, db: Any) -> None:
    body = await f.body(db)
    for day in range(1, 31):
        await f.meeting(db, body, title=f"Réunion numéro {day:02d}", starts_at=f.tunis(2026, 1, day))
    await f.meeting(db, title="Autre organe")
    await db.commit()
    first = text(await english.get(f"/meetings?body={body.id}"))
    assert "Réunion numéro 30" in first and "Réunion numéro 06" in first and "Réunion numéro 05" not in first
    assert f"?body={body.id}&amp;offset=25" in (await english.get(f"/meetings?body={body.id}")).text
    second = text(await english.get(f"/meetings?body={body.id}&offset=25"))
    assert "Réunion numéro 05" in second and "Réunion numéro 01" in second and "Réunion numéro 06" not in second
    assert "Autre organe" not in second
    assert "26–30 of 30" in second


async def test_meetings_page_statements_do_not_grow_with_rows(english: Any, db: Any, app_engine: Any) -> None:
    world = await f.table(db)
    for i in range(3):
        meeting = await f.meeting(db, world["plenary"], starts_at=f.tunis(2026, 2, 1 + i))
        await f.invite(db, meeting, world["mas1"])
    await db.commit()
    with count_queries(app_engine) as few:
        assert (await english.get("/meetings")).status_code == 200
    other = await f.body(db)
    for i in range(27):
        meeting = await f.meeting(db, other if i % 2 else world["plenary"], starts_at=f.tunis(2026, 3, 1 + i))
        await f.invite(db, meeting, world["ugtt1"])
    await db.commit()
    with count_queries(app_engine) as many:
        response = await english.get("/meetings")
    assert response.status_code == 200
    assert text(response).count('class="badge scheduled"') == 25
    assert many.count == few.count
