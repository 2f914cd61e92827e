"""Accounts as the secretariat administers them: the list, inviting, editing, disabling and enabling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.links import new_link
from dialogue.accounts.models import Account, LinkPurpose, Role
from dialogue.accounts.revocation import end_tokens
from dialogue.accounts.sessions import end_all_sessions
from dialogue.choices import Choice
from dialogue.db import utcnow as _now
from dialogue.errors import Invalid, NotFound, Refused, check_version
from dialogue.forms import EMAIL
from dialogue.i18n import N_, _
from dialogue.people.models import Organisation, Person
from dialogue.search import matches
from dialogue.sorting import EVERY_ROW, Window

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
    window: Window = EVERY_ROW,
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
    order = window.sort.clauses(columns, (Account.email, Account.id)) if window.sort else (Account.email,)
    query = select(Account).where(*conditions).order_by(*order)
    rows = await db.scalars(query.limit(window.limit).offset(window.offset))
    return list(rows.unique()), total


async def get_account(db: AsyncSession, account_id: int) -> Account:
    account = await db.get(Account, account_id) if 0 < account_id < 2**31 else None
    if account is None:
        raise NotFound()
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
class AccountDraft:
    """An account as typed, in the secretariat's form or on the command line (None where a
    field is missing or unreadable); `email` is read for an invitation only."""

    role: Role | None
    organisation_id: int | None = None
    person_id: int | None = None
    is_approver: bool = False
    email: str | None = None


@dataclass
class AccountFields:
    """The checked values of an invitation or an edit."""

    role: Role
    organisation_id: int | None
    person_id: int | None
    is_approver: bool


async def check_account_fields(
    db: AsyncSession,
    draft: AccountDraft,
    *,
    account: Account | None = None,
    errors: dict[str, str] | None = None,
) -> AccountFields:
    """The rules of an account's role and attachments, shared by the pages and the CLI:
    a delegate needs an organisation (a person's own organisation when none is given);
    only a delegate approves for a side; a person has at most one account. Raises
    `Invalid` with every problem found (and those already in `errors`: found while
    reading the input)."""
    errors = dict(errors or {})
    role, organisation_id, person_id = draft.role, draft.organisation_id, draft.person_id
    is_approver = draft.is_approver
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


async def invite(db: AsyncSession, draft: AccountDraft, *, errors: dict[str, str] | None = None) -> tuple[Account, str]:
    """A new account without a password, and the token of its invitation link (7 days):
    the person chooses their password through it (`errors`: found while reading the input)."""
    errors = dict(errors or {})
    email = (draft.email or "").strip().lower()
    if not email:
        errors.setdefault("email", _("This field is required."))
    elif not EMAIL.match(email) or len(email) > 254:
        errors.setdefault("email", _("Enter a valid email address."))
    elif await _email_taken(db, email):
        errors["email"] = _("An account with this email already exists.")
    fields = await check_account_fields(db, draft, errors=errors)
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
    draft: AccountDraft,
    *,
    version: int | None,
    errors: dict[str, str] | None = None,
) -> Account:
    """Change an account's role and attachments to `draft` (from a copy read at `version`;
    `errors`: found while reading the input). The email stays."""
    check_version(account, version)
    fields = await check_account_fields(db, draft, account=account, errors=errors)
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
    """ "disabled", "invited" (no password chosen yet) or "active"."""
    if not account.is_active:
        return "disabled"
    return "invited" if account.password_hash is None else "active"
