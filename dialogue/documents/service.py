"""The rules of documents: what they may be attached to, who uploads where, who sees them,
and what a file must be. Nothing here knows of HTTP; the handlers store the file first
(`DocumentStorage.staged`) and call `add_document` or `add_version` inside that block.

Who uploads: the secretariat anywhere; a delegate to their own side's positions and to the
progress notes of their side's commitments (as they write those: accounts/permissions.py).
Who sees: a shared document, whoever sees what it is attached to; an internal one, only its
side's delegates and the secretariat (`internal_visible_sides`), as internal positions. A
document on an internal position or note is internal to that side whatever the form says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from dialogue.accounts.models import Account, Role
from dialogue.accounts.permissions import can_write_side, internal_visible_sides
from dialogue.agenda.models import AgendaItem, Position
from dialogue.commitments.models import Commitment, CommitmentUpdate
from dialogue.documents.models import Attachment, Document, DocumentVersion
from dialogue.documents.sniffing import FileKind, Unreadable, WrongType, sniff
from dialogue.errors import Forbidden, Invalid, NotFound
from dialogue.i18n import _, format_date
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.meetings.visibility import sees_drafts
from dialogue.people.models import Side
from dialogue.people.service import found_one


@dataclass(frozen=True)
class Target:
    """What a document is (to be) attached to, with what its rules need."""

    kind: Attachment
    id: int
    meeting: Meeting | None  # the meeting it belongs to (None for a note on a loose commitment)
    commitment_id: int | None
    side: Side | None  # the side that owns a position or a note
    internal: bool  # the position or note itself is internal to `side`
    label: str  # what it is, for the page ("Agenda item 2: ...")
    item_id: int | None = None  # a position's item

    @property
    def files_url(self) -> str:
        """Its documents' page, where they are also uploaded (new ones and new versions)."""
        if self.kind is Attachment.MEETING:
            return f"/meetings/{self.id}/documents"
        if self.kind is Attachment.ITEM:
            return f"/agenda/{self.id}/files"
        if self.kind is Attachment.POSITION:
            assert self.side is not None
            return f"/agenda/{self.item_id}/positions/{self.side.value}/files"
        return f"/commitments/{self.commitment_id}/updates/{self.id}/files"

    @property
    def back_url(self) -> str:
        """The page of what it is attached to."""
        if self.kind is Attachment.PROGRESS:
            return f"/commitments/{self.commitment_id}#update-{self.id}"
        assert self.meeting is not None
        if self.kind is Attachment.MEETING:
            return f"/meetings/{self.id}"
        return f"/meetings/{self.meeting.id}#item-{self.item_id or self.id}"


