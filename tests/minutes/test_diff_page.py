"""The page "what changed since version N" is a web page (HTML), and so are its refusals."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.minutes.test_workflow import circulated


async def test_the_changes_between_versions_are_an_html_page(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await circulated(client, db)
    meeting_id = world["meeting"].id
    response = await client.get(f"/meetings/{meeting_id}/minutes/diff?from=1&to=0")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<!doctype html>" in response.text and "minutes-diff" in response.text


async def test_a_bad_version_number_is_a_translated_html_400_page(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(client, db)
    meeting_id = world["meeting"].id
    for query in ("from=x&to=1", "from=1", "from=-1&to=1", "from=99999999999&to=1"):
        response = await client.get(f"/meetings/{meeting_id}/minutes/diff?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/html"), query
        assert "Choisissez deux versions" in response.text, query  # French, the app's default
    client.headers["accept-language"] = "ar"
    response = await client.get(f"/meetings/{meeting_id}/minutes/diff?from=x&to=1")
    assert response.status_code == 400 and 'dir="rtl"' in response.text
    missing = await client.get(f"/meetings/{meeting_id}/minutes/diff?from=1&to=7")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


async def test_exports_refuse_bad_input_with_html_pages(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await circulated(client, db)
    meeting_id = world["meeting"].id
    for url in (
        f"/meetings/{meeting_id}/minutes.pdf?version=x",
        f"/meetings/{meeting_id}/minutes.md?lang=de",
        f"/meetings/{meeting_id}/minutes.json?version=x",
        f"/meetings/{meeting_id}/minutes.md?version=9",
    ):
        response = await client.get(url)
        assert response.status_code in (400, 404), url
        assert response.headers["content-type"].startswith("text/html"), url
