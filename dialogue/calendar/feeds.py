"""Subscription feeds: who may have which feed, its secret token, and what it holds.

A feed belongs to an account and has a scope:
- `person`: the meetings the account's person is invited to, and the deadlines of their
  side (their organisation's side);
- `side`: the meetings where that side has invitees, and that side's deadlines (the
  secretariat, or a delegate for their own side);
- `body`: the meetings of a body (anyone signed in).

Feeds hold only meetings and commitment deadlines, which every signed-in account may read:
nothing internal to a side ever goes in. The owner's rights are checked again on every
fetch: a disabled account, a delegate moved to another side, an account no longer linked
to its person, all make the token answer 404. Draft meetings are left out (not announced
yet); cancelled ones stay, marked CANCELLED, so that calendars drop them.

Every feed costs the same few statements, whatever the number of events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Account, Role
from dialogue.accounts.permissions import can_write_side
from dialogue.agenda.models import AgendaItem
from dialogue.bodies.models import Body
from dialogue.calendar import rules
from dialogue.calendar.ics import CalendarDeadline, CalendarMeeting, CalendarOrganizer, feed
from dialogue.calendar.models import FeedScope, FeedToken
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.db import utcnow
from dialogue.errors import Forbidden, NotFound
from dialogue.i18n import _
from dialogue.mail.outbox import account_language
from dialogue.meetings.models import Invitation, Meeting, MeetingStatus
from dialogue.people.models import Organisation, Person, Side
from dialogue.settings import Settings

# Drafts are not announced.
FEED_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.HELD, MeetingStatus.POSTPONED, MeetingStatus.CANCELLED)


# Tokens --------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/calendars/{token}.ics"


def webcal_url(settings: Settings, token: str) -> str:
    """The same address for calendar apps: `webcal://` subscribes instead of downloading."""
    url = feed_url(settings, token)
    return "webcal://" + url.split("://", 1)[1]


def calendar_domain(settings: Settings) -> str:
    configured = getattr(settings, "calendar_domain", None)
    return configured or urlsplit(settings.public_url).hostname or "localhost"


@dataclass(frozen=True)
class FeedChoice:
    """A feed the account may have: its scope, key, and name (in the current language)."""

    scope: FeedScope
    key: str
    label: str


def available_feeds(account: Account, bodies: Sequence[Body] = ()) -> list[FeedChoice]:
    """The feeds `account` may create from its account page: its person's, and its side's
    (a delegate) or every side's (the secretariat); `bodies` add body feeds it already has."""
    choices = []
    if account.person_id is not None:
        choices.append(
            FeedChoice(
                FeedScope.PERSON,
                str(account.person_id),
                _("My meetings and my side's deadlines"),
            )
        )
    for side in feed_sides(account):
        choices.append(FeedChoice(FeedScope.SIDE, side.value, _("Side: {side}").format(side=side.label)))
    for body in bodies:
        choices.append(FeedChoice(FeedScope.BODY, str(body.id), _("Body: {name}").format(name=i18n.isolate(body.name))))
    return choices


def feed_sides(account: Account) -> list[Side]:
    """The sides whose feed `account` may have: every side for the secretariat, their own
    for a delegate, none otherwise."""
    if account.role is Role.SECRETARIAT:
        return list(Side)
    if account.role is Role.DELEGATE and account.side is not None:
        return [account.side]
    return []


async def check_scope(db: AsyncSession, account: Account, scope: FeedScope, key: str) -> None:
    """Refuse (403, or 404 for an unknown body) a feed `account` may not have."""
    if not account.is_active:
        raise Forbidden
    if scope is FeedScope.PERSON:
        if account.person_id is None or key != str(account.person_id):
            raise Forbidden(_("Your account is not linked to this person."))
    elif scope is FeedScope.SIDE:
        try:
            side = Side(key)
        except ValueError:
            raise NotFound() from None
        if not can_write_side(account, side):
            raise Forbidden(_("Only the secretariat and the delegates of this side can subscribe to its calendar."))
    else:
        if not key.isdigit() or len(key) > 10 or await db.get(Body, int(key)) is None:
            raise NotFound()


