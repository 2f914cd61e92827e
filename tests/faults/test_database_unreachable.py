"""A database that cannot be reached: pages answer 503 with a message people understand (in
their language, with the request's reference), never a 500, and /ready says why."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from dialogue.app import create_app
from dialogue.settings import Settings

NOWHERE = "postgresql+asyncpg://nobody@127.0.0.1:1/nothing"


async def test_a_signed_in_page_says_the_database_cannot_be_reached() -> None:
    app = create_app(Settings(database_url=NOWHERE, secret_key="k" * 40))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        client.cookies.set("dialogue_session", "a-session-from-before-the-outage")  # read from the database
        page = await client.get("/meetings", headers={"Accept-Language": "en"})
        fragment = await client.get("/meetings", headers={"Accept-Language": "en", "HX-Request": "true"})
        french = await client.get("/meetings", headers={"Accept-Language": "fr"})
        api = await client.get(
            "/api/v1/meetings", headers={"Authorization": "Bearer nothing-to-check", "Accept-Language": "en"}
        )
    assert page.status_code == 503
    assert "Dialogue cannot reach its database at the moment. Try again in a minute." in page.text
    assert page.headers["retry-after"] == "30"
    assert page.headers["x-request-id"] in page.text  # a reference the person can quote
    assert "Traceback" not in page.text
    assert fragment.status_code == 503
    assert french.status_code == 503 and '<html lang="fr"' in french.text
    assert api.status_code == 503
    assert api.json()["message"] == "Dialogue cannot reach its database at the moment. Try again in a minute."
