"""Bad input anywhere gets a clear answer, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

HUGE = "99999999999999999999"


async def test_a_number_too_large_for_the_database_is_a_clear_client_error(english: Any) -> None:
    for path in (
        f"/api/v1/meetings?body={HUGE}",
        f"/api/v1/meetings/{HUGE}",
        f"/api/v1/commitments?organisation={HUGE}",
    ):
        response = await english.get(path)
        assert 400 <= response.status_code < 500, path
        assert response.json()["message"]
    for path in (f"/people?organisation={HUGE}", f"/meetings?body={HUGE}", f"/meetings/{HUGE}"):
        page = await english.get(path)
        assert page.status_code < 500, path
        assert "<html" in page.text


async def test_a_huge_number_typed_in_a_form_is_a_field_error(english: Any) -> None:
    response = await english.post("/meetings", data={"title": "Réunion", "body_id": HUGE})
    assert response.status_code == 422
    assert "Enter a smaller number." in response.text or "This field" in response.text


async def test_openapi_documents_the_json_api_and_not_the_pages(english: Any) -> None:
    schema = (await english.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}/cancel",
        "/api/v1/meetings/{meeting_id}/invitations",
        "/api/v1/commitments",
        "/api/v1/organisations",
        "/api/v1/people",
    ):
        assert path in paths, path
    assert all(path.startswith("/api/v1/") for path in paths), [p for p in paths if not p.startswith("/api/")]


@pytest.mark.parametrize(
    "path", ["/meetings?from=0001-01-01", "/audit?from=0001-01-01", "/commitments?due_from=9999-12-31"]
)
async def test_a_date_filter_far_from_ours_is_a_field_error(english: Any, path: str) -> None:
    # Midnight in Tunis on 1 January of year 1 cannot be written in UTC: refused, not a 500.
    response = await english.get(path)
    assert response.status_code in (200, 400, 422)
    assert "Enter a date between 1900 and 2999." in response.text
