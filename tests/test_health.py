from __future__ import annotations

from typing import Any


async def test_health_answers_ok_after_asking_the_database(client: Any) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.text == "ok"


async def test_unknown_page_is_a_404_page_in_french(client: Any) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert "<html" in response.text


async def test_unknown_api_route_is_json(client: Any) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "message" in response.json()


async def test_security_headers_on_every_page(client: Any) -> None:
    response = await client.get("/health")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
