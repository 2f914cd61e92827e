"""Subscription feeds: a secret address per account and scope (its own meetings, a side,
a body). Only the SHA-256 of the token is stored; the token is shown once."""

from __future__ import annotations

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.accounts.models import Account
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, Moment, foreign_key
from dialogue.i18n import N_


class FeedScope(Choice):
    PERSON = "person", N_("My meetings")
    SIDE = "side", N_("A side")
    BODY = "body", N_("A body")


class FeedToken(Base):
    """The secret of one feed. `scope_key` is the person id (person), the side value (side)
    or the body id (body). At most one live token per (account, scope, key): regenerating
    revokes the old one. Tokens die with their account."""

    __table_args__ = (
        Index(
            "uq_feed_token_live",
            "account_id",
            "scope",
            "scope_key",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    account_id: Mapped[int] = foreign_key("account", ondelete="CASCADE")
    scope: Mapped[FeedScope] = mapped_column(ChoiceType(FeedScope, 10))
    scope_key: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[Moment | None] = mapped_column(default=None)

    account: Mapped[Account] = relationship(lazy="raise")
