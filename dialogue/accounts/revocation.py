"""Ending an account's API tokens and calendar feed addresses for good.

A password reset or change, and disabling the account, say that its old credentials are
no longer trusted: every live API token and feed address is revoked, not merely
suspended, so re-enabling the account brings none back. The person makes new ones; their
account page says the old ones ended (`Account.tokens_ended_at`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, ApiToken
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.calendar.models import FeedToken
from dialogue.db import utcnow


async def end_tokens(db: AsyncSession, account: Account, reason: str) -> int:
    """Revoke every live API token and calendar feed of `account` (`reason`, e.g. "password
    reset", goes to the trail with each feed revoked); the number ended. Flushes."""
    now = utcnow()
    # The caller's change (a new password, disabled) and this one reach the trail as one
    # change of the account: nothing is flushed before the end.
    with db.no_autoflush:
        tokens = list(
            await db.scalars(select(ApiToken).where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None)))
        )
        feeds = list(
            await db.scalars(
                select(FeedToken.id).where(FeedToken.account_id == account.id, FeedToken.revoked_at.is_(None))
            )
        )
    for token in tokens:
        token.revoked_at = now  # through the ORM: the trail records each token
    if tokens or feeds:
        account.tokens_ended_at = now
    await db.flush()
    if feeds:
        await db.execute(
            update(FeedToken)
            .where(FeedToken.id.in_(feeds))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
    for feed_id in feeds:
        await record(
            db,
            AuditAction.UPDATE,
            summary=reason,
            entity="feed_token",
            entity_id=feed_id,
            root=("account", account.id),
            changes={"revoked_at": [None, now.isoformat()]},
        )
    return len(tokens) + len(feeds)


async def ended_notice(
    db: AsyncSession, account: Account, kind: type[ApiToken] | type[FeedToken]
) -> dt.datetime | None:
    """When `account`'s API tokens (or feeds: `kind`) were ended, if some were and the
    person has made none since: the date their page gives, saying the old ones ended."""
    ended = account.tokens_ended_at
    if ended is None:
        return None
    mine = kind.account_id == account.id
    some_ended = await db.scalar(select(kind.id).where(mine, kind.revoked_at == ended).limit(1))
    made_since = await db.scalar(select(kind.id).where(mine, kind.created_at > ended).limit(1))
    return ended if some_ended is not None and made_since is None else None