@dataclass(frozen=True)
class Upload:
    """A file as it came: its name and bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile(Upload):
    """A file that passed `check_file`: what it is, and what to call it (`filename` made
    safe)."""

    kind: FileKind
    sha256: str


@dataclass(frozen=True)
class DocumentDraft:
    title: str
    internal: bool


def _meeting_target(meeting: Meeting) -> Target:
    return Target(Attachment.MEETING, meeting.id, meeting, None, None, False, meeting.title)


async def find_target(db: AsyncSession, kind: Attachment, target_id: int) -> Target:
    """The record `kind`/`target_id` names; `NotFound` if there is none."""
    if kind is Attachment.MEETING:
        return _meeting_target(await found_one(db, select(Meeting).where(Meeting.id == target_id)))
    if kind is Attachment.ITEM:
        item = await found_one(
            db, select(AgendaItem).where(AgendaItem.id == target_id).options(selectinload(AgendaItem.meeting))
        )
        label = _("Agenda item {rank}: {title}").format(rank=item.rank, title=item.title)
        return Target(kind, item.id, item.meeting, None, None, False, label)
    if kind is Attachment.POSITION:
        position = await found_one(
            db,
            select(Position)
            .where(Position.id == target_id)
            .options(selectinload(Position.item).selectinload(AgendaItem.meeting)),
        )
        label = _("Position of the {side} on “{title}”").format(side=position.side.label, title=position.item.title)
        return Target(
            kind, position.id, position.item.meeting, None, position.side, position.internal, label, position.item_id
        )
    note = await found_one(
        db,
        select(CommitmentUpdate)
        .where(CommitmentUpdate.id == target_id)
        .options(selectinload(CommitmentUpdate.commitment).selectinload(Commitment.meeting)),
    )
    label = _("Progress note of {date} on “{title}”").format(
        date=format_date(note.written_on), title=note.commitment.title
    )
    return Target(kind, note.id, note.commitment.meeting, note.commitment_id, note.side, note.internal, label)


async def position_target(db: AsyncSession, item_id: int, side: str) -> Target:
    """The position of `side` on item `item_id` (`NotFound` if that side has none)."""
    position_id = await db.scalar(select(Position.id).where(Position.item_id == item_id, Position.side == side))
    if position_id is None:
        raise NotFound()
    return await find_target(db, Attachment.POSITION, position_id)


async def progress_target(db: AsyncSession, commitment_id: int, update_id: int, writer: Account | None) -> Target:
    """Progress note `update_id` of commitment `commitment_id`. With `writer`: refused
    first if they may not write for the commitment's side (as for its progress notes)."""
    side = await db.scalar(select(Commitment.side).where(Commitment.id == commitment_id))
    if side is None:
        raise NotFound()
    if writer is not None and not can_write_side(writer, side):
        raise Forbidden(_("Only the secretariat and the delegates of this side can change this."))
    found = await db.scalar(
        select(CommitmentUpdate.id).where(
            CommitmentUpdate.id == update_id, CommitmentUpdate.commitment_id == commitment_id
        )
    )
    if found is None:
        raise NotFound()
    return await find_target(db, Attachment.PROGRESS, update_id)


def ensure_sees_target(account: Account | None, target: Target) -> None:
    """`NotFound` for what the person may not see: a draft meeting (all but the secretariat)
    or another side's internal position or note."""
    if target.meeting is not None and target.meeting.status == MeetingStatus.DRAFT and not sees_drafts(account):
        raise NotFound()
    if target.internal and target.side not in internal_visible_sides(account):
        raise NotFound()


def may_upload(account: Account | None, target: Target) -> bool:
    if account is None or not account.is_active:
        return False
    if target.kind in (Attachment.MEETING, Attachment.ITEM):
        return account.role is Role.SECRETARIAT
    return target.side is not None and can_write_side(account, target.side)


def ensure_may_upload(account: Account, target: Target) -> None:
    ensure_sees_target(account, target)
    if not may_upload(account, target):
        raise Forbidden(_("Only the secretariat, and a side's delegates on their own side's records, add documents."))


def visible(account: Account | None) -> ColumnElement[bool]:
    """A WHERE clause on `Document`: shared ones, and internal ones of the sides `account`
    sees; never one on another side's internal position or note (shared when it was
    uploaded, internal since)."""
    sides = sorted(internal_visible_sides(account))
    hidden_positions = select(Position.id).where(Position.internal == true(), Position.side.not_in(sides))
    hidden_notes = select(CommitmentUpdate.id).where(
        CommitmentUpdate.internal == true(), CommitmentUpdate.side.not_in(sides)
    )
    in_sight = and_(
        or_(Document.position_id.is_(None), Document.position_id.not_in(hidden_positions)),
        or_(Document.progress_id.is_(None), Document.progress_id.not_in(hidden_notes)),
    )
    if not sides:
        return and_(Document.internal == false(), in_sight)
    return and_(or_(Document.internal == false(), Document.side.in_(sides)), in_sight)


def _with_versions() -> ExecutableOption:
    return selectinload(Document.versions).selectinload(DocumentVersion.uploaded_by)


