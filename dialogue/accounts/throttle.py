"""Throttling failed sign-ins without letting strangers lock people out.

Failures are counted per (account, address), per address and, with a higher allowance,
per account. A browser where the account signed in before carries a signed "known device"
cookie: its sign-ins are counted against that device alone, so that nobody else's
failures (from the same office behind a proxy, or guesses at the account from anywhere)
block it. Each key that goes over its allowance waits, longer and longer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import SignInThrottle
from dialogue.i18n import ngettext

FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)
# Failures older than this are forgotten (an office behind one address is not blocked for
# ever by the typos of a week).
FORGET_FAILURES_AFTER = dt.timedelta(hours=1)

# Failures allowed before a key has to wait, by kind of key.
FREE_FAILURES = {
    "account-address": 5,  # one person (or one guesser) at one account from one address
    "address": 10,  # one address trying many accounts
    "account": 20,  # guesses at one account from many addresses (unknown devices only)
    "device": 5,  # a known device's own failures
}
DEVICE_COOKIE = "dialogue_device"
DEVICE_COOKIE_DAYS = 365
DEVICE_ACCOUNTS = 10  # the accounts a shared computer remembers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Known devices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    """A browser that signed in before: a random id and the accounts that signed in on it."""

    id: str
    account_ids: tuple[int, ...]

    def knows(self, account_id: int) -> bool:
        return account_id in self.account_ids


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"device:{payload}".encode(), hashlib.sha256).hexdigest()[:32]


def device_cookie_value(secret: str, device: Device | None, account_id: int) -> str:
    """The cookie after `account_id` signed in on this browser (a new device id if it had none)."""
    device_id = device.id if device else secrets.token_urlsafe(16)
    ids = [i for i in (device.account_ids if device else ()) if i != account_id][-(DEVICE_ACCOUNTS - 1) :]
    payload = f"{device_id}.{'-'.join(str(i) for i in [*ids, account_id])}"
    return f"{payload}.{_signature(secret, payload)}"


def read_device(secret: str, value: str | None) -> Device | None:
    """The device a cookie names, if its signature holds (else None: an unknown browser)."""
    if not value or len(value) > 400 or value.count(".") != 2:
        return None
    device_id, ids, signature = value.split(".")
    if not hmac.compare_digest(signature, _signature(secret, f"{device_id}.{ids}")):
        return None
    try:
        account_ids = tuple(int(i) for i in ids.split("-"))
    except ValueError:
        return None
    return Device(device_id, account_ids)


# Counting failures -------------------------------------------------------------------------


def throttle_keys(email: str, ip: str, device: Device | None, account_id: int | None) -> list[str]:
    """The keys an attempt is counted against. A known device of the account: that device
    only. Anyone else: the account at this address, the address, and the account."""
    if device is not None and account_id is not None and device.knows(account_id):
        return [f"device:{device.id}:{account_id}"[:300]]
    return [f"account-address:{ip}|{email}"[:300], f"address:{ip}"[:300], f"account:{email}"[:300]]


def _kind(key: str) -> str:
    return key.split(":", 1)[0]


async def throttle_rows(db: AsyncSession, keys: list[str]) -> list[SignInThrottle]:
    rows = list(await db.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))))
    known = {row.key for row in rows}
    for key in keys:
        if key not in known:
            row = SignInThrottle(key=key, failures=0)
            db.add(row)
            rows.append(row)
    return rows


def blocked_until(rows: list[SignInThrottle]) -> dt.datetime | None:
    """Until when the attempt must wait (None: it may go ahead)."""
    now = _now()
    waits = [row.blocked_until for row in rows if row.blocked_until and row.blocked_until > now]
    return max(waits) if waits else None


def count_failure(rows: list[SignInThrottle]) -> None:
    now = _now()
    for row in rows:
        # updated_at is None until a new row is flushed, whatever its Mapped type says.
        if row.failures and row.updated_at is not None and now - row.updated_at > FORGET_FAILURES_AFTER:  # type: ignore[redundant-expr]
            row.failures = 0
        row.failures += 1
        free = FREE_FAILURES.get(_kind(row.key), 5)
        if row.failures >= free:
            row.blocked_until = now + min(LONGEST_WAIT, FIRST_WAIT * 2 ** (row.failures - free))


def count_success(rows: list[SignInThrottle]) -> None:
    """The account's counters start again; the address keeps its count, so that one good
    account cannot be used to wipe the trace of guesses at many others."""
    for row in rows:
        if _kind(row.key) != "address":
            row.failures = 0
            row.blocked_until = None


def wait_message(until: dt.datetime) -> str:
    minutes = max(1, int((until - _now()).total_seconds() + 59) // 60)
    return ngettext(
        "Too many failed attempts. Try again in %(num)d minute.",
        "Too many failed attempts. Try again in %(num)d minutes.",
        minutes,
    ) % {"num": minutes}
