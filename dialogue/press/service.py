"""The rules of press releases: a draft from a held meeting's record, the secretariat's
edits (optimistic concurrency on `version`), publishing and unpublishing, and what the
public pages may read (published releases only)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue import bilingual, i18n
from dialogue.agenda.models import AgendaItem
from dialogue.db import utcnow
from dialogue.errors import Invalid, NotFound, Refused, check_version
from dialogue.i18n import _
from dialogue.meetings.models import Invitation, InvitationRole, Meeting, MeetingPartner, MeetingStatus
from dialogue.meetings.partners import meeting_partners
from dialogue.people.models import Person
from dialogue.press.models import PressRelease, ReleaseStatus
from dialogue.text_input import text_problem

TITLE_MAX = 300
PLACE_MAX = 300
TEXT_MAX = 20_000
SLUG_MAX = 100


async def get_release(db: AsyncSession, meeting_id: int) -> PressRelease | None:
    """The press release of a meeting (with its contact person), if it has one."""
    return await db.scalar(
        select(PressRelease)
        .options(joinedload(PressRelease.contact_person))
        .where(PressRelease.meeting_id == meeting_id)
    )


async def is_published(db: AsyncSession, meeting_id: int) -> bool:
    """Whether the meeting has a published press release (its page links to it for everyone)."""
    status = await db.scalar(select(PressRelease.status).where(PressRelease.meeting_id == meeting_id))
    return status is ReleaseStatus.PUBLISHED


async def readable_release(db: AsyncSession, meeting_id: int, *, sees_drafts: bool) -> PressRelease:
    """The release as a reader may see it: the secretariat sees it at any stage, everyone
    else only once it is published (otherwise it does not exist for them)."""
    release = await get_release(db, meeting_id)
    if release is None or (not sees_drafts and release.status is not ReleaseStatus.PUBLISHED):
        raise NotFound(_("This meeting has no published press release."))
    return release


def ensure_held(meeting: Meeting) -> None:
    if meeting.status is not MeetingStatus.HELD:
        raise Refused(_("A press release is written for a held meeting: set the meeting's status to “Held” first."))


def slug_words(text: str) -> str:
    """Lower-case ASCII words joined by dashes ("Atelier de clôture" -> "atelier-de-cloture");
    empty for a text with no Latin letter or digit (an Arabic title)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:SLUG_MAX].rstrip("-")


async def _free_slug(db: AsyncSession, meeting: Meeting) -> str:
    """The public address of the release: the local date and the title's words
    ("2022-07-27-atelier-de-cloture-du-projet-amem"), made unique by the meeting's number."""
    day = i18n.local(meeting.starts_at).date().isoformat()
    words = slug_words(meeting.title)
    slug = f"{day}-{words}" if words else f"{day}-event-{meeting.id}"
    if await db.scalar(select(PressRelease.id).where(PressRelease.slug == slug)) is not None:
        slug = f"{slug}-{meeting.id}"
    return slug


@dataclass(frozen=True)
class OutcomeLine:
    """A shared outcome of the record: the item's title and what the meeting concluded, as
    stored (`item`, `text`) and in each language it is written in (`titles`, `texts`)."""

    item: str
    kind: str  # the OutcomeKind value
    text: str
    follow_up: bool = False  # the "follow-up of commitments" item: its title in the reader's language
    titles: tuple[tuple[str, str], ...] = ()  # (language, text) pairs
    texts: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        """The item's title in the reader's language, else the first one written."""
        if self.follow_up:
            return _("Follow-up of commitments")
        return bilingual.choose(dict(self.titles))[0] or self.item

    @property
    def noted_title(self) -> str:
        """The same, marked "(in French)" when it is not in the reader's language."""
        if self.follow_up or not self.titles:
            return self.title
        return bilingual.noted(dict(self.titles))

    @property
    def reader_text(self) -> str:
        """What was concluded in the reader's language, else the first one written."""
        return bilingual.choose(dict(self.texts))[0] if self.texts else self.text

    @property
    def noted_text(self) -> str:
        return bilingual.noted(dict(self.texts)) if self.texts else self.text

    @property
    def label(self) -> str:
        from dialogue.agenda.models import OutcomeKind

        return OutcomeKind(self.kind).label


