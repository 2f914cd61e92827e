"""Letters of convocation: one per invitee, on the institution's letterhead, with a
reference number, the date, the meeting's time and place and its agenda, each in the
invitee's own language (French, Arabic or English; Arabic right to left).

`convocations` reads the record into plain frozen `Letter`s (every text already translated),
which the export processes lay out as one PDF (dialogue/papers/printing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual, i18n
from dialogue.agenda.models import AgendaItem
from dialogue.agenda.reading import schedule_of
from dialogue.errors import NotFound
from dialogue.i18n import _
from dialogue.meetings.invitations import ordered_invitations
from dialogue.meetings.models import Invitation, Meeting, MeetingPartner
from dialogue.meetings.service import get_meeting
from dialogue.meetings.sessions import session_label
from dialogue.papers.letterhead import get_letterhead, logo_data_url, reference_number
from dialogue.papers.models import Letterhead
from dialogue.papers.sheet import meeting_partners, when
from dialogue.settings import Settings


@dataclass(frozen=True)
class Letter:
    """One invitee's letter, ready to lay out."""

    language: str
    institution: str
    header_lines: tuple[str, ...]
    footer: str
    logo: str  # a data: address, or ""
    reference: tuple[str, str]  # (label, number)
    dated: str  # "Date : 4 décembre 2026"
    recipient: tuple[str, ...]  # name, title, organisation
    subject: tuple[str, str]  # (label, text)
    salutation: str
    paragraphs: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]  # (label, value): when, where, online, role
    agenda_heading: str
    agenda: tuple[tuple[str, str], ...]  # (the time it is planned for, its title)
    closing: str
    signature: str

    @property
    def direction(self) -> str:
        return i18n.text_direction(self.language)


def invitee_language(invitation: Invitation, settings: Settings) -> str:
    language = invitation.person.language
    return language.value if language else settings.default_language


@dataclass(frozen=True)
class MeetingPapers:
    """What every letter of a meeting draws on besides the meeting and its invitees."""

    items: list[AgendaItem]
    partners: Sequence[MeetingPartner]
    letterhead: Letterhead


def _invitation_text(meeting: Meeting, title: str) -> str:
    """The letter's first sentence: a meeting of one of the council's bodies, or an event."""
    if meeting.body is None:
        return _("We have the honour of inviting you to take part in the {kind} “{title}”.").format(
            kind=meeting.kind.label.lower(), title=title
        )
    return _("We have the honour of inviting you to take part in the meeting “{title}” of {body}.").format(
        title=title, body=i18n.isolate(meeting.body.name)
    )


def _subject(meeting: Meeting, title: str) -> str:
    if meeting.body is None:
        return _("Convocation to “{title}”").format(title=title)
    return _("Convocation to the meeting “{title}”").format(title=title)


def _partners_text(partners: Sequence[MeetingPartner]) -> str:
    """ "MAS (Lead), OIT (Coordinator)": each organisation once, with its roles."""
    roles: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for partner in partners:
        names[partner.organisation_id] = partner.organisation.acronym or partner.organisation.name
        roles.setdefault(partner.organisation_id, []).append(partner.role.label)
    return i18n.listed(f"{i18n.isolate(names[oid])} ({i18n.listed(roles[oid])})" for oid in names)


def _letter(meeting: Meeting, papers: MeetingPapers, invitation: Invitation, language: str) -> Letter:
    person = invitation.person
    organisation = person.organisation
    letterhead, items = papers.letterhead, papers.items
    with i18n.using_language(language):
        # A title is a name in a letter: the invitee's version, else another, with no "(in French)".
        title = i18n.isolate(bilingual.text_in(meeting, "title", language)[0] or meeting.title)
        facts = []
        session = session_label(meeting)
        if session:
            facts.append((_("Session"), session))
        facts.append((_("When"), when(meeting.starts_at, meeting.ends_at)))
        if meeting.venue:
            facts.append((_("Venue"), i18n.isolate(meeting.venue)))
        if meeting.online_url:
            facts.append((_("Online link"), meeting.online_url))
        if meeting.project is not None:
            facts.append((_("Project"), i18n.isolate(meeting.project.name)))
        if papers.partners:
            facts.append((_("Partners"), _partners_text(papers.partners)))
        role = invitation.role.label
        if invitation.on_behalf_of is not None:
            role = _("{role}, on behalf of {name}").format(
                role=role, name=i18n.isolate(invitation.on_behalf_of.full_name)
            )
        facts.append((_("You are invited as"), role))
        return Letter(
            language=language,
            institution=letterhead.text("name", language),
            header_lines=tuple(
                line.strip() for line in letterhead.text("header", language).splitlines() if line.strip()
            ),
            footer=letterhead.text("footer", language),
            logo=logo_data_url(letterhead),
            reference=(_("Ref."), reference_number(letterhead, meeting.id, meeting.starts_at, person.id)),
            dated=_("Date: {date}").format(date=i18n.format_date(i18n.today(), "long")),
            recipient=tuple(part for part in (person.full_name, person.title, organisation.display_name) if part),
            subject=(_("Subject:"), _subject(meeting, title)),
            salutation=_("Dear Sir or Madam,"),
            paragraphs=(_invitation_text(meeting, title),),
            facts=tuple(facts),
            agenda_heading=_("Agenda"),
            agenda=tuple(
                (i18n.format_time(slot.starts_at), bilingual.text_in(item, "title", language)[0] or item.title)
                for item, slot in zip(items, schedule_of(meeting, items).slots, strict=True)
            ),
            closing=_(
                "We would be grateful if you would confirm your attendance to the secretariat. "
                "Please accept the assurance of our highest consideration."
            ),
            signature=_("The Secretariat"),
        )


async def convocations(
    db: AsyncSession, meeting_id: int, settings: Settings, *, person_id: int | None = None
) -> list[Letter]:
    """The letters of a meeting's invitees, in the order of the invitation list (one person
    only with `person_id`: `NotFound` when that person is not invited)."""
    meeting = await get_meeting(db, meeting_id, with_invitations=True)
    invited = ordered_invitations(meeting)
    if person_id is not None:
        invited = [invitation for invitation in invited if invitation.person_id == person_id]
        if not invited:
            raise NotFound(_("This person is not invited to this meeting."))
    items = list(
        await db.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.rank))
    )
    papers = MeetingPapers(items, await meeting_partners(db, meeting.id), await get_letterhead(db))
    return [_letter(meeting, papers, invitation, invitee_language(invitation, settings)) for invitation in invited]
