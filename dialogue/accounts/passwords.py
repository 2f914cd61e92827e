"""Passwords: argon2id hashes, and the rules a new password must follow."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dialogue.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 128
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


@cache
def _dummy_hash() -> str:
    """Verified when the email matches no account, so that both answers take the same time;
    made at the first sign-in, not at import (every `dialogue` command would pay for it)."""
    return _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; takes as long for an unknown account as for a known one."""
    try:
        _hasher.verify(password_hash or _dummy_hash(), password)  # raises when it does not match
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why `password` cannot be used, in the user's language, or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least {n} characters.").format(n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most {n} characters.").format(n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or (email and lowered == email.lower()) or len(set(password)) < 4:
        return _("This password is too common or too easy to guess: choose another one.")
    return None
