"""Which progress notes a reader sees: shared ones, and internal ones of the sides they read."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, or_

from dialogue.commitments.models import CommitmentUpdate
from dialogue.people.models import Side

# A progress note marked internal stays inside the side that wrote it (`CommitmentUpdate.side`,
# the commitment's side at the time, kept if the commitment later moves): only that side's
# delegates and the secretariat see it. Every query that reads notes (or a date computed
# from them) takes `visible`, the sides whose internal content the reader may see
# (`internal_visible_sides(account)`), and filters with `note_visible(visible)`.


def note_visible(visible: Collection[Side]) -> ColumnElement[bool]:
    """SQL: a progress note shared with all sides, or internal to one of the `visible` sides
    (the side that wrote it)."""
    if not visible:
        return CommitmentUpdate.internal.is_(False)
    sides = sorted(visible, key=lambda side: side.value)
    return or_(CommitmentUpdate.internal.is_(False), CommitmentUpdate.side.in_(sides))


def is_note_visible(update: CommitmentUpdate, visible: Collection[Side]) -> bool:
    """Python twin of `note_visible`."""
    return not update.internal or update.side in visible
