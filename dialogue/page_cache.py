"""Pages answered again from memory while nothing in the record has changed.

A signed-in page is rendered from the database on every visit; most visits find the same
record as the visit before. Each server process keeps the pages it rendered, keyed by
everything the page depends on:

- the **record's version**: one counter row (`data_version`), raised in the same
  transaction as every change written through `session_factory` (listeners below), and
  read by the authentication middleware with the session. Any change anywhere, made by any
  server process, makes every kept page of every process unreachable;
- the **request**: method, path, query, the cookies (the session, so never another
  person's page; the CSRF token the page's forms carry; the language), `Accept` and the
  HTMX headers (a fragment is not the page), and the language in force;
- the **minute**: pages say "today", "overdue" and "in 3 days", so nothing is kept past the
  minute it was made in;
- in development, when a template file last changed, so that an edit shows at the next
  reload (in production templates change only with a release, which restarts the server).

Only GET answers of 200 with an HTML body and no cookie set are kept, and only when the
request itself wrote nothing. A page's one-time create keys (`idempotency.form_key_input`)
are replaced by fresh ones each time it is served again, so two tabs never share a key.

Nothing here is needed by another process: the memory is a copy, bounded in bytes
(`DIALOGUE_PAGE_CACHE_MB`, 0 turns it off), and a change seen through the database
counter is enough to stop serving it. Litestar's response cache is not used: it keeps
compressed answers whole and cannot give each copy fresh form keys.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import BigInteger, Connection, ScalarSelect, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from dialogue.db import Base, table_of, utcnow
from dialogue.i18n import current_language
from dialogue.idempotency import new_key, rendered_form_keys

# The only row of `data_version`.
ROW = 1


class DataVersion(Base):
    """How many transactions have changed the record: the key of every kept page."""

    __tablename__ = "data_version"

    n: Mapped[int] = mapped_column(BigInteger, default=0)


# Rows updated on every visit whose changes no page shows (a session's "last seen", once a
# minute): updating them keeps the pages. Making or ending a session is a change.
_QUIET_UPDATES = frozenset({"sign_in_session"})

# Set while a request is answered: whether its own transactions wrote anything (such an
# answer is not kept), and the one-time form keys its page carries.
_wrote: ContextVar[list[bool] | None] = ContextVar("page_cache_wrote", default=None)


def _changes(session: Session, *_: Any) -> None:
    if (
        session.new
        or session.deleted
        or any(getattr(row, "__tablename__", None) not in _QUIET_UPDATES for row in session.dirty)
    ):
        session.info["data_changed"] = True


def _statement(state: Any) -> None:
    if state.is_insert or state.is_delete:
        state.session.info["data_changed"] = True
    elif state.is_update:
        mapper = state.bind_mapper
        if mapper is None or mapper.local_table.name not in _QUIET_UPDATES:
            state.session.info["data_changed"] = True


def raise_version(connection: Connection | Session) -> None:
    """+1, in the transaction of `connection`; the row is made by the first change if missing
    (a schema made from the models rather than the migrations, or emptied). The session
    listeners call it; so does whatever writes with Core statements outside a session."""
    bind = connection if isinstance(connection, Connection) else connection.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    table = table_of(DataVersion)
    statement = insert(table).values(id=ROW, n=1, created_at=now, updated_at=now)
    excluded = statement.excluded
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"n": table.c.n + excluded.n, "updated_at": excluded.updated_at}
        )
    )


def _before_commit(session: Session) -> None:
    _changes(session)  # what commit is about to flush (it fires this event first)
    if session.info.pop("data_changed", False):
        raise_version(session)
        session.info.pop("data_changed", None)  # the statement above marked it again
        wrote = _wrote.get()
        if wrote is not None:
            wrote.append(True)


def _rolled_back(session: Session, _previous: Any) -> None:
    session.info.pop("data_changed", None)


def listen(sessions: type[Session]) -> None:
    """Raise the record's version with every transaction of `sessions` that changes it."""
    event.listen(sessions, "before_flush", _changes)
    event.listen(sessions, "do_orm_execute", _statement)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_soft_rollback", _rolled_back)


