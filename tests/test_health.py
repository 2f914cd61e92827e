from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import count_queries


async def test_health_answers_ok_after_asking_the_database(client: Any) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.text == "ok"


async def test_a_static_file_runs_no_sql_even_for_a_signed_in_browser(client: Any, app_engine: AsyncEngine) -> None:
    """Authentication skips static files: no session lookup for each script and stylesheet."""
    with count_queries(app_engine) as queries:
        response = await client.get("/static/dialogue.css")
    assert response.status_code == 200
    assert queries.statements == []


async def test_health_runs_only_its_own_query(client: Any, app_engine: AsyncEngine) -> None:
    with count_queries(app_engine) as queries:
        assert (await client.get("/health")).status_code == 200
    assert [statement.strip() for statement in queries.statements] == ["SELECT 1"]


async def test_a_page_still_knows_who_is_signed_in(client: Any, app_engine: AsyncEngine) -> None:
    with count_queries(app_engine) as queries:
        response = await client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert any("sign_in_session" in statement for statement in queries.statements)


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


def test_a_served_process_keeps_what_the_app_is_made_of_out_of_the_collectors_way(tmp_path: Path) -> None:
    # `dialogue run` serves `served_app`: its modules, routes and models are frozen, so that
    # a full garbage collection does not walk them while visitors wait.
    script = (
        "import gc; from dialogue.app import served_app; served_app(); "
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    env = {
        **os.environ,
        "DIALOGUE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/dialogue.db",
        "DIALOGUE_SECRET_KEY": "x" * 48,
    }
    found = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    frozen, walked = map(int, found.stdout.split())
    assert frozen > 100_000
    assert walked < frozen // 20  # what a full collection still walks
