"""The minutes document composed from the meeting's record, and stored versions read back as documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual, i18n
from dialogue.agenda.reading import load_items
from dialogue.commitments import at_meetings
from dialogue.commitments.models import Commitment, CommitmentUpdate
from dialogue.documents import service as documents_service
from dialogue.meetings import invitations as meetings_invitations
from dialogue.meetings import service as meetings_service
from dialogue.meetings.models import InvitationRole, Meeting, MeetingStatus
from dialogue.meetings.partners import meeting_partners
from dialogue.minutes.document import (
    AddendumLine,
    AnnexLine,
    AttendeeLine,
    CommitmentLine,
    DecisionLine,
    ItemLine,
    MinutesDocument,
    PartnerLine,
    PositionLine,
    QuorumLine,
    from_json,
)
from dialogue.minutes.models import Minutes, MinutesDecision, MinutesItemComment, MinutesStatus, MinutesVersion
from dialogue.minutes.queries import PARTY_ORDER, addenda_of, comments_of, decisions_of, item_notes, item_summaries
from dialogue.people.models import Organisation, Person, Side


def _organisation_name(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.acronym or organisation.name


def _local_day(moment: dt.datetime) -> dt.date:
    return i18n.local(moment).date()


def _commitment_line(
    commitment: Commitment, day: dt.date, *, meetings_open: int = 0, last_update: str = ""
) -> CommitmentLine:
    responsible: Person | None = commitment.responsible
    return CommitmentLine(
        id=commitment.id,
        title=commitment.title,
        side=commitment.side.value,
        organisation=_organisation_name(commitment.organisation),
        responsible=responsible.full_name if responsible is not None else "",
        due_on=commitment.due_on,
        status=commitment.status.value,
        overdue=commitment.is_overdue(day),
        meetings_open=meetings_open,
        last_update=last_update,
    )


async def _last_shared_notes(db: AsyncSession, commitment_ids: Sequence[int]) -> dict[int, str]:
    """The latest progress note shared with every side, per commitment (internal notes never
    enter minutes)."""
    if not commitment_ids:
        return {}
    rows = await db.execute(
        select(CommitmentUpdate.commitment_id, CommitmentUpdate.note)
        .where(CommitmentUpdate.commitment_id.in_(list(commitment_ids)), CommitmentUpdate.internal.is_(False))
        .order_by(CommitmentUpdate.written_on.desc(), CommitmentUpdate.id.desc())
    )
    latest: dict[int, str] = {}
    for commitment_id, note in rows.all():
        latest.setdefault(commitment_id, note)
    return latest


async def _next_meeting(db: AsyncSession, meeting: Meeting) -> dt.datetime | None:
    return await db.scalar(
        select(Meeting.starts_at)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.starts_at > meeting.starts_at,
            # A draft is not announced yet (the minutes go to every side).
            Meeting.status.not_in((MeetingStatus.CANCELLED, MeetingStatus.DRAFT)),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def approving_sides(meeting: Meeting) -> list[Side]:
    """The party sides that must approve the minutes: those with at least one member present
    who counts for the quorum (observers, and people invited as observers or secretariat,
    never count). `meeting` is loaded with its body and invitations."""
    report = meetings_invitations.meeting_quorum(meeting)
    return [tally.side for tally in report.sides if tally.counts and tally.counted > 0]


async def build_document(
    db: AsyncSession, meeting: Meeting, minutes: Minutes | None, version: int = 0
) -> MinutesDocument:
    """The minutes as the record says them now, with the secretariat's narratives.

    `meeting` must be loaded with its body and invitations (`meetings.service.get_meeting(...,
    with_invitations=True)`). Only what every side may read enters the document: shared
    positions, shared progress notes; never an internal draft. `version` 0 is the live draft;
    a number is the version about to be circulated.
    """
    day = _local_day(meeting.starts_at)
    attendees = []
    chair = None
    for invitation in meetings_invitations.ordered_invitations(meeting):
        person = invitation.person
        if invitation.role is InvitationRole.CHAIR and chair is None:
            chair = person.full_name
        attendees.append(
            AttendeeLine(
                name=person.full_name,
                organisation=_organisation_name(person.organisation),
                side=meetings_invitations.side_of(invitation).value,
                role=invitation.role.value,
                attendance=invitation.attendance.value,
                on_behalf_of=invitation.on_behalf_of.full_name if invitation.on_behalf_of is not None else None,
                arrived_late=invitation.arrived_late,
            )
        )
    report = meetings_invitations.meeting_quorum(meeting)
    quorum_lines = tuple(
        QuorumLine(
            side=tally.side.value,
            present=tally.counted if tally.counts else tally.present,
            required=tally.required,
            counts=tally.counts,
        )
        for tally in report.sides
        if tally.counts or tally.invited
    )

    summaries = await item_summaries(db, minutes)
    translations: dict[str, dict[str, str]] = {}

    def versions(key: str, record: Any, name: str) -> None:
        written = bilingual.versions_of(record, name) if record is not None else {}
        if written:
            translations[key] = written

    versions("title", meeting, "title")
    versions("introduction", minutes, "introduction")
    versions("closing", minutes, "closing")
    for note in await item_notes(db, minutes):
        versions(f"item.{note.agenda_item_id}.summary", note, "summary")
    made = await at_meetings.made_at(db, meeting)
    made_by_item = {group.item.id: group.commitments for group in made if group.item is not None}
    loose = next((group.commitments for group in made if group.item is None), [])
    items = []
    for item in await load_items(db, meeting.id, visible=frozenset()):
        shared = sorted(
            (p for p in item.positions if not p.internal and p.side in Side.parties()),
            key=lambda p: PARTY_ORDER[p.side],
        )
        outcome = item.outcome
        versions(f"item.{item.id}.title", item, "title")
        versions(f"item.{item.id}.description", item, "description")
        versions(f"item.{item.id}.outcome_text", outcome, "text")
        for commitment in made_by_item.get(item.id, []):
            versions(f"commitment.{commitment.id}.title", commitment, "title")
        items.append(
            ItemLine(
                id=item.id,
                rank=item.rank,
                title=item.title,
                description=item.description,
                summary=summaries.get(item.id, ""),
                positions=tuple(PositionLine(p.side.value, p.stance.value, p.statement) for p in shared),
                outcome_kind=outcome.kind.value if outcome is not None else None,
                outcome_text=outcome.text if outcome is not None else "",
                outcome_sides=tuple(side.value for side in outcome.agreeing_sides) if outcome is not None else (),
                commitments=tuple(_commitment_line(c, day) for c in made_by_item.get(item.id, [])),
                follow_up=item.follow_up,
            )
        )

    arising = await at_meetings.matters_arising(db, meeting, today=day)
    ids = [matter.commitment.id for matter in arising]
    for commitment in [*(matter.commitment for matter in arising), *loose]:
        versions(f"commitment.{commitment.id}.title", commitment, "title")
    notes = await _last_shared_notes(db, ids)
    matters = tuple(
        _commitment_line(
            matter.commitment,
            day,
            meetings_open=matter.meetings_open,
            last_update=notes.get(matter.commitment.id, ""),
        )
        for matter in arising
    )
    return MinutesDocument(
        meeting_id=meeting.id,
        body=meeting.body_name,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        venue=meeting.venue,
        online_url=meeting.online_url,
        chair=chair,
        attendees=tuple(attendees),
        quorum_met=report.quorum_met,
        quorum=quorum_lines,
        parity=report.every_side_represented,
        introduction=minutes.introduction if minutes is not None else "",
        items=tuple(items),
        matters_arising=matters,
        closing=minutes.closing if minutes is not None else "",
        next_meeting=await _next_meeting(db, meeting),
        version=version,
        status=MinutesStatus.DRAFT.value if version == 0 else MinutesStatus.CIRCULATED.value,
        commitments=tuple(_commitment_line(c, day) for c in loose),
        annex=await _annex(db, meeting.id),
        translations=translations,
        partners=tuple(
            PartnerLine(role=partner.role.value, organisation=_organisation_name(partner.organisation))
            for partner in await meeting_partners(db, meeting.id)
        ),
        session_kind=meeting.session_kind.value if meeting.session_kind is not None else None,
        session_number=meeting.session_number,
    )


async def _annex(db: AsyncSession, meeting_id: int) -> tuple[AnnexLine, ...]:
    """The meeting's shared documents, at their latest version."""
    documents = await documents_service.shared_documents_of_meeting(db, meeting_id)
    attached = await documents_service.attached_to(db, documents)
    lines = []
    for document in documents:
        item, side = attached.get(document.id, ("", None))
        latest = document.latest
        lines.append(
            AnnexLine(
                title=document.title,
                version=latest.number,
                uploaded_on=i18n.local_date(latest.uploaded_at),
                item=item,
                side=side.value if side is not None else "",
            )
        )
    return tuple(lines)


