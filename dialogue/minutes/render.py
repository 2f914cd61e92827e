"""The minutes as files: `render_minutes(document, fmt, language) -> bytes`.

Pure functions of a `MinutesDocument` (dialogue/minutes/document.py) and a language: no
database, no request. Labels (sides, stances, outcomes, statuses, attendance, roles) and
dates are translated into `language` here; the document holds only stored values. PDF and
DOCX take seconds for a long meeting: requests render them in the export processes
(dialogue/minutes/render_pool.py; adopted minutes once: dialogue/minutes/rendered.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from types import SimpleNamespace

from dialogue import bilingual, i18n
from dialogue.agenda.models import OutcomeKind, Stance
from dialogue.choices import Choice
from dialogue.commitments.models import CommitmentStatus
from dialogue.i18n import _, format_date, format_datetime, format_time
from dialogue.meetings.models import Attendance, InvitationRole, PartnerRole, SessionKind
from dialogue.meetings.sessions import session_label
from dialogue.minutes import formats
from dialogue.minutes.document import AttendeeLine, CommitmentLine, ItemLine, MinutesDocument
from dialogue.minutes.formats import Block, Fields, Heading, Items, Layout, Paragraph, Table
from dialogue.minutes.models import Decision, MinutesStatus
from dialogue.people.models import Side

FORMATS = ("pdf", "docx", "md", "html")
MEDIA_TYPES: dict[str, str] = {fmt: formats.MEDIA_TYPES[fmt] for fmt in FORMATS}

# Attendance in the order the minutes list it.
ATTENDANCE_ORDER = {value: rank for rank, value in enumerate(("present", "excused", "absent", "unrecorded"))}


def label(choice: type[Choice], value: str | None) -> str:
    """The translated label of a stored value (the value itself if it is no longer known)."""
    if value is None:
        return ""
    try:
        return choice(value).label
    except ValueError:
        return value


def commitment_status(line: CommitmentLine) -> str:
    text = label(CommitmentStatus, line.status)
    return _("{status} (overdue)").format(status=text) if line.overdue else text


def commitment_owner(line: CommitmentLine) -> str:
    """Who: the side, then the organisation and the person responsible when known."""
    parts = (label(Side, line.side), line.organisation, line.responsible)
    return formats.joined(parts, " – ", i18n.text_direction())


# The blocks of the minutes ------------------------------------------------------------------


def _header(document: MinutesDocument) -> Iterable[Block]:
    yield Heading(_("Minutes: {title}").format(title=document.title), level=1)
    rows = [(_("Body"), document.body)]
    if session := session_of(document):
        rows.append((_("Session"), session))
    rows += [
        (_("Date"), format_date(document.starts_at, "full")),
        (_("Time"), f"{format_time(document.starts_at)} – {format_time(document.ends_at)}"),
    ]
    if document.venue:
        rows.append((_("Venue"), document.venue))
    if document.online_url:
        rows.append((_("Online"), document.online_url))
    rows.append((_("Chair"), document.chair or _("Not recorded")))
    yield Fields(tuple(rows))


def session_of(document: MinutesDocument) -> str:
    """ "2nd ordinary session of 2026" in the current language, or ""."""
    if document.session_kind is None:
        return ""
    try:
        kind = SessionKind(document.session_kind)
    except ValueError:
        return ""
    return session_label(
        SimpleNamespace(session_kind=kind, session_number=document.session_number, starts_at=document.starts_at)
    )


def _partners(document: MinutesDocument) -> Iterable[Block]:
    """The organisations by role ("Technical partners: OTE, ONM, INS"); they never count."""
    if not document.partners:
        return
    yield Heading(_("Partners"))
    roles: dict[str, list[str]] = {}
    for line in document.partners:
        roles.setdefault(line.role, []).append(line.organisation)
    known = [role.value for role in PartnerRole]
    ordered = sorted(roles, key=lambda r: (known.index(r) if r in known else len(known), r))
    yield Fields(tuple((label(PartnerRole, role), i18n.listed(roles[role])) for role in ordered))
    yield Paragraph(_("Partners never count for quorum or parity and do not approve the minutes."), note=True)


def _attendee_remarks(line: AttendeeLine) -> str:
    remarks = []
    if line.on_behalf_of:
        remarks.append(_("on behalf of {name}").format(name=line.on_behalf_of))
    if line.arrived_late:
        remarks.append(_("arrived late"))
    return i18n.listed(remarks, semicolons=True)


def _attendance(document: MinutesDocument) -> Iterable[Block]:
    yield Heading(_("Attendance"))
    if not document.attendees:
        yield Paragraph(_("No attendance was recorded."), note=True)
    by_side: dict[str, list[AttendeeLine]] = {}
    for line in document.attendees:
        by_side.setdefault(line.side, []).append(line)
    known = [side.value for side in Side]
    for side in sorted(by_side, key=lambda s: (known.index(s) if s in known else len(known), s)):
        people = sorted(by_side[side], key=lambda line: ATTENDANCE_ORDER.get(line.attendance, 9))
        yield Table(
            headers=(_("Name"), _("Organisation"), _("Role"), _("Attendance"), _("Remarks")),
            rows=tuple(
                (
                    line.name,
                    line.organisation,
                    label(InvitationRole, line.role),
                    label(Attendance, line.attendance),
                    _attendee_remarks(line),
                )
                for line in people
            ),
            user_columns=frozenset({0, 1, 4}),
            caption=label(Side, side),
            widths=(24, 33, 12, 11, 20),
        )


def _quorum(document: MinutesDocument) -> Iterable[Block]:
    yield Heading(_("Quorum and parity"))
    yield Paragraph(_("The quorum was reached.") if document.quorum_met else _("The quorum was not reached."))
    yield Paragraph(
        _("The three parties (government, workers, employers) were represented.")
        if document.parity
        else _("Not all three parties (government, workers, employers) were represented.")
    )
    if document.quorum:
        yield Table(
            headers=(_("Side"), _("Present"), _("Required")),
            rows=tuple(
                (
                    label(Side, line.side),
                    i18n.format_number(line.present),
                    i18n.format_number(line.required) if line.counts else _("does not count"),
                )
                for line in document.quorum
            ),
        )


def _commitments_table(lines: Iterable[CommitmentLine]) -> Table:
    return Table(
        headers=(_("Commitment"), _("Who"), _("By when"), _("Status")),
        rows=tuple(
            (line.title, commitment_owner(line), format_date(line.due_on) or _("No due date"), commitment_status(line))
            for line in lines
        ),
        user_columns=frozenset({0, 1}),
        widths=(32, 36, 17, 15),
    )


def item_title(item: ItemLine) -> str:
    """The item's title; the carry-over item's in the current language (its stored title
    is in the language of whoever scheduled the meeting)."""
    return _("Follow-up of commitments") if item.follow_up else item.title


def _item(item: ItemLine) -> Iterable[Block]:
    yield Heading(f"{item.rank}. {item_title(item)}", level=3)
    if item.follow_up:
        # Its stored text lists the commitments in the scheduler's language, as they stood
        # when the meeting was scheduled: the matters arising give them as of the meeting.
        yield Paragraph(_("The commitments still open are listed, with their status, under “Matters arising”."))
    elif item.description.strip():
        yield Paragraph(item.description, user=True)
    if item.summary.strip():
        yield Paragraph(item.summary, user=True, label=_("Summary:"))
    stances = {line.side: line for line in item.positions}
    yield Table(
        headers=(_("Side"), _("Position"), _("Statement")),
        rows=tuple(
            (
                side.label,
                label(Stance, stances[side.value].stance) if side.value in stances else _("No position shared"),
                stances[side.value].statement if side.value in stances else "",
            )
            for side in Side.parties()
        ),
        user_columns=frozenset({2}),
        caption=_("Positions of the sides"),
        widths=(22, 18, 60),
    )
    if item.outcome_kind:
        outcome = label(OutcomeKind, item.outcome_kind)
        if item.outcome_sides:
            outcome += " (" + i18n.listed(label(Side, side) for side in item.outcome_sides) + ")"
        yield Paragraph(outcome, label=_("Outcome:"))
        if item.outcome_text.strip():
            yield Paragraph(item.outcome_text, user=True)
    else:
        yield Paragraph(_("No outcome recorded."), label=_("Outcome:"), note=True)
    if item.commitments:
        yield Heading(_("Commitments"), level=4)
        yield _commitments_table(item.commitments)


def _matters_arising(document: MinutesDocument) -> Iterable[Block]:
    yield Heading(_("Matters arising"))
    if not document.matters_arising:
        yield Paragraph(_("No commitment from earlier meetings is still open."), note=True)
        return
    yield Table(
        headers=(_("Commitment"), _("Who"), _("By when"), _("Status"), _("Meetings open"), _("Last progress note")),
        rows=tuple(
            (
                line.title,
                commitment_owner(line),
                format_date(line.due_on) or _("No due date"),
                commitment_status(line),
                i18n.format_number(line.meetings_open),
                line.last_update,
            )
            for line in document.matters_arising
        ),
        user_columns=frozenset({0, 1, 5}),
        widths=(18, 20, 12, 12, 16, 22),
    )


def _decisions(document: MinutesDocument) -> Iterable[Block]:
    if not document.decisions:
        return
    yield Heading(_("Approval by the sides"))
    yield Table(
        headers=(_("Side"), _("Decision"), _("By"), _("On"), _("Reservations or comments")),
        rows=tuple(
            (label(Side, line.side), label(Decision, line.decision), line.by, format_datetime(line.at), line.text)
            for line in document.decisions
        ),
        user_columns=frozenset({2, 4}),
        widths=(14, 14, 18, 18, 36),
    )
    comments = [
        (line, title, comment) for line in document.decisions for title, comment in line.item_comments if comment
    ]
    if comments:
        yield Items(
            tuple(
                _("{side} on “{item}”: {comment}").format(side=label(Side, line.side), item=title, comment=comment)
                for line, title, comment in comments
            )
        )


def _adoption(document: MinutesDocument) -> Iterable[Block]:
    yield Heading(_("Adoption"))
    if document.adopted_at is None:
        yield Paragraph(
            _("Version {version}, {status}: these minutes are not adopted.").format(
                version=document.version, status=label(MinutesStatus, document.status).lower()
            ),
            note=True,
        )
        return
    yield Paragraph(_("Adopted on {date}.").format(date=format_datetime(document.adopted_at)))
    if document.sha256:
        yield Paragraph(document.sha256, label="SHA-256:")


def _annex(document: MinutesDocument) -> Iterable[Block]:
    """The meeting's shared documents: title, version and date (the files are on the
    meeting's documents page)."""
    if not document.annex:
        return
    yield Heading(_("Annex: documents"))
    rows = []
    for line in document.annex:
        where = line.item or _("The meeting")
        if line.side:
            where = formats.joined((where, label(Side, line.side)), " – ", i18n.text_direction())
        rows.append((line.title, where, str(line.version), format_date(line.uploaded_on)))
    yield Table(
        headers=(_("Document"), _("Attached to"), _("Version"), _("Date")),
        rows=tuple(rows),
        user_columns=frozenset({0, 1}),
        widths=(40, 34, 10, 16),
    )


