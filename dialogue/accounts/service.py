"""Signing in and out, sessions, throttling of failed sign-ins, API tokens, passwords,
one-time links, and the accounts the secretariat manages (the pages and the `dialogue
users` command share these functions). Nothing here commits: the caller does."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts import throttle
from dialogue.accounts.models import (
    Account,
    ApiToken,
    LinkPurpose,
    OneTimeLink,
    Role,
    SignInSession,
)
from dialogue.accounts.revocation import end_tokens
from dialogue.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from dialogue.accounts.throttle import Device
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import Actor, record, set_actor
from dialogue.choices import Choice
from dialogue.forms import EMAIL, Invalid
from dialogue.i18n import LANGUAGE_NAMES, N_, _
from dialogue.listing import Sort
from dialogue.people.models import Language, Organisation, Person
from dialogue.search import matches
from dialogue.settings import Settings
from dialogue.web import Refused, check_version


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


async def extend_session(db: AsyncSession, token: str | None) -> None:
    """"Stay signed in": the session's idle time starts again now (its 12-hour limit stays)."""
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

    if verify_password(account.password_hash if account else None, password) and account and account.is_active:
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
        raise NotFoundException()
    if row.revoked_at is None:
        row.revoked_at = _now()
        await db.flush()
    return row


# Passwords -----------------------------------------------------------------------------


def set_password(account: Account, password: str) -> None:
    """Store the argon2id hash of an already checked password."""
    account.password_hash = hash_password(password)
    account.password_changed_at = _now()


async def change_password(db: AsyncSession, account: Account, current: str, new: str, repeated: str) -> None:
    """The person's own password change: the current one must be right, the new one must
    follow the rules and be typed twice. Every session of the account ends; the caller
    starts a new one for the browser that asked."""
    errors: dict[str, str] = {}
    if not verify_password(account.password_hash, current):
        errors["current_password"] = _("This is not your current password.")
    problem = password_problem(new, email=account.email)
    if problem:
        errors["new_password"] = problem
    elif new != repeated:
        errors["repeat_password"] = _("The two new passwords are not the same.")
    elif not errors and new == current:
        errors["new_password"] = _("Choose a password different from the current one.")
    if errors:
        raise Invalid(errors, {})
    set_password(account, new)
    await end_tokens(db, account, "password change")  # flushes: one change of the account
    await end_all_sessions(db, account.id)


# Language preference -------------------------------------------------------------------


def language_options() -> list[tuple[str, str]]:
    """The choices of the language form: the browser's, then each language in its own name."""
    return [("", _("The language of my browser")), *((code, name) for code, name in LANGUAGE_NAMES.items())]


def parse_language(value: str) -> Language | None:
    """The language chosen in a form: fr, ar or en, or "" for "my browser's"."""
    if not value:
        return None
    try:
        return Language(value)
    except ValueError:
        raise Invalid({"language": _("Choose one of the options.")}, {"language": value[:10]}) from None


async def set_language_preference(
    db: AsyncSession, account: Account, language: Language | None, *, version: int | None
) -> Account:
    """The interface language chosen on the account page, from a copy read at `version`
    (None: follow the browser). A chosen language is also the linked person's, so that
    their emails and calendar texts use it too."""
    check_version(account, version)
    return await switch_language(db, account, language)


async def switch_language(db: AsyncSession, account: Account, language: Language | None) -> Account:
    """The language switcher, used while signed in: the click is a fresh choice (no copy
    to be stale), and it becomes the account's preference, which outranks the cookie."""
    account.language = language
    if language is not None and account.person is not None and account.person.language is not language:
        account.person.language = language
    await db.flush()
    return account


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


async def session_count(db: AsyncSession, account_id: int) -> int:
    """How many browsers are signed in to the account (sessions not yet ended)."""
    return await db.scalar(select(func.count(SignInSession.id)).where(SignInSession.account_id == account_id)) or 0


# Accounts, as the secretariat manages them ---------------------------------------------


class AccountState(Choice):
    ACTIVE = "active", N_("Active")
    DISABLED = "disabled", N_("Disabled")


ACCOUNT_SORTS = ("email", "name", "role", "organisation", "state", "last_sign_in")


