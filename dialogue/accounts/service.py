"""Signing in and out, sessions, throttling of failed sign-ins, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, ApiToken, SignInSession, SignInThrottle
from dialogue.accounts.passwords import hash_password, needs_rehash, verify_password
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import Actor, record
from dialogue.i18n import _, ngettext
from dialogue.settings import Settings

FREE_FAILURES = 5  # failures allowed before a key has to wait
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def account_by_email(db: AsyncSession, email: str) -> Account | None:
    return await db.scalar(select(Account).where(Account.email == email.strip().lower()))


# Sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionCheck:
    account: Account
    session: SignInSession


async def session_account(db: AsyncSession, token: str, settings: Settings) -> SessionCheck | None:
    """The account behind a session cookie, if the session is still alive; touches it."""
    row = await db.scalar(select(SignInSession).where(SignInSession.token_hash == token_hash(token)))
    if row is None:
        return None
    now = _now()
    account = await db.get(Account, row.account_id)
    expired = (
        now - row.last_seen_at > dt.timedelta(minutes=settings.session_idle_minutes)
        or now - row.created_at > dt.timedelta(hours=settings.session_max_hours)
    )
    if expired or account is None or not account.is_active:
        await db.delete(row)
        await db.commit()
        return None
    if now - row.last_seen_at > dt.timedelta(seconds=60):  # one write a minute at most
        row.last_seen_at = now
        await db.commit()
    return SessionCheck(account, row)


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


async def _throttle_rows(db: AsyncSession, keys: list[str]) -> list[SignInThrottle]:
    rows = list(await db.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))))
    known = {row.key for row in rows}
    for key in keys:
        if key not in known:
            row = SignInThrottle(key=key, failures=0)
            db.add(row)
            rows.append(row)
    return rows


def _wait_message(until: dt.datetime) -> str:
    minutes = max(1, int((until - _now()).total_seconds() + 59) // 60)
    return ngettext(
        "Too many failed attempts. Try again in %(num)d minute.",
        "Too many failed attempts. Try again in %(num)d minutes.",
        minutes,
    ) % {"num": minutes}


async def sign_in(db: AsyncSession, email: str, password: str, *, ip: str) -> Account:
    """The account whose email and password these are, or `SignInRefused` with a message
    that says nothing about whether the email exists. Failures are counted per email and per
    address; after `FREE_FAILURES`, each key waits longer and longer."""
    email = email.strip().lower()
    keys = [f"email:{email}"[:300], f"ip:{ip}"[:300]]
    rows = await _throttle_rows(db, keys)
    now = _now()
    blocked = [row.blocked_until for row in rows if row.blocked_until and row.blocked_until > now]
    if blocked:
        await record(db, AuditAction.SIGN_IN_FAILED, summary="throttled", actor=Actor(None, email, ip))
        raise SignInRefused(_wait_message(max(blocked)), throttled=True)

    account = await account_by_email(db, email) if email else None
    if verify_password(account.password_hash if account else None, password) and account and account.is_active:
        for row in rows:
            row.failures = 0
            row.blocked_until = None
        if account.password_hash and needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        account.last_sign_in_at = now
        await record(db, AuditAction.SIGN_IN, summary=email, actor=Actor(account.id, email, ip))
        return account

    for row in rows:
        row.failures += 1
        if row.failures >= FREE_FAILURES:
            wait = min(LONGEST_WAIT, FIRST_WAIT * 2 ** (row.failures - FREE_FAILURES))
            row.blocked_until = now + wait
    await record(db, AuditAction.SIGN_IN_FAILED, summary=email, actor=Actor(None, email, ip))
    raise SignInRefused(_("The email or the password is not right."))


# API tokens ----------------------------------------------------------------------------


async def token_account(db: AsyncSession, token: str) -> Account | None:
    """The account behind a personal API token, if the token and the account are alive."""
    row = await db.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    account = await db.get(Account, row.account_id)
    if account is None or not account.is_active:
        return None
    now = _now()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        await db.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        await db.commit()
    return account
