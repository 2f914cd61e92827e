"""The invited person's own answer to an invitation, through a personal link (no sign-in)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.db import utcnow
from dialogue.errors import Invalid, NotFound
from dialogue.i18n import _
from dialogue.meetings.models import Invitation, InvitationResponse, Meeting
from dialogue.people.models import Organisation, Person
from dialogue.settings import Settings


def answer_token(secret_key: str, invitation_id: int) -> str:
    """HMAC-SHA256 of `invitation:<id>` under the app's secret, URL-safe base64."""
    digest = hmac.new(secret_key.encode(), f"invitation:{invitation_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_matches(secret_key: str, invitation_id: int, token: str) -> bool:
    """Constant-time check of a personal link's token."""
    return hmac.compare_digest(
        answer_token(secret_key, invitation_id).encode(),
        token.encode("utf-8", "replace"),
    )


def answer_url(invitation_id: int, settings: Settings) -> str:
    return f"{settings.public_url}/invitations/{invitation_id}/{answer_token(settings.secret_key, invitation_id)}"


async def invitation_by_token(db: AsyncSession, invitation_id: int, token: str, settings: Settings) -> Invitation:
    """The invitation a personal link names, with meeting, person and alternate; 404 when
    the token is wrong or the invitation gone (no difference shown)."""
    if not token_matches(settings.secret_key, invitation_id, token):
        raise NotFound()
    invitation = await db.scalar(
        select(Invitation)
        .options(
            joinedload(Invitation.meeting).joinedload(Meeting.body),
            joinedload(Invitation.person).joinedload(Person.organisation),
            joinedload(Invitation.alternate),
        )
        .where(Invitation.id == invitation_id)
    )
    if invitation is None:
        raise NotFound()
    return invitation


async def alternate_choices(db: AsyncSession, invitation: Invitation) -> list[Person]:
    """Who may attend instead: active people of the same side, not the person themselves."""
    side = invitation.person.organisation.side
    rows = await db.scalars(
        select(Person)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .options(joinedload(Person.organisation))
        .where(
            Organisation.side == side,
            Person.archived_at.is_(None),
            Person.id != invitation.person_id,
        )
        .order_by(Person.full_name, Person.id)
    )
    return list(rows.unique())


async def record_answer(
    db: AsyncSession,
    invitation: Invitation,
    response: InvitationResponse | None,
    alternate_id: int | None = None,
    *,
    now: dt.datetime | None = None,
) -> Invitation:
    """The invited person's answer: attend, decline, or send an alternate (a person of the
    same side, required for that answer). Raises `Invalid` with field errors."""
    errors: dict[str, str] = {}
    if response is None or response is InvitationResponse.NEEDS_ACTION:
        errors["answer"] = _("Choose one of the options.")
    elif response is InvitationResponse.DELEGATED:
        if alternate_id is None:
            errors["alternate_id"] = _("Choose who attends instead of you.")
        elif alternate_id not in {p.id for p in await alternate_choices(db, invitation)}:
            errors["alternate_id"] = _("Choose someone of your side.")
    if errors:
        raise Invalid(
            errors,
            {
                "answer": response.value if response else "",
                "alternate_id": alternate_id,
            },
        )
    assert response is not None
    invitation.response = response
    invitation.alternate_id = alternate_id if response is InvitationResponse.DELEGATED else None
    invitation.responded_at = now or utcnow()
    await db.flush()
    return invitation
