"""A commitment's status: overdue, due soon, and the dates kept when it closes or reopens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_

from dialogue.commitments.models import Commitment, CommitmentStatus

ACTIVE: tuple[CommitmentStatus, ...] = CommitmentStatus.active()
CLOSED: tuple[CommitmentStatus, ...] = (CommitmentStatus.DONE, CommitmentStatus.DROPPED)
DUE_SOON_DAYS = 14


def is_overdue(commitment: Commitment, today: dt.date) -> bool:
    """Active (open or in progress) and due before `today`."""
    return commitment.is_overdue(today)


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """SQL twin of `is_overdue`, for filters and counts."""
    return and_(Commitment.status.in_(ACTIVE), Commitment.due_on.is_not(None), Commitment.due_on < today)


def is_due_soon(commitment: Commitment, today: dt.date, days: int = DUE_SOON_DAYS) -> bool:
    """Active and due between today and `days` days from now (both included)."""
    return (
        commitment.status in ACTIVE
        and commitment.due_on is not None
        and today <= commitment.due_on <= today + dt.timedelta(days=days)
    )


def due_soon_clause(today: dt.date, days: int = DUE_SOON_DAYS) -> ColumnElement[bool]:
    """SQL twin of `is_due_soon`."""
    return and_(
        Commitment.status.in_(ACTIVE),
        Commitment.due_on.is_not(None),
        Commitment.due_on >= today,
        Commitment.due_on <= today + dt.timedelta(days=days),
    )


def change_status(commitment: Commitment, status: CommitmentStatus, on: dt.date) -> None:
    """Move `commitment` to `status` on the day `on`.

    Closing it (done or dropped) records `closed_on = on`; moving between done and dropped
    keeps the day it first closed; reopening it (open or in progress) clears `closed_on`.
    """
    if status in CLOSED:
        if commitment.status not in CLOSED or commitment.closed_on is None:
            commitment.closed_on = on
    else:
        commitment.closed_on = None
    commitment.status = status
