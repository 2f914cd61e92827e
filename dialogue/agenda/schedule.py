"""The running schedule of a meeting: when each agenda item starts and ends.

A pure function of the meeting's start, the items' durations in agenda order and the
meeting's planned end, so that it can be tested (and reused by minutes and exports) without
a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.i18n import _


@dataclass(frozen=True)
class Slot:
    """The time an agenda item takes: from `starts_at` to `ends_at` (aware datetimes)."""

    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True)
class Schedule:
    """Slots in agenda order, the agenda's total length and how far it runs past the end."""

    starts_at: dt.datetime
    slots: tuple[Slot, ...]
    meeting_ends_at: dt.datetime | None

    @property
    def ends_at(self) -> dt.datetime:
        """When the last item ends (the meeting's start for an empty agenda)."""
        return self.slots[-1].ends_at if self.slots else self.starts_at

    @property
    def total_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def overrun_minutes(self) -> int:
        """Minutes the agenda needs beyond the meeting's planned end (0 when it fits)."""
        if self.meeting_ends_at is None or self.ends_at <= self.meeting_ends_at:
            return 0
        return int((self.ends_at - self.meeting_ends_at).total_seconds() // 60)

    @property
    def overruns(self) -> bool:
        return self.meeting_ends_at is not None and self.ends_at > self.meeting_ends_at

    def runs_over(self, index: int) -> bool:
        """Whether the item at `index` ends after the meeting's planned end."""
        return self.meeting_ends_at is not None and self.slots[index].ends_at > self.meeting_ends_at


def running_schedule(starts_at: dt.datetime, durations: Sequence[int], ends_at: dt.datetime | None = None) -> Schedule:
    """Each item starts when the previous one ends, the first at the meeting's start.

    `durations` are minutes, in agenda order; negative durations count as zero. Times must
    be timezone-aware: the schedule is shown in Africa/Tunis but computed on absolute time.
    """
    if starts_at.tzinfo is None or (ends_at is not None and ends_at.tzinfo is None):
        raise ValueError("the running schedule needs timezone-aware datetimes")
    slots: list[Slot] = []
    clock = starts_at
    for minutes in durations:
        end = clock + dt.timedelta(minutes=max(0, minutes))
        slots.append(Slot(clock, end))
        clock = end
    return Schedule(starts_at=starts_at, slots=tuple(slots), meeting_ends_at=ends_at)


def duration_text(minutes: int) -> str:
    """A duration for people: "45 min", "2 h", "1 h 30"."""
    hours, rest = divmod(max(0, minutes), 60)
    if not hours:
        return _("{minutes} min").format(minutes=rest)
    if not rest:
        return _("{hours} h").format(hours=hours)
    return _("{hours} h {minutes:02d}").format(hours=hours, minutes=rest)