async def documents_of(db: AsyncSession, account: Account | None, target: Target) -> list[Document]:
    """The documents attached to `target` that `account` sees, oldest first."""
    query = select(Document).where(visible(account)).options(_with_versions()).order_by(Document.id)
    if target.kind is Attachment.MEETING:
        query = query.where(
            Document.meeting_id == target.id,
            Document.agenda_item_id.is_(None),
            Document.position_id.is_(None),
        )
    elif target.kind is Attachment.ITEM:
        query = query.where(Document.agenda_item_id == target.id)
    elif target.kind is Attachment.POSITION:
        query = query.where(Document.position_id == target.id)
    else:
        query = query.where(Document.progress_id == target.id)
    return list(await db.scalars(query))


async def documents_of_meeting(db: AsyncSession, account: Account | None, meeting_id: int) -> list[Document]:
    """Every document of a meeting `account` sees: the meeting's, its items' and positions'."""
    query = (
        select(Document)
        .where(Document.meeting_id == meeting_id, visible(account))
        .options(_with_versions())
        .order_by(Document.id)
    )
    return list(await db.scalars(query))


async def attached_to(db: AsyncSession, documents: list[Document]) -> dict[int, tuple[str, Side | None]]:
    """What each document of a meeting is attached to, as its lists show it: the item
    ("2. Title") and, for a position's document, the side; nothing for the meeting's own."""
    item_ids = {d.agenda_item_id for d in documents if d.agenda_item_id is not None}
    position_ids = {d.position_id for d in documents if d.position_id is not None}
    positions: dict[int, tuple[int, Side]] = {}
    if position_ids:
        rows = await db.execute(
            select(Position.id, Position.item_id, Position.side).where(Position.id.in_(position_ids))
        )
        positions = {row.id: (row.item_id, row.side) for row in rows}
        item_ids |= {item_id for item_id, _side in positions.values()}
    items: dict[int, str] = {}
    if item_ids:
        query = select(AgendaItem.id, AgendaItem.rank, AgendaItem.title).where(AgendaItem.id.in_(item_ids))
        items = {row.id: f"{row.rank}. {row.title}" for row in await db.execute(query)}
    labels: dict[int, tuple[str, Side | None]] = {}
    for document in documents:
        if document.agenda_item_id is not None:
            labels[document.id] = (items.get(document.agenda_item_id, ""), None)
        elif document.position_id is not None and document.position_id in positions:
            item_id, side = positions[document.position_id]
            labels[document.id] = (items.get(item_id, ""), side)
    return labels


async def meeting_section(db: AsyncSession, account: Account | None, target: Target) -> dict[str, object]:
    """The documents section of a meeting's page (and of its documents page)."""
    documents = await documents_of_meeting(db, account, target.id)
    return {
        "target": target,
        "documents": documents,
        "attached_to": await attached_to(db, documents),
        "may_upload": may_upload(account, target),
        "form_url": target.files_url,
    }


async def documents_section(db: AsyncSession, account: Account | None, meeting: Meeting) -> dict[str, object]:
    """The meeting page's documents section (dialogue/meetings/invitation_routes.py)."""
    return {"documents_section": await meeting_section(db, account, _meeting_target(meeting))}


async def shared_documents_of_meeting(db: AsyncSession, meeting_id: int) -> list[Document]:
    """What everyone may see: the minutes' annex and the invitation's link list these."""
    return await documents_of_meeting(db, None, meeting_id)


async def get_document(db: AsyncSession, account: Account | None, document_id: int) -> tuple[Document, Target]:
    """A document the person sees, with its versions and what it is attached to."""
    document = await found_one(
        db, select(Document).where(Document.id == document_id, visible(account)).options(_with_versions())
    )
    target_id = document.progress_id or document.position_id or document.agenda_item_id or document.meeting_id
    assert target_id is not None
    target = await find_target(db, document.attachment, target_id)
    ensure_sees_target(account, target)
    return document, target


