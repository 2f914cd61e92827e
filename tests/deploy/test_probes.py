"""`/health` says the process is alive; `/ready` that it may take traffic: the database
answers and its schema is at the migrations' head. Neither reads a session or sets a cookie."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from dialogue.app import create_app
from dialogue.probes import migration_heads
from dialogue.settings import Settings
from tests.conftest import count_queries, stamp


async def _ready_at(anonymous: Any, engine: AsyncEngine, revision: str | None) -> Any:
    """/ready's answer with the database at `revision`; the test database is left at the head
    (as tests/conftest.py makes it) for the tests after."""
    async with engine.begin() as connection:
        await stamp(connection, [revision] if revision else [])
    try:
        return await anonymous.get("/ready")
    finally:
        async with engine.begin() as connection:
            await stamp(connection, migration_heads())


async def test_ready_once_the_schema_is_at_the_migrations_head(anonymous: Any, engine: AsyncEngine) -> None:
    (head,) = migration_heads()
    response = await _ready_at(anonymous, engine, head)
    assert response.status_code == 200
    assert response.text == "ready"
    assert "set-cookie" not in response.headers


async def test_not_ready_before_the_migrations_ran(anonymous: Any, engine: AsyncEngine) -> None:
    response = await _ready_at(anonymous, engine, None)
    assert response.status_code == 503
    assert "no migration applied" in response.text
    assert "dialogue database upgrade" in response.text


async def test_not_ready_on_a_database_of_another_version(anonymous: Any, engine: AsyncEngine) -> None:
    response = await _ready_at(anonymous, engine, "0123456789ab")
    assert response.status_code == 503
    assert "database schema at 0123456789ab" in response.text


async def test_not_ready_when_the_database_is_unreachable() -> None:
    settings = Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/nothing", secret_key="k" * 40)
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as client:
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.text.startswith("not ready: database unreachable")


async def test_probes_read_no_session_even_from_a_signed_in_browser(client: Any, app_engine: AsyncEngine) -> None:
    for path, statements in (("/health", 1), ("/ready", 2)):
        with count_queries(app_engine) as queries:
            response = await client.get(path)
        assert "set-cookie" not in response.headers, path
        # The probe's own statements only: no session looked up, none extended.
        assert queries.count == statements, (path, queries.statements)
