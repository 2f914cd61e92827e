"""Which version of the minutes a reader gets (page and exports), and the difference between two versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, Role
from dialogue.errors import Forbidden, NotFound
from dialogue.i18n import _
from dialogue.meetings import service as meetings_service
from dialogue.meetings.models import MeetingStatus
from dialogue.minutes.compose import build_document, stored_document
from dialogue.minutes.document import MinutesDocument, hashed_json, to_json
from dialogue.minutes.models import Minutes, MinutesStatus, MinutesVersion
from dialogue.minutes.queries import get_minutes, get_version


class VersionNotFound(NotFound):
    """No such version of these minutes (or none the reader may read), with the reason."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("This version of the minutes does not exist."))


def reads_drafts(account: Account | None) -> bool:
    """Whether `account` reads the working draft (version 0) and minutes not circulated
    yet: only the secretariat, whose work in progress they are. Everyone else reads the
    circulated and adopted versions."""
    return account is not None and account.role is Role.SECRETARIAT


def not_circulated_message() -> str:
    return _("The minutes of this meeting are not circulated yet.")


async def _version_to_read(
    db: AsyncSession, meeting_id: int, version: int | None, *, drafts: bool
) -> tuple[Minutes | None, MinutesVersion | None]:
    """(minutes, stored version) that `version` names; no stored version means the live
    draft. Without a number: the current version (the live draft while the minutes are a
    draft, for a reader of `drafts`; the latest circulated version for anyone else).

    `Forbidden` for the working draft asked by someone who does not read drafts;
    `VersionNotFound` for a version that does not exist (and for the live draft of a
    meeting that has no minutes and is not held, or whose minutes are adopted).
    """
    minutes = await get_minutes(db, meeting_id)
    if not drafts:
        if version == 0:
            raise Forbidden(
                _("The working draft of the minutes is the secretariat's: read a circulated version instead.")
            )
        if minutes is None or minutes.current_version == 0:
            raise VersionNotFound(not_circulated_message())
    if version is None:
        version = minutes.current_version if minutes is not None else 0
    if version == 0:
        if minutes is not None and minutes.status is MinutesStatus.ADOPTED:
            raise VersionNotFound()
        return minutes, None
    if minutes is None:
        raise VersionNotFound()
    row = await get_version(db, minutes, version)
    if row is None:
        raise VersionNotFound()
    return minutes, row


async def _live_draft(db: AsyncSession, meeting_id: int, minutes: Minutes | None) -> MinutesDocument:
    meeting = await meetings_service.get_meeting(db, meeting_id, with_invitations=True)
    if minutes is None and meeting.status is not MeetingStatus.HELD:
        raise VersionNotFound()
    return await build_document(db, meeting, minutes)


async def document_for(db: AsyncSession, meeting_id: int, version: int | None, *, drafts: bool) -> MinutesDocument:
    """What an export shows: version `version` as stored (0: the live draft); without a
    number, the current version (see `_version_to_read`). `drafts`: the reader reads the
    working draft (`reads_drafts`)."""
    minutes, row = await _version_to_read(db, meeting_id, version, drafts=drafts)
    if row is None:
        return await _live_draft(db, meeting_id, minutes)
    assert minutes is not None
    return await stored_document(db, minutes, row)


async def json_for(db: AsyncSession, meeting_id: int, version: int | None, *, drafts: bool) -> str:
    """The canonical JSON of a version that `content_hash` hashes (`hashed_json`): for
    adopted minutes, its SHA-256 is the stored one. Same choice of version as
    `document_for`."""
    minutes, row = await _version_to_read(db, meeting_id, version, drafts=drafts)
    if row is None:
        return hashed_json(to_json(await _live_draft(db, meeting_id, minutes)))
    return hashed_json(row.content)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def diff_lines(before: str, after: str) -> list[DiffLine]:
    """The lines of `after` compared with `before` (two Markdown renders): unchanged lines,
    lines removed and lines added, in reading order."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [DiffLine("same", text) for text in old[i1:i2]]
            continue
        lines += [DiffLine("removed", text) for text in old[i1:i2]]
        lines += [DiffLine("added", text) for text in new[j1:j2]]
    return lines
