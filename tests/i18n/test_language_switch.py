"""The language buttons bring the person back to the very page they were on, with its
filters, search and page number, and never to another site."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient


def next_field(page: str) -> str:
    found = re.search(r'<form class="language"[^>]*>.*?name="next" value="([^"]*)"', page, re.DOTALL)
    assert found, "no language form"
    return html.unescape(found.group(1))


async def switch(client: AsyncTestClient[Any], language: str, next_url: str) -> Any:
    token = client.cookies.get("csrftoken") or ""
    return await client.post(
        "/language", data={"language": language, "next": next_url, "_csrf_token": token}, follow_redirects=False
    )


async def test_the_language_buttons_keep_the_filters_of_the_page(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/meetings?status=held&q=cl%C3%B4ture&offset=25")
    assert next_field(page.text) == "/meetings?status=held&q=cl%C3%B4ture&offset=25"
    answer = await switch(client, "ar", next_field(page.text))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/meetings?status=held&q=cl%C3%B4ture&offset=25"
    again = await client.get(answer.headers["location"])
    assert 'lang="ar"' in again.text and 'value="held" selected' in again.text


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/meetings?status=held",
        "//evil.example/meetings?status=held",
        "/\\evil.example/?a=1",
        "/\t/evil.example?a=1",
        "javascript:alert(1)//?a=1",
        "meetings?status=held",
        "",
    ],
)
async def test_the_language_buttons_never_lead_to_another_site(client: AsyncTestClient[Any], elsewhere: str) -> None:
    await client.get("/meetings")
    answer = await switch(client, "en", elsewhere)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
