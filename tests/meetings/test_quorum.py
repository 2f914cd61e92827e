"""The quorum and parity panel, as a pure function of the body's rule and the invitees."""

from __future__ import annotations

import pytest

from dialogue.bodies.models import QuorumRule
from dialogue.i18n import set_language
from dialogue.meetings.models import Attendance, InvitationRole
from dialogue.meetings.quorum import Attendee, Parity, quorum
from dialogue.people.models import Side

P, E, A, U = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.UNRECORDED
GOV, WRK, EMP, OBS = Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS, Side.OBSERVERS


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def people(*specs: tuple) -> list[Attendee]:
    return [Attendee(*spec) for spec in specs]


def test_each_side_present_meets_the_default_quorum() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 1, people((GOV, P), (WRK, P), (EMP, P)))
    assert report.quorum_met
    assert report.every_side_represented
    assert report.shortfalls == ()


def test_employers_missing_says_why_the_quorum_is_not_met() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 1, people((GOV, P), (WRK, P), (EMP, E), (EMP, A)))
    assert not report.quorum_met
    assert not report.every_side_represented
    assert report.missing_sides == [EMP]
    assert [s.message for s in report.shortfalls] == ["Employers: 0 present, 1 required"]


def test_counts_per_side_cover_every_attendance() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 1, people((WRK, P), (WRK, E), (WRK, A), (WRK, U), (WRK, P)))
    workers = report.side(WRK)
    assert (workers.invited, workers.present, workers.excused, workers.absent, workers.unrecorded) == (5, 2, 1, 1, 1)
    assert workers.counted == 2
    assert report.side(GOV).invited == 0


def test_minimum_per_side_needs_that_many_present_on_each_side() -> None:
    attendees = people((GOV, P), (GOV, P), (WRK, P), (WRK, P), (EMP, P), (EMP, A))
    report = quorum(QuorumRule.MIN_PER_SIDE, 2, attendees)
    assert not report.quorum_met
    assert report.every_side_represented
    assert [s.message for s in report.shortfalls] == ["Employers: 1 present, 2 required"]
    assert quorum(QuorumRule.MIN_PER_SIDE, 2, [*attendees, Attendee(EMP, P)]).quorum_met


def test_each_side_rule_ignores_the_bodys_minimum() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 5, people((GOV, P), (WRK, P), (EMP, P)))
    assert report.quorum_met
    assert report.side(GOV).required == 1


def test_observers_are_shown_but_never_count() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 1, people((GOV, P), (WRK, P), (OBS, P), (OBS, P)))
    observers = report.side(OBS)
    assert observers.present == 2 and observers.counted == 0 and not observers.counts
    assert not report.quorum_met
    assert [s.side for s in report.shortfalls] == [EMP]


def test_secretariat_and_observer_roles_do_not_count_for_their_side() -> None:
    report = quorum(
        QuorumRule.EACH_SIDE,
        1,
        people(
            (GOV, P, InvitationRole.SECRETARIAT),
            (WRK, P, InvitationRole.OBSERVER),
            (EMP, P, InvitationRole.ADVISER),
        ),
    )
    assert report.side(GOV).present == 1 and report.side(GOV).counted == 0
    assert report.side(GOV).not_counted == 1
    assert report.missing_sides == [GOV, WRK]
    assert report.side(EMP).counted == 1


def test_chair_and_alternates_count() -> None:
    report = quorum(
        QuorumRule.EACH_SIDE,
        1,
        people((GOV, P, InvitationRole.CHAIR), (WRK, P, InvitationRole.ALTERNATE), (EMP, P, InvitationRole.TITULAR)),
    )
    assert report.quorum_met


def test_parity_equal_numbers_of_workers_and_employers() -> None:
    assert (
        quorum(QuorumRule.EACH_SIDE, 1, people((WRK, P), (WRK, P), (EMP, P), (EMP, P), (GOV, P))).parity == Parity.EQUAL
    )


def test_parity_both_present_in_different_numbers() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 1, people((WRK, P), (WRK, P), (EMP, P)))
    assert report.parity == Parity.BOTH_PRESENT


def test_no_parity_when_a_social_partner_is_absent() -> None:
    report = quorum(QuorumRule.EACH_SIDE, 1, people((WRK, P), (EMP, A), (EMP, P, InvitationRole.SECRETARIAT)))
    assert report.parity == Parity.MISSING


def test_an_empty_meeting_misses_every_side() -> None:
    report = quorum(QuorumRule.MIN_PER_SIDE, 0, [])
    assert [s.side for s in report.shortfalls] == [GOV, WRK, EMP]
    assert report.min_per_side == 1
    assert report.parity == Parity.MISSING
