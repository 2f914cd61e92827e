"""The participation report's numbers as plain frozen data (they travel to the export processes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from dialogue.meetings.models import MeetingStatus, PartnerRole
from dialogue.meetings.quorum import Parity
from dialogue.people.models import Side
from dialogue.people.names import Acronymed
from dialogue.reports.common import Period

# The state of an invitation in the rates: its attendance, or "represented" when someone
# who counts attended on the person's behalf while the person was not present.
REPRESENTED = "represented"


@dataclass(frozen=True)
class Counts:
    """Invitations of a side or an organisation, by what became of them."""

    present: int = 0
    excused: int = 0
    absent: int = 0
    unrecorded: int = 0
    represented: int = 0

    @property
    def invited(self) -> int:
        return self.present + self.excused + self.absent + self.unrecorded + self.represented

    @property
    def recorded(self) -> int:
        """Invitations whose attendance counts in the rate: present, excused or absent."""
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> float | None:
        """Present / recorded, between 0 and 1; None when nothing was recorded."""
        return self.present / self.recorded if self.recorded else None

    @property
    def percent(self) -> float | None:
        """The rate in percent, to one decimal (as the files give it)."""
        return None if self.rate is None else round(self.rate * 100, 1)

    def adding(self, state: str, count: int) -> Counts:
        """These counts with `count` more invitations in `state` (an attendance value or
        "represented")."""
        key = state if state in ("present", "excused", "absent", REPRESENTED) else "unrecorded"
        return dataclasses.replace(self, **{key: getattr(self, key) + count})

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.present + other.present,
            self.excused + other.excused,
            self.absent + other.absent,
            self.unrecorded + other.unrecorded,
            self.represented + other.represented,
        )


@dataclass(frozen=True)
class SideLine:
    side: Side
    counts: Counts


@dataclass(frozen=True)
class _Organisation(Acronymed):
    organisation_id: int
    name: str
    acronym: str


@dataclass(frozen=True)
class OrganisationLine(_Organisation):
    side: Side
    counts: Counts


@dataclass(frozen=True)
class MeetingLine:
    """One held meeting: present members who count per party side (government, workers,
    employers, in that order), the present who do not count, parity and quorum."""

    meeting_id: int
    title: str
    body: str
    starts_at: dt.datetime
    present: tuple[int, int, int]
    not_counted_present: int
    parity: Parity
    quorum_met: bool
    missing: tuple[Side, ...]

    def present_for(self, side: Side) -> int:
        return self.present[Side.parties().index(side)]


@dataclass(frozen=True)
class PartnerLine(_Organisation):
    """An organisation with a role on the held meetings of the period: how many it had it at.
    Partners are listed apart: they never count for a rate, the parity or the quorum."""

    role: PartnerRole
    meetings: int


@dataclass(frozen=True)
class MissedLine:
    side: Side
    meetings: tuple[MeetingLine, ...]


@dataclass(frozen=True)
class Participation:
    """The report's numbers: plain frozen data (it travels to the export processes)."""

    period: Period
    body_id: int | None
    body_name: str
    meetings: tuple[MeetingLine, ...]
    sides: tuple[SideLine, ...]  # the three party sides, always
    organisations: tuple[OrganisationLine, ...]  # party-side organisations that were invited
    not_counted: tuple[OrganisationLine, ...]  # observers and others who do not count
    not_held: tuple[tuple[MeetingStatus, int], ...] = field(default=())
    partners: tuple[PartnerLine, ...] = field(default=())  # roles on the meetings, apart

    @property
    def missed(self) -> tuple[MissedLine, ...]:
        """Per party side, the meetings where nobody who counts was present for it."""
        return tuple(
            MissedLine(side, tuple(line for line in self.meetings if side in line.missing)) for side in Side.parties()
        )

    @property
    def not_held_total(self) -> int:
        return sum(count for _status, count in self.not_held)

    @property
    def total(self) -> Counts:
        """Every side together."""
        result = Counts()
        for line in self.sides:
            result += line.counts
        return result

    def balanced(self) -> int:
        """Meetings with parity (as many workers as employers present)."""
        return sum(1 for line in self.meetings if line.parity == Parity.EQUAL)
