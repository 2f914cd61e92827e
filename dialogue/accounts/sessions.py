"""Signing in and browser sessions: checking the password, starting, extending and ending sessions."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts import throttle
from dialogue.accounts.models import Account, SignInSession
from dialogue.accounts.passwords import hash_password, needs_rehash, verify_password
from dialogue.accounts.throttle import Device
from dialogue.accounts.tokens import new_token, token_hash
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import Actor, record
from dialogue.db import utcnow as _now
from dialogue.i18n import _
from dialogue.page_cache import version_now
from dialogue.settings import Settings


async def account_by_email(db: AsyncSession, email: str) -> Account | None:
    return await db.scalar(select(Account).where(Account.email == email.strip().lower()))


# Sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionCheck:
    account: Account
    session: SignInSession
    # The record's version as this request starts: the key of the pages kept for it.
    data_version: int


async def session_account(db: AsyncSession, token: str, settings: Settings) -> SessionCheck | None:
    """The account behind a session cookie, if the session is still alive; touches it."""
    # One query for the session, its account and the record's version: every signed-in page
    # asks this first, and a page served from memory (dialogue/page_cache.py) nothing else.
    found = (
        await db.execute(
            select(SignInSession, Account, version_now())
            .outerjoin(Account, Account.id == SignInSession.account_id)
            .where(SignInSession.token_hash == token_hash(token))
        )
    ).first()
    if found is None:
        return None
    row, account, version = found
    now = _now()
    expired = now - row.last_seen_at > dt.timedelta(
        minutes=settings.session_idle_minutes
    ) or now - row.created_at > dt.timedelta(hours=settings.session_max_hours)
    if expired or account is None or not account.is_active:
        await db.delete(row)
        await db.commit()
        return None
    if now - row.last_seen_at > dt.timedelta(seconds=60):  # one write a minute at most
        row.last_seen_at = now
        await db.commit()
    return SessionCheck(account, row, version or 0)


async def start_session(
    db: AsyncSession, account: Account, *, previous_token: str | None, ip: str, user_agent: str
) -> str:
    """A new session (always a new id, so a planted cookie is worthless); the old one ends."""
    if previous_token:
        await db.execute(delete(SignInSession).where(SignInSession.token_hash == token_hash(previous_token)))
    token = new_token()
    db.add(
        SignInSession(
            token_hash=token_hash(token),
            account_id=account.id,
            last_seen_at=_now(),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    await db.flush()
    return token


async def extend_session(db: AsyncSession, token: str | None) -> None:
    """ "Stay signed in": the session's idle time starts again now (its 12-hour limit stays)."""
    if token:
        await db.execute(
            update(SignInSession).where(SignInSession.token_hash == token_hash(token)).values(last_seen_at=_now())
        )


async def end_session(db: AsyncSession, token: str | None) -> None:
    if token:
        await db.execute(delete(SignInSession).where(SignInSession.token_hash == token_hash(token)))


async def end_all_sessions(db: AsyncSession, account_id: int) -> None:
    """Every browser of this account is signed out (disabled account, new password)."""
    await db.execute(delete(SignInSession).where(SignInSession.account_id == account_id))


# Signing in ----------------------------------------------------------------------------


class SignInRefused(Exception):
    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.throttled = throttled


async def sign_in(db: AsyncSession, email: str, password: str, *, ip: str, device: Device | None = None) -> Account:
    """The account whose email and password these are, or `SignInRefused` with a message
    that says nothing about whether the email exists. Failures are counted as
    `dialogue.accounts.throttle` says: a known `device` of the account is never blocked by
    anyone else's failures."""
    email = email.strip().lower()
    account = await account_by_email(db, email) if email else None
    rows = await throttle.throttle_rows(db, throttle.throttle_keys(email, ip, device, account.id if account else None))
    now = _now()
    wait = throttle.blocked_until(rows)
    if wait is not None:
        await record(db, AuditAction.SIGN_IN_FAILED, summary="throttled", actor=Actor(None, email, ip))
        raise SignInRefused(throttle.wait_message(wait), throttled=True)

    # Argon2 takes tens of milliseconds of CPU: in a thread, so that the event loop goes on
    # serving (and committing) the other requests, whose SQLite write lock would otherwise
    # be held that long and make other processes wait into "database is locked".
    matches = await asyncio.to_thread(verify_password, account.password_hash if account else None, password)
    if matches and account and account.is_active:
        throttle.count_success(rows)
        if account.password_hash and needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        # Not through the ORM: a sign-in is no edit of the account (its version stays, so
        # the secretariat's open edit form does not turn stale), and is recorded below.
        await db.execute(update(Account).where(Account.id == account.id).values(last_sign_in_at=now))
        await record(db, AuditAction.SIGN_IN, summary=email, actor=Actor(account.id, email, ip))
        return account

    throttle.count_failure(rows)
    await record(db, AuditAction.SIGN_IN_FAILED, summary=email, actor=Actor(None, email, ip))
    raise SignInRefused(_("The email or the password is not right."))


async def session_count(db: AsyncSession, account_id: int) -> int:
    """How many browsers are signed in to the account (sessions not yet ended)."""
    return await db.scalar(select(func.count(SignInSession.id)).where(SignInSession.account_id == account_id)) or 0
