"""Their own account settings that signed-in people change: password and language."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account
from dialogue.accounts.passwords import hash_password, password_problem, verify_password
from dialogue.accounts.revocation import end_tokens
from dialogue.accounts.sessions import end_all_sessions
from dialogue.db import utcnow as _now
from dialogue.errors import Invalid, check_version
from dialogue.i18n import LANGUAGE_NAMES, _
from dialogue.people.models import Language

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
