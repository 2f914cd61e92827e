"""A refused or failed HTMX request is never a silent dead click: the app's error answers
tell htmx where to show themselves (HX-Retarget/HX-Reswap, swapped by static/errors.js).
A boosted link or form gets the error page in place of the page; a button or form that
replaces a part of the page gets a short translated message in the page's #messages."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from tests import factories
from tests.security.conftest import signed_in

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver.local/meetings"}
BOOSTED = {**HTMX, "HX-Boosted": "true"}


async def observer_sends_invitations(client: AsyncTestClient[Any], db: AsyncSession, headers: dict[str, str]) -> Any:
    """An observer (in French) asks to send a meeting's invitations: refused."""
    observer = await factories.account(db, Role.OBSERVER)
    meeting = await factories.meeting(db)
    await db.commit()
    async with signed_in(client, observer.email, language="fr") as reader:
        token = reader.cookies.get("csrftoken") or ""
        return await reader.post(f"/meetings/{meeting.id}/invitations/send", headers={**headers, "X-CSRFToken": token})


async def test_a_refused_form_says_why_where_the_page_shows_it(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    response = await observer_sends_invitations(client, db, HTMX)
    assert response.status_code == 403
    assert response.headers["hx-retarget"] == "#messages"
    assert response.headers["hx-reswap"] == "innerHTML"
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" not in response.text and 'role="alert"' in response.text
    assert "Vous n" in response.text and "data-dismiss" in response.text  # "Vous n'êtes pas autorisé…"
    # The same form boosted (no hx-target): the error page, and the address stays the page's.
    boosted = await observer_sends_invitations(client, db, BOOSTED)
    assert boosted.status_code == 403 and "<html" in boosted.text
    assert boosted.headers["hx-push-url"] == "false" and boosted.headers["hx-retarget"] == "body"


async def test_a_missing_record_behind_a_button_says_so_in_arabic(client: AsyncTestClient[Any]) -> None:
    client.headers["accept-language"] = "ar"
    response = await client.get("/meetings/999999", headers=HTMX)
    assert response.status_code == 404
    assert response.headers["hx-retarget"] == "#messages"
    assert "هذه الصفحة غير موجودة" in response.text and "<html" not in response.text


async def test_a_boosted_link_to_a_missing_page_gets_the_whole_error_page(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/meetings/999999", headers=BOOSTED)
    assert response.status_code == 404
    assert response.headers["hx-retarget"] == "body" and response.headers["hx-reswap"] == "innerHTML"
    assert "hx-push-url" not in response.headers  # a link's address is pushed, as for a page
    assert "<html" in response.text and "Cette page n&#39;existe pas" in response.text


async def test_without_htmx_the_error_page_is_plain(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/meetings/999999")
    assert response.status_code == 404 and "<html" in response.text
    assert not [name for name in response.headers if name.lower().startswith("hx-")]


async def test_every_page_has_the_message_area_and_its_translated_texts(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/meetings")
    assert 'id="messages"' in page.text
    bundle = client.app.state.static_files.url("app.js")  # errors.js is in the page's one script
    assert f'src="{bundle}" defer' in page.text
    assert 'data-network-error="Le serveur' in page.text  # French, written by the server
    script = await client.get(bundle)
    assert script.status_code == 200 and "htmx:sendError" in script.text