def localized(document: MinutesDocument, language: str | None = None) -> MinutesDocument:
    """`document` with each text written in several languages in `language`'s version
    (default: the current language), else another one followed by "(in French)"... (see
    dialogue/bilingual.py). The same document when it holds no versions."""
    versions = document.translations
    if not versions:
        return document

    def text(key: str, canonical: str) -> str:
        return bilingual.noted(versions[key], language) if key in versions else canonical

    def commitment(line: CommitmentLine) -> CommitmentLine:
        return dataclasses.replace(line, title=text(f"commitment.{line.id}.title", line.title))

    items = tuple(
        dataclasses.replace(
            item,
            title=text(f"item.{item.id}.title", item.title),
            description=text(f"item.{item.id}.description", item.description),
            summary=text(f"item.{item.id}.summary", item.summary),
            outcome_text=text(f"item.{item.id}.outcome_text", item.outcome_text),
            commitments=tuple(commitment(line) for line in item.commitments),
        )
        for item in document.items
    )
    return dataclasses.replace(
        document,
        title=text("title", document.title),
        introduction=text("introduction", document.introduction),
        closing=text("closing", document.closing),
        items=items,
        matters_arising=tuple(commitment(line) for line in document.matters_arising),
        commitments=tuple(commitment(line) for line in document.commitments),
        translations={},
    )


