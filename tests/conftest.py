"""Each test gets its own app on a fresh database: SQLite always, PostgreSQL too when
DIALOGUE_TEST_DATABASE_URL is set (tests that use the `client` or `db` fixture run on both)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.middleware.csrf import generate_csrf_token
from litestar.testing import AsyncTestClient
from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

import dialogue.models
from dialogue.accounts.middleware import session_cookie_name
from dialogue.accounts.models import Role
from dialogue.accounts.sessions import account_by_email, start_session
from dialogue.app import create_app
from dialogue.csrf import csrf_cookie_name
from dialogue.db import Base, create_engine
from dialogue.i18n import LANGUAGE_COOKIE, set_language
from dialogue.probes import migration_heads
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from tests import factories


def _database_of_this_worker(url: str) -> str:
    """Under pytest-xdist (`make test` runs a worker per core) each worker has a PostgreSQL
    database of its own, `<database>_gw0`, `<database>_gw1`..., made when missing. The
    variable is set for the whole process, so the browser and migration tests use it too."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"

    async def create() -> None:
        engine = create_async_engine(base, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()

    asyncio.run(create())
    own = base.set(database=name).render_as_string(hide_password=False)
    os.environ["DIALOGUE_TEST_DATABASE_URL"] = own
    return own


PG_URL = _database_of_this_worker(os.environ.get("DIALOGUE_TEST_DATABASE_URL", ""))
_pg_schema_ready = False


@pytest.fixture(autouse=True)
def english_outside_requests() -> None:
    """Code called directly by a test speaks English (requests choose their own language)."""
    set_language("en")


@pytest.fixture(scope="session")
def sqlite_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Where the SQLite tests' database lives (the same file for every test, so that one app
    serves them all) and a template of the empty schema, copied over it before each test."""
    folder = tmp_path_factory.mktemp("sqlite")
    return folder / "dialogue.db", folder / "template.db"


@pytest.fixture(autouse=True)
def every_message_reads_as_meant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every email any test builds (sent over SMTP or downloaded from the outbox) is parsed
    back as a mail reader would: Subject, From and To must decode to what was meant."""
    import dialogue.mail.delivery
    import dialogue.mail.routes
    from dialogue.mail import smtp
    from tests.mail.headers import check_headers

    def build_and_check(letter: Any, mail_from: str, **options: Any) -> Any:
        message = smtp.build_message(letter, mail_from, **options)
        check_headers(message.as_bytes(), letter, mail_from)
        return message

    monkeypatch.setattr(dialogue.mail.delivery, "build_message", build_and_check)
    monkeypatch.setattr(dialogue.mail.routes, "build_message", build_and_check)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, sqlite_files: tuple[Path, Path]) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{sqlite_files[0]}"
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to run this test on it")
    return PG_URL


@pytest.fixture
def settings(database_url: str, sqlite_files: tuple[Path, Path]) -> Settings:
    # The files of documents in this run's folder, not var/documents of the working tree.
    storage = str(sqlite_files[0].parent / "documents")
    return Settings(database_url=database_url, secret_key="test-secret-key-" + "x" * 32, storage_url=storage)


async def stamp(connection: Any, revisions: Iterable[str]) -> None:
    """Mark the database as migrated to `revisions` (none: never migrated). The schema made
    from the models is stamped at the migrations' head, as `dialogue database upgrade` would
    leave it (tests/migrations proves the two agree), so /ready sees a current database."""
    await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
    for revision in revisions:
        await connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision})


async def _fresh_schema(engine: AsyncEngine, sqlite_files: tuple[Path, Path]) -> None:
    """An empty database for each test: PostgreSQL's tables are emptied (made once per run);
    SQLite's file is replaced by a copy of a template made once per run."""
    global _pg_schema_ready  # noqa: PLW0603  (the schema is made once per test run)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            if not _pg_schema_ready:
                await connection.run_sync(Base.metadata.drop_all)
                await connection.run_sync(Base.metadata.create_all)
                await stamp(connection, migration_heads())
                _pg_schema_ready = True
            else:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    database, template = sqlite_files
    if not template.exists():
        maker = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{template}"))
        async with maker.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
            await stamp(connection, migration_heads())
        await maker.dispose()
    for leftover in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(template, database)


