"""The quorum and parity panel: a pure function of the body's rule and the invitees.

Who counts: the three party sides (government, workers, employers). Observers are shown
but never count, and neither does anyone invited as an observer or as secretariat, on any
side. Everyone else (chair, titular, alternate, adviser) counts when present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from dialogue.bodies.models import QuorumRule
from dialogue.i18n import _
from dialogue.meetings.models import Attendance, InvitationRole
from dialogue.people.models import Side

# Roles present at the table without being one of its members.
NOT_COUNTED_ROLES = frozenset({InvitationRole.OBSERVER, InvitationRole.SECRETARIAT})


@dataclass(frozen=True)
class Attendee:
    """What the panel needs to know about one invitation."""

    side: Side
    attendance: Attendance
    role: InvitationRole = InvitationRole.TITULAR

    @property
    def counts(self) -> bool:
        return self.side in Side.parties() and self.role not in NOT_COUNTED_ROLES


@dataclass(frozen=True)
class SideTally:
    """One side's figures. `invited`..`unrecorded` count everyone invited from the side (as
    the panel shows them); `counted` only those present who count for the quorum."""

    side: Side
    counts: bool
    invited: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    unrecorded: int = 0
    counted: int = 0
    required: int = 0

    @property
    def short(self) -> int:
        """How many more present members this side needs for the quorum."""
        return max(0, self.required - self.counted)

    @property
    def not_counted(self) -> int:
        """Present, but not counting (secretariat, observers)."""
        return self.present - self.counted


@dataclass(frozen=True)
class Shortfall:
    side: Side
    present: int
    required: int

    @property
    def message(self) -> str:
        return _("{side}: {present} present, {required} required").format(
            side=self.side.label, present=self.present, required=self.required
        )


class Parity(str, Enum):
    """Equal footing of workers and employers."""

    EQUAL = "equal"  # as many workers as employers present (and some of each)
    BOTH_PRESENT = "both_present"  # both present, in different numbers
    MISSING = "missing"  # one of them (or both) has nobody present

    @property
    def label(self) -> str:
        return {
            Parity.EQUAL: _("Parity: as many workers as employers present"),
            Parity.BOTH_PRESENT: _("Both workers and employers are present, in different numbers"),
            Parity.MISSING: _("No parity: workers or employers are not present"),
        }[self]


@dataclass(frozen=True)
class QuorumReport:
    rule: QuorumRule
    min_per_side: int
    sides: tuple[SideTally, ...]
    shortfalls: tuple[Shortfall, ...]
    parity: Parity

    @property
    def quorum_met(self) -> bool:
        return not self.shortfalls

    @property
    def every_side_represented(self) -> bool:
        return all(tally.counted > 0 for tally in self.sides if tally.counts)

    @property
    def missing_sides(self) -> list[Side]:
        return [tally.side for tally in self.sides if tally.counts and tally.counted == 0]

    def side(self, side: Side) -> SideTally:
        return next(tally for tally in self.sides if tally.side == side)

    @property
    def rule_text(self) -> str:
        if self.rule == QuorumRule.MIN_PER_SIDE:
            return _("Quorum: at least {n} present on each side").format(n=self.min_per_side)
        return _("Quorum: each side present")


def required_per_side(rule: QuorumRule, min_per_side: int | None) -> int:
    """Members each party side must have present: one, or the body's minimum."""
    if rule == QuorumRule.MIN_PER_SIDE:
        return max(1, min_per_side or 1)
    return 1


def quorum(rule: QuorumRule, min_per_side: int | None, attendees: Iterable[Attendee]) -> QuorumReport:
    """Tally attendance per side and check the body's quorum rule and parity.

    With the government alone present under "each side present", the report says the
    quorum is not met, with a shortfall per missing side ("Workers: 0 present, 1 required").
    """
    required = required_per_side(rule, min_per_side)
    keys = ("invited", "present", "excused", "absent", "unrecorded", "counted")
    figures: dict[Side, dict[str, int]] = {side: dict.fromkeys(keys, 0) for side in Side}
    for attendee in attendees:
        row = figures[attendee.side]
        row["invited"] += 1
        key = {
            Attendance.PRESENT: "present",
            Attendance.EXCUSED: "excused",
            Attendance.ABSENT: "absent",
        }.get(attendee.attendance, "unrecorded")
        row[key] += 1
        if attendee.counts and attendee.attendance == Attendance.PRESENT:
            row["counted"] += 1
    parties = Side.parties()
    tallies = tuple(
        SideTally(side=side, counts=side in parties, required=required if side in parties else 0, **figures[side])
        for side in Side
    )
    shortfalls = tuple(
        Shortfall(tally.side, tally.counted, tally.required) for tally in tallies if tally.counts and tally.short
    )
    workers, employers = figures[Side.WORKERS]["counted"], figures[Side.EMPLOYERS]["counted"]
    if workers == 0 or employers == 0:
        parity = Parity.MISSING
    elif workers == employers:
        parity = Parity.EQUAL
    else:
        parity = Parity.BOTH_PRESENT
    return QuorumReport(rule=rule, min_per_side=required, sides=tallies, shortfalls=shortfalls, parity=parity)
