"""`dialogue demo`: a Tunisian National Council that makes every page meaningful on first run."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import AgendaItem, C144Matter, Outcome, OutcomeKind, Position, Stance
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.bodies.models import Body, Membership, MembershipKind
from dialogue.cli import main
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.demo import DatabaseNotEmpty, load_demo
from dialogue.meetings.models import Attendance, Invitation, InvitationRole, Meeting, MeetingStatus
from dialogue.people.models import Organisation, Person, Side
from dialogue.settings import Settings
from tests.conftest import count_queries

TUNIS = ZoneInfo("Africa/Tunis")

# Pages that must show the demo.
READY = [
    "/",
    "/sides",
    "/meetings",
    "/meetings/1",
    "/meetings?status=held",
    "/commitments",
    "/commitments/1",
    "/commitments?overdue=true",
    "/commitments?due_soon=true",
    "/commitments?side=workers&status=open",
    "/bodies",
    "/bodies/1",
    "/organisations",
    "/organisations/1",
    "/people",
    "/people/1",
]


async def count(db: AsyncSession, *what: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(*what)) or 0)


async def test_demo_loads_a_realistic_council(settings: Settings, engine: Any, db: AsyncSession) -> None:
    summary = await load_demo(settings)
    today = dt.datetime.now(TUNIS).date()
    now = dt.datetime.now(dt.UTC)

    assert "http://127.0.0.1:8000" in summary
    assert re.search(r"\b12 organisations\b", summary) and "3 bodies" in summary

    assert await count(db, Organisation) == 12
    assert set((await db.scalars(select(distinct(Organisation.side)))).all()) == set(Side)
    assert 25 <= await count(db, Person) <= 35
    assert await count(db, Body) == 3
    people = (await db.scalars(select(Person))).all()
    assert all(p.email and p.phone.startswith("+216") for p in people)
    assert any(re.search(r"[\u0600-\u06FF]", p.full_name) for p in people)  # some names in Arabic script
    assert {p.language.value for p in people} == {"fr", "ar", "en"}
    assert await count(db, select(Membership).where(Membership.kind == MembershipKind.ALTERNATE).subquery()) > 0

    meetings = (await db.scalars(select(Meeting))).all()
    past = [m for m in meetings if m.starts_at < now]
    future = [m for m in meetings if m.starts_at > now]
    assert 16 <= len(past) <= 24
    assert 3 <= len(future) <= 5
    assert {m.status for m in future} == {MeetingStatus.SCHEDULED, MeetingStatus.DRAFT}
    assert {MeetingStatus.HELD, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED} <= {m.status for m in past}
    assert min(m.starts_at for m in past) < now - dt.timedelta(days=600)  # about two years
    for m in meetings:
        if m.body_id is None:  # the AMEM closing workshop keeps its real date and hour
            assert m.starts_at.astimezone(TUNIS) == dt.datetime(2022, 7, 27, 11, tzinfo=TUNIS)
            continue
        local = m.starts_at.astimezone(TUNIS)
        assert local.weekday() < 5 and (local.hour, local.minute) in {(9, 30), (10, 0), (14, 30)}
        assert m.ends_at > m.starts_at

    # Every past held meeting has its attendance and the sides' positions.
    held = {m.id for m in past if m.status == MeetingStatus.HELD and m.body_id is not None}
    # The AMEM closing workshop: an event of its own, with its partners and attendance.
    (workshop,) = [m for m in meetings if m.body_id is None]
    assert workshop.status == MeetingStatus.HELD and workshop.project_id is not None
    with_attendance = set(
        (
            await db.scalars(select(distinct(Invitation.meeting_id)).where(Invitation.attendance == Attendance.PRESENT))
        ).all()
    )
    with_positions = set(
        (
            await db.scalars(select(distinct(AgendaItem.meeting_id)).join(Position, Position.item_id == AgendaItem.id))
        ).all()
    )
    assert held <= with_attendance
    assert held <= with_positions
    assert not with_attendance - held - {workshop.id}  # no attendance for meetings that did not take place
    attendance = set((await db.scalars(select(distinct(Invitation.attendance)))).all())
    assert {Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.UNRECORDED} <= attendance
    assert await count(db, select(Invitation).where(Invitation.arrived_late.is_(True)).subquery()) >= 1
    assert await count(db, select(Invitation).where(Invitation.on_behalf_of_id.is_not(None)).subquery()) >= 1

    items_per_meeting = (
        await db.execute(select(AgendaItem.meeting_id, func.count()).group_by(AgendaItem.meeting_id))
    ).all()
    assert all(3 <= n <= 6 for _id, n in items_per_meeting)
    assert len(items_per_meeting) == len(meetings)
    assert {C144Matter.A, C144Matter.B, C144Matter.C, C144Matter.D} <= set(
        (await db.scalars(select(distinct(AgendaItem.c144_matter)).where(AgendaItem.c144_matter.is_not(None)))).all()
    )
    assert set(OutcomeKind) == set((await db.scalars(select(distinct(Outcome.kind)))).all())
    assert {Stance.SUPPORT, Stance.OPPOSE, Stance.RESERVATION, Stance.CONDITIONAL} <= set(
        (await db.scalars(select(distinct(Position.stance)))).all()
    )
    assert set((await db.scalars(select(distinct(Position.side)))).all()) == set(Side.parties())
    bilateral = (await db.scalars(select(Outcome).where(Outcome.kind == OutcomeKind.BILATERAL_AGREEMENT))).all()
    assert all(len(o.agreeing_sides) == 2 for o in bilateral)

    commitments = (await db.scalars(select(Commitment))).all()
    assert len(commitments) >= 30
    assert {c.status for c in commitments} == set(CommitmentStatus)
    assert sum(c.is_overdue(today) for c in commitments) >= 3
    soon = [
        c
        for c in commitments
        if c.status in CommitmentStatus.active() and c.due_on and today <= c.due_on <= today + dt.timedelta(days=14)
    ]
    assert len(soon) >= 2
    assert all(c.closed_on for c in commitments if c.status in (CommitmentStatus.DONE, CommitmentStatus.DROPPED))
    assert all(c.meeting_id and c.organisation_id and c.responsible_id for c in commitments)
    updates = (await db.scalars(select(CommitmentUpdate))).all()
    assert len(updates) >= 30
    assert max(u.written_on for u in updates) <= today


async def test_demo_refuses_a_database_that_holds_records(settings: Settings, engine: Any, db: AsyncSession) -> None:
    await load_demo(settings)
    before = (
        await count(db, Organisation),
        await count(db, Person),
        await count(db, Meeting),
        await count(db, Commitment),
    )

    with pytest.raises(DatabaseNotEmpty):
        await load_demo(settings)

    after = (
        await count(db, Organisation),
        await count(db, Person),
        await count(db, Meeting),
        await count(db, Commitment),
    )
    assert after == before


async def test_demo_with_force_reuses_the_table_and_adds_meetings(
    settings: Settings, engine: Any, db: AsyncSession
) -> None:
    await load_demo(settings)
    meetings = await count(db, Meeting)
    await load_demo(settings, force=True)
    assert await count(db, Organisation) == 12
    assert await count(db, Person) == 30
    assert await count(db, Body) == 3
    assert await count(db, Meeting) == 2 * meetings


async def test_demo_summary_names_the_configured_port(tmp_path: Any) -> None:
    from dialogue.db import Base, create_engine

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db", port=8105, secret_key="x" * 40)
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()
    summary = await load_demo(settings)
    assert "http://127.0.0.1:8105" in summary
    assert len(summary.splitlines()) >= 4


async def test_pages_show_the_demo(settings: Settings, english: Any) -> None:
    await load_demo(settings)
    for path in READY:
        response = await english.get(path)
        assert response.status_code == 200, path

    dashboard = (await english.get("/")).text
    assert "Commission de la migration de main-d&#39;œuvre" in dashboard
    assert "consultation held in the last 12 months" in dashboard
    assert " days ago</time>" in dashboard and "Next meetings" in dashboard  # overdue commitments


@pytest.fixture
def dialogue_command(database_url: str, monkeypatch: pytest.MonkeyPatch, engine: Any) -> Any:
    """`dialogue ARGS` on the test database, as typed in a terminal."""
    monkeypatch.setenv("DIALOGUE_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALOGUE_SECRET_KEY", "test-secret-key-" + "x" * 32)

    async def run(*args: str) -> Any:
        return await asyncio.to_thread(CliRunner().invoke, main, list(args), env={"DIALOGUE_LANGUAGE": "en"})

    return run


async def test_demo_at_scale_adds_years_of_held_meetings(
    dialogue_command: Any, db: AsyncSession, english: Any, app_engine: Any
) -> None:
    """`dialogue demo --scale 3`: three times the record, reaching back ten years, all of it
    searchable and in the audit trail; the pages send as many queries as at scale 1."""
    loaded = await dialogue_command("demo")
    assert loaded.exit_code == 0, loaded.output
    tables = (Meeting, AgendaItem, Position, Commitment, Invitation)
    once = [await count(db, table) for table in tables]
    outcomes = await count(db, Outcome)
    # The first meeting ever gains predecessors with the history: compare the latest held one.
    latest = select(Meeting.id).where(Meeting.status == MeetingStatus.HELD).order_by(Meeting.starts_at.desc())
    pages = [path for path in READY if path != "/meetings/1"] + [f"/meetings/{await db.scalar(latest.limit(1))}"]
    queries_once = {}
    for path in pages:
        with count_queries(app_engine) as counter:
            assert (await english.get(path)).status_code == 200, path
        queries_once[path] = counter.count

    # What the command adds: the council's meetings twice more; the AMEM workshop (one
    # meeting with its invitations, nothing else) once more.
    events = select(Meeting.id).where(Meeting.body_id.is_(None))
    items = select(AgendaItem.id).where(AgendaItem.meeting_id.in_(events))
    event = [
        await count(db, select(Meeting).where(Meeting.id.in_(events)).subquery()),
        await count(db, select(AgendaItem).where(AgendaItem.id.in_(items)).subquery()),
        await count(db, select(Position).where(Position.item_id.in_(items)).subquery()),
        await count(db, select(Commitment).where(Commitment.meeting_id.in_(events)).subquery()),
        await count(db, select(Invitation).where(Invitation.meeting_id.in_(events)).subquery()),
    ]
    scaled = await dialogue_command("demo", "--force", "--scale", "2")
    assert scaled.exit_code == 0, scaled.output
    assert event[0] == 1
    assert f"{2 * once[0] - 1} meetings" in scaled.output
    assert [await count(db, table) for table in tables] == [3 * n - e for n, e in zip(once, event, strict=True)]
    # Meetings that were still to come in the demo were held in the earlier rounds.
    assert await count(db, Outcome) > 3 * outcomes

    now = dt.datetime.now(dt.UTC)
    oldest = await db.scalar(select(func.min(Meeting.starts_at)))
    assert oldest < now - dt.timedelta(days=9 * 365)
    # Nothing left in the past as if it were still to come.
    statuses = set((await db.scalars(select(distinct(Meeting.status)).where(Meeting.starts_at < now))).all())
    assert statuses == {MeetingStatus.HELD, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED}
    # Old commitments are mostly settled, each with the note that closed it.
    old = (
        await db.scalars(select(Commitment).where(Commitment.due_on < now.date() - dt.timedelta(days=3 * 365)))
    ).all()
    assert old and sum(c.status in CommitmentStatus.active() for c in old) < len(old) / 4
    closed = [c.id for c in old if c.status not in CommitmentStatus.active()]
    noted = set(
        (await db.scalars(select(CommitmentUpdate.commitment_id).where(CommitmentUpdate.status.is_not(None)))).all()
    )
    assert set(closed) <= noted
    # Searchable and in the trail like any record.
    assert await count(db, select(Meeting).where(Meeting.search_text == "").subquery()) == 0
    assert await count(db, select(Commitment).where(Commitment.search_text == "").subquery()) == 0
    created = select(AuditEvent).where(AuditEvent.entity == "meeting", AuditEvent.action == AuditAction.CREATE)
    assert await count(db, created.subquery()) == 3 * once[0] - event[0]
    found = await english.get("/meetings", params={"q": "plénière", "to": str((now - dt.timedelta(days=2000)).date())})
    assert found.status_code == 200 and "Session plénière" in found.text

    for path in pages:
        with count_queries(app_engine) as counter:
            assert (await english.get(path)).status_code == 200, path
        assert counter.count == queries_once[path], path

    # Every note carries its commitment's side (the history sets it instead of its default).
    mismatched = select(CommitmentUpdate).join(Commitment).where(CommitmentUpdate.side != Commitment.side)
    assert await count(db, mismatched.subquery()) == 0
    # The history numbers its rows itself: the next record the application adds still gets
    # a free id (PostgreSQL's identities were moved past them).
    last = await db.scalar(select(func.max(Meeting.id)))
    model = await db.scalar(select(Meeting).order_by(Meeting.id).limit(1))
    assert model is not None
    added = Meeting(
        body_id=model.body_id,
        title="Après l'historique",
        kind=model.kind,
        starts_at=model.starts_at,
        ends_at=model.ends_at,
        venue="",
        status=MeetingStatus.SCHEDULED,
        description="",
    )
    person_id = await db.scalar(select(Person.id).limit(1))
    assert person_id is not None
    added.invitations = [Invitation(person_id=person_id, role=InvitationRole.TITULAR, rank=1, arrived_late=False)]
    db.add(added)
    await db.flush()
    assert added.id > last