def version_now() -> ScalarSelect[int]:
    """The record's version as a column of another statement (NULL before the first change):
    the authentication reads it with the session."""
    return select(DataVersion.n).where(DataVersion.id == ROW).scalar_subquery()


async def data_version(db: AsyncSession) -> int:
    """The record's version now (0 before the first change)."""
    return await db.scalar(select(version_now())) or 0


@dataclass(frozen=True)
class Page:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    form_keys: tuple[str, ...]


class PageStore:
    """The kept pages of this process, the least recently served dropped first past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.pages: OrderedDict[bytes, Page] = OrderedDict()

    def get(self, key: bytes) -> Page | None:
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def put(self, key: bytes, page: Page) -> None:
        cost = len(page.body) + 200
        if cost > self.limit // 8:  # one huge page would push out many ordinary ones
            return
        previous = self.pages.pop(key, None)
        if previous is not None:
            self.size -= len(previous.body) + 200
        self.pages[key] = page
        self.size += cost
        while self.size > self.limit:
            _, dropped = self.pages.popitem(last=False)
            self.size -= len(dropped.body) + 200


def minute() -> int:
    """This minute: no page is served past the minute it was made in."""
    return int(time.time() // 60)


def _key(scope: Scope, version: int, stamp: int) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    parts = [
        str(stamp).encode(),
        scope["path"].encode("utf-8", "surrogateescape"),
        scope.get("query_string", b""),
        current_language().encode(),
        str(version).encode(),
        str(minute()).encode(),
        str(getattr(scope.get("user"), "id", "")).encode(),
    ]
    for name, value in sorted(scope["headers"]):
        if name in (b"cookie", b"accept") or name.startswith(b"hx-"):
            parts.append(name + b":" + value)
    for part in parts:
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.digest()


def _fresh(page: Page) -> bytes:
    body = page.body
    for key in page.form_keys:
        body = body.replace(key.encode(), new_key().encode())
    return body


class PageCache:
    """ASGI middleware, after authentication: serve a kept page, or keep the one rendered."""

    def __init__(self, app: ASGIApp, limit_bytes: int, stamp: Callable[[], int] | None = None) -> None:
        self.app = app
        self.store = PageStore(limit_bytes) if limit_bytes > 0 else None
        # Development: when the templates last changed (a kept page is made again after an edit).
        self.stamp = stamp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = scope.get("state", {}).get("data_version")
        if (
            self.store is None
            or scope["type"] != ScopeType.HTTP
            or scope["method"] != "GET"
            or scope.get("user") is None
            or version is None
            or scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        key = _key(scope, version, self.stamp() if self.stamp else 0)
        page = self.store.get(key)
        if page is not None:
            await send({"type": "http.response.start", "status": 200, "headers": list(page.headers)})
            await send({"type": "http.response.body", "body": _fresh(page), "more_body": False})
            return
        await self._render(key, scope, receive, send)

    async def _render(self, key: bytes, scope: Scope, receive: Receive, send: Send) -> None:
        store = self.store
        assert store is not None
        wrote: list[bool] = []
        form_keys: list[str] = []
        wrote_token = _wrote.set(wrote)
        keys_token = rendered_form_keys.set(form_keys)
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        keep = True

        async def keeping(message: Message) -> None:
            nonlocal headers, keep
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                keep = (
                    message["status"] == 200
                    and not any(name.lower() == b"set-cookie" for name, _ in headers)
                    and any(
                        name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in headers
                    )
                )
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and not wrote:
                    store.put(key, Page(headers, b"".join(chunks), tuple(form_keys)))
            await send(message)

        try:
            await self.app(scope, receive, keeping)
        finally:
            _wrote.reset(wrote_token)
            rendered_form_keys.reset(keys_token)


def page_cache_middleware(limit_bytes: int, stamp: Callable[[], int] | None = None) -> DefineMiddleware:
    return DefineMiddleware(PageCache, limit_bytes=limit_bytes, stamp=stamp)