def version_of(document: Document, number: int | None) -> DocumentVersion:
    for version in document.versions:
        if number is None or version.number == number:
            return version
    raise NotFound()


def _safe_filename(name: str, kind: FileKind) -> str:
    """The uploaded name without any folder, its extension the one of what the file is."""
    base = PureWindowsPath(PurePosixPath(name).name).name.strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")[:180]
    return f"{stem or 'document'}.{kind.extension}"


def too_large_message(max_bytes: int) -> str:
    return _("The file is larger than {size} MB: nothing was kept.").format(size=max_bytes // (1024 * 1024))


def check_file(upload: Upload | None, max_bytes: int) -> CheckedFile:
    """The file if it may be kept; `Invalid` on the field `file` with the reason otherwise."""
    if upload is None:
        raise Invalid({"file": _("Choose a file.")})
    if not upload.content:
        raise Invalid({"file": _("The file is empty: nothing was kept.")})
    if len(upload.content) > max_bytes:
        raise Invalid({"file": too_large_message(max_bytes)})
    try:
        kind = sniff(upload.content)
    except WrongType as error:
        raise Invalid(
            {
                "file": _(
                    "This kind of file is not accepted: PDF, Word, Excel, PowerPoint, OpenDocument or an image"
                    " (PNG, JPEG, GIF, WebP). Nothing was kept."
                )
            }
        ) from error
    except Unreadable as error:
        raise Invalid({"file": _("The file cannot be read (damaged or incomplete): nothing was kept.")}) from error
    digest = hashlib.sha256(upload.content).hexdigest()
    return CheckedFile(_safe_filename(upload.filename, kind), upload.content, kind, digest)


def read_draft(title: str, internal: bool, checked: CheckedFile) -> DocumentDraft:
    """The title typed, else the file's name without its extension."""
    return DocumentDraft(title=title or checked.filename.rsplit(".", 1)[0], internal=internal)


def _version(account: Account, checked: CheckedFile, key: str, number: int) -> DocumentVersion:
    return DocumentVersion(
        number=number,
        filename=checked.filename,
        media_type=checked.kind.media_type,
        size=len(checked.content),
        sha256=checked.sha256,
        storage_key=key,
        uploaded_by_id=account.id,
    )


def _side_of_internal(target: Target, wanted: bool) -> Side | None:
    """The side an internal document belongs to: the position's or the note's; for the
    meeting and its items (the secretariat's), none: those are shared."""
    if target.internal:
        return target.side
    if wanted and target.side is not None:
        return target.side
    return None


async def add_document(
    db: AsyncSession, account: Account, target: Target, draft: DocumentDraft, checked: CheckedFile, key: str
) -> Document:
    """A new document whose first version is the file stored under `key`."""
    ensure_may_upload(account, target)
    side = _side_of_internal(target, draft.internal)
    document = Document(
        title=draft.title[:300],
        meeting_id=target.meeting.id if target.meeting is not None else None,
        agenda_item_id=target.id if target.kind is Attachment.ITEM else None,
        position_id=target.id if target.kind is Attachment.POSITION else None,
        commitment_id=target.commitment_id,
        progress_id=target.id if target.kind is Attachment.PROGRESS else None,
        side=side or target.side,
        internal=side is not None,
        current_version=1,
        versions=[_version(account, checked, key, 1)],
    )
    db.add(document)
    await db.flush()
    return document


async def add_version(
    db: AsyncSession, account: Account, document: Document, target: Target, checked: CheckedFile, key: str
) -> DocumentVersion:
    """The next version of `document`, the file stored under `key`."""
    ensure_may_upload(account, target)
    number = max((version.number for version in document.versions), default=0) + 1
    version = _version(account, checked, key, number)
    version.document_id = document.id
    db.add(version)
    document.current_version = number
    await db.flush()
    return version