async def list_accounts(
    db: AsyncSession,
    *,
    role: Role | None = None,
    organisation_id: int | None = None,
    state: AccountState | None = None,
    q: str = "",
    limit: int | None = 25,
    offset: int = 0,
    sort: Sort | None = None,
) -> tuple[list[Account], int]:
    """Accounts by email (or in the order of `sort`), filtered; their organisation and
    person come in the same query."""
    conditions: list[Any] = []
    if role is not None:
        conditions.append(Account.role == role)
    if organisation_id is not None:
        conditions.append(Account.organisation_id == organisation_id)
    if state is AccountState.ACTIVE:
        conditions.append(Account.disabled_at.is_(None))
    elif state is AccountState.DISABLED:
        conditions.append(Account.disabled_at.is_not(None))
    if q:
        # By email, or by the name of the person the account is for.
        conditions.append(
            or_(
                func.lower(Account.email).contains(q.strip().lower(), autoescape=True),
                Account.person_id.in_(select(Person.id).where(matches(Person.search_text, q))),
            )
        )
    total = await db.scalar(select(func.count(Account.id)).where(*conditions)) or 0
    person = select(func.lower(Person.full_name)).where(Person.id == Account.person_id).scalar_subquery()
    organisation = (
        select(func.lower(func.coalesce(func.nullif(Organisation.acronym, ""), Organisation.name)))
        .where(Organisation.id == Account.organisation_id)
        .scalar_subquery()
    )
    columns = {
        "email": (func.lower(Account.email),),
        "name": (person,),
        "role": (case(*[(Account.role == role, rank) for rank, role in enumerate(Role)]),),
        "organisation": (organisation,),
        "state": (Account.disabled_at.is_not(None), Account.password_hash.is_(None)),
        "last_sign_in": (Account.last_sign_in_at,),
    }
    order = sort.clauses(columns, (Account.email, Account.id)) if sort else (Account.email,)
    rows = await db.scalars(select(Account).where(*conditions).order_by(*order).limit(limit).offset(offset))
    return list(rows.unique()), total


async def get_account(db: AsyncSession, account_id: int) -> Account:
    account = await db.get(Account, account_id) if 0 < account_id < 2**31 else None
    if account is None:
        raise NotFoundException()
    return account


async def organisation_by_slug(db: AsyncSession, slug: str) -> Organisation | None:
    return await db.scalar(select(Organisation).where(Organisation.slug == slug.strip().lower()))


@dataclass
class AccountChoices:
    """What the secretariat may attach an account to (for the forms' lists)."""

    organisations: list[Organisation]
    people: list[tuple[Person, Organisation]]


async def account_choices(db: AsyncSession, account: Account | None = None) -> AccountChoices:
    """Active organisations and people without an account, plus those `account` is
    attached to now."""
    org_keep = [account.organisation_id] if account and account.organisation_id else []
    person_keep = [account.person_id] if account and account.person_id else []
    organisations = await db.scalars(
        select(Organisation)
        .where(or_(Organisation.archived_at.is_(None), Organisation.id.in_(org_keep)))
        .order_by(Organisation.side, Organisation.acronym, Organisation.name)
    )
    # People who have an account already are not offered (a person has one account).
    with_account = select(Account.person_id).where(
        Account.person_id.is_not(None), Account.id != (account.id if account else -1)
    )
    people = await db.execute(
        select(Person, Organisation)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(or_(Person.archived_at.is_(None), Person.id.in_(person_keep)), Person.id.not_in(with_account))
        .order_by(Person.full_name, Person.id)
    )
    return AccountChoices(list(organisations), [(person, org) for person, org in people.all()])


@dataclass
class AccountFields:
    """The checked values of an invitation or an edit."""

    role: Role
    organisation_id: int | None
    person_id: int | None
    is_approver: bool


async def check_account_fields(
    db: AsyncSession,
    *,
    role: Role | None,
    organisation_id: int | None,
    person_id: int | None,
    is_approver: bool,
    account: Account | None = None,
    errors: dict[str, str] | None = None,
) -> AccountFields:
    """The rules of an account's role and attachments, shared by the pages and the CLI:
    a delegate needs an organisation (a person's own organisation when none is given);
    only a delegate approves for a side; a person has at most one account. Raises
    `Invalid` with every problem found (and those already in `errors`)."""
    errors = dict(errors or {})
    if role is None:
        errors.setdefault("role", _("Choose one of the options."))
    organisation = await db.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        errors["organisation"] = _("This organisation does not exist.")
    elif (
        organisation is not None
        and organisation.archived_at is not None
        and (account is None or account.organisation_id != organisation.id)
    ):
        errors["organisation"] = _("This organisation is archived.")
    person = await db.get(Person, person_id) if person_id else None
    if person_id and person is None:
        errors["person"] = _("This person does not exist.")
    elif person is not None:
        taken = await db.scalar(
            select(Account.id).where(Account.person_id == person.id, Account.id != (account.id if account else -1))
        )
        if taken:
            errors["person"] = _("This person already has an account.")
    if role is Role.DELEGATE:
        if organisation is None and person is not None and not organisation_id:
            organisation = await db.get(Organisation, person.organisation_id)
        if organisation is None and "organisation" not in errors:
            errors["organisation"] = _("A delegate speaks for an organisation: choose one.")
        elif organisation is not None and person is not None and person.organisation_id != organisation.id:
            errors.setdefault("person", _("This person belongs to another organisation."))
    elif is_approver:
        errors["is_approver"] = _("Only a delegate can approve minutes for a side.")
    if errors:
        raise Invalid(errors, {})
    assert role is not None
    return AccountFields(
        role=role,
        organisation_id=organisation.id if organisation else None,
        person_id=person.id if person else None,
        is_approver=is_approver and role is Role.DELEGATE,
    )


