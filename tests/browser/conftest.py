"""Browser tests: the real app (`dialogue database upgrade`, `dialogue demo`, `dialogue run`)
served in a subprocess, driven by Debian's Chromium through Playwright's sync API.

Every test runs against a temporary SQLite database, and against PostgreSQL too when
DIALOGUE_TEST_DATABASE_URL is set (its public schema is dropped and recreated first)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import tests.conftest
from dialogue.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

playwright_sync = pytest.importorskip("playwright.sync_api")

PG_URL = os.environ.get("DIALOGUE_TEST_DATABASE_URL", "")
CHROMIUM = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WIDTHS = {"390": PHONE, "1280": DESKTOP}
DIALOGUE = Path(sys.executable).with_name("dialogue")
KEEP_SCREENSHOTS = bool(os.environ.get("DIALOGUE_SCREENSHOTS"))

assert any(email == "secretariat@demo.tn" for email, *_rest in DEMO_ACCOUNTS)


# The browser modules, longest tests first: pytest-xdist hands tests out in this order, so
# the long journeys start early and the short page checks even out the workers at the end.
LONGEST_FIRST = [
    "test_journeys.py",
    "test_no_silent_clicks.py",
    "test_typed_text.py",
    "test_meeting_page.py",
    "test_invitations_page.py",
    "test_layout.py",
    "test_accessibility.py",
]
# The page-by-page matrices (a second or so each) come last of all.
MATRICES = {"test_page_fits_the_screen_has_its_landmarks_and_no_serious_accessibility_fault"}


def _order(item: pytest.Item) -> tuple[bool, bool, int]:
    """The database first (each `server` is started once, all its tests then run), then the
    longest tests first."""
    callspec = getattr(item, "callspec", None)
    database = str(callspec.params.get("server", "")) if callspec else ""
    name = Path(str(item.fspath)).name
    module = LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
    return (database != "sqlite", getattr(item, "originalname", item.name) in MATRICES, module)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests and run them last: Playwright's sync API keeps an event loop
    running in the main thread until the session ends, which the asyncio tests cannot share."""
    here = Path(__file__).parent
    browser = [item for item in items if here in Path(str(item.fspath)).parents]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    chosen = set(map(id, browser))
    items[:] = [item for item in items if id(item) not in chosen] + sorted(browser, key=_order)


@dataclass
class Server:
    """A running Dialogue, and the addresses of demo records its pages link to."""

    url: str
    database: str
    process: subprocess.Popen[bytes]
    log: Path
    signed_in: dict[str, Any] = field(default_factory=dict)  # email -> Playwright storage state
    # (email, language, width) -> a context kept open for tests that only read pages.
    readers: dict[tuple[str | None, str, str], Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reset_pg_schema(url: str) -> None:
    """Drop and recreate the public schema. In a thread of its own: Playwright's sync API
    already runs an event loop in this one."""

    async def reset() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, reset()).result()
    # The database tests build their schema from the models once: make them build it again.
    tests.conftest._pg_schema_ready = False