def minutes_blocks(document: MinutesDocument) -> tuple[Block, ...]:
    """Everything the minutes say, in order, translated into the current language (each
    text in its version in that language, see `localized`)."""
    document = localized(document)
    blocks: list[Block] = [*_header(document), *_partners(document), *_attendance(document), *_quorum(document)]
    if document.introduction.strip():
        blocks += [Heading(_("Introduction")), Paragraph(document.introduction, user=True)]
    blocks.append(Heading(_("Agenda")))
    if document.items:
        blocks.append(Items(tuple(item_title(item) for item in document.items), ordered=True))
        blocks.append(Heading(_("Proceedings")))
        for item in document.items:
            blocks += _item(item)
    else:
        blocks.append(Paragraph(_("The agenda is empty."), note=True))
    if document.commitments:
        blocks += [Heading(_("Other commitments"), level=3), _commitments_table(document.commitments)]
    blocks += _matters_arising(document)
    if document.closing.strip():
        blocks += [Heading(_("Closing")), Paragraph(document.closing, user=True)]
    blocks.append(Heading(_("Next meeting")))
    blocks.append(
        Paragraph(format_datetime(document.next_meeting) if document.next_meeting else _("Not scheduled yet."))
    )
    blocks += _annex(document)
    blocks += _decisions(document)
    blocks += _adoption(document)
    if document.addenda:
        blocks.append(Heading(_("Addenda")))
        for addendum in document.addenda:
            blocks.append(Paragraph(addendum.text, user=True, label=format_date(addendum.written_on) + ":"))
    return tuple(blocks)


