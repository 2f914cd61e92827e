"""Cross-site request forgery: every form and HTMX post needs the token of the page; the
API takes personal tokens only, never the session cookie."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.agenda.models import Position
from dialogue.people.models import Organisation, Side
from tests import factories
from tests.security.conftest import signed_in, stranger


def page_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


async def organisations(db: AsyncSession) -> int:
    await db.commit()  # a fresh read
    return int(await db.scalar(select(func.count(Organisation.id))) or 0)


NEW_ORGANISATION = {"slug": "forged", "name": "Organisation forgée", "side": "employers"}


async def test_a_form_post_without_the_token_is_refused_and_changes_nothing(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    async with signed_in(client, "secretariat@example.tn") as browser:
        del browser.headers["x-csrftoken"]
        before = await organisations(db)
        plain = await browser.post("/organisations", data=NEW_ORGANISATION, follow_redirects=False)
        assert plain.status_code == 403
        htmx = await browser.post("/organisations", data=NEW_ORGANISATION, headers={"HX-Request": "true"})
        assert htmx.status_code == 403
        forged = await browser.post(
            "/organisations", data={**NEW_ORGANISATION, "_csrf_token": "0" * 128}, follow_redirects=False
        )
        assert forged.status_code == 403
        assert await organisations(db) == before


async def test_the_token_of_the_page_is_accepted(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    async with signed_in(client, "secretariat@example.tn") as browser:
        del browser.headers["x-csrftoken"]
        token = page_token((await browser.get("/organisations/new")).text)
        before = await organisations(db)
        response = await browser.post(
            "/organisations", data={**NEW_ORGANISATION, "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        assert await organisations(db) == before + 1
        # HTMX sends it in the header the layout sets (hx-headers).
        page = (await browser.get("/organisations/new")).text
        header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page)
        assert header
        htmx = await browser.post(
            "/organisations",
            data={**NEW_ORGANISATION, "slug": "by-htmx"},
            headers={"HX-Request": "true", "X-CSRFToken": header.group(1)},
        )
        assert htmx.status_code in (200, 204), htmx.text
        assert await organisations(db) == before + 2


async def test_another_browsers_token_does_not_work(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    """The token is bound to the browser's own CSRF cookie: one stolen from another
    browser's page is refused."""
    other = page_token((await client.get("/organisations/new")).text)
    async with signed_in(client, "secretariat@example.tn") as browser:
        del browser.headers["x-csrftoken"]
        before = await organisations(db)
        browser.cookies.set("csrftoken", "f" * 64, domain="testserver.local")
        response = await browser.post("/organisations", data={**NEW_ORGANISATION, "_csrf_token": other})
        assert response.status_code == 403
        assert await organisations(db) == before


async def test_a_delegates_position_form_needs_the_token(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await factories.table(db)
    item = await factories.item(db, await factories.meeting(db, world["plenary"]), 1)
    await factories.account(db, Role.DELEGATE, world["ugtt"], email="ugtt@example.tn")
    await db.commit()
    async with signed_in(client, "ugtt@example.tn") as delegate:
        del delegate.headers["x-csrftoken"]
        for headers in ({}, {"HX-Request": "true"}):
            response = await delegate.post(
                f"/agenda/{item.id}/positions/workers",
                data={"stance": "support", "statement": "Forgé", "visibility": "shared"},
                headers=headers,
            )
            assert response.status_code == 403
    await db.commit()
    assert await db.scalar(select(func.count(Position.id)).where(Position.side == Side.WORKERS)) == 0


async def test_sign_in_and_sign_out_need_the_token(client: AsyncTestClient[Any]) -> None:
    async with stranger(client) as browser:
        await browser.get("/login")
        refused = await browser.post(
            "/login", data={"email": "secretariat@example.tn", "password": factories.PASSWORD}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert (await browser.get("/meetings", follow_redirects=False)).status_code == 303  # still signed out
    async with signed_in(client, "secretariat@example.tn") as browser:
        del browser.headers["x-csrftoken"]
        assert (await browser.post("/logout", follow_redirects=False)).status_code == 403
        assert (await browser.get("/meetings")).status_code == 200  # still signed in


async def test_the_api_ignores_the_session_cookie(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    """A signed-in browser's cookie is no credential for the API: a forged cross-site JSON
    post gets 401 and changes nothing, so the API needs no CSRF token."""
    async with signed_in(client, "secretariat@example.tn") as browser:
        before = await organisations(db)
        response = await browser.post("/api/v1/organisations", json=NEW_ORGANISATION)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/json")
        assert await organisations(db) == before
    # With the personal token (and no CSRF token) it works.
    del client.headers["x-csrftoken"]
    assert (await client.post("/api/v1/organisations", json=NEW_ORGANISATION)).status_code == 201
    assert await organisations(db) == before + 1
