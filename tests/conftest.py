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
from dialogue.accounts.models import Role
from dialogue.app import create_app
from dialogue.db import Base, create_engine
from dialogue.i18n import set_language
from dialogue.settings import Settings
from tests import factories

PG_URL = os.environ.get("DIALOGUE_TEST_DATABASE_URL", "")
_pg_schema_ready = False


@pytest.fixture(autouse=True)
def english_outside_requests() -> None:
    """Code called directly by a test speaks English (requests choose their own language)."""
    set_language("en")


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


async def sign_in(client: AsyncTestClient[Any], email: str, password: str = factories.PASSWORD) -> Any:
    """Sign in through the login form, as a person would; sets up the CSRF header."""
    await client.get("/login")
    token = client.cookies.get("csrftoken") or client.cookies.get("__Host-csrftoken")  # https
    if token:
        client.headers["x-csrftoken"] = token
    return await client.post("/login", data={"email": email, "password": password}, follow_redirects=False)


@pytest.fixture
async def anonymous(settings: Settings, engine: AsyncEngine) -> AsyncIterator[AsyncTestClient[Any]]:
    """A browser on the app, signed in as nobody (French by default, like the app)."""
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        yield client


@pytest.fixture
async def client(anonymous: AsyncTestClient[Any], engine: AsyncEngine) -> AsyncTestClient[Any]:
    """A browser signed in as the secretariat (who may do everything), with a personal API
    token for the JSON API."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as db:
        secretariat = await factories.account(db, Role.SECRETARIAT, email="secretariat@example.tn")
        token = await factories.api_token(db, secretariat)
        await db.commit()
    response = await sign_in(anonymous, "secretariat@example.tn")
    assert response.status_code == 303, response.text
    anonymous.headers["authorization"] = f"Bearer {token}"
    return anonymous


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