async def issue_token(db: AsyncSession, account: Account, scope: FeedScope, key: str) -> tuple[FeedToken, str]:
    """A new token for the feed (create or regenerate): any live one is revoked first.
    Returns the row and the token itself, which is shown once and never stored."""
    await check_scope(db, account, scope, key)
    await revoke_feed(db, account, scope, key)
    token = secrets.token_urlsafe(32)
    row = FeedToken(account_id=account.id, scope=scope, scope_key=key, token_hash=hash_token(token))
    db.add(row)
    await db.flush()
    return row, token


async def revoke_feed(db: AsyncSession, account: Account, scope: FeedScope, key: str) -> int:
    """Revoke the account's live token of that feed (if any); the number revoked. Row by
    row through the session, so that the audit trail records each revocation."""
    rows = list(
        await db.scalars(
            select(FeedToken).where(
                FeedToken.account_id == account.id,
                FeedToken.scope == scope,
                FeedToken.scope_key == key,
                FeedToken.revoked_at.is_(None),
            )
        )
    )
    for row in rows:
        row.revoked_at = utcnow()
    await db.flush()  # before a new live token takes the place (one live token per feed)
    return len(rows)


async def revoke_token(db: AsyncSession, account: Account, token_id: int) -> None:
    """Revoke one of the account's own tokens; another account's answers 404."""
    row = await db.get(FeedToken, token_id)
    if row is None or row.account_id != account.id:
        raise NotFound()
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await db.flush()


async def live_tokens(db: AsyncSession, account_id: int) -> list[FeedToken]:
    rows = await db.scalars(
        select(FeedToken)
        .where(FeedToken.account_id == account_id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.scope, FeedToken.scope_key)
    )
    return list(rows)


async def bodies_of(db: AsyncSession, tokens: Sequence[FeedToken]) -> dict[str, Body]:
    ids = [int(t.scope_key) for t in tokens if t.scope is FeedScope.BODY and t.scope_key.isdigit()]
    if not ids:
        return {}
    return {str(b.id): b for b in await db.scalars(select(Body).where(Body.id.in_(ids)))}


async def token_owner(db: AsyncSession, token: str) -> tuple[FeedToken, Account]:
    """The live token and its active account, or 404 (unknown, revoked, disabled account,
    or an owner who lost the right to that feed)."""
    if not token or len(token) > 200:
        raise NotFound()
    digest = hash_token(token)
    found = (
        await db.execute(
            select(FeedToken, Account)
            .join(Account, Account.id == FeedToken.account_id)
            .where(FeedToken.token_hash == digest, FeedToken.revoked_at.is_(None))
        )
    ).first()
    if found is None:
        raise NotFound()
    row, account = found
    # The lookup is by hash; compare again in constant time all the same.
    if not hmac.compare_digest(row.token_hash, digest) or not account.is_active:
        raise NotFound()
    if row.scope is FeedScope.PERSON and (account.person_id is None or row.scope_key != str(account.person_id)):
        raise NotFound()
    if row.scope is FeedScope.SIDE and (
        row.scope_key not in Side.values() or not can_write_side(account, Side(row.scope_key))
    ):
        raise NotFound()
    return row, account


# Contents ------------------------------------------------------------------------------


async def _meetings(db: AsyncSession, condition: ColumnElement[bool]) -> list[Meeting]:
    rows = await db.scalars(
        select(Meeting).where(condition, Meeting.status.in_(FEED_STATUSES)).order_by(Meeting.starts_at, Meeting.id)
    )
    return list(rows)


async def _agendas(db: AsyncSession, meetings: Sequence[Meeting]) -> dict[int, list[str]]:
    if not meetings:
        return {}
    items = await db.execute(
        select(AgendaItem.meeting_id, AgendaItem.title)
        .where(AgendaItem.meeting_id.in_([m.id for m in meetings]))
        .order_by(AgendaItem.meeting_id, AgendaItem.rank, AgendaItem.id)
    )
    agendas: dict[int, list[str]] = defaultdict(list)
    for meeting_id, title in items:
        agendas[meeting_id].append(title)
    return agendas


async def _deadlines(db: AsyncSession, side: Side | None) -> list[Commitment]:
    if side is None:
        return []
    rows = await db.scalars(
        select(Commitment)
        .where(
            Commitment.side == side,
            Commitment.status.in_(CommitmentStatus.active()),
            Commitment.due_on.is_not(None),
        )
        .order_by(Commitment.due_on, Commitment.id)
    )
    return list(rows)


