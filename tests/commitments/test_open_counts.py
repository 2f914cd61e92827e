"""For how many meetings a commitment has stayed open (`meetings_open`): one definition,
the same number on the schedule form's panel, the meeting page and the follow-up sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.commitments import at_meetings
from dialogue.commitments.models import CommitmentStatus
from dialogue.meetings.models import MeetingStatus
from tests import factories as f
from tests.conftest import count_queries

UTC = dt.UTC


def test_count_meetings_open_takes_the_held_meetings_after_the_origin_up_to_the_reference() -> None:
    starts = [dt.datetime(2026, month, 1, tzinfo=UTC) for month in (2, 4, 6, 8)]
    march = dt.datetime(2026, 3, 1, tzinfo=UTC)
    assert at_meetings.count_meetings_open(march, starts, dt.datetime(2026, 9, 1, tzinfo=UTC)) == 3
    # A meeting starting exactly at the reference counts (up to and including it).
    assert at_meetings.count_meetings_open(march, starts, dt.datetime(2026, 8, 1, tzinfo=UTC)) == 3
    assert at_meetings.count_meetings_open(march, starts, dt.datetime(2026, 7, 31, tzinfo=UTC)) == 2
    # The meeting where it was made is not counted.
    assert at_meetings.count_meetings_open(starts[0], starts, dt.datetime(2026, 5, 1, tzinfo=UTC)) == 1
    assert at_meetings.count_meetings_open(starts[0], starts, starts[1]) == 1
    assert at_meetings.count_meetings_open(starts[0], starts, starts[0]) == 0
    assert at_meetings.count_meetings_open(starts[-1], starts, dt.datetime(2027, 1, 1, tzinfo=UTC)) == 0
    assert at_meetings.count_meetings_open(march, [], dt.datetime(2027, 1, 1, tzinfo=UTC)) == 0


async def test_meetings_open_counts_only_held_meetings_of_the_commitments_body(
    db: AsyncSession, engine: AsyncEngine
) -> None:
    plenary = await f.body(db, name="Plénière")
    committee = await f.body(db, name="Commission")
    march = await f.meeting(db, plenary, starts_at=f.tunis(2026, 3, 5), status=MeetingStatus.HELD)
    june = await f.meeting(db, plenary, starts_at=f.tunis(2026, 6, 5), status=MeetingStatus.HELD)
    # Not held: called off, put off, never sent out, or still to come.
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 7, 5), status=MeetingStatus.CANCELLED)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 8, 20), status=MeetingStatus.DRAFT)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 9, 15), status=MeetingStatus.POSTPONED)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 9, 20), status=MeetingStatus.SCHEDULED)
    on_committee = await f.meeting(db, committee, starts_at=f.tunis(2026, 2, 20), status=MeetingStatus.HELD)
    await f.meeting(db, committee, starts_at=f.tunis(2026, 7, 20), status=MeetingStatus.HELD)
    october = await f.meeting(db, plenary, starts_at=f.tunis(2026, 10, 5), status=MeetingStatus.HELD)
    december = await f.meeting(db, plenary, starts_at=f.tunis(2026, 12, 25))

    from_march = await f.commitment(db, meeting_id=march.id)
    from_june = await f.commitment(db, meeting_id=june.id, status=CommitmentStatus.IN_PROGRESS)
    from_october = await f.commitment(db, meeting_id=october.id)
    from_committee = await f.commitment(db, meeting_id=on_committee.id)
    loose = await f.commitment(db, created_at=dt.datetime(2026, 8, 1, 8, tzinfo=UTC))  # no meeting, no body
    await db.commit()

    ids = [from_march.id, from_june.id, from_october.id, from_committee.id, loose.id, 999_999]
    with count_queries(engine) as queries:
        counts = await at_meetings.meetings_open(db, ids, december.starts_at)
    assert queries.count == 2
    # June and October for March's; October for June's; the committee's July meeting for
    # the committee's; December (scheduled, in the future) and the others not held: none.
    assert counts == {from_march.id: 2, from_june.id: 1, from_october.id: 0, from_committee.id: 1, loose.id: 0}
    # Up to and including the reference: October's own start counts October.
    assert await at_meetings.meetings_open(db, [from_march.id], october.starts_at) == {from_march.id: 2}
    assert await at_meetings.meetings_open(db, [from_march.id], october.starts_at - dt.timedelta(minutes=1)) == {
        from_march.id: 1
    }
    assert await at_meetings.meetings_open(db, [], december.starts_at) == {}


async def test_a_meeting_marked_held_in_the_future_does_not_count(db: AsyncSession) -> None:
    plenary = await f.body(db)
    past = await f.meeting(db, plenary, starts_at=f.tunis(2025, 3, 5), status=MeetingStatus.HELD)
    commitment = await f.commitment(db, meeting_id=past.id)
    await db.commit()
    far = dt.datetime.now(UTC) + dt.timedelta(days=400)
    before = await at_meetings.meetings_open(db, [commitment.id], far)
    # Recorded before the rules refused it: a "held" meeting that has not started yet.
    await f.meeting(db, plenary, starts_at=far - dt.timedelta(days=1), status=MeetingStatus.HELD)
    await db.commit()
    assert await at_meetings.meetings_open(db, [commitment.id], far) == before == {commitment.id: 0}


async def test_meetings_open_stays_at_two_statements_for_many_commitments(
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
        counts = await at_meetings.meetings_open(db, [c.id for c in commitments], f.tunis(2026, 1, 10))
    assert queries.count == 2
    # Each of the later meetings of 2025.
    assert [counts[c.id] for c in commitments] == [11 - i // 3 for i in range(len(commitments))]


# The same number everywhere --------------------------------------------------------------


async def _open_counts_shown(english: Any, body_id: int, meeting_id: int, title: str) -> tuple[int, int, int]:
    """ "Open for N meetings" for the commitment `title`: on the schedule form's panel (a
    meeting planned next month), on the follow-up sheet of the meeting that made it (CSV),
    and on the body's follow-up sheet."""
    planned = (dt.datetime.now(UTC) + dt.timedelta(days=30)).strftime("%Y-%m-%dT09:00")
    panel = await english.get("/meetings/new/follow-up", params={"body_id": body_id, "starts_at": planned})
    assert panel.status_code == 200
    line = re.search(rf"<bdi[^>]*>{re.escape(title)}</bdi>.*?</li>", panel.text, re.DOTALL)
    assert line, panel.text
    shown = re.search(r"open for (\d+) meeting", line.group(0))
    assert shown, line.group(0)

    def sheet_count(response: Any) -> int:
        assert response.status_code == 200, response.text
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, *lines = rows
        [row] = [row for row in lines if title in row]
        return int(next(value for name, value in zip(header, row, strict=True) if "meetings" in name.lower()))

    by_meeting = sheet_count(await english.get(f"/meetings/{meeting_id}/follow-up.csv?lang=en"))
    by_body = sheet_count(await english.get(f"/bodies/{body_id}/follow-up.csv?lang=en"))
    return int(shown.group(1)), by_meeting, by_body


async def test_panel_and_sheet_give_the_same_number_and_future_or_cancelled_meetings_change_nothing(
    english: Any, db: AsyncSession
) -> None:
    plenary = await f.body(db, name="Plénière")
    made_at = await f.meeting(db, plenary, starts_at=f.tunis(2025, 3, 5), status=MeetingStatus.HELD)
    await f.meeting(db, plenary, starts_at=f.tunis(2025, 6, 5), status=MeetingStatus.HELD)
    await f.meeting(db, plenary, starts_at=f.tunis(2025, 9, 5), status=MeetingStatus.HELD)
    await f.commitment(db, title="Publier le décret", meeting_id=made_at.id)
    await db.commit()

    counts = await _open_counts_shown(english, plenary.id, made_at.id, "Publier le décret")
    assert counts == (2, 2, 2)

    # A meeting scheduled next year, and one that was called off, count for nothing.
    await f.meeting(db, plenary, starts_at=dt.datetime.now(UTC) + dt.timedelta(days=60))
    await f.meeting(db, plenary, starts_at=f.tunis(2025, 11, 5), status=MeetingStatus.CANCELLED)
    await db.commit()
    assert await _open_counts_shown(english, plenary.id, made_at.id, "Publier le décret") == (2, 2, 2)
