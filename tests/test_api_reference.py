"""The API's description says what the API does: one error shape, every status, the bearer
token; and its reference page works under the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from dialogue.mail.models import OutboxMessage
from tests import factories

API_ERROR = "#/components/schemas/ApiError"


def check_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"status", "message", "errors", "warnings", "detail", "current"}, body
    if "errors" in body:
        assert isinstance(body["errors"], dict) and all(isinstance(v, str) for v in body["errors"].values()), body
    return body


async def test_every_api_error_has_the_one_shape(english: Any, db: Any) -> None:
    world = await factories.table(db)
    await db.commit()
    refused = await english.get("/api/v1/meetings", headers={"authorization": "Bearer not-a-token"})
    check_error(refused, 401)
    assert refused.headers["www-authenticate"] == "Bearer"
    check_error(await english.get("/api/v1/meetings/999999"), 404)
    check_error(await english.get("/api/v1/meetings?limit=many"), 422)
    check_error(await english.get("/api/v1/people?limit=many"), 400)
    check_error(
        await english.post("/api/v1/organisations", content=b"{not json", headers={"content-type": "application/json"}),
        400,
    )
    # Litestar's own list of problems was sent as it was: a list, not a message per field.
    body = check_error(
        await english.post("/api/v1/people", json={"full_name": 5, "organisation_id": world["ugtt"].id}), 400
    )
    assert body["errors"] == {"full_name": "Expected `str`, got `int`"}
    check_error(await english.post("/api/v1/meetings", json={"title": "Réunion"}), 422)
    stale = check_error(
        await english.patch(f"/api/v1/people/{world['ugtt1'].id}", json={"version": 99, "title": "x"}), 409
    )
    assert stale["current"]["id"] == world["ugtt1"].id


async def test_an_unsupported_method_says_which_ones_the_address_takes(english: Any) -> None:
    response = await english.request("TRACE", "/api/v1/meetings")
    check_error(response, 405)
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST", "OPTIONS"}
    page = await english.request("TRACE", "/meetings")
    assert page.status_code == 405 and "GET" in page.headers["allow"]


async def test_options_lists_every_method_of_the_address(english: Any) -> None:
    # Litestar answered "OPTIONS, POST" here: only the first handler of the path counted.
    response = await english.options("/api/v1/meetings")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, OPTIONS, POST"
    response = await english.options("/api/v1/agenda/1")
    assert response.headers["allow"] == "DELETE, GET, OPTIONS, PATCH"


async def test_the_description_declares_the_token_and_every_status(english: Any) -> None:
    schema = (await english.get("/schema/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token from your account page.",
    }
    assert schema["security"] == [{"bearer": []}]
    error = schema["components"]["schemas"]["ApiError"]
    assert set(error["required"]) == {"status", "message"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "401", "422"):
                assert responses[status]["content"]["application/json"]["schema"]["$ref"] == API_ERROR, (method, path)
            if method != "get":
                assert {"404", "409"} <= set(responses), (method, path)
    paths = schema["paths"]
    assert "403" in paths["/api/v1/meetings"]["post"]["responses"]
    assert "403" not in paths["/api/v1/meetings"]["get"]["responses"]
    assert "404" in paths["/api/v1/meetings/{meeting_id}"]["get"]["responses"]
    # A position is recorded (201) or changed (200).
    assert {"200", "201"} <= set(paths["/api/v1/agenda/{item_id}/positions/{side}"]["put"]["responses"])
    # These bodies may be left out; those that refuse unknown fields say so.
    assert paths["/api/v1/meetings/{meeting_id}/invitations/send"]["post"]["requestBody"]["required"] is False
    assert paths["/api/v1/meetings"]["post"]["requestBody"]["required"] is True
    assert schema["components"]["schemas"]["MeetingIn"]["additionalProperties"] is False


async def test_a_value_of_the_wrong_type_is_refused_not_read_leniently(english: Any, db: Any) -> None:
    world = await factories.table(db)
    meeting = await factories.meeting(db, world["plenary"])
    await factories.invite(db, meeting, world["ugtt1"])
    await db.commit()
    # `0` was read as false: the invitations went out although the body asked nothing valid.
    response = await english.post(f"/api/v1/meetings/{meeting.id}/invitations/send", json={"dry_run": 0})
    assert check_error(response, 422)["errors"] == {"dry_run": "Expected `bool`, got `int`"}
    assert await db.scalar(select(func.count(OutboxMessage.id))) == 0
    response = await english.post(
        f"/api/v1/meetings/{meeting.id}/agenda", json={"title": "Point", "duration_minutes": "30"}
    )
    assert check_error(response, 422)["errors"] == {"duration_minutes": "Expected `int`, got `str`"}


async def test_the_reference_page_works_under_the_content_security_policy(english: Any) -> None:
    page = await english.get("/schema")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # No inline script (the policy blocks it) and nothing from another site.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(url.startswith("/") for url in assets), assets
    for url in assets:
        response = await english.get(url)
        assert response.status_code == 200, url
    script = (await english.get("/static/api-reference.js")).text
    assert "SwaggerUIBundle" in script and "validatorUrl: null" in script


async def test_the_account_page_links_to_the_api_reference(english: Any) -> None:
    page = await english.get("/account")
    assert '<a href="/schema" hx-boost="false">API reference</a>' in page.text
