"""The rules of commitments, tested directly with fixed dates (no database)."""

from __future__ import annotations

import datetime as dt

from dialogue.commitments.editing import ProgressDraft, check_progress
from dialogue.commitments.listing import parse_status_filter
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.commitments.status import change_status, is_due_soon, is_overdue
from dialogue.people.models import Side

TODAY = dt.date(2026, 11, 15)
YESTERDAY = TODAY - dt.timedelta(days=1)


def promise(
    status: CommitmentStatus = CommitmentStatus.OPEN, due_on: dt.date | None = None, **fields: object
) -> Commitment:
    return Commitment(title="Publier le décret", side=Side.GOVERNMENT, status=status, due_on=due_on, **fields)


def test_open_commitment_due_yesterday_is_overdue() -> None:
    assert is_overdue(promise(CommitmentStatus.OPEN, YESTERDAY), TODAY)


def test_commitment_in_progress_due_yesterday_is_overdue() -> None:
    assert is_overdue(promise(CommitmentStatus.IN_PROGRESS, YESTERDAY), TODAY)


def test_done_or_dropped_commitment_due_yesterday_is_not_overdue() -> None:
    assert not is_overdue(promise(CommitmentStatus.DONE, YESTERDAY), TODAY)
    assert not is_overdue(promise(CommitmentStatus.DROPPED, YESTERDAY), TODAY)


def test_commitment_due_today_or_without_due_date_is_not_overdue() -> None:
    assert not is_overdue(promise(CommitmentStatus.OPEN, TODAY), TODAY)
    assert not is_overdue(promise(CommitmentStatus.OPEN, None), TODAY)


def test_due_soon_means_active_and_due_within_fourteen_days() -> None:
    assert is_due_soon(promise(CommitmentStatus.OPEN, TODAY), TODAY)
    assert is_due_soon(promise(CommitmentStatus.IN_PROGRESS, TODAY + dt.timedelta(days=14)), TODAY)
    assert not is_due_soon(promise(CommitmentStatus.OPEN, TODAY + dt.timedelta(days=15)), TODAY)
    assert not is_due_soon(promise(CommitmentStatus.OPEN, YESTERDAY), TODAY)
    assert not is_due_soon(promise(CommitmentStatus.DONE, TODAY + dt.timedelta(days=3)), TODAY)
    assert not is_due_soon(promise(CommitmentStatus.OPEN, None), TODAY)
    assert is_due_soon(promise(CommitmentStatus.OPEN, TODAY + dt.timedelta(days=20)), TODAY, days=30)


def test_closing_a_commitment_records_the_day_it_closed() -> None:
    commitment = promise(CommitmentStatus.OPEN, closed_on=None)
    change_status(commitment, CommitmentStatus.DONE, TODAY)
    assert commitment.status is CommitmentStatus.DONE
    assert commitment.closed_on == TODAY


def test_moving_from_done_to_dropped_keeps_the_first_closing_day() -> None:
    commitment = promise(CommitmentStatus.DONE, closed_on=YESTERDAY)
    change_status(commitment, CommitmentStatus.DROPPED, TODAY)
    assert commitment.closed_on == YESTERDAY


def test_reopening_a_commitment_clears_its_closing_day() -> None:
    commitment = promise(CommitmentStatus.DONE, closed_on=YESTERDAY)
    change_status(commitment, CommitmentStatus.IN_PROGRESS, TODAY)
    assert commitment.status is CommitmentStatus.IN_PROGRESS
    assert commitment.closed_on is None


def test_progress_update_needs_a_note_a_past_date_and_a_web_link() -> None:
    assert check_progress(ProgressDraft(note="Texte transmis"), TODAY) == {}
    errors = check_progress(
        ProgressDraft(note="  ", written_on=TODAY + dt.timedelta(days=1), evidence_url="javascript:alert(1)"), TODAY
    )
    assert set(errors) == {"note", "written_on", "evidence_url"}
    assert check_progress(ProgressDraft(note="ok", evidence_url="https://www.social.gov.tn/decret.pdf"), TODAY) == {}


def test_status_filter_accepts_each_status_and_active() -> None:
    assert parse_status_filter("done") == (CommitmentStatus.DONE,)
    assert parse_status_filter("active") == (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS)
    assert parse_status_filter("") == ()
    assert parse_status_filter("finished") is None
