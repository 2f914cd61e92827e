"""A password reset, a password change and disabling an account end the account's API
tokens and calendar feed addresses for good: re-enabling the account does not bring them
back; the person makes new ones, and their page says the old ones ended."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, Role
from dialogue.audit.models import AuditEvent
from tests import factories as f
from tests.accounts.conftest import link_token
from tests.security.conftest import signed_in, stranger

EMAIL = "delegate@ugtt.example"
NEW = "a brand new passphrase for me"
FEED = re.compile(r"webcal://[^/\s\"]+/calendars/([A-Za-z0-9_-]+)\.ics")
TOKEN = re.compile(r'<code class="secret" dir="ltr">([^<]+)</code>')
ENDED = "ended on"


async def _world(db: AsyncSession) -> Account:
    world = await f.table(db)
    account = await f.account(db, Role.DELEGATE, world["ugtt"], email=EMAIL, person_id=world["ugtt1"].id)
    await db.commit()
    return account


async def _credentials(me: AsyncTestClient[Any], account: Account) -> tuple[str, str]:
    """An API token and a calendar feed address, made on the person's account page."""
    page = await me.post("/account/tokens", data={"name": "script"})
    assert page.status_code == 201, page.text
    token = TOKEN.search(page.text)
    assert token, page.text
    feed = await me.post("/account/calendars", data={"scope": "person", "key": str(account.person_id)})
    assert feed.status_code == 201, feed.text
    found = FEED.search(feed.text)
    assert found, feed.text
    return token.group(1), found.group(1)


async def _works(client: AsyncTestClient[Any], token: str, feed: str) -> tuple[int, int]:
    """What the API answers the token, and the calendar address, to someone with no session."""
    async with stranger(client) as nobody:
        api = await nobody.get("/api/v1/commitments", headers={"authorization": f"Bearer {token}"})
        calendar = await nobody.get(f"/calendars/{feed}.ics")
    return api.status_code, calendar.status_code


async def test_changing_ones_password_ends_ones_tokens_and_feeds(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    account = await _world(db)
    async with signed_in(english, EMAIL) as me:
        token, feed = await _credentials(me, account)
        assert await _works(english, token, feed) == (200, 200)
        response = await me.post(
            "/account/password",
            data={"current_password": f.PASSWORD, "new_password": NEW, "repeat_password": NEW},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        assert await _works(english, token, feed) == (401, 404)
        page = await me.get("/account")
        assert ENDED in page.text
        feeds = await me.get("/account/calendars")
        assert ENDED in feeds.text
        # New ones work, and the notice has done its job.
        token, feed = await _credentials(me, account)
        assert await _works(english, token, feed) == (200, 200)
        assert ENDED not in (await me.get("/account")).text
        assert ENDED not in (await me.get("/account/calendars")).text
    await db.commit()
    ended = await db.scalars(select(AuditEvent).where(AuditEvent.entity.in_(("api_token", "feed_token"))))
    assert any(event.changes.get("revoked_at") for event in ended)


async def test_a_reset_by_the_secretariat_and_by_link_end_tokens_and_feeds(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    account = await _world(db)
    async with signed_in(english, EMAIL) as me:
        token, feed = await _credentials(me, account)
        # The secretariat resets the password: the old credentials are not trusted any more.
        response = await english.post(f"/accounts/{account.id}/password-link")
        assert response.status_code == 201, response.text
        link = link_token(response.text)
        assert await _works(english, token, feed) == (401, 404)
        # Made in between (the person was still signed in), then the link is used.
        token, feed = await _credentials(me, account)
        assert await _works(english, token, feed) == (200, 200)
    async with stranger(english) as person:
        await person.get(f"/welcome/{link}")
        csrf = person.cookies.get("csrftoken")
        response = await person.post(
            f"/welcome/{link}",
            data={"password": NEW, "repeat_password": NEW},
            headers={"x-csrftoken": csrf} if csrf else {},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        assert await _works(english, token, feed) == (401, 404)
        assert ENDED in (await person.get("/account")).text


async def test_disabling_ends_tokens_and_feeds_and_enabling_does_not_revive_them(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    account = await _world(db)
    async with signed_in(english, EMAIL) as me:
        token, feed = await _credentials(me, account)
    assert (await english.post(f"/accounts/{account.id}/disable", follow_redirects=False)).status_code == 303
    assert await _works(english, token, feed) == (401, 404)
    assert (await english.post(f"/accounts/{account.id}/enable", follow_redirects=False)).status_code == 303
    assert await _works(english, token, feed) == (401, 404)
    async with signed_in(english, EMAIL) as me:
        assert ENDED in (await me.get("/account")).text
        token, feed = await _credentials(me, account)
        assert await _works(english, token, feed) == (200, 200)
