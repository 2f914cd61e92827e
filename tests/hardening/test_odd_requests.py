"""Odd requests get a clear refusal, never a 500: JSON nested a thousand levels deep sent to
the API, a NUL byte in a /static address."""

from __future__ import annotations

from typing import Any

import pytest

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/meetings"),
        ("PATCH", "/api/v1/meetings/1"),
        ("POST", "/api/v1/commitments"),
        ("POST", "/api/v1/organisations"),
    ],
)
async def test_deeply_nested_json_is_a_bad_request(client: Any, method: str, path: str) -> None:
    client.headers["accept-language"] = "en"
    for body in (DEEP, DEEP_OBJECT):
        response = await client.request(method, path, content=body, headers={"content-type": "application/json"})
        assert response.status_code in {400, 404, 422}, response.text
        assert response.json()["message"]


@pytest.mark.parametrize("path", ["/static/dialogue.css%00", "/static/%00", "/static/css/%00.css", "/static/%00/x"])
async def test_a_nul_in_a_static_address_is_not_found(anonymous: Any, path: str) -> None:
    response = await anonymous.get(path, headers={"accept-language": "en"})
    assert response.status_code in {400, 404}, response.text
    assert "Something went wrong" not in response.text