async def _email_taken(db: AsyncSession, email: str) -> bool:
    return await db.scalar(select(Account.id).where(func.lower(Account.email) == email.lower())) is not None


async def invite(
    db: AsyncSession,
    *,
    email: str | None,
    role: Role | None,
    organisation_id: int | None = None,
    person_id: int | None = None,
    is_approver: bool = False,
    errors: dict[str, str] | None = None,
) -> tuple[Account, str]:
    """A new account without a password, and the token of its invitation link (7 days):
    the person chooses their password through it."""
    errors = dict(errors or {})
    email = (email or "").strip().lower()
    if not email:
        errors.setdefault("email", _("This field is required."))
    elif not EMAIL.match(email) or len(email) > 254:
        errors.setdefault("email", _("Enter a valid email address."))
    elif await _email_taken(db, email):
        errors["email"] = _("An account with this email already exists.")
    fields = await check_account_fields(
        db, role=role, organisation_id=organisation_id, person_id=person_id, is_approver=is_approver, errors=errors
    )
    account = Account(
        email=email,
        role=fields.role,
        organisation_id=fields.organisation_id,
        person_id=fields.person_id,
        is_approver=fields.is_approver,
    )
    db.add(account)
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError:  # the same email, invited at the same moment
        raise Invalid({"email": _("An account with this email already exists.")}, {}) from None
    await db.refresh(account, ["organisation", "person"])
    token = await new_link(db, account, LinkPurpose.INVITE)
    return account, token


async def _other_active_secretariat(db: AsyncSession, account: Account) -> bool:
    return (
        await db.scalar(
            select(Account.id).where(
                Account.role == Role.SECRETARIAT, Account.disabled_at.is_(None), Account.id != account.id
            )
        )
        is not None
    )


async def update_account(
    db: AsyncSession,
    account: Account,
    *,
    version: int | None,
    role: Role | None,
    organisation_id: int | None,
    person_id: int | None,
    is_approver: bool,
    errors: dict[str, str] | None = None,
) -> Account:
    """Change an account's role and attachments (from a copy read at `version`)."""
    check_version(account, version)
    fields = await check_account_fields(
        db,
        role=role,
        organisation_id=organisation_id,
        person_id=person_id,
        is_approver=is_approver,
        account=account,
        errors=errors,
    )
    if (
        account.role is Role.SECRETARIAT
        and fields.role is not Role.SECRETARIAT
        and account.is_active
        and not await _other_active_secretariat(db, account)
    ):
        raise Invalid({"role": _("This is the last active secretariat account: it keeps its role.")}, {})
    account.role = fields.role
    account.organisation_id = fields.organisation_id
    account.person_id = fields.person_id
    account.is_approver = fields.is_approver
    await db.flush()
    await db.refresh(account, ["organisation", "person"])
    return account


async def disable_account(db: AsyncSession, account: Account, *, by: Account | None = None) -> Account:
    """Disable an account: every session ends at once, its API tokens and calendar feeds
    end for good (enabling it again does not bring them back); its links stop working
    (they need an active account)."""
    if by is not None and by.id == account.id:
        raise Refused(_("You cannot disable your own account."))
    if account.role is Role.SECRETARIAT and account.is_active and not await _other_active_secretariat(db, account):
        raise Refused(_("This is the last active secretariat account: it cannot be disabled."))
    if account.disabled_at is None:
        account.disabled_at = _now()
    await end_tokens(db, account, "account disabled")  # flushes: one change of the account
    await end_all_sessions(db, account.id)
    return account


async def enable_account(db: AsyncSession, account: Account) -> Account:
    """Enable an account again: with no API token or feed from before (an account disabled
    before tokens ended with it may still hold some: they end now)."""
    if account.disabled_at is not None:
        account.disabled_at = None
        await end_tokens(db, account, "account enabled")  # flushes
    return account


def account_status(account: Account) -> str:
    """"disabled", "invited" (no password chosen yet) or "active"."""
    if not account.is_active:
        return "disabled"
    return "invited" if account.password_hash is None else "active"
