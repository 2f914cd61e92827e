"""The commitments report's numbers as plain frozen data (they travel to the export processes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dialogue.commitments.models import CommitmentStatus
from dialogue.people.models import Side


@dataclass(frozen=True)
class Tally:
    """The numbers of one row of the report (a side, an organisation or everything)."""

    made: int = 0
    done: int = 0
    in_progress: int = 0
    open: int = 0
    dropped: int = 0
    overdue: int = 0
    # Done with a due date and a closing date (the completion rate's denominator), and
    # among them those closed on or before the due date.
    done_with_due: int = 0
    done_on_time: int = 0
    median_delay: float | None = None  # days, over the done commitments closed late

    @property
    def done_late(self) -> int:
        return self.done_with_due - self.done_on_time

    @property
    def on_time_rate(self) -> float | None:
        """Share (0..1) of done commitments with a due date that were closed on time."""
        return self.done_on_time / self.done_with_due if self.done_with_due else None

    def __add__(self, other: Tally) -> Tally:
        """The sum of two rows' counts (the median is not additive: it is left out)."""
        return Tally(
            made=self.made + other.made,
            done=self.done + other.done,
            in_progress=self.in_progress + other.in_progress,
            open=self.open + other.open,
            dropped=self.dropped + other.dropped,
            overdue=self.overdue + other.overdue,
            done_with_due=self.done_with_due + other.done_with_due,
            done_on_time=self.done_on_time + other.done_on_time,
        )


@dataclass(frozen=True)
class OrganisationRow:
    organisation_id: int | None  # None: commitments of the side tied to no organisation
    acronym: str
    name: str
    tally: Tally

    @property
    def display_name(self) -> str:
        if self.organisation_id is None:
            return ""
        return f"{self.acronym} – {self.name}" if self.acronym else self.name


@dataclass(frozen=True)
class SideRow:
    side: Side
    tally: Tally
    organisations: tuple[OrganisationRow, ...] = ()


@dataclass(frozen=True)
class OpenCommitment:
    """One of the oldest commitments still open or in progress."""

    id: int
    title: str
    side: Side
    organisation: str
    status: CommitmentStatus
    made_on: dt.date
    due_on: dt.date | None
    age_days: int
    overdue: bool


@dataclass(frozen=True)
class Month:
    """A calendar month (or year) of the period: `first` is its first day, even when the
    period starts later."""

    first: dt.date
    made: int = 0
    done: int = 0


@dataclass(frozen=True)
class CommitmentsReport:
    start: dt.date
    end: dt.date  # inclusive
    today: dt.date
    overdue_before: dt.date  # the reference day: due strictly before it and still active = overdue
    body_id: int | None
    body_name: str
    sides: tuple[SideRow, ...]
    total: Tally
    oldest: tuple[OpenCommitment, ...]
    months: tuple[Month, ...] = field(default=())
    yearly: bool = False  # the trend is per year (a period over commitments.MONTHLY_LIMIT months)

    @property
    def is_empty(self) -> bool:
        return self.total.made == 0 and not any(month.done for month in self.months)
