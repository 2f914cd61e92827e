"""The dashboard at `/`: what the secretariat sees first."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import C144Matter
from dialogue.commitments.models import CommitmentStatus
from dialogue.dashboard.service import build_dashboard, one_year_after, one_year_before
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import count_queries

TUNIS = ZoneInfo("Africa/Tunis")


def now_tunis() -> dt.datetime:
    return dt.datetime.now(TUNIS)


def today() -> dt.date:
    return now_tunis().date()


def at(days: int, hour: int = 9, minute: int = 30) -> dt.datetime:
    """A wall time in Tunis, `days` from today."""
    day = today() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TUNIS)


def panel(html: str, name: str) -> str:
    """The HTML of one dashboard panel (a <section> whose heading id is dash-<name>-title)."""
    start = html.index(f'id="dash-{name}-title"')
    return html[start : html.index("</section>", start)]


def cell(html: str, href: str) -> int:
    """The number shown in the link to `href` (in the side/status table)."""
    match = re.search(re.escape(href.replace("&", "&amp;")) + r'"[^>]*>([\d\s\u202f\u00a0]+)</a>', html)
    assert match, f"no link to {href}"
    return int(re.sub(r"\D", "", match.group(1)))


async def test_empty_database_shows_how_to_start(english: Any) -> None:
    response = await english.get("/")
    assert response.status_code == 200
    assert "Nothing recorded yet" in response.text
    assert 'href="/bodies/new"' in response.text
    assert 'href="/meetings/new"' in response.text
    assert "dialogue demo" in response.text
    # No alarm on a database where nothing happened yet.
    assert "no consultation in the last 12 months" not in response.text
    assert "dash-sides-title" not in response.text


async def test_dashboard_is_in_french_by_default(client: Any, db: AsyncSession) -> None:
    await f.meeting(db, title="Session ordinaire", starts_at=at(3))
    await db.commit()
    response = await client.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "Session ordinaire" in response.text


async def test_secretariat_sees_the_next_five_meetings_in_tunis_time(english: Any, db: AsyncSession) -> None:
    council = await f.body(db, name="Conseil national du dialogue social")
    committee = await f.body(db, name="Commission de la migration", short_name="Migration")
    await f.meeting(db, council, title="Plénière de printemps", starts_at=at(2, 9, 30), venue="Hôtel Sheraton, Tunis")
    await f.meeting(
        db,
        committee,
        title="Statistiques ONM",
        starts_at=at(1, 14, 0),
        status=MeetingStatus.DRAFT,
        venue="",
        online_url="https://meet.example.tn/onm",
    )
    await f.meeting(db, council, title="Session reportée", starts_at=at(5), status=MeetingStatus.POSTPONED)
    await f.meeting(db, council, title="Session annulée", starts_at=at(4), status=MeetingStatus.CANCELLED)
    await f.meeting(db, council, title="Session tenue", starts_at=at(-3), status=MeetingStatus.HELD)
    await f.meeting(db, council, title="Session passée non clôturée", starts_at=at(-30))
    await f.meeting(db, council, title="Quatrième", starts_at=at(20))
    await f.meeting(db, council, title="Cinquième", starts_at=at(30))
    await f.meeting(db, council, title="Sixième trop loin", starts_at=at(40))
    await db.commit()

    response = await english.get("/")
    assert response.status_code == 200
    upcoming = panel(response.text, "upcoming")
    titles = re.findall(r'<a href="/meetings/\d+"><bdi[^>]*>([^<]+)</bdi>', upcoming)
    assert titles == ["Statistiques ONM", "Plénière de printemps", "Session reportée", "Quatrième", "Cinquième"]
    assert "14:00" in upcoming and "09:30" in upcoming  # Tunis wall times, not UTC
    assert "Hôtel Sheraton, Tunis" in upcoming
    assert "Migration" in upcoming and "Online" in upcoming
    assert ">Draft<" in upcoming and ">Postponed<" in upcoming


async def test_overdue_and_due_soon_commitments_are_derived_from_due_date_and_status(
    english: Any, db: AsyncSession
) -> None:
    world = await f.table(db)
    day = today()
    await f.commitment(
        db,
        Side.WORKERS,
        title="Note UGTT en retard",
        due_on=day - dt.timedelta(days=1),
        organisation_id=world["ugtt"].id,
        responsible_id=world["ugtt1"].id,
    )
    await f.commitment(
        db,
        Side.GOVERNMENT,
        CommitmentStatus.IN_PROGRESS,
        title="Décret en cours en retard",
        due_on=day - dt.timedelta(days=10),
        organisation_id=world["mas"].id,
    )
    await f.commitment(
        db, Side.GOVERNMENT, CommitmentStatus.DONE, title="Fait depuis longtemps", due_on=day - dt.timedelta(days=10)
    )
    await f.commitment(
        db, Side.EMPLOYERS, CommitmentStatus.DROPPED, title="Abandonné", due_on=day - dt.timedelta(days=1)
    )
    await f.commitment(db, Side.EMPLOYERS, title="Étude UTICA bientôt", due_on=day + dt.timedelta(days=3))
    await f.commitment(db, Side.WORKERS, CommitmentStatus.IN_PROGRESS, title="Rapport pour aujourd'hui", due_on=day)
    await f.commitment(db, Side.WORKERS, title="Dans trois semaines", due_on=day + dt.timedelta(days=20))
    await f.commitment(db, Side.WORKERS, title="Sans échéance")
    await db.commit()

    response = await english.get("/")
    assert response.status_code == 200
    overdue = panel(response.text, "overdue")
    assert "Note UGTT en retard" in overdue and "Décret en cours en retard" in overdue
    assert "due <time" in overdue  # relative to today, the exact date as its title
    assert ">yesterday</time>" in overdue and ">10 days ago</time>" in overdue
    assert "UGTT" in overdue and "UGTT délégué 1" in overdue
    for absent in ("Fait depuis longtemps", "Abandonné", "bientôt", "aujourd'hui", "Sans échéance"):
        assert absent not in overdue
    assert overdue.index("Décret en cours") < overdue.index("Note UGTT")  # most late first
    assert 'href="/commitments?overdue=true"' in overdue

    soon = panel(response.text, "due-soon")
    assert "Étude UTICA bientôt" in soon and "Rapport pour aujourd&#39;hui" in soon
    assert ">today</time>" in soon and ">in 3 days</time>" in soon
    for absent in ("Dans trois semaines", "retard", "Abandonné", "Sans échéance"):
        assert absent not in soon
    assert 'href="/commitments?due_soon=true"' in soon


async def test_long_lists_are_cut_with_a_link_to_the_full_list(english: Any, db: AsyncSession) -> None:
    for n in range(12):
        await f.commitment(db, title=f"Retard {n:02d}", due_on=today() - dt.timedelta(days=30 - n))
    await db.commit()
    response = await english.get("/")
    overdue = panel(response.text, "overdue")
    assert len(re.findall(r'href="/commitments/\d+"', overdue)) == 10
    assert "Retard 00" in overdue and "Retard 11" not in overdue
    assert "All 12 overdue commitments" in overdue


async def test_commitments_table_links_each_side_and_status_to_the_filtered_list(
    english: Any, db: AsyncSession
) -> None:
    day = today()
    for _ in range(2):
        await f.commitment(db, Side.WORKERS, CommitmentStatus.OPEN, due_on=day + dt.timedelta(days=60))
    await f.commitment(db, Side.WORKERS, CommitmentStatus.OPEN, due_on=day - dt.timedelta(days=5))
    await f.commitment(db, Side.WORKERS, CommitmentStatus.DONE, due_on=day - dt.timedelta(days=5))
    await f.commitment(db, Side.GOVERNMENT, CommitmentStatus.IN_PROGRESS, due_on=day - dt.timedelta(days=2))
    await f.commitment(db, Side.GOVERNMENT, CommitmentStatus.IN_PROGRESS)
    await f.commitment(db, Side.EMPLOYERS, CommitmentStatus.DROPPED, due_on=day - dt.timedelta(days=2))
    await f.commitment(db, Side.OBSERVERS, CommitmentStatus.OPEN)
    await db.commit()

    response = await english.get("/")
    table = panel(response.text, "sides")
    for side in ("Government", "Workers", "Employers", "Observers"):
        assert f">{side}</th>" in table
    assert cell(table, "/commitments?side=workers&status=open") == 3
    assert cell(table, "/commitments?side=workers&status=done") == 1
    assert cell(table, "/commitments?side=workers&overdue=true") == 1
    assert cell(table, "/commitments?side=government&status=in_progress") == 2
    assert cell(table, "/commitments?side=government&overdue=true") == 1
    assert cell(table, "/commitments?side=employers&status=dropped") == 1
    assert cell(table, "/commitments?side=employers&overdue=true") == 0  # dropped is never overdue
    assert cell(table, "/commitments?side=observers&status=open") == 1
    assert cell(table, "/commitments?status=open") == 4
    assert cell(table, "/commitments?overdue=true") == 2


async def test_meetings_held_this_year_are_counted_per_body_in_tunis_time(english: Any, db: AsyncSession) -> None:
    year = today().year
    council = await f.body(db, name="Conseil national - plénière")
    committee = await f.body(db, name="Commission de la protection sociale")
    # 00:30 on 1 January in Tunis is still 31 December in UTC: it belongs to this year.
    await f.meeting(db, council, starts_at=dt.datetime(year, 1, 1, 0, 30, tzinfo=TUNIS), status=MeetingStatus.HELD)
    await f.meeting(db, council, starts_at=dt.datetime(year, 1, 2, 9, 30, tzinfo=TUNIS), status=MeetingStatus.HELD)
    await f.meeting(db, committee, starts_at=dt.datetime(year, 1, 3, 9, 30, tzinfo=TUNIS), status=MeetingStatus.HELD)
    # 23:30 on 31 December last year in Tunis: last year, whatever UTC says.
    await f.meeting(
        db, committee, starts_at=dt.datetime(year - 1, 12, 31, 23, 30, tzinfo=TUNIS), status=MeetingStatus.HELD
    )
    await f.meeting(
        db, committee, starts_at=dt.datetime(year, 1, 4, 9, 30, tzinfo=TUNIS), status=MeetingStatus.CANCELLED
    )
    await db.commit()

    response = await english.get("/")
    held = panel(response.text, "held")
    assert f"Meetings held in {year}" in held
    assert re.search(
        r'<p class="stat"><a href="/meetings\?status=held&amp;from=\d{4}-01-01&amp;to=\d{4}-12-31">3</a></p>', held
    )
    rows = re.findall(
        r'<a href="/bodies/(\d+)"><bdi>([^<]+)</bdi></a></td>\s*<td class="num"><a href="[^"]+">(\d+)</a></td>', held
    )
    assert rows == [
        (str(council.id), "Conseil national - plénière", "2"),
        (str(committee.id), "Commission de la protection sociale", "1"),
    ]
    assert 'href="/meetings?status=held"' in held
    assert f'href="/meetings?status=held&amp;body={council.id}&amp;from={year}-01-01&amp;to={year}-12-31"' in held


async def test_c144_minimum_met_with_a_consultation_eleven_months_ago(english: Any, db: AsyncSession) -> None:
    council = await f.body(db)
    last = await f.meeting(db, council, starts_at=at(-335), status=MeetingStatus.HELD)
    item = await f.item(db, last, c144_matter=C144Matter.B)
    await f.item(db, last, rank=2)
    await f.meeting(db, council, starts_at=at(-500), status=MeetingStatus.HELD)
    await db.commit()
    assert item.id

    response = await english.get("/")
    c144 = panel(response.text, "c144")
    assert "consultation held in the last 12 months" in c144
    assert 'class="alert ok' in response.text
    assert at(-335).strftime("%B") in c144 and str(at(-335).day) in c144
    assert "1 meeting held since" in c144
    assert "1 agenda item on a C144 Art. 5(1) matter" in c144
    assert "no consultation" not in response.text


async def test_c144_warning_when_the_last_consultation_is_thirteen_months_old(english: Any, db: AsyncSession) -> None:
    council = await f.body(db)
    await f.meeting(db, council, starts_at=at(-396), status=MeetingStatus.HELD)
    # Neither a cancelled meeting nor one still to come is a consultation.
    await f.meeting(db, council, starts_at=at(-20), status=MeetingStatus.CANCELLED)
    await f.meeting(db, council, starts_at=at(10), status=MeetingStatus.SCHEDULED)
    await db.commit()

    response = await english.get("/")
    c144 = panel(response.text, "c144")
    assert "C144: no consultation in the last 12 months" in c144
    assert 'class="alert warn' in response.text
    assert "The last meeting held was on" in c144
    assert str(at(-396).year) in c144


async def test_c144_warning_when_no_meeting_was_ever_held(english: Any, db: AsyncSession) -> None:
    await f.meeting(db, starts_at=at(10))
    await db.commit()
    response = await english.get("/")
    c144 = panel(response.text, "c144")
    assert "No meeting has been held yet." in c144


async def test_htmx_request_gets_only_the_panels(english: Any, db: AsyncSession) -> None:
    await f.meeting(db, title="Réunion HTMX", starts_at=at(3))
    await db.commit()
    response = await english.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Réunion HTMX" in response.text
    assert "<html" not in response.text


async def _arrange(db: AsyncSession, world: dict[str, Any], start: int, n: int) -> None:
    body = world["plenary"]
    for i in range(start, start + n):
        await f.meeting(db, body, title=f"Future {i}", starts_at=at(1 + i))
        await f.meeting(db, body, title=f"Held {i}", starts_at=at(-1 - i), status=MeetingStatus.HELD)
        side = list(Side)[i % 4]
        await f.commitment(
            db,
            side,
            CommitmentStatus.active()[i % 2],
            due_on=today() + dt.timedelta(days=(i % 30) - 15),
            organisation_id=world["mas"].id,
            responsible_id=world["mas1"].id,
        )
    await db.commit()


async def test_dashboard_query_count_does_not_grow_with_the_record(
    english: Any, db: AsyncSession, app_engine: Any
) -> None:
    world = await f.table(db)
    await _arrange(db, world, 0, 3)
    with count_queries(app_engine) as small:
        assert (await english.get("/")).status_code == 200
    await _arrange(db, world, 3, 27)
    with count_queries(app_engine) as large:
        response = await english.get("/")
    assert response.status_code == 200
    assert len(re.findall(r'href="/commitments/\d+"', panel(response.text, "overdue"))) == 10
    assert len(re.findall(r'href="/meetings/\d+"', panel(response.text, "upcoming"))) == 5
    assert small.count == large.count
    assert large.count <= 10


async def test_build_dashboard_measures_against_the_given_day(db: AsyncSession) -> None:
    """The rules, without HTTP: a fixed day and time."""
    now = dt.datetime(2026, 3, 15, 10, 0, tzinfo=TUNIS)
    council = await f.body(db)
    await f.meeting(db, council, starts_at=dt.datetime(2025, 3, 15, 9, 0, tzinfo=TUNIS), status=MeetingStatus.HELD)
    await f.commitment(db, due_on=dt.date(2026, 3, 14))
    await f.commitment(db, due_on=dt.date(2026, 3, 29))
    await f.commitment(db, due_on=dt.date(2026, 3, 30))
    await db.commit()

    board = await build_dashboard(db, today=now.date(), now=now)
    assert board.c144.met  # exactly a year ago still counts
    assert board.c144.since == dt.date(2025, 3, 15)
    assert board.c144.next_due_by == dt.date(2026, 3, 15)
    assert board.overdue_total == 1
    assert board.due_soon_total == 1  # 14 days ahead is the last day of "soon"
    assert board.held_this_year == []

    later = await build_dashboard(db, today=dt.date(2026, 3, 16), now=now + dt.timedelta(days=1))
    assert not later.c144.met


def test_one_year_before_and_after_handle_29_february() -> None:
    assert one_year_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert one_year_after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert one_year_before(dt.date(2026, 7, 27)) == dt.date(2025, 7, 27)
