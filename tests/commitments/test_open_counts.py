"""How many meetings of a body a commitment has been open through (`meetings_open_counts`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.commitments import service
from dialogue.commitments.models import CommitmentStatus
from dialogue.meetings.models import MeetingStatus
from tests import factories as f
from tests.conftest import count_queries

UTC = dt.UTC


def test_count_meetings_open_takes_the_meetings_strictly_between_the_origin_and_the_one_in_question() -> None:
    starts = [dt.datetime(2026, month, 1, tzinfo=UTC) for month in (2, 4, 6, 8)]
    march = dt.datetime(2026, 3, 1, tzinfo=UTC)
    assert service.count_meetings_open(march, starts, dt.datetime(2026, 9, 1, tzinfo=UTC)) == 3
    # The meeting starting exactly at `before` is the one in question: not among those between.
    assert service.count_meetings_open(march, starts, dt.datetime(2026, 8, 1, tzinfo=UTC)) == 2
    assert service.count_meetings_open(march, starts, dt.datetime(2026, 7, 31, tzinfo=UTC)) == 2
    # The meeting where it was made is not counted.
    assert service.count_meetings_open(starts[0], starts, dt.datetime(2026, 5, 1, tzinfo=UTC)) == 1
    assert service.count_meetings_open(starts[0], starts, starts[1]) == 0
    assert service.count_meetings_open(starts[-1], starts, dt.datetime(2027, 1, 1, tzinfo=UTC)) == 0
    assert service.count_meetings_open(march, starts, march) == 0
    assert service.count_meetings_open(march, [], dt.datetime(2027, 1, 1, tzinfo=UTC)) == 0


async def test_meetings_open_counts_counts_held_and_scheduled_meetings_between_then_this_one(
    db: AsyncSession, engine: AsyncEngine
) -> None:
    plenary = await f.body(db, name="Plénière")
    committee = await f.body(db, name="Commission")
    march = await f.meeting(db, plenary, starts_at=f.tunis(2026, 3, 5), status=MeetingStatus.HELD)
    june = await f.meeting(db, plenary, starts_at=f.tunis(2026, 6, 5), status=MeetingStatus.HELD)
    # Not held: called off, put off, never sent out.
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 7, 5), status=MeetingStatus.CANCELLED)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 8, 20), status=MeetingStatus.DRAFT)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 9, 15), status=MeetingStatus.POSTPONED)
    await f.meeting(db, committee, starts_at=f.tunis(2026, 7, 20), status=MeetingStatus.HELD)
    october = await f.meeting(db, plenary, starts_at=f.tunis(2026, 10, 5), status=MeetingStatus.HELD)
    december = await f.meeting(db, plenary, starts_at=f.tunis(2026, 12, 5))

    from_march = await f.commitment(db, meeting_id=march.id)
    from_june = await f.commitment(db, meeting_id=june.id, status=CommitmentStatus.IN_PROGRESS)
    from_october = await f.commitment(db, meeting_id=october.id)
    # Made outside any meeting on 1 August: counted from that day.
    loose = await f.commitment(db, created_at=dt.datetime(2026, 8, 1, 8, tzinfo=UTC))
    await db.commit()

    ids = [from_march.id, from_june.id, from_october.id, loose.id, 999_999]
    with count_queries(engine) as queries:
        counts = await service.meetings_open_counts(db, ids, plenary.id, december.starts_at, this_meeting=True)
    assert queries.count == 2
    # June, October and December itself; the cancelled, draft and postponed meetings and
    # the committee's do not count.
    assert counts == {from_march.id: 3, from_june.id: 2, from_october.id: 1, loose.id: 2}

    # Made at October, still open at December (the next one): open for 1 meeting.
    assert await service.meetings_open_counts(db, [from_october.id], plenary.id, december.starts_at, this_meeting=True) == {
        from_october.id: 1
    }
    # Not made before the meeting in question: not open across it.
    assert await service.meetings_open_counts(db, [from_october.id], plenary.id, october.starts_at, this_meeting=True) == {
        from_october.id: 0
    }

    # Up to a moment with no meeting in question: the meetings between only.
    assert await service.meetings_open_counts(db, ids, plenary.id, december.starts_at) == {
        from_march.id: 2, from_june.id: 1, from_october.id: 0, loose.id: 1
    }
    after = december.starts_at + dt.timedelta(days=1)
    assert await service.meetings_open_counts(db, ids, plenary.id, after) == {
        from_march.id: 3, from_june.id: 2, from_october.id: 1, loose.id: 2
    }
    # Counted among another body's meetings.
    assert await service.meetings_open_counts(db, [from_march.id], committee.id, after) == {from_march.id: 1}


async def test_postponed_and_draft_meetings_do_not_count_until_they_are_scheduled_or_held(db: AsyncSession) -> None:
    plenary = await f.body(db)
    january = await f.meeting(db, plenary, starts_at=f.tunis(2026, 1, 10), status=MeetingStatus.HELD)
    february = await f.meeting(db, plenary, starts_at=f.tunis(2026, 2, 10), status=MeetingStatus.POSTPONED)
    march = await f.meeting(db, plenary, starts_at=f.tunis(2026, 3, 10), status=MeetingStatus.DRAFT)
    april = await f.meeting(db, plenary, starts_at=f.tunis(2026, 4, 10))
    commitment = await f.commitment(db, meeting_id=january.id)
    await db.commit()

    async def open_at_april() -> tuple[int, int]:
        counts = await service.meetings_open_counts(db, [commitment.id], plenary.id, april.starts_at, this_meeting=True)
        [arising] = await service.matters_arising(db, april, today=dt.date(2026, 4, 10))
        return counts[commitment.id], arising.meetings_open

    assert await open_at_april() == (1, 1)
    february.status = MeetingStatus.HELD
    march.status = MeetingStatus.SCHEDULED
    await db.commit()
    assert await open_at_april() == (3, 3)


async def test_meetings_open_counts_stays_at_two_statements_for_many_commitments(
    db: AsyncSession, engine: AsyncEngine
) -> None:
    plenary = await f.body(db)
    meetings = [
        await f.meeting(db, plenary, starts_at=f.tunis(2025, month, 10), status=MeetingStatus.HELD)
        for month in range(1, 13)
    ]
    commitments = [await f.commitment(db, meeting_id=m.id) for m in meetings for _ in range(3)]
    await db.commit()
    with count_queries(engine) as queries:
        counts = await service.meetings_open_counts(
            db, [c.id for c in commitments], plenary.id, f.tunis(2026, 1, 10)
        )
    assert queries.count == 2
    # Up to a day after them all: each of the later meetings of 2025.
    assert [counts[c.id] for c in commitments] == [11 - i // 3 for i in range(len(commitments))]
    assert await service.meetings_open_counts(db, [], plenary.id, f.tunis(2026, 1, 10)) == {}
