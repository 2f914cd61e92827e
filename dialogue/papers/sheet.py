"""The sign-in sheet (feuille d'émargement) of a meeting: its invitees grouped by side, a box
to sign, blank rows for those who come uninvited. Its header and headings are in French and
Arabic together, whoever prints it: the same sheet passes from hand to hand in the room.

`sign_in_sheet` reads the meeting into plain frozen data (texts already translated); the
printable page (templates/meetings/attendance_sheet.html) and its PDF (`write_pdf`, in the
export processes) are made from that data alone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue import i18n
from dialogue.choices import Choice
from dialogue.i18n import N_, _
from dialogue.meetings.invitations import invitations_by_side
from dialogue.meetings.models import Invitation, Meeting, MeetingPartner, PartnerRole
from dialogue.people.models import Organisation, Side

# The two languages of the sheet, in the order they are written side by side.
SHEET_LANGUAGES = ("fr", "ar")
# Blank rows at the end for people who come without an invitation.
WALK_IN_ROWS = 8

Pair = tuple[str, str]  # (French, Arabic)

LABELS = {
    "title": N_("Attendance sheet"),
    "number": N_("No."),
    "name": N_("Name"),
    "organisation": N_("Organisation"),
    "role": N_("Role"),
    "signature": N_("Signature"),
    "when": N_("When"),
    "venue": N_("Venue"),
    "online": N_("Online link"),
    "walk_ins": N_("Participants not on the list"),
    "nobody": N_("Nobody is invited to this meeting yet."),
    "tunis_time": N_("Tunis time"),
}


def in_both(make: Callable[[], str]) -> Pair:
    """What `make()` says in French and in Arabic."""
    texts = []
    for language in SHEET_LANGUAGES:
        with i18n.using_language(language):
            texts.append(make())
    return texts[0], texts[1]


def label_in_both(choice: Choice) -> Pair:
    """A choice's label (a side, a role) in French and in Arabic."""
    return in_both(lambda: choice.label)


def both(message: str) -> Pair:
    """`message` translated into French and Arabic."""
    return in_both(lambda: _(message))


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    on_behalf_of: Pair | None  # "On behalf of X" in both languages
    organisation: str
    role: Pair


@dataclass(frozen=True)
class SheetGroup:
    heading: Pair
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class SignInSheet:
    meeting_id: int
    language: str  # the reader's: the page's own language and direction
    labels: dict[str, Pair]
    body: str
    title: str
    when: Pair
    venue: str
    online_url: str
    groups: tuple[SheetGroup, ...]
    walk_ins: tuple[int, ...]  # numbers of the blank rows

    @property
    def direction(self) -> str:
        return i18n.text_direction(self.language)

    @property
    def invitees(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def when(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """From when to when, in the current language and Tunis time."""
    if i18n.local_date(starts_at) == i18n.local_date(ends_at):
        span = f"{i18n.format_datetime(starts_at)}–{i18n.format_time(ends_at)}"
    else:
        span = f"{i18n.format_datetime(starts_at)} – {i18n.format_datetime(ends_at)}"
    tunis_time = _("Tunis time")
    return f"{span} ({tunis_time})"


def _on_behalf_of(name: str) -> Pair:
    return in_both(lambda: _("On behalf of") + " " + i18n.isolate(name))


async def meeting_partners(db: AsyncSession, meeting_id: int) -> list[MeetingPartner]:
    """The organisations with a role on the meeting, in their order, organisation loaded."""
    query = (
        select(MeetingPartner)
        .options(joinedload(MeetingPartner.organisation))
        .where(MeetingPartner.meeting_id == meeting_id)
        .order_by(MeetingPartner.rank, MeetingPartner.id)
    )
    return list(await db.scalars(query))


def _row(invitation: Invitation, number: int) -> SheetRow:
    organisation = invitation.person.organisation
    return SheetRow(
        number=number,
        name=invitation.person.full_name,
        on_behalf_of=_on_behalf_of(invitation.on_behalf_of.full_name) if invitation.on_behalf_of else None,
        organisation=organisation.acronym or organisation.name,
        role=label_in_both(invitation.role),
    )


def _partner_heading(organisation: Organisation, roles: list[PartnerRole]) -> Pair:
    """ "Partner: OIT – Organisation internationale du travail (Coordinator)"."""

    def heading() -> str:
        text = _("Partner: {organisation}").format(organisation=i18n.isolate(organisation.acronym or organisation.name))
        return f"{text} ({i18n.listed(role.label for role in roles)})" if roles else text

    return in_both(heading)


def sign_in_sheet(
    meeting: Meeting, language: str, partners: Sequence[MeetingPartner] = (), *, walk_in_rows: int = WALK_IN_ROWS
) -> SignInSheet:
    """The sheet of `meeting` (loaded with its body and invitations): the three sides, then
    each partner organisation (an organisation of the partners' side, or one with a role on
    the meeting that is not of the three sides) with its role, then the other observers."""
    roles: dict[int, list[PartnerRole]] = defaultdict(list)
    for partner in partners:
        roles[partner.organisation_id].append(partner.role)
    by_side: list[tuple[Pair, list[Invitation]]] = []
    by_partner: dict[int, list[Invitation]] = defaultdict(list)
    organisations: dict[int, Organisation] = {}
    for group in invitations_by_side(meeting):
        if group.side in Side.parties():
            by_side.append((label_in_both(group.side), group.invitations))
            continue
        others = []
        for invitation in group.invitations:
            organisation = invitation.person.organisation
            if organisation.side == Side.PARTNERS or organisation.id in roles:
                by_partner[organisation.id].append(invitation)
                organisations[organisation.id] = organisation
            else:
                others.append(invitation)
        if others:
            by_side.append((label_in_both(group.side), others))
    # Partners in the order of the meeting's partners, then by name.
    rank = {partner.organisation_id: n for n, partner in enumerate(partners)}
    ordered = sorted(by_partner, key=lambda oid: (rank.get(oid, len(rank)), organisations[oid].name.casefold()))
    partner_groups = [(_partner_heading(organisations[oid], roles[oid]), by_partner[oid]) for oid in ordered]
    groups = []
    number = 0
    for heading, invited in [*by_side[:3], *partner_groups, *by_side[3:]]:
        rows = []
        for invitation in invited:
            number += 1
            rows.append(_row(invitation, number))
        if rows:
            groups.append(SheetGroup(heading=heading, rows=tuple(rows)))
    return SignInSheet(
        meeting_id=meeting.id,
        language=language,
        labels={key: both(message) for key, message in LABELS.items()},
        body=meeting.body_name,
        title=meeting.title,
        when=in_both(lambda: when(meeting.starts_at, meeting.ends_at)),
        venue=meeting.venue,
        online_url=meeting.online_url or "",
        groups=tuple(groups),
        walk_ins=tuple(range(number + 1, number + 1 + walk_in_rows)),
    )
