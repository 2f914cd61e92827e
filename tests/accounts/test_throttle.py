"""Throttling failed sign-ins without handing strangers a way to lock people out: failures
count per (account, address) and per address, the address is the client's even behind the
reverse proxy (X-Forwarded-For, believed only from DIALOGUE_TRUSTED_PROXIES), and a browser
the account signed in on before is never blocked by anyone else's failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from dialogue.accounts.models import Role
from dialogue.app import create_app
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.settings import Settings
from tests import factories as f
from tests.accounts.conftest import session_cookie
from tests.conftest import sign_in

WRONG = "not the right password"
PROXY = "10.0.0.2"  # the reverse proxy, in DIALOGUE_TRUSTED_PROXIES
EMAIL = "observer@example.tn"


class Network:
    """The app as reached through a network: the test client always says its address is
    "testclient"; here each request comes from `peer` (the proxy, or anyone)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.peer = PROXY

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope["client"] = (self.peer, 50000)
        await self.app(scope, receive, send)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url, secret_key="test-secret-key-" + "x" * 32, trusted_proxies=("10.0.0.0/8",)
    )


@pytest.fixture
async def network(settings: Settings, engine: AsyncEngine) -> Network:
    return Network(create_app(settings))


@pytest.fixture
async def first(network: Network) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=network, base_url="http://testserver.local") as client:
        client.headers["accept-language"] = "en"
        yield client


@asynccontextmanager
async def browser(first: AsyncTestClient[Any], address: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """Another browser, at `address`, behind the proxy (its own cookies)."""
    other = AsyncTestClient(app=first.app, base_url="http://testserver.local")
    other.blocking_portal = first.blocking_portal
    other.headers.update({"accept-language": "en", "x-forwarded-for": address})
    try:
        yield other
    finally:
        del other.blocking_portal


async def fail(client: AsyncTestClient[Any], times: int, email: str = EMAIL) -> list[int]:
    return [(await sign_in(client, email, WRONG)).status_code for _ in range(times)]


async def test_failures_from_elsewhere_do_not_lock_the_account_out(first: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    async with browser(first, "198.51.100.66") as attacker:
        assert await fail(attacker, 8) == [401] * 5 + [429] * 3
    async with browser(first, "203.0.113.10") as owner:
        response = await sign_in(owner, EMAIL)
        assert response.status_code == 303, response.text
        assert session_cookie(owner)


async def test_behind_the_proxy_one_clients_failures_block_only_that_client(first: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    async with browser(first, "198.51.100.66") as guesser:
        answers = [(await sign_in(guesser, f"guess{n}@example.tn", WRONG)).status_code for n in range(11)]
        assert answers[-1] == 429
        assert (await sign_in(guesser, EMAIL)).status_code == 429  # the address waits, right password or not
    async with browser(first, "198.51.100.67") as colleague:
        assert (await sign_in(colleague, EMAIL)).status_code == 303
    failed = list(await db.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN_FAILED)))
    assert failed and {event.ip for event in failed} == {"198.51.100.66"}
    signed_in = await db.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN))
    assert signed_in is not None and signed_in.ip == "198.51.100.67"


async def test_forwarded_for_is_believed_only_from_a_trusted_proxy(network: Network, first: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    network.peer = "203.0.113.50"  # straight to the app, not through the proxy
    first.headers["x-forwarded-for"] = "192.0.2.1"
    assert await fail(first, 1) == [401]
    # Through the proxy, a client's own X-Forwarded-For entries are not believed either:
    # the address is the last one the trusted proxy wrote.
    network.peer = PROXY
    first.headers["x-forwarded-for"] = "192.0.2.1, 198.51.100.20"
    assert await fail(first, 1) == [401]
    events = list(
        await db.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN_FAILED).order_by(AuditEvent.id)
        )
    )
    assert [event.ip for event in events] == ["203.0.113.50", "198.51.100.20"]


async def test_a_known_device_signs_in_whatever_others_do(first: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    office = "198.51.100.80"
    async with browser(first, office) as laptop:
        assert (await sign_in(laptop, EMAIL)).status_code == 303
        assert (await laptop.post("/logout", follow_redirects=False)).status_code == 303
        # Guesses at the account from many addresses, and from the laptop's own office.
        for n in range(25):
            async with browser(first, f"192.0.2.{n + 1}") as attacker:
                await fail(attacker, 1)
        async with browser(first, office) as intruder:
            assert (await fail(intruder, 12))[-1] == 429
            assert (await sign_in(intruder, EMAIL)).status_code == 429  # an unknown browser waits
        response = await sign_in(laptop, EMAIL)
        assert response.status_code == 303, response.text


async def test_a_known_device_waits_after_its_own_failures(first: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    async with browser(first, "198.51.100.80") as laptop:
        assert (await sign_in(laptop, EMAIL)).status_code == 303
        await laptop.post("/logout", follow_redirects=False)
        assert await fail(laptop, 6) == [401] * 5 + [429]
        assert (await sign_in(laptop, EMAIL)).status_code == 429


async def test_a_forged_device_cookie_is_an_unknown_browser(first: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    async with browser(first, "198.51.100.66") as attacker:
        attacker.cookies.set("dialogue_device", f"abc.{account.id}.{'0' * 32}", domain="testserver.local", path="/")
        assert await fail(attacker, 6) == [401] * 5 + [429]


async def test_the_wait_is_told_in_the_persons_language(first: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email=EMAIL)
    await db.commit()
    async with browser(first, "198.51.100.66") as attacker:
        await fail(attacker, 5)
        attacker.headers["accept-language"] = "fr"
        french = await sign_in(attacker, EMAIL)
        attacker.headers["accept-language"] = "ar"
        arabic = await sign_in(attacker, EMAIL)
    assert french.status_code == arabic.status_code == 429
    assert "Trop de tentatives" in french.text
    assert "محاولات" in arabic.text


def test_a_trusted_proxy_setting_that_is_no_address_stops_the_start() -> None:
    settings = Settings.from_env(
        {"DIALOGUE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local", "DIALOGUE_SECRET_KEY": "k" * 40}
    )
    assert settings.trusted_proxies == ("10.0.0.0/8", "proxy.local")
    assert any("proxy.local" in problem for problem in settings.problems())
