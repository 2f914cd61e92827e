"""The follow-up sheet (fiche de suivi): the commitments of one meeting, or of a body's
meetings over a period, as they stand today, in PDF, DOCX and CSV.

`meeting_sheet` and `body_sheet` read the record (a few statements whatever the number of
commitments); `render_followup` is a pure function of the sheet and a language. A sheet is
a document handed around: it carries only shared progress notes, never internal ones,
whoever asks for it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue import i18n
from dialogue.bodies.models import Body
from dialogue.commitments.at_meetings import meetings_open
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.commitments.status import ACTIVE
from dialogue.errors import NotFound
from dialogue.i18n import _, format_date, ngettext
from dialogue.meetings.models import Meeting
from dialogue.minutes import formats
from dialogue.minutes.document import CommitmentLine
from dialogue.minutes.formats import Fields, Heading, Layout, Paragraph, Table
from dialogue.minutes.render import commitment_status, label
from dialogue.people.models import Side
from dialogue.text_input import printable

FORMATS = ("pdf", "docx", "csv")
MEDIA_TYPES: dict[str, str] = {fmt: formats.MEDIA_TYPES[fmt] for fmt in FORMATS}


@dataclass(frozen=True)
class FollowUpRow:
    commitment: CommitmentLine
    meeting_title: str
    meeting_on: dt.date  # the day of the meeting where it was made, in the local zone


@dataclass(frozen=True)
class FollowUpSheet:
    """What a follow-up sheet lists: of one meeting (`meeting_title` set) or of a body
    between two days (`date_from`/`date_to`, either may be open)."""

    body: str
    rows: tuple[FollowUpRow, ...]
    as_of: dt.date
    meeting_title: str = ""
    meeting_on: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def of_meeting(self) -> bool:
        return bool(self.meeting_title)


# Reading the record -------------------------------------------------------------------------


async def _last_shared_notes(db: AsyncSession, commitment_ids: Sequence[int]) -> dict[int, str]:
    """The latest progress note shared with all sides, per commitment (internal notes never
    leave their side, so never reach a sheet). One statement."""
    if not commitment_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=CommitmentUpdate.commitment_id,
            order_by=(CommitmentUpdate.written_on.desc(), CommitmentUpdate.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(CommitmentUpdate.commitment_id, CommitmentUpdate.note, rank)
        .where(CommitmentUpdate.commitment_id.in_(commitment_ids), CommitmentUpdate.internal.is_(False))
        .subquery()
    )
    rows = await db.execute(select(ranked.c.commitment_id, ranked.c.note).where(ranked.c.rank == 1))
    return dict(rows.tuples().all())


async def _rows(db: AsyncSession, clauses: Sequence[object], today: dt.date, tz: ZoneInfo) -> tuple[FollowUpRow, ...]:
    """The commitments matching `clauses` (on Commitment and its Meeting), by meeting date,
    then due date (none last): four statements whatever their number."""
    statement = (
        select(Commitment)
        .join(Meeting, Commitment.meeting_id == Meeting.id)
        .where(*clauses)  # type: ignore[arg-type]
        .options(
            joinedload(Commitment.meeting),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(Meeting.starts_at, Meeting.id, Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
    )
    commitments = list((await db.execute(statement)).scalars())
    ids = [commitment.id for commitment in commitments]
    notes = await _last_shared_notes(db, ids)
    active = [commitment.id for commitment in commitments if commitment.status in ACTIVE]
    counts = await meetings_open(db, active, dt.datetime.now(dt.UTC))
    rows = []
    for commitment in commitments:
        meeting = commitment.meeting
        assert meeting is not None  # joined on it
        line = CommitmentLine(
            id=commitment.id,
            title=commitment.title,
            side=commitment.side.value,
            organisation=commitment.organisation.display_name if commitment.organisation else "",
            responsible=commitment.responsible.full_name if commitment.responsible else "",
            due_on=commitment.due_on,
            status=commitment.status.value,
            overdue=commitment.is_overdue(today),
            meetings_open=counts.get(commitment.id, 0),
            last_update=notes.get(commitment.id, ""),
        )
        rows.append(FollowUpRow(line, meeting.title, meeting.starts_at.astimezone(tz).date()))
    return tuple(rows)


async def meeting_sheet(db: AsyncSession, meeting_id: int, *, today: dt.date, tz: ZoneInfo) -> FollowUpSheet:
    """The commitments made at a meeting; 404 if there is no such meeting."""
    meeting = (
        await db.execute(select(Meeting).where(Meeting.id == meeting_id).options(joinedload(Meeting.body)))
    ).scalar_one_or_none()
    if meeting is None:
        raise NotFound()
    rows = await _rows(db, [Commitment.meeting_id == meeting.id], today, tz)
    return FollowUpSheet(
        body=meeting.body_name,
        rows=rows,
        as_of=today,
        meeting_title=meeting.title,
        meeting_on=meeting.starts_at.astimezone(tz).date(),
    )


async def body_sheet(
    db: AsyncSession,
    body_id: int,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    today: dt.date,
    tz: ZoneInfo,
) -> FollowUpSheet:
    """The commitments made at the body's meetings held from `date_from` to `date_to`
    (both days included, in the local zone; None leaves that end open); 404 if there is no
    such body."""
    body = await db.get(Body, body_id)
    if body is None:
        raise NotFound()
    clauses: list[object] = [Meeting.body_id == body_id]
    if date_from is not None:
        clauses.append(Meeting.starts_at >= dt.datetime.combine(date_from, dt.time(), tz))
    if date_to is not None:
        clauses.append(Meeting.starts_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tz))
    rows = await _rows(db, clauses, today, tz)
    return FollowUpSheet(body=body.name, rows=rows, as_of=today, date_from=date_from, date_to=date_to)


# Rendering ------------------------------------------------------------------------------------


def sheet_title(sheet: FollowUpSheet) -> str:
    return _("Follow-up sheet: {title}").format(title=sheet.meeting_title if sheet.of_meeting else sheet.body)


def _period(sheet: FollowUpSheet) -> str:
    if sheet.date_from and sheet.date_to:
        return _("from {start} to {end}").format(start=format_date(sheet.date_from), end=format_date(sheet.date_to))
    if sheet.date_from:
        return _("since {start}").format(start=format_date(sheet.date_from))
    if sheet.date_to:
        return _("until {end}").format(end=format_date(sheet.date_to))
    return _("all meetings")


def _summary(sheet: FollowUpSheet) -> str:
    total = len(sheet.rows)
    active = sum(1 for row in sheet.rows if row.commitment.status in ACTIVE)
    overdue = sum(1 for row in sheet.rows if row.commitment.overdue)
    return " ".join(
        (
            ngettext("%(num)d commitment.", "%(num)d commitments.", total) % {"num": total},
            ngettext("%(num)d still open,", "%(num)d still open,", active) % {"num": active},
            ngettext("%(num)d overdue.", "%(num)d overdue.", overdue) % {"num": overdue},
        )
    )


def _meetings_open(line: CommitmentLine) -> str:
    return i18n.format_number(line.meetings_open) if line.status in ACTIVE else ""


def followup_layout(sheet: FollowUpSheet, language: str) -> Layout:
    """The sheet in `language` for the PDF and DOCX writers (A4 landscape: a wide table)."""
    with i18n.using_language(language):
        fields = [(_("Body"), sheet.body)]
        if sheet.of_meeting:
            fields.append((_("Meeting"), f"{sheet.meeting_title} ({format_date(sheet.meeting_on)})"))
        else:
            fields.append((_("Meetings held"), _period(sheet)))
        fields.append((_("Situation on"), format_date(sheet.as_of, "long")))
        headers = [_("No."), _("Commitment"), _("Side"), _("Organisation"), _("Responsible"), _("By when"),
                   _("Status"), _("Meetings open"), _("Last progress note")]  # fmt: skip
        if not sheet.of_meeting:
            headers.insert(1, _("Meeting"))
        rows = []
        for row in sheet.rows:
            line = row.commitment
            cells = [
                str(line.id), line.title, label(Side, line.side), line.organisation, line.responsible,
                format_date(line.due_on) or _("No due date"), commitment_status(line), _meetings_open(line),
                line.last_update,
            ]  # fmt: skip
            if not sheet.of_meeting:
                cells.insert(1, format_date(row.meeting_on))
            rows.append(tuple(cells))
        user = {1, 3, 4, 8} if sheet.of_meeting else {2, 4, 5, 9}
        blocks: list[formats.Block] = [
            Heading(sheet_title(sheet), level=1),
            Fields(tuple(fields)),
            Paragraph(_summary(sheet)),
        ]
        if rows:
            blocks.append(Table(tuple(headers), tuple(rows), user_columns=frozenset(user)))
        else:
            blocks.append(Paragraph(_("No commitment was made at these meetings."), note=True))
        return Layout(
            language=i18n.current_language(),
            title=sheet_title(sheet),
            blocks=tuple(blocks),
            running_head=(sheet.body, format_date(sheet.as_of)),
            running_foot=_("Follow-up sheet"),
            dated=dt.datetime.combine(sheet.as_of, dt.time(), dt.UTC),
            landscape=True,
        )


def _csv_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(sheet: FollowUpSheet, language: str) -> bytes:
    """One row per commitment, a translated header row, ISO dates; UTF-8 with a byte order
    mark so that Excel reads the accents and Arabic right."""
    with i18n.using_language(language):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [_("No."), _("Commitment"), _("Side"), _("Organisation"), _("Responsible"), _("Due date"), _("Status"),
             _("Overdue"), _("Meetings open"), _("Last progress note"), _("Meeting"), _("Meeting date")]
        )  # fmt: skip
        for row in sheet.rows:
            line = row.commitment
            writer.writerow(
                [
                    line.id,
                    _csv_cell(line.title),
                    label(Side, line.side),
                    _csv_cell(line.organisation),
                    _csv_cell(line.responsible),
                    line.due_on.isoformat() if line.due_on else "",
                    label(CommitmentStatus, line.status),
                    _("yes") if line.overdue else _("no"),
                    line.meetings_open if line.status in ACTIVE else "",
                    _csv_cell(line.last_update),
                    _csv_cell(row.meeting_title),
                    row.meeting_on.isoformat(),
                ]
            )
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_followup(sheet: FollowUpSheet, fmt: str, language: str) -> bytes:
    """The sheet as a file: fmt is "pdf", "docx" or "csv" (see `MEDIA_TYPES`)."""
    if fmt == "csv":
        return write_csv(sheet, language)
    if fmt not in ("pdf", "docx"):
        raise ValueError(f"unknown follow-up sheet format: {fmt!r}")
    return formats.write_file(followup_layout(sheet, language), fmt)