async def shared_outcomes(db: AsyncSession, meeting_id: int) -> list[OutcomeLine]:
    """The outcomes of the meeting's agenda items, in agenda order. Outcomes are the
    meeting's shared conclusions; positions (internal or not) and notes never come here."""
    items = await db.scalars(
        select(AgendaItem)
        .options(joinedload(AgendaItem.outcome))
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.rank, AgendaItem.id)
    )
    return [
        OutcomeLine(
            item.title,
            item.outcome.kind.value,
            item.outcome.text,
            item.follow_up,
            tuple(bilingual.versions_of(item, "title").items()),
            tuple(bilingual.versions_of(item.outcome, "text").items()),
        )
        for item in items.unique()
        if item.outcome is not None
    ]


def achievement(line: OutcomeLine) -> str:
    """An outcome as a point of the release: what was concluded, after the item's title
    ("Feuille de route : Accord tripartite – adoptée par les trois parties")."""
    text = " ".join(line.reader_text.split())
    return f"{line.title}{_(': ')}{line.label}" + (f" – {text}" if text else "")


async def secretariat_contact(db: AsyncSession, meeting_id: int) -> Person | None:
    """The first person invited to the meeting for the secretariat: the release's contact."""
    return await db.scalar(
        select(Person)
        .join(Invitation, Invitation.person_id == Person.id)
        .where(Invitation.meeting_id == meeting_id, Invitation.role == InvitationRole.SECRETARIAT)
        .order_by(Invitation.rank, Invitation.id)
        .limit(1)
    )


def contact_lines(person: Person | None) -> str:
    """The contact as printed: name and role, then email and phone."""
    if person is None:
        return ""
    # The name isolated: an Arabic name before a French title keeps the line left to right.
    first = ", ".join(part for part in (i18n.isolate(person.full_name), person.title) if part)
    second = " – ".join(part for part in (person.email or "", person.phone) if part)
    return "\n".join(line for line in (first, second) if line)


def opening_paragraph(meeting: Meeting, partners: list[MeetingPartner]) -> str:
    """The first paragraph, in the current language: when, what, where, within which
    project, and with which partners in which role."""
    values = {
        "date": i18n.format_date(meeting.starts_at, "long"),
        "time": i18n.format_time(meeting.starts_at),
        "title": bilingual.plain(meeting, "title"),
    }
    if meeting.body is not None:
        text = _("On {date}, from {time}, “{title}” ({body}) was held").format(body=meeting.body.name, **values)
    else:
        text = _("On {date}, from {time}, “{title}” was held").format(**values)
    if meeting.venue:
        text += _(" at {venue}").format(venue=meeting.venue)
    if meeting.project is not None:
        text += _(", within the project {project}").format(project=meeting.project.display_name)
    text += "."
    if partners:
        listed = i18n.listed(f"{partner.organisation.name} ({partner.role.label.lower()})" for partner in partners)
        text += " " + _("Partners: {partners}.").format(partners=listed)
    return text


# The texts of a release written in each language (dialogue/bilingual.py).
TEXTS = ("title", "place", "summary", "outcomes", "contacts")


def drafted_texts(
    meeting: Meeting, partners: list[MeetingPartner], outcomes: list[OutcomeLine], contact: Person | None
) -> dict[str, str]:
    """The texts of the draft in the current language, from the record, with labels, dates
    and roles in that language. The title is the meeting's title in that language, none when
    it is not written in it (the release then reads in another language, marked "(in
    French)", until the secretariat writes it)."""
    title = bilingual.versions_of(meeting, "title").get(i18n.current_language(), "")
    return {
        "title": title[:TITLE_MAX],
        "place": meeting.venue[:PLACE_MAX],
        "summary": opening_paragraph(meeting, partners),
        "outcomes": "\n".join(achievement(line) for line in outcomes),
        "contacts": contact_lines(contact),
    }


