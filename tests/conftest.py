"""Each test gets its own app on a fresh database: SQLite always, PostgreSQL too when
DIALOGUE_TEST_DATABASE_URL is set (tests that use the `client` or `db` fixture run on both)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import dialogue.models
from dialogue.app import create_app
from dialogue.db import Base, create_engine
from dialogue.i18n import set_language
from dialogue.settings import Settings

PG_URL = os.environ.get("DIALOGUE_TEST_DATABASE_URL", "")
_pg_schema_ready = False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/dialogue.db"
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to run this test on it")
    return PG_URL


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key="test-secret-key-" + "x" * 32)


async def _fresh_schema(engine: AsyncEngine) -> None:
    global _pg_schema_ready
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            if not _pg_schema_ready:
                await connection.run_sync(Base.metadata.drop_all)
                await connection.run_sync(Base.metadata.create_all)
                _pg_schema_ready = True
            else:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            await connection.run_sync(Base.metadata.create_all)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    assert dialogue.models.__all__
    engine = create_engine(settings)
    await _fresh_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database, to arrange records and check what a request changed."""
    set_language("en")
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session


@pytest.fixture
async def client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[AsyncTestClient[Any]]:
    """A browser on the app: French by default like the app, with the CSRF token set up."""
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        response = await client.get("/health")
        assert response.status_code == 200
        await client.get("/static/dialogue.css")
        # Any page sets the CSRF cookie; forms and HTMX send it back in the header.
        await client.get("/")
        token = client.cookies.get("csrftoken")
        if token:
            client.headers["x-csrftoken"] = token
        yield client


@pytest.fixture
def english(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """The same browser, asking for English pages (assertions read English text)."""
    client.headers["accept-language"] = "en"
    return client


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    """Count the SQL statements sent to `engine` (for N+1 tests)."""
    counter = QueryCounter()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


@pytest.fixture
def app_engine(client: AsyncTestClient[Any]) -> AsyncEngine:
    """The engine the app under test uses (to count its statements)."""
    return client.app.state.engine