async def live_document(db: AsyncSession, meeting_id: int, minutes: Minutes | None) -> MinutesDocument:
    meeting = await meetings_service.get_meeting(db, meeting_id, with_invitations=True)
    return await build_document(db, meeting, minutes)


def decision_lines(
    decisions: Sequence[MinutesDecision], comments: Mapping[int, list[MinutesItemComment]]
) -> tuple[DecisionLine, ...]:
    return tuple(
        DecisionLine(
            side=decision.side.value,
            decision=decision.decision.value,
            by=decision.decided_by,
            at=decision.decided_at,
            text=decision.text,
            item_comments=tuple((c.item_title, c.comment) for c in comments.get(decision.id, [])),
        )
        for decision in decisions
    )


async def stored_document(db: AsyncSession, minutes: Minutes, version: MinutesVersion) -> MinutesDocument:
    """A circulated version as it was frozen, with the decisions given on it so far; the
    adopted version as adopted (decisions, date, SHA-256), with the addenda at the end."""
    document = from_json(version.content)
    if document.adopted:
        addenda = await addenda_of(db, minutes)
        return dataclasses.replace(document, addenda=tuple(AddendumLine(a.written_on, a.text) for a in addenda))
    decisions = (await decisions_of(db, [version.id]))[version.id]
    comments = await comments_of(db, [d.id for d in decisions])
    return dataclasses.replace(document, decisions=decision_lines(decisions, comments))
