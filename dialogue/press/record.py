"""A press release with what it tells of its meeting, as plain frozen data: what the
exports (in the export processes), the pages and the public JSON all read. Made in a fixed
number of queries; nothing internal is in it (no position, no note, no delegate's address)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.i18n import N_, gettext
from dialogue.meetings.models import Attendance, Invitation, Meeting, MeetingKind
from dialogue.people.models import Person, Side
from dialogue.press.models import PressRelease, ReleaseStatus
from dialogue.press.service import OutcomeLine, shared_outcomes

# The part an organisation plays in the event, as the public JSON's participant "note".
ROLE_LABELS = {
    "host": N_("Host body"),
    "participant": N_("Participant"),
}


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))


@dataclass(frozen=True)
class OrganisationLine:
    """An organisation of the event and its role in it."""

    key: str  # stable within the app: "body-3", "organisation-7"
    name: str
    acronym: str
    classification: str  # a side's value, or "council-body"
    role: str  # a key of ROLE_LABELS

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def classification_label(self) -> str:
        if self.classification in Side.values():
            return Side(self.classification).label
        return gettext(N_("Council body"))


@dataclass(frozen=True)
class Contact:
    """The published contact: the only person the public pages name."""

    key: str
    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class ReleaseRecord:
    """Everything a press release shows, in no language yet (labels are translated where
    they are shown, from the values kept here)."""

    meeting_id: int
    slug: str
    status: str  # ReleaseStatus value
    title: str
    place: str
    summary: str
    outcomes: str
    contacts: str
    published_at: dt.datetime | None
    kind: str  # MeetingKind value
    body: str
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

    @property
    def outcome_points(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.outcomes.splitlines() if line.strip())


async def _organisations(db: AsyncSession, meeting: Meeting) -> tuple[OrganisationLine, ...]:
    """The host body, then the organisations of the people invited (those who attended when
    attendance was taken), by side."""
    invitations = await db.scalars(
        select(Invitation)
        .options(joinedload(Invitation.person).joinedload(Person.organisation))
        .where(Invitation.meeting_id == meeting.id)
        .order_by(Invitation.rank, Invitation.id)
    )
    rows = list(invitations)
    taken = any(row.attendance is not Attendance.UNRECORDED for row in rows)
    seen: dict[int, OrganisationLine] = {}
    for row in rows:
        if taken and row.attendance is not Attendance.PRESENT:
            continue
        org = row.person.organisation
        if org.id not in seen:
            seen[org.id] = OrganisationLine(
                f"organisation-{org.id}", org.name, org.acronym, org.side.value, "participant"
            )
    order = {side.value: index for index, side in enumerate(Side)}
    others = sorted(seen.values(), key=lambda line: (order.get(line.classification, 9), line.name))
    host = OrganisationLine(f"body-{meeting.body.id}", meeting.body.name, "", "council-body", "host")
    return (host, *others)


async def release_record(db: AsyncSession, release: PressRelease, meeting: Meeting) -> ReleaseRecord:
    """`release` of `meeting` (its body loaded) as frozen data."""
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
        title=release.title,
        place=release.place,
        summary=release.summary,
        outcomes=release.outcomes,
        contacts=release.contacts,
        published_at=release.published_at,
        kind=meeting.kind.value,
        body=meeting.body.name,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        venue=meeting.venue,
        organisations=await _organisations(db, meeting),
        agenda=tuple(await shared_outcomes(db, meeting.id)),
        contact=contact,
        updated_at=release.updated_at,
    )
