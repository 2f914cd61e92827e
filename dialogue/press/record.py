"""A press release with what it tells of its meeting, as plain frozen data: what the
exports (in the export processes), the pages and the public JSON all read. Made in a fixed
number of queries; nothing internal is in it (no position, no note, no delegate's address)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue import bilingual
from dialogue.i18n import N_, gettext
from dialogue.meetings.models import Attendance, Invitation, Meeting, MeetingKind, PartnerRole
from dialogue.meetings.partners import meeting_partners
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.names import Acronymed
from dialogue.press import service
from dialogue.press.models import PressRelease, ReleaseStatus
from dialogue.press.service import OutcomeLine, shared_outcomes

# The part an organisation plays in the event, as the public JSON's participant "note": the
# council body that holds it ("host"), a partner's role on the event (PartnerRole), or
# "participant" for the organisations of the people who attended.
HOST = "host"


def role_label(role: str) -> str:
    if role == HOST:
        return gettext(N_("Host body"))
    return PartnerRole(role).label


@dataclass(frozen=True)
class OrganisationLine:
    """An organisation of the event and its role in it."""

    key: str  # stable within the app: "body-3", "organisation-7"
    name: str
    acronym: str
    classification: str  # a partner's category, else its side's value; "council-body" for the host
    role: str  # HOST or a PartnerRole value

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def is_partner(self) -> bool:
        return self.role != HOST


@dataclass(frozen=True)
class Contact:
    """The published contact: the only person the public pages name."""

    key: str
    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class ProjectLine(Acronymed):
    """The project the event belongs to."""

    key: str
    name: str
    acronym: str


@dataclass(frozen=True)
class ReleaseRecord:
    """Everything a press release shows, in no language yet (labels are translated where
    they are shown, from the values kept here)."""

    meeting_id: int
    slug: str
    status: str  # ReleaseStatus value
    # The release's texts (title, place, summary, outcomes, contacts) in each language they
    # are written in: (field, ((language, text), ...)) pairs; read through `text`, `title`...
    texts: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    published_at: dt.datetime | None
    kind: str  # MeetingKind value
    body: str  # the council body's name; empty for an event of its own
    project: ProjectLine | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    organisations: tuple[OrganisationLine, ...]
    agenda: tuple[OutcomeLine, ...]
    contact: Contact | None
    updated_at: dt.datetime

    @property
    def published(self) -> bool:
        return self.status == ReleaseStatus.PUBLISHED.value

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label

    def versions(self, field: str) -> dict[str, str]:
        return dict(dict(self.texts).get(field, ()))

    def text(self, field: str) -> tuple[str, str]:
        """`field` in the current language, else in the first written one, and the note
        "(in French)" then ("" when it is in the current language)."""
        text, language = bilingual.choose(self.versions(field))
        return text, bilingual.fallback_note(language)

    def noted(self, field: str) -> str:
        """`field` in the current language, else the first written followed by "(in French)"."""
        return bilingual.noted(self.versions(field))

    @property
    def title(self) -> str:
        return self.noted("title")

    @property
    def place(self) -> str:
        return self.noted("place")

    @property
    def summary(self) -> str:
        return self.noted("summary")

    @property
    def contacts(self) -> str:
        return self.noted("contacts")

    @property
    def outcome_points(self) -> tuple[str, ...]:
        """The points achieved in the current language, each marked "(in French)" when they
        are not written in it."""
        text, note = self.text("outcomes")
        points = (line.strip() for line in text.splitlines() if line.strip())
        return tuple(f"{point} {note}" if note else point for point in points)


def _line(org: Organisation, role: str) -> OrganisationLine:
    classification = org.category.value if org.category is not None else org.side.value
    return OrganisationLine(f"organisation-{org.id}", org.name, org.acronym, classification, role)


async def _organisations(db: AsyncSession, meeting: Meeting) -> tuple[OrganisationLine, ...]:
    """The host body, the partners in their roles (in the secretariat's order), then the
    organisations of the people who attended (of those invited, when attendance was not
    taken) that are not partners already, by side."""
    partners = await meeting_partners(db, meeting.id)
    lines = [_line(partner.organisation, partner.role.value) for partner in partners]
    invitations = list(
        await db.scalars(
            select(Invitation)
            .options(joinedload(Invitation.person).joinedload(Person.organisation))
            .where(Invitation.meeting_id == meeting.id)
            .order_by(Invitation.rank, Invitation.id)
        )
    )
    taken = any(row.attendance is not Attendance.UNRECORDED for row in invitations)
    seen = {line.key for line in lines}
    others: list[OrganisationLine] = []
    for row in invitations:
        if taken and row.attendance is not Attendance.PRESENT:
            continue
        line = _line(row.person.organisation, PartnerRole.PARTICIPANT.value)
        if line.key not in seen:
            seen.add(line.key)
            others.append(line)
    order = {side.value: index for index, side in enumerate(Side)}
    others.sort(key=lambda line: (order.get(line.classification, len(order)), line.name))
    host = (
        [OrganisationLine(f"body-{meeting.body.id}", meeting.body.name, "", "council-body", HOST)]
        if meeting.body is not None
        else []
    )
    return (*host, *lines, *others)


async def release_record(db: AsyncSession, release: PressRelease, meeting: Meeting) -> ReleaseRecord:
    """`release` of `meeting` (its body and project loaded) as frozen data."""
    project = meeting.project
    person = release.contact_person
    contact = (
        Contact(f"person-{person.id}", person.full_name, person.title, person.email or "", person.phone)
        if person is not None
        else None
    )
    return ReleaseRecord(
        meeting_id=meeting.id,
        slug=release.slug,
        status=release.status.value,
        texts=tuple((field, tuple(bilingual.versions_of(release, field).items())) for field in service.TEXTS),
        published_at=release.published_at,
        kind=meeting.kind.value,
        body=meeting.body.name if meeting.body is not None else "",
        project=ProjectLine(f"project-{project.id}", project.name, project.acronym) if project is not None else None,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        venue=meeting.venue,
        organisations=await _organisations(db, meeting),
        agenda=tuple(await shared_outcomes(db, meeting.id)),
        contact=contact,
        updated_at=release.updated_at,
    )
