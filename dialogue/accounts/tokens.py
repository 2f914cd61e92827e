"""Secret tokens: how they are made and stored (hashed), and the API tokens people hold."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, ApiToken
from dialogue.db import utcnow as _now
from dialogue.errors import Invalid, NotFound
from dialogue.i18n import _


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


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


async def create_api_token(db: AsyncSession, account: Account, name: str) -> tuple[ApiToken, str]:
    """A new personal token for `account`: returns the row and the token itself, which is
    shown once and never stored (only its hash and first characters are)."""
    name = name.strip()
    if not name:
        raise Invalid({"name": _("This field is required.")}, {"name": name})
    if len(name) > 100:
        raise Invalid({"name": _("At most {n} characters.").format(n=100)}, {"name": name})
    token = new_token()
    row = ApiToken(account_id=account.id, name=name, token_hash=token_hash(token), prefix=token[:8])
    db.add(row)
    await db.flush()
    return row, token


async def account_tokens(db: AsyncSession, account_id: int) -> list[ApiToken]:
    """The tokens that still work, newest first."""
    return list(
        await db.scalars(
            select(ApiToken)
            .where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


async def revoke_token(db: AsyncSession, account_id: int, token_id: int) -> ApiToken:
    """Revoke one of the account's own tokens (another account's token is "not found")."""
    row = await db.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.account_id == account_id))
    if row is None:
        raise NotFound()
    if row.revoked_at is None:
        row.revoked_at = _now()
        await db.flush()
    return row
