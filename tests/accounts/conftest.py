"""Helpers for the accounts tests: more browsers on the same app, the session cookie."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

COOKIE = "dialogue_session"
LINK = re.compile(r"https?://[^\s<\"]+/welcome/([A-Za-z0-9_\-]+)")


def session_cookie(client: AsyncTestClient[Any], name: str = COOKIE) -> str | None:
    """The session cookie the browser holds (at most one)."""
    values = [cookie.value for cookie in client.cookies.jar if cookie.name == name]
    assert len(values) <= 1, values
    return values[0] if values else None


def plant_cookie(client: AsyncTestClient[Any], value: str, name: str = COOKIE) -> None:
    """Put a session cookie in the browser, as an attacker would."""
    client.cookies.jar.clear()
    client.cookies.set(name, value, domain="testserver.local", path="/")


def link_token(text: str) -> str:
    """The token of the one-time link shown on a page or printed by the CLI."""
    found = LINK.search(text)
    assert found, "no one-time link in the answer"
    return found.group(1)


@pytest.fixture
def browser(anonymous: AsyncTestClient[Any]) -> Callable[[], AbstractAsyncContextManager[AsyncTestClient[Any]]]:
    """Another browser on the same app (in English), signed in as nobody."""

    @asynccontextmanager
    async def open_browser() -> AsyncIterator[AsyncTestClient[Any]]:
        # The app runs in the first client's event loop (a thread of its own): a second
        # client with a loop of its own would share the app's asyncpg connections across
        # loops, which PostgreSQL's driver does not allow.
        other = AsyncTestClient(app=anonymous.app, base_url="http://testserver.local")
        other.blocking_portal = anonymous.blocking_portal
        other.headers["accept-language"] = "en"
        yield other

    return open_browser
