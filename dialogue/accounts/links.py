"""One-time links by mail (welcome and password reset): making them and using them to set a password."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, LinkPurpose, OneTimeLink
from dialogue.accounts.passwords import password_problem
from dialogue.accounts.profile import set_password
from dialogue.accounts.revocation import end_tokens
from dialogue.accounts.sessions import end_all_sessions
from dialogue.accounts.tokens import new_token, token_hash
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import Actor, record, set_actor
from dialogue.db import utcnow as _now
from dialogue.errors import Invalid, Refused
from dialogue.i18n import _
from dialogue.settings import Settings

# One-time links (invitations, password resets) -----------------------------------------

INVITE_VALID = dt.timedelta(days=7)


RESET_VALID = dt.timedelta(hours=24)


def link_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/welcome/{token}"


async def new_link(db: AsyncSession, account: Account, purpose: LinkPurpose) -> str:
    """A new invitation or reset link for `account`; the links it had and did not use stop
    working. Returns the token (only its hash is stored)."""
    if not account.is_active:
        raise Refused(_("This account is disabled: enable it before sending it a link."))
    now = _now()
    earlier = await db.scalars(
        select(OneTimeLink).where(
            OneTimeLink.account_id == account.id, OneTimeLink.used_at.is_(None), OneTimeLink.expires_at > now
        )
    )
    for link in earlier:
        link.expires_at = now  # through the ORM, so that the trail shows it
    if purpose is LinkPurpose.RESET:
        # A reset says the old credentials are not trusted: they end now, not at first use.
        await end_tokens(db, account, "password reset")
    token = new_token()
    valid = INVITE_VALID if purpose is LinkPurpose.INVITE else RESET_VALID
    db.add(OneTimeLink(account_id=account.id, token_hash=token_hash(token), purpose=purpose, expires_at=now + valid))
    await db.flush()
    return token


def link_purpose(account: Account) -> LinkPurpose:
    """Someone who never chose a password gets a new invitation (7 days); anyone else a
    password reset (24 hours)."""
    return LinkPurpose.INVITE if account.password_hash is None else LinkPurpose.RESET


async def live_link(db: AsyncSession, token: str) -> tuple[OneTimeLink, Account] | None:
    """The link behind `token` and its account, if the link is unused, unexpired and the
    account active; None otherwise (whatever the reason, so nothing helps a guesser)."""
    if not token or len(token) > 200:
        return None
    link = await db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= _now():
        return None
    account = await db.get(Account, link.account_id)
    if account is None or not account.is_active:
        return None
    return link, account


class LinkDead(Exception):
    """The one-time link is unknown, used, expired, or its account is disabled."""


async def use_link(db: AsyncSession, token: str, password: str, repeated: str, *, ip: str = "") -> Account:
    """Choose a password through a one-time link: the link is used up, every earlier
    session of the account ends, and the person counts as signed in (the caller starts
    their new session)."""
    found = await live_link(db, token)
    if found is None:
        raise LinkDead
    link, account = found
    # From here on the trail names the person who holds the link.
    set_actor(Actor(account.id, account.email, ip))
    problem = password_problem(password, email=account.email)
    if problem:
        raise Invalid({"password": problem}, {})
    if password != repeated:
        raise Invalid({"repeat_password": _("The two passwords are not the same.")}, {})
    # Used first, with a guard on `used_at`: two submissions at once cannot both use it.
    now = _now()
    result = await db.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkDead
    await record(
        db,
        AuditAction.UPDATE,
        summary=link.purpose.value,
        entity="one_time_link",
        entity_id=link.id,
        root=("account", account.id),
        changes={"used_at": [None, now.isoformat()]},
    )
    set_password(account, password)
    await end_tokens(db, account, f"password {link.purpose.value}")  # flushes
    await db.execute(update(Account).where(Account.id == account.id).values(last_sign_in_at=now))
    await end_all_sessions(db, account.id)
    await record(db, AuditAction.SIGN_IN, summary=account.email)
    return account