def _dialogue(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([str(DIALOGUE), *args], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, (
        f"dialogue {' '.join(args)} failed (a missing table or column means a model changed "
        f"without its migration: see tests/migrations):\n{result.stdout}\n{result.stderr[-3000:]}"
    )


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the empty database and load the demo National Council, as `make run` does."""
    _dialogue(env, "database", "upgrade")
    _dialogue(env, "demo")


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dialogue run exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"dialogue run did not answer /health within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM:
        pytest.skip("Chromium not installed (apt-get install chromium): browser tests need /usr/bin/chromium")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Dialogue with the demo National Council, served on a free port."""
    folder = tmp_path_factory.mktemp(f"browser-{request.param}")
    if request.param == "sqlite":
        database_url = f"sqlite+aiosqlite:///{folder}/dialogue.db"
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to run this test on it")
        database_url = PG_URL
        reset_pg_schema(PG_URL)
    port = _free_port()
    env = {
        **os.environ,
        "DIALOGUE_DATABASE_URL": database_url,
        "DIALOGUE_SECRET_KEY": "browser-test-secret-" + "x" * 40,
        "DIALOGUE_HOST": "127.0.0.1",
        "DIALOGUE_PORT": str(port),
        "DIALOGUE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DIALOGUE_STORAGE_URL": str(folder / "documents"),
    }
    env.pop("DIALOGUE_SMTP_URL", None)
    prepare_database(env)
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(DIALOGUE), "run"], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    running = None
    try:
        _wait_for_health(url, process, log)
        running = Server(url=url, database=request.param, process=process, log=log)
        yield running
    finally:
        for context in running.readers.values() if running else ():
            with contextlib.suppress(playwright_sync.Error):
                context.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if request.param == "postgresql":
            reset_pg_schema(PG_URL)


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def open_browser(
    chromium: Any, server: Server, *, language: str, width: str = "1280", email: str | None = "secretariat@demo.tn"
) -> Any:
    """A new browser context (cookies of its own) in `language`, signed in as `email`."""
    state = None
    if email:
        if email not in server.signed_in:
            context = chromium.new_context(base_url=server.url)
            sign_in(context.new_page(), email)
            server.signed_in[email] = context.storage_state()
            context.close()
        state = server.signed_in[email]
    context = chromium.new_context(base_url=server.url, viewport=WIDTHS[width], storage_state=state)
    context.add_cookies([{"name": "dialogue_lang", "value": language, "url": server.url}])
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def browser_context(request: pytest.FixtureRequest, chromium: Any, server: Server) -> Iterator[Any]:
    """Factory: `browser_context(language=..., width=..., email=...)`, closed after the test."""
    opened: list[Any] = []

    def make(**kwargs: Any) -> Any:
        context = open_browser(chromium, server, **kwargs)
        opened.append(context)
        return context

    yield make
    _keep_failed_pages(request, [page for context in opened for page in context.pages])
    for context in opened:
        context.close()


@pytest.fixture
def reading_page(request: pytest.FixtureRequest, chromium: Any, server: Server) -> Iterator[Any]:
    """Factory: `reading_page(language=..., width=..., email=...)`, a new tab in a browser
    context kept for the whole run, for tests that only look at pages (opening a context is a
    third of such a test). The tab is closed after the test; the context's cookies stay as
    signing in left them, since nothing here changes them."""
    opened: list[Any] = []

    def make(*, language: str, width: str = "1280", email: str | None = "secretariat@demo.tn") -> Any:
        key = (email, language, width)
        if key not in server.readers:
            server.readers[key] = open_browser(chromium, server, language=language, width=width, email=email)
        page = server.readers[key].new_page()
        opened.append(page)
        return page

    yield make
    _keep_failed_pages(request, opened)
    for page in opened:
        with contextlib.suppress(playwright_sync.Error):
            page.close()


@pytest.fixture(scope="session")
def demo_paths(chromium: Any, server: Server) -> dict[str, str]:
    """The main pages, with the ids of demo records found by following links like a user."""
    context = open_browser(chromium, server, language="fr")
    page = context.new_page()
    try:

        def first_link(path: str, pattern: str) -> str:
            page.goto(path)
            hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            found = [href for href in hrefs if re.fullmatch(pattern, href)]
            assert found, f"no link matching {pattern} on {path}"
            return found[0]

        # A commitment born at a held meeting: that meeting has an agenda, positions, outcomes.
        commitment = first_link("/commitments", r"/commitments/\d+")
        meeting = first_link(commitment, r"/meetings/\d+")
        paths = {
            "login": "/login",
            "dashboard": "/",
            "meetings": "/meetings",
            "meeting": meeting,
            "commitments": "/commitments",
            "commitment": commitment,
            "bodies": "/bodies",
            "body": first_link("/bodies", r"/bodies/\d+"),
            "organisations": "/organisations",
            "people": "/people",
            "account": "/account",
            "outbox": "/outbox",
            "archive": "/export",
            "documents": f"{meeting}/documents",
        }
        response = page.goto(f"{meeting}/minutes")
        if response is not None and response.status == 200:
            paths["minutes"] = f"{meeting}/minutes"
        return paths
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path | None:
    """Save a full-page screenshot as a test artifact (tests/artifacts/screenshots/) when
    DIALOGUE_SCREENSHOTS is set: a full page takes a second or more, and `make test` takes
    about two hundred of them. A failing browser test always keeps its pages (`failed-...`)."""
    if not KEEP_SCREENSHOTS:
        return None
    return _save(page, name)


def _save(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Each phase's report on the test, for `browser_context` to see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _keep_failed_pages(request: pytest.FixtureRequest, pages: list[Any]) -> None:
    """Screenshots of every page a failed test left open: what the person saw at the end."""
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    stem = re.sub(r"[^\w.-]+", "-", request.node.nodeid.split("::", 1)[-1])[:150]
    for p, page in enumerate(pages):
        with contextlib.suppress(playwright_sync.Error):  # a page that closed or crashed
            _save(page, f"failed-{stem}-{p}")
