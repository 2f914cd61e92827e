"""The rules that need the database: overdue in SQL, matters arising, checks on references."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments import at_meetings, editing
from dialogue.commitments.editing import CommitmentDraft, ProgressDraft
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.commitments.status import due_soon_clause, overdue_clause
from dialogue.errors import Invalid, Refused, Stale
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from tests import factories as f

TODAY = dt.date(2026, 11, 15)
YESTERDAY = TODAY - dt.timedelta(days=1)


async def test_overdue_clause_counts_what_the_predicate_says(db: AsyncSession) -> None:
    cases = [
        (CommitmentStatus.OPEN, YESTERDAY, True),
        (CommitmentStatus.IN_PROGRESS, dt.date(2025, 1, 1), True),
        (CommitmentStatus.DONE, YESTERDAY, False),
        (CommitmentStatus.DROPPED, YESTERDAY, False),
        (CommitmentStatus.OPEN, TODAY, False),
        (CommitmentStatus.OPEN, None, False),
    ]
    made = [await f.commitment(db, status=status, due_on=due) for status, due, _ in cases]
    await db.commit()
    overdue_ids = set((await db.execute(select(Commitment.id).where(overdue_clause(TODAY)))).scalars())
    assert overdue_ids == {c.id for c, (_, _, expected) in zip(made, cases, strict=True) if expected}
    assert overdue_ids == {c.id for c in made if c.is_overdue(TODAY)}
    soon = await f.commitment(db, due_on=TODAY + dt.timedelta(days=3))
    await db.commit()
    due_soon = set((await db.execute(select(Commitment.id).where(due_soon_clause(TODAY)))).scalars())
    due_today = made[4]
    assert due_soon == {due_today.id, soon.id}


async def test_matters_arising_are_open_commitments_from_earlier_meetings_of_the_same_body(db: AsyncSession) -> None:
    plenary = await f.body(db, name="Plénière")
    committee = await f.body(db, name="Commission migration")
    march = await f.meeting(db, plenary, starts_at=f.tunis(2026, 3, 5))
    june = await f.meeting(db, plenary, starts_at=f.tunis(2026, 6, 5), status=MeetingStatus.HELD)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 7, 5), status=MeetingStatus.CANCELLED)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 8, 5), status=MeetingStatus.DRAFT)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 9, 5), status=MeetingStatus.POSTPONED)
    october = await f.meeting(db, plenary, starts_at=f.tunis(2026, 10, 5))
    december = await f.meeting(db, plenary, starts_at=f.tunis(2026, 12, 5))
    elsewhere = await f.meeting(db, committee, starts_at=f.tunis(2026, 2, 1))

    from_march = await f.commitment(db, title="Publier le décret", meeting_id=march.id, due_on=YESTERDAY)
    from_june = await f.commitment(db, title="Étude d'impact", meeting_id=june.id, status=CommitmentStatus.IN_PROGRESS)
    await f.commitment(db, title="Déjà fait", meeting_id=march.id, status=CommitmentStatus.DONE)
    await f.commitment(db, title="Abandonné", meeting_id=june.id, status=CommitmentStatus.DROPPED)
    await f.commitment(db, title="Autre commission", meeting_id=elsewhere.id)
    await f.commitment(db, title="Pris en octobre", meeting_id=october.id)
    await f.commitment(db, title="Plus tard", meeting_id=december.id)
    await f.commitment(db, title="Sans réunion")
    await db.commit()

    arising = await at_meetings.matters_arising(db, october, today=TODAY)
    assert [row.commitment.title for row in arising] == ["Publier le décret", "Étude d'impact"]
    by_title = {row.commitment.title: row for row in arising}
    # June only: October itself is still scheduled, and the cancelled, draft and postponed
    # meetings were not held.
    assert by_title["Publier le décret"].meetings_open == 1
    assert by_title["Étude d'impact"].meetings_open == 0
    assert by_title["Publier le décret"].overdue
    assert not by_title["Étude d'impact"].overdue
    assert by_title["Publier le décret"].commitment.meeting.id == march.id

    assert [row.commitment.id for row in await at_meetings.matters_arising(db, march, today=TODAY)] == []
    later = {row.commitment.title for row in await at_meetings.matters_arising(db, december, today=TODAY)}
    assert later == {"Publier le décret", "Étude d'impact", "Pris en octobre"}
    assert from_march.id and from_june.id


async def test_commitments_made_at_a_meeting_are_grouped_by_item_in_agenda_order(db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    second = await f.item(db, meeting, rank=2, title="Migration")
    first = await f.item(db, meeting, rank=1, title="Salaire minimum")
    await f.commitment(db, title="A", meeting_id=meeting.id, agenda_item_id=second.id)
    await f.commitment(db, title="B", meeting_id=meeting.id)
    await f.commitment(db, title="C", meeting_id=meeting.id, agenda_item_id=first.id)
    await f.commitment(db, title="D", meeting_id=meeting.id, agenda_item_id=second.id)
    await db.commit()
    section = await at_meetings.commitments_section(db, meeting, today=TODAY)
    groups = section["commitments_made"]
    assert [(g.item.title if g.item else None, [c.title for c in g.commitments]) for g in groups] == [
        ("Salaire minimum", ["C"]),
        ("Migration", ["A", "D"]),
        (None, ["B"]),
    ]
    assert section["commitments_arising"] == []


async def test_organisation_must_be_on_the_chosen_side(db: AsyncSession) -> None:
    world = await f.table(db)
    draft = CommitmentDraft(title="Consulter la base", side=Side.GOVERNMENT, organisation_id=world["ugtt"].id)
    errors = await editing.check_draft(db, draft)
    assert "organisation_id" in errors
    draft.side = Side.WORKERS
    assert await editing.check_draft(db, draft) == {}


async def test_responsible_person_must_belong_to_the_organisation_or_the_side(db: AsyncSession) -> None:
    world = await f.table(db)
    wrong_org = CommitmentDraft(
        title="x", side=Side.WORKERS, organisation_id=world["ugtt"].id, responsible_id=world["mas1"].id
    )
    assert "responsible_id" in await editing.check_draft(db, wrong_org)
    wrong_side = CommitmentDraft(title="x", side=Side.WORKERS, responsible_id=world["utica1"].id)
    assert "responsible_id" in await editing.check_draft(db, wrong_side)
    right_side = CommitmentDraft(title="x", side=Side.WORKERS, responsible_id=world["ugtt2"].id)
    assert await editing.check_draft(db, right_side) == {}


async def test_item_must_belong_to_the_meeting_and_gives_it_when_missing(db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    other = await f.meeting(db)
    item = await f.item(db, meeting)
    draft = CommitmentDraft(title="x", side=Side.WORKERS, meeting_id=other.id, agenda_item_id=item.id)
    assert "agenda_item_id" in await editing.check_draft(db, draft)
    draft = CommitmentDraft(title="x", side=Side.WORKERS, agenda_item_id=item.id, from_outcome=True)
    assert await editing.check_draft(db, draft) == {}
    assert draft.meeting_id == meeting.id
    assert "from_outcome" in await editing.check_draft(
        db, CommitmentDraft(title="x", side=Side.WORKERS, from_outcome=True)
    )
    assert "meeting_id" in await editing.check_draft(
        db, CommitmentDraft(title="x", side=Side.WORKERS, meeting_id=999_999)
    )


async def test_commitment_created_done_is_closed_today(db: AsyncSession) -> None:
    draft = CommitmentDraft(title="Déjà tenu", side=Side.EMPLOYERS, status=CommitmentStatus.DONE)
    commitment = await editing.create_commitment(db, draft, today=TODAY)
    await db.commit()
    assert commitment.closed_on == TODAY


async def test_progress_update_with_a_status_closes_the_commitment_on_its_date(db: AsyncSession) -> None:
    commitment = await f.commitment(db, due_on=YESTERDAY)
    await db.commit()
    commitment = await editing.get_commitment(db, commitment.id)
    await editing.add_progress(
        db,
        commitment,
        ProgressDraft(note="Décret publié", written_on=YESTERDAY, status=CommitmentStatus.DONE),
        today=TODAY,
    )
    await db.commit()
    assert commitment.status is CommitmentStatus.DONE
    assert commitment.closed_on == YESTERDAY
    await editing.add_progress(db, commitment, ProgressDraft(note="Rouvert", status=CommitmentStatus.OPEN), today=TODAY)
    await db.commit()
    assert commitment.closed_on is None
    with pytest.raises(Invalid):
        await editing.add_progress(db, commitment, ProgressDraft(note=""), today=TODAY)


async def test_stale_edit_changes_nothing(db: AsyncSession) -> None:
    commitment = await f.commitment(db, title="Avant")
    await db.commit()
    draft = CommitmentDraft.of(commitment)
    draft.title = "Après"
    with pytest.raises(Stale):
        await editing.update_commitment(db, commitment, draft, version=commitment.version + 1, today=TODAY)
    assert commitment.title == "Avant"
    await editing.update_commitment(db, commitment, draft, version=commitment.version, today=TODAY)
    await db.commit()
    assert commitment.title == "Après"
    assert commitment.version == 2


async def test_commitment_with_progress_cannot_be_deleted(db: AsyncSession) -> None:
    kept = await f.commitment(db)
    await f.progress(db, kept)
    bare = await f.commitment(db)
    await db.commit()
    with pytest.raises(Refused):
        await editing.delete_commitment(db, kept)
    await editing.delete_commitment(db, bare)
    await db.commit()
    assert (await db.execute(select(func.count()).select_from(Commitment))).scalar_one() == 1
