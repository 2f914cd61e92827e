"""Accounts, sign-in sessions, API tokens, one-time links and sign-in throttling."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, Moment, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.people.models import Language, Organisation, Person, Side


class Role(Choice):
    SECRETARIAT = "secretariat", N_("Secretariat")
    DELEGATE = "delegate", N_("Delegate")
    COORDINATOR = "coordinator", N_("Coordinator")
    OBSERVER = "observer", N_("Observer")


class Account(Versioned, Base):
    """Someone who signs in. A delegate belongs to one organisation, hence to one side."""

    email: Mapped[str] = mapped_column(String(254), unique=True)
    # None until the person has chosen a password through their invitation link.
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    role: Mapped[Role] = mapped_column(ChoiceType(Role, 20))
    organisation_id: Mapped[int | None] = foreign_key("organisation", ondelete="RESTRICT", default=None)
    person_id: Mapped[int | None] = foreign_key("person", ondelete="RESTRICT", default=None)
    # A delegate who approves minutes on behalf of their side.
    is_approver: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_at: Mapped[Moment | None] = mapped_column(default=None)
    password_changed_at: Mapped[Moment | None] = mapped_column(default=None)
    last_sign_in_at: Mapped[Moment | None] = mapped_column(default=None)
    # When a password reset or change, or disabling the account, last ended its API tokens
    # and calendar feeds (revoked for good: the person makes new ones).
    tokens_ended_at: Mapped[Moment | None] = mapped_column(default=None)
    # The interface language the person chose on their account page or with the switcher;
    # None: their browser's (cookie, then Accept-Language).
    language: Mapped[Language | None] = mapped_column(ChoiceType(Language, 2), default=None)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    person: Mapped[Person | None] = relationship(lazy="joined")

    @property
    def side(self) -> Side | None:
        """The side a delegate speaks for; None for the secretariat, coordinators, observers."""
        if self.role is Role.DELEGATE and self.organisation is not None:
            return self.organisation.side
        return None

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person is not None else self.email


class SignInSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = foreign_key("account", ondelete="CASCADE")
    last_seen_at: Mapped[Moment]
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class ApiToken(Base):
    """A personal API token: shown once, stored hashed, same permissions as its account."""

    account_id: Mapped[int] = foreign_key("account", ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so that a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    last_used_at: Mapped[Moment | None] = mapped_column(default=None)
    revoked_at: Mapped[Moment | None] = mapped_column(default=None)


class LinkPurpose(Choice):
    INVITE = "invite", N_("Invitation")
    RESET = "reset", N_("Password reset")


class OneTimeLink(Base):
    """An invitation or password-reset link: used once, expires."""

    account_id: Mapped[int] = foreign_key("account", ondelete="CASCADE")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(ChoiceType(LinkPurpose, 10))
    expires_at: Mapped[Moment]
    used_at: Mapped[Moment | None] = mapped_column(default=None)


class SignInThrottle(Base):
    """Failed sign-ins per key ("email:..." or "ip:..."), and until when the key must wait."""

    key: Mapped[str] = mapped_column(String(300), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[Moment | None] = mapped_column(default=None)
