"""A record for the commitments report whose every number is computed by hand below.

Period: 2025 (1 January to 31 December, Africa/Tunis); today: 15 March 2026 (so the
reference day of "overdue" for 2025 is 1 January 2026, the day after the period).

Meetings (Tunis time):
- M0 Plenary, held, 1 Jan 2025 00:30 (31 Dec 2024 23:30 UTC: in the period, in January)
- M1 Plenary, held, 31 Jan 2025 23:30 (January)
- M2 Plenary, held, 1 Mar 2025 00:30 (28 Feb 23:30 UTC: March in Tunis)
- M3 Committee, CANCELLED, 10 Jun 2025 (its commitments still count)
- M4 Plenary, held, 31 Dec 2024 23:30 (before the period)
- M5 Plenary, held, 1 Jan 2026 00:30 (31 Dec 2025 23:30 UTC: after the period)
- M6 Committee, held, 5 Nov 2025

Commitments:
| c   | side      | org   | made      | status      | due        | closed     | notes                    |
| c1  | gov       | MAS   | M0 Jan    | done        | 2025-02-01 | 2025-01-20 | on time                  |
| c2  | gov       | MAS   | M1 Jan    | done        | 2025-02-10 | 2025-02-20 | 10 days late             |
| c3  | gov       | -     | M2 Mar    | done        | 2025-03-10 | 2025-03-14 | 4 days late              |
| c4  | workers   | UGTT  | M2 Mar    | done        | -          | 2025-04-01 | no due date: not in rate |
| c5  | workers   | UGTT  | M2 Mar    | in progress | 2025-05-01 | -          | overdue; internal note   |
| c6  | workers   | UGTT  | M3 Jun    | open        | 2025-12-31 | -          | overdue (due last day)   |
| c7  | workers   | UGTT  | M3 Jun    | open        | 2026-02-01 | -          | not overdue at period end|
| c8  | employers | UTICA | M2 Mar    | dropped     | 2025-04-01 | 2025-04-02 | never overdue, not rated |
| c9  | employers | UTAP  | none, Jul | open        | -          | -          | recorded 15 Jul 2025     |
| c10 | workers   | UGTT  | M3 Jun    | done        | 2025-09-01 | 2025-09-30 | 29 days late; MOVED from employers/UTICA |
| c11 | gov       | MAS   | M4 2024   | done        | 2025-01-15 | 2025-01-10 | made before: trend only  |
| c12 | gov       | MAS   | M5 2026   | open        | 2026-02-01 | -          | after the period         |
| c13 | workers   | UGTT  | M6 Nov    | done        | 2025-11-30 | 2025-11-30 | on time (closed on due)  |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import CommitmentStatus
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from tests import factories
from tests.factories import tunis

TODAY = dt.date(2026, 3, 15)
SECRET = "SECRET-INTERNAL-NOTE-7731"

DONE, OPEN, PROGRESS, DROPPED = (
    CommitmentStatus.DONE,
    CommitmentStatus.OPEN,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.DROPPED,
)

# (made, done, in progress, open, dropped, overdue, done with due date, on time, median delay)
EXPECTED_2025 = {
    "government": (3, 3, 0, 0, 0, 0, 3, 1, 7.0),
    "MAS": (2, 2, 0, 0, 0, 0, 2, 1, 10.0),
    "government/none": (1, 1, 0, 0, 0, 0, 1, 0, 4.0),
    "workers": (6, 3, 1, 2, 0, 2, 2, 1, 29.0),
    "UGTT": (6, 3, 1, 2, 0, 2, 2, 1, 29.0),
    "employers": (2, 0, 0, 1, 1, 0, 0, 0, None),
    "UTICA": (1, 0, 0, 0, 1, 0, 0, 0, None),
    "UTAP": (1, 0, 0, 1, 0, 0, 0, 0, None),
    "observers": (0, 0, 0, 0, 0, 0, 0, 0, None),
    "total": (11, 6, 1, 3, 1, 2, 5, 2, 10.0),
}
# Per month of 2025: (made, done).
MONTHS_2025 = [(2, 2), (0, 1), (4, 1), (0, 1), (0, 0), (3, 0), (1, 0), (0, 0), (0, 1), (0, 0), (1, 1), (0, 0)]
# The oldest open: (key, made on, age in days on TODAY).
OLDEST_2025 = [
    ("c5", dt.date(2025, 3, 1), 379),
    ("c6", dt.date(2025, 6, 10), 278),
    ("c7", dt.date(2025, 6, 10), 278),
    ("c9", dt.date(2025, 7, 15), 243),
]
# The Committee alone (M3 cancelled, M6): workers c6, c7, c10, c13.
EXPECTED_COMMITTEE = {
    "workers": (4, 2, 0, 2, 0, 1, 2, 1, 29.0),
    "total": (4, 2, 0, 2, 0, 1, 2, 1, 29.0),
}
MONTHS_COMMITTEE = [(0, 0)] * 5 + [(3, 0), (0, 0), (0, 0), (0, 1), (0, 0), (1, 1), (0, 0)]


async def build(db: AsyncSession) -> dict[str, Any]:
    """The record above; commits. Returns its records by name."""
    w: dict[str, Any] = {}
    w["mas"] = await factories.organisation(
        db, Side.GOVERNMENT, slug="mas", name="Ministère des Affaires Sociales", acronym="MAS"
    )
    w["ugtt"] = await factories.organisation(
        db, Side.WORKERS, slug="ugtt", name="Union Générale Tunisienne du Travail", acronym="UGTT"
    )
    w["utica"] = await factories.organisation(
        db, Side.EMPLOYERS, slug="utica", name="Union Tunisienne de l'Industrie", acronym="UTICA"
    )
    w["utap"] = await factories.organisation(
        db, Side.EMPLOYERS, slug="utap", name="Union Tunisienne de l'Agriculture", acronym="UTAP"
    )
    w["plenary"] = await factories.body(db, name="Plénière")
    w["committee"] = await factories.body(db, name="Commission des salaires")
    held = MeetingStatus.HELD
    meetings = {
        "m0": (w["plenary"], tunis(2025, 1, 1, 0, 30), held),
        "m1": (w["plenary"], tunis(2025, 1, 31, 23, 30), held),
        "m2": (w["plenary"], tunis(2025, 3, 1, 0, 30), held),
        "m3": (w["committee"], tunis(2025, 6, 10, 9), MeetingStatus.CANCELLED),
        "m4": (w["plenary"], tunis(2024, 12, 31, 23, 30), held),
        "m5": (w["plenary"], tunis(2026, 1, 1, 0, 30), held),
        "m6": (w["committee"], tunis(2025, 11, 5, 9), held),
    }
    for key, (body, starts_at, status) in meetings.items():
        w[key] = await factories.meeting(db, body, title=f"Réunion {key}", starts_at=starts_at, status=status)

    def d(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    rows = {
        "c1": (Side.GOVERNMENT, "mas", "m0", DONE, "2025-02-01", "2025-01-20"),
        "c2": (Side.GOVERNMENT, "mas", "m1", DONE, "2025-02-10", "2025-02-20"),
        "c3": (Side.GOVERNMENT, None, "m2", DONE, "2025-03-10", "2025-03-14"),
        "c4": (Side.WORKERS, "ugtt", "m2", DONE, None, "2025-04-01"),
        "c5": (Side.WORKERS, "ugtt", "m2", PROGRESS, "2025-05-01", None),
        "c6": (Side.WORKERS, "ugtt", "m3", OPEN, "2025-12-31", None),
        "c7": (Side.WORKERS, "ugtt", "m3", OPEN, "2026-02-01", None),
        "c8": (Side.EMPLOYERS, "utica", "m2", DROPPED, "2025-04-01", "2025-04-02"),
        "c9": (Side.EMPLOYERS, "utap", None, OPEN, None, None),
        "c10": (Side.EMPLOYERS, "utica", "m3", DONE, "2025-09-01", "2025-09-30"),
        "c11": (Side.GOVERNMENT, "mas", "m4", DONE, "2025-01-15", "2025-01-10"),
        "c12": (Side.GOVERNMENT, "mas", "m5", OPEN, "2026-02-01", None),
        "c13": (Side.WORKERS, "ugtt", "m6", DONE, "2025-11-30", "2025-11-30"),
    }
    for key, (side, org, meeting, status, due, closed) in rows.items():
        extra: dict[str, Any] = {}
        if meeting is None:
            extra["created_at"] = tunis(2025, 7, 15, 10)
        w[key] = await factories.commitment(
            db,
            side,
            status,
            title=f"Engagement {key}",
            organisation_id=w[org].id if org else None,
            meeting_id=w[meeting].id if meeting else None,
            due_on=d(due),
            closed_on=d(closed),
            **extra,
        )
    await factories.progress(db, w["c5"], note=SECRET, internal=True, side=Side.WORKERS)
    await db.commit()
    # c10 moves from the employers (UTICA) to the workers (UGTT), as an edit would.
    w["c10"].side = Side.WORKERS
    w["c10"].organisation_id = w["ugtt"].id
    await db.commit()
    return w


def numbers(tally: Any) -> tuple[Any, ...]:
    """A Tally as the tuples above."""
    return (
        tally.made,
        tally.done,
        tally.in_progress,
        tally.open,
        tally.dropped,
        tally.overdue,
        tally.done_with_due,
        tally.done_on_time,
        tally.median_delay,
    )
