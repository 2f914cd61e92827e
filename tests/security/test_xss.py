"""Hostile text typed into every free-text field comes back escaped on every page, and the
API answers it as JSON only."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar.testing import AsyncTestClient

from tests.security.conftest import HOSTILE, RAW, is_html, stranger, world_urls

ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def assert_escaped(response: Any, url: str) -> None:
    for raw in RAW:
        assert raw not in response.text, (url, raw)


async def test_hostile_text_in_every_field_is_escaped_on_every_page(
    english: AsyncTestClient[Any], world: dict[str, Any]
) -> None:
    shown: list[str] = []
    for url in world_urls(english.app, world):
        for htmx in (False, True):
            response = await english.get(url, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code < 500, (url, response.status_code)
            content_type = response.headers.get("content-type", "")
            if url.startswith("/api/"):
                assert content_type.startswith("application/json"), (url, content_type)
                response.json()
            elif is_html(response):
                assert_escaped(response, url)
                if ESCAPED in response.text:
                    shown.append(url)
            else:
                # Files (CSS, the OpenAPI document, e-mails...) are never HTML.
                assert "html" not in content_type, (url, content_type)
    # The pages really showed the hostile records (the test is not vacuous).
    must_show = [
        "/",
        "/organisations",
        "/people",
        "/bodies",
        "/meetings",
        "/commitments",
        f"/organisations/{world['organisation_id']}",
        f"/people/{world['person_id']}",
        f"/bodies/{world['body_id']}",
        f"/meetings/{world['meeting_id']}",
        f"/meetings/{world['meeting_id']}/agenda",
        f"/meetings/{world['later_meeting_id']}",
        f"/commitments/{world['commitment_id']}",
        f"/commitments/{world['commitment_id']}/edit",
    ]
    missing = [url for url in must_show if url not in shown]
    assert not missing, missing


async def test_the_hostile_text_is_stored_as_typed(english: AsyncTestClient[Any], world: dict[str, Any]) -> None:
    """Escaping happens on output: the record keeps exactly what was typed."""
    item = (await english.get(f"/api/v1/agenda/{world['item_id']}")).json()
    assert item["title"] == HOSTILE and item["description"] == HOSTILE
    assert item["documents"][0]["title"] == HOSTILE
    assert {p["side"]: p["statement"] for p in item["positions"]} == dict.fromkeys(
        ("employers", "government", "workers"), HOSTILE
    )
    assert item["outcome"]["text"] == HOSTILE
    commitment = (await english.get(f"/api/v1/commitments/{world['commitment_id']}")).json()
    assert commitment["title"] == HOSTILE and commitment["description"] == HOSTILE
    assert [u["note"] for u in commitment["updates"]] == [HOSTILE, HOSTILE]
    meeting = (await english.get(f"/api/v1/meetings/{world['meeting_id']}")).json()
    assert (meeting["title"], meeting["venue"], meeting["description"]) == (HOSTILE, HOSTILE, HOSTILE)
    person = (await english.get(f"/api/v1/people/{world['person_id']}")).json()
    assert (person["full_name"], person["title"]) == (HOSTILE, HOSTILE)
    organisation = (await english.get(f"/api/v1/organisations/{world['organisation_id']}")).json()
    assert (organisation["name"], organisation["description"]) == (HOSTILE, HOSTILE)
    body = (await english.get(f"/api/v1/bodies/{world['body_id']}")).json()
    assert (body["name"], body["description"]) == (HOSTILE, HOSTILE)


async def test_hostile_text_in_the_address_is_escaped(english: AsyncTestClient[Any]) -> None:
    """Searches and other query parameters shown back on the page (reflected XSS)."""
    hostile = quote(HOSTILE)
    for url in (
        f"/meetings?q={hostile}",
        f"/commitments?q={hostile}&status={hostile}&due_from={hostile}",
        f"/people?q={hostile}",
        f"/organisations?q={hostile}",
        f"/bodies?q={hostile}",
        f"/audit?q={hostile}&entity={hostile}",
        f"/commitments/new?item={hostile}",
    ):
        response = await english.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_escaped(response, url)
    async with stranger(english) as browser:
        login = await browser.get(f"/login?next={hostile}")
    assert login.status_code == 200
    assert_escaped(login, "/login")


async def test_hostile_form_input_is_escaped_when_the_form_comes_back_with_errors(
    english: AsyncTestClient[Any], world: dict[str, Any]
) -> None:
    """A form refused for another field shows what was typed: escaped too."""
    too_long = "x" * 20_001
    for url, data in (
        ("/organisations", {"slug": "BAD SLUG", "name": HOSTILE, "side": "workers", "description": HOSTILE}),
        ("/people", {"full_name": HOSTILE, "title": HOSTILE, "organisation_id": "999999"}),
        ("/bodies", {"name": HOSTILE, "description": HOSTILE, "kind": "nonsense"}),
        ("/meetings", {"title": HOSTILE, "venue": HOSTILE, "description": too_long, "body_id": str(world["body_id"])}),
        ("/commitments", {"title": HOSTILE, "description": HOSTILE, "side": "nonsense"}),
        (f"/commitments/{world['commitment_id']}/updates", {"note": HOSTILE, "evidence_url": HOSTILE}),
        (
            f"/meetings/{world['meeting_id']}/agenda",
            {"title": HOSTILE, "description": HOSTILE, "duration_minutes": HOSTILE},
        ),
        (f"/agenda/{world['item_id']}/positions/workers", {"stance": HOSTILE, "statement": HOSTILE}),
        (f"/agenda/{world['item_id']}/outcome", {"kind": HOSTILE, "text": HOSTILE}),
        (f"/agenda/{world['item_id']}/documents", {"title": HOSTILE, "url": HOSTILE}),
    ):
        for htmx in (False, True):
            response = await english.post(url, data=data, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code in (409, 422), (url, response.status_code)
            assert_escaped(response, url)


async def test_api_errors_about_hostile_input_are_json(english: AsyncTestClient[Any], world: dict[str, Any]) -> None:
    for method, url, body in (
        ("POST", "/api/v1/organisations", {"slug": HOSTILE, "name": HOSTILE, "side": HOSTILE}),
        ("POST", "/api/v1/commitments", {"title": HOSTILE, "side": HOSTILE}),
        ("PUT", f"/api/v1/agenda/{world['item_id']}/positions/workers", {"stance": HOSTILE, "statement": HOSTILE}),
        ("GET", f"/api/v1/meetings?q={quote(HOSTILE)}&status={quote(HOSTILE)}", None),
    ):
        response = await english.request(method, url, json=body)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert response.headers["content-type"].startswith("application/json"), url
        assert response.headers["x-content-type-options"] == "nosniff"
