"""The running schedule: a pure function of the start, the durations and the planned end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dialogue.agenda.schedule import duration_text, running_schedule
from dialogue.i18n import set_language

TUNIS = ZoneInfo("Africa/Tunis")


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 10, hour, minute, tzinfo=TUNIS)


def test_each_item_starts_when_the_previous_one_ends() -> None:
    schedule = running_schedule(at(9), [30, 45, 15], at(12))
    assert [(s.starts_at, s.ends_at) for s in schedule.slots] == [
        (at(9), at(9, 30)),
        (at(9, 30), at(10, 15)),
        (at(10, 15), at(10, 30)),
    ]
    assert schedule.total_minutes == 90
    assert schedule.ends_at == at(10, 30)
    assert not schedule.overruns
    assert schedule.overrun_minutes == 0


def test_schedule_is_computed_on_absolute_time_whatever_the_zone_of_the_start() -> None:
    start_utc = at(9).astimezone(dt.UTC)
    schedule = running_schedule(start_utc, [60], at(12))
    assert schedule.slots[0].ends_at == at(10)
    assert schedule.slots[0].minutes == 60


def test_agenda_longer_than_the_meeting_overruns_by_the_difference() -> None:
    schedule = running_schedule(at(9), [60, 90, 45], at(11))
    assert schedule.overruns
    assert schedule.ends_at == at(12, 15)
    assert schedule.overrun_minutes == 75
    assert [schedule.runs_over(i) for i in range(3)] == [False, True, True]


def test_agenda_ending_exactly_at_the_planned_end_does_not_overrun() -> None:
    schedule = running_schedule(at(9), [120, 60], at(12))
    assert not schedule.overruns
    assert not schedule.runs_over(1)


def test_empty_agenda_takes_no_time() -> None:
    schedule = running_schedule(at(9), [], at(12))
    assert schedule.slots == ()
    assert schedule.ends_at == at(9)
    assert schedule.total_minutes == 0
    assert not schedule.overruns


def test_without_a_planned_end_nothing_overruns() -> None:
    schedule = running_schedule(at(9), [600, 600])
    assert not schedule.overruns
    assert schedule.overrun_minutes == 0


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        running_schedule(dt.datetime(2026, 12, 10, 9), [30])


def test_durations_read_like_people_write_them() -> None:
    set_language("en")
    assert duration_text(45) == "45 min"
    assert duration_text(120) == "2 h"
    assert duration_text(90) == "1 h 30"
    assert duration_text(65) == "1 h 05"