@pytest.fixture
async def engine(settings: Settings, sqlite_files: tuple[Path, Path]) -> AsyncIterator[AsyncEngine]:
    assert dialogue.models.__all__
    engine = create_engine(settings)
    await _fresh_schema(engine, sqlite_files)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database, to arrange records and check what a request changed."""
    set_language("en")
    async with session_factory(engine)() as session:
        yield session


_apps: dict[Settings, Litestar] = {}


def app_for(settings: Settings) -> Litestar:
    """One app per settings for the whole run: building one takes about half a second, and
    tests with the standard settings share the database file, emptied before each of them.
    Its engine is disposed when each test's client shuts the app down, so no connection
    outlives a test (or its event loop)."""
    if settings not in _apps:
        _apps[settings] = create_app(settings)
    return _apps[settings]


async def sign_in(client: AsyncTestClient[Any], email: str, password: str = factories.PASSWORD) -> Any:
    """Sign in through the login form, as a person would; sets up the CSRF header. Tests of
    signing in use it; the others open a session directly (`open_session`)."""
    await client.get("/login")
    token = client.cookies.get("csrftoken") or client.cookies.get("__Host-csrftoken")  # https
    if token:
        client.headers["x-csrftoken"] = token
    return await client.post("/login", data={"email": email, "password": password}, follow_redirects=False)


def open_session(client: AsyncTestClient[Any], email: str) -> None:
    """The browser `client` signed in as `email` without the login form: a new session as
    the form starts it (`start_session`), its cookie, and a CSRF cookie with its header.
    Two requests fewer per signed-in test; what the form itself does (password, throttle,
    the sign-in in the audit trail, the device cookie) is tested with `sign_in`.

    It runs in the app's event loop (the client's blocking portal), on the app's engine,
    as a request would: PostgreSQL's pooled connections belong to that loop."""
    app = client.app
    settings: Settings = app.state.settings

    async def start() -> tuple[str, str | None]:
        async with app.state.sessions() as db:
            account = await account_by_email(db, email)
            assert account is not None, f"no account {email}"
            token = await start_session(db, account, previous_token=None, ip="testclient", user_agent="testclient")
            await db.commit()
            return token, account.language.value if account.language else None

    token, language = client.blocking_portal.call(start)
    host = client.base_url.host
    client.cookies.set(session_cookie_name(settings), token, domain=host, path="/")
    csrf = generate_csrf_token(settings.secret_key)
    client.cookies.set(csrf_cookie_name(settings), csrf, domain=host, path="/")
    client.headers["x-csrftoken"] = csrf
    if language:
        client.cookies.set(LANGUAGE_COOKIE, language, domain=host, path="/")


@pytest.fixture
async def anonymous(settings: Settings, engine: AsyncEngine) -> AsyncIterator[AsyncTestClient[Any]]:
    """A browser on the app, signed in as nobody (French by default, like the app)."""
    async with AsyncTestClient(app=app_for(settings), base_url="http://testserver.local") as client:
        yield client


@pytest.fixture
async def client(anonymous: AsyncTestClient[Any], engine: AsyncEngine) -> AsyncTestClient[Any]:
    """A browser signed in as the secretariat (who may do everything), with a personal API
    token for the JSON API."""
    async with session_factory(engine)() as db:
        secretariat = await factories.account(db, Role.SECRETARIAT, email="secretariat@example.tn")
        token = await factories.api_token(db, secretariat)
        await db.commit()
    open_session(anonymous, "secretariat@example.tn")
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
