"""Creates happen once: a double click, a resubmitted form or a retried API call must not
make a second meeting (or person, commitment...).

Every create form carries a one-time key (`{{ form_key() }}`, a hidden `_form_key` field
made when the form is rendered); an API client may send an `Idempotency-Key` header. The
handler calls `replay` first (a key already handled answers like the first time: a
redirect to what it created) and `remember` just before its commit, in the same
transaction as the create. Two requests racing with the same key both get past `replay`,
but the key is unique: the second one's insert fails, its work is rolled back, and it
answers with the first one's address.

    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    meeting = await service.schedule_meeting(db, draft)
    await idempotency.remember(db, request, form, f"/meetings/{meeting.id}")
    await db.commit()
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from contextvars import ContextVar

from litestar import Request
from markupsafe import Markup
from sqlalchemy import ForeignKey, Index, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.db import Base, utcnow
from dialogue.forms import Form

FIELD = "_form_key"
HEADER = "idempotency-key"
# A key is remembered this long: enough for a double click, a "back" and resend, or a
# client's retries; older ones are deleted as new ones come.
KEEP = dt.timedelta(days=1)
KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class FormSubmission(Base):
    """A create already done under a one-time key, and where it led."""

    key: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))

    __table_args__ = (Index("ix_form_submission_created_at", "created_at"),)


class AlreadyDone(Exception):
    """This key was handled before: answer by going to `url` (error_handlers.py)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def new_key() -> str:
    return secrets.token_urlsafe(24)


# The keys put into the page being rendered, while dialogue/page_cache.py keeps it: each
# copy it serves again gets fresh ones.
rendered_form_keys: ContextVar[list[str] | None] = ContextVar("rendered_form_keys", default=None)


def form_key_input() -> Markup:
    """`{{ form_key() }}` in a create form: a fresh one-time key each time it is rendered."""
    key = new_key()
    rendered = rendered_form_keys.get()
    if rendered is not None:
        rendered.append(key)
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, key)


def submitted_key(request: Request, form: Form | None) -> str | None:
    """The form's key, else the API's `Idempotency-Key` header; a malformed one is none."""
    key = form.raw(FIELD) if form is not None else request.headers.get(HEADER, "").strip()
    return key if KEY.match(key) else None


def _account_id(request: Request) -> int | None:
    account = request.scope.get("user")
    return account.id if account is not None else None


async def _earlier(db: AsyncSession, request: Request, key: str) -> None:
    row = await db.scalar(select(FormSubmission).where(FormSubmission.key == key))
    if row is None:
        return
    if row.account_id != _account_id(request):
        # Someone else's key (copied, or a shared computer): never show where it led.
        raise AlreadyDone("/")
    raise AlreadyDone(row.url)


async def replay(db: AsyncSession, request: Request, form: Form | None = None) -> None:
    """Raise `AlreadyDone` when this submission's key was handled before."""
    key = submitted_key(request, form)
    if key is not None:
        await _earlier(db, request, key)


async def remember(db: AsyncSession, request: Request, form: Form | None, url: str) -> None:
    """Record that this submission led to `url`, in the create's transaction. If another
    request with the same key got there first, everything here is rolled back and the
    answer is the first one's (`AlreadyDone`)."""
    key = submitted_key(request, form)
    if key is None:
        return
    await db.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEEP))
    db.add(FormSubmission(key=key, account_id=_account_id(request), url=url[:500]))
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        await _earlier(db, request, key)
        raise