def version_line(document: MinutesDocument) -> str:
    """ "Version 2 · Circulated" (version 0 is the live draft)."""
    status = label(MinutesStatus, document.status)
    if document.version == 0:
        return _("Working draft · {status}").format(status=status)
    return _("Version {version} · {status}").format(version=document.version, status=status)


def minutes_layout(document: MinutesDocument, language: str) -> Layout:
    """The minutes in `language`, ready for any format."""
    with i18n.using_language(language):
        document = localized(document)
        foot = version_line(document)
        if document.adopted and document.sha256:
            foot += f" · SHA-256 {document.sha256[:16]}…"
        return Layout(
            language=i18n.current_language(),
            title=_("Minutes: {title}").format(title=document.title),
            blocks=minutes_blocks(document),
            running_head=(document.body, format_date(document.starts_at, "long")),
            running_foot=foot,
            watermark=None if document.adopted else _("DRAFT"),
            banner="" if document.adopted else version_line(document),
            dated=document.adopted_at or document.starts_at,
        )


def render_minutes(document: MinutesDocument, fmt: str, language: str) -> bytes:
    """The minutes as a file: fmt is "pdf", "docx", "md" or "html" (see `MEDIA_TYPES`);
    `language` is "fr", "ar" or "en" (another falls back to the default, French)."""
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"unknown minutes format: {fmt!r}")
    return formats.write_file(minutes_layout(document, language), fmt)