@dataclass(frozen=True)
class _FeedParts:
    """What every event of one feed shares, worked out once per feed (not per meeting)."""

    base: str
    domain: str
    organizer: CalendarOrganizer
    agenda_label: str
    # Agenda titles as isolated for the feed's language: they repeat from meeting to meeting.
    isolated: dict[str, str] = field(default_factory=dict)

    def isolate(self, title: str) -> str:
        if title not in self.isolated:
            self.isolated[title] = i18n.isolate(title)
        return self.isolated[title]

    @classmethod
    def of(cls, settings: Settings) -> _FeedParts:
        return cls(
            settings.public_url.rstrip("/"),
            calendar_domain(settings),
            rules.organizer(settings.mail_from),
            _("Agenda:"),
        )


def calendar_meeting(
    meeting: Meeting, agenda: Sequence[str], settings: Settings, parts: _FeedParts | None = None
) -> CalendarMeeting:
    shared = parts or _FeedParts.of(settings)
    lines = [meeting.description.strip()] if meeting.description.strip() else []
    if agenda:
        lines.append(
            shared.agenda_label + "\n" + "\n".join(f"{n}. {shared.isolate(title)}" for n, title in enumerate(agenda, 1))
        )
    ends_at = meeting.ends_at if meeting.ends_at > meeting.starts_at else meeting.starts_at + dt.timedelta(hours=1)
    return CalendarMeeting(
        uid=f"meeting-{meeting.id}@{shared.domain}",
        sequence=int(getattr(meeting, "calendar_sequence", 0) or 0),
        starts_at=meeting.starts_at,
        ends_at=ends_at,
        title=meeting.title,
        organizer=shared.organizer,
        location=meeting.venue,
        online_url=meeting.online_url,
        url=f"{shared.base}/meetings/{meeting.id}",
        description="\n\n".join(lines),
        status=rules.status(meeting.status.value),  # type: ignore[arg-type]
        alarms=False,
    )


def calendar_deadline(commitment: Commitment, settings: Settings) -> CalendarDeadline:
    assert commitment.due_on is not None
    return CalendarDeadline(
        uid=f"commitment-{commitment.id}@{calendar_domain(settings)}",
        date=commitment.due_on,
        title=_("Due: {title}").format(title=i18n.isolate(commitment.title)),
        description=commitment.description,
        url=f"{settings.public_url.rstrip('/')}/commitments/{commitment.id}",
    )


async def build_feed(db: AsyncSession, row: FeedToken, account: Account, settings: Settings) -> bytes:
    """The feed of `row`, named in the owner's language (the current language is restored)."""
    previous = i18n.current_language()
    i18n.set_language(account_language(account, settings))
    try:
        return await _build_feed(db, row, account, settings)
    finally:
        i18n.set_language(previous)


async def _build_feed(db: AsyncSession, row: FeedToken, account: Account, settings: Settings) -> bytes:
    if row.scope is FeedScope.PERSON:
        person_id = int(row.scope_key)
        invited = select(Invitation.meeting_id).where(Invitation.person_id == person_id)
        meetings = await _meetings(db, Meeting.id.in_(invited))
        side = await db.scalar(
            select(Organisation.side)
            .join(Person, Person.organisation_id == Organisation.id)
            .where(Person.id == person_id)
        )
        commitments = await _deadlines(db, side)
        name = _("Dialogue – my meetings")
    elif row.scope is FeedScope.SIDE:
        side = Side(row.scope_key)
        invited = (
            select(Invitation.meeting_id)
            .join(Person, Person.id == Invitation.person_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(Organisation.side == side)
        )
        meetings = await _meetings(db, Meeting.id.in_(invited))
        commitments = await _deadlines(db, side)
        name = _("Dialogue – {side}").format(side=side.label)
    else:
        body = await db.get(Body, int(row.scope_key))
        if body is None:
            raise NotFound()
        meetings = await _meetings(db, Meeting.body_id == body.id)
        commitments = []
        name = _("Dialogue – {body}").format(body=i18n.isolate(body.name))
    agendas = await _agendas(db, meetings)
    parts = _FeedParts.of(settings)
    return feed(
        name,
        [calendar_meeting(m, agendas.get(m.id, []), settings, parts) for m in meetings],
        [calendar_deadline(c, settings) for c in commitments],
        organizer=parts.organizer,
        tz=settings.timezone,
    )