async def start_release(db: AsyncSession, meeting: Meeting) -> PressRelease:
    """The draft of a held meeting's press release, written from its record in French,
    Arabic and English: title, place, an opening paragraph, the shared outcomes (one a line)
    and the secretariat's contact. Refused for a meeting not held, or one that has a release."""
    ensure_held(meeting)
    if await get_release(db, meeting.id) is not None:
        raise Refused(_("This meeting has a press release already."))
    outcomes = await shared_outcomes(db, meeting.id)
    contact = await secretariat_contact(db, meeting.id)
    partners = await meeting_partners(db, meeting.id)
    drafts: dict[str, dict[str, str]] = {}
    for language in bilingual.LANGUAGES:
        with i18n.using_language(language):
            drafts[language] = drafted_texts(meeting, partners, outcomes, contact)
    release = PressRelease(
        meeting_id=meeting.id,
        slug=await _free_slug(db, meeting),
        status=ReleaseStatus.DRAFT,
        contact_person_id=contact.id if contact is not None else None,
        translations={},
    )
    for field in TEXTS:
        bilingual.set_versions(release, field, {language: drafts[language][field] for language in drafts})
    db.add(release)
    await db.flush()
    return release


@dataclass(frozen=True)
class ReleaseDraft:
    """What the secretariat edits, read at `version`: each text in French (`title`), Arabic
    (`title_ar`) and English (`title_en`)."""

    title: str
    title_ar: str
    title_en: str
    place: str
    place_ar: str
    place_en: str
    summary: str
    summary_ar: str
    summary_en: str
    outcomes: str
    outcomes_ar: str
    outcomes_en: str
    contacts: str
    contacts_ar: str
    contacts_en: str
    version: int | None


LIMITS = {"title": TITLE_MAX, "place": PLACE_MAX, "summary": TEXT_MAX, "outcomes": TEXT_MAX, "contacts": TEXT_MAX}


def _problems(draft: ReleaseDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        errors.update(
            bilingual.draft_errors(
                draft, name, functools.partial(text_problem, maximum=limit), required=name == "title"
            )
        )
    return errors


async def save_release(db: AsyncSession, release: PressRelease, draft: ReleaseDraft) -> PressRelease:
    """Save the secretariat's texts in each language: `Stale` when someone saved in between,
    `Invalid` for a title written in no language or a text too long. A published release
    changes on the public page too."""
    check_version(release, draft.version)
    errors = _problems(draft)
    if errors:
        raise Invalid(errors, {name: getattr(draft, name) for name in bilingual.draft_names(*TEXTS)})
    bilingual.apply_draft(release, draft, *TEXTS)
    await db.flush()
    return release


async def publish(db: AsyncSession, release: PressRelease, version: int | None, meeting: Meeting) -> PressRelease:
    """Put the release on the public pages (refused unless the meeting is still held)."""
    check_version(release, version)
    ensure_held(meeting)
    if release.status is not ReleaseStatus.PUBLISHED:
        release.status = ReleaseStatus.PUBLISHED
        release.published_at = utcnow()
        await db.flush()
    return release


async def unpublish(db: AsyncSession, release: PressRelease, version: int | None) -> PressRelease:
    """Take the release off the public pages (it stays a draft, its texts kept)."""
    check_version(release, version)
    if release.status is not ReleaseStatus.DRAFT:
        release.status = ReleaseStatus.DRAFT
        release.published_at = None
        await db.flush()
    return release


# The public pages ------------------------------------------------------------------------


def _published() -> Select[tuple[PressRelease]]:
    """The published releases of held meetings, with their meeting (its body and project)
    and their contact person."""
    return (
        select(PressRelease)
        .join(Meeting, Meeting.id == PressRelease.meeting_id)
        .options(
            joinedload(PressRelease.meeting).options(joinedload(Meeting.body), joinedload(Meeting.project)),
            joinedload(PressRelease.contact_person),
        )
        .where(PressRelease.status == ReleaseStatus.PUBLISHED, Meeting.status == MeetingStatus.HELD)
    )


async def published_releases(db: AsyncSession) -> list[PressRelease]:
    """Every published release of a held meeting, the latest event first, with its meeting."""
    return list(await db.scalars(_published().order_by(Meeting.starts_at.desc(), PressRelease.id.desc())))


async def published_release(db: AsyncSession, slug: str) -> PressRelease:
    """The published release at `slug` (404 for a draft, an unknown address, or a meeting no
    longer held)."""
    release = await db.scalar(_published().where(PressRelease.slug == slug))
    if release is None:
        raise NotFound
    return release


def published_on(release: PressRelease) -> dt.date | None:
    return i18n.local(release.published_at).date() if release.published_at else None
