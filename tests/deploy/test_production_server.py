"""The production command for real: `dialogue run --workers 2` on PostgreSQL, under each
server it offers (uvicorn, granian), behind what a proxy would send (https is the proxy's),
answering /ready, signing a person in over HTTP (the client's address read from the trusted
proxy's X-Forwarded-For), logging JSON lines with the request's id and account, and
stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from dialogue.accounts.models import Role
from dialogue.session_factory import session_factory
from dialogue.settings import ROOT
from tests import factories

PG_URL = os.environ.get("DIALOGUE_TEST_DATABASE_URL", "")
PUBLIC_URL = "https://dialogue.test"
DIALOGUE = str(Path(sys.executable).parent / "dialogue")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to start the production server on it"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _admin(statement: str) -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(statement))
    await admin.dispose()


async def _create_account(url: str) -> None:
    import dialogue.models  # noqa: F401

    engine = create_async_engine(url)
    async with session_factory(engine)() as db:
        await factories.account(db, Role.SECRETARIAT, email="secretariat@prod.tn")
        await db.commit()
    await engine.dispose()


@pytest.fixture
def production_database() -> Iterator[str]:
    """A PostgreSQL database of its own, migrated by the `dialogue` command, with an account."""
    name = f"dialogue_production_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        env = {**os.environ, "DIALOGUE_DATABASE_URL": url, "DIALOGUE_LANGUAGE": "en"}
        migrated = subprocess.run(
            [DIALOGUE, "database", "upgrade"], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert migrated.returncode == 0, migrated.stderr
        asyncio.run(_create_account(url))
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _session_addresses(url: str) -> list[str]:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        addresses = list((await connection.execute(text("SELECT ip FROM sign_in_session"))).scalars())
    await engine.dispose()
    return addresses


# What each server logs when one of its processes is ready to serve.
STARTED = {"uvicorn": "Started server process", "granian": "Started worker-"}


@pytest.fixture(params=list(STARTED))
def server_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(production_database: str, server_name: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`dialogue run --workers 2` in production mode; (its address, its log file). It must
    stop cleanly (status 0) on SIGTERM."""
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "DIALOGUE_DATABASE_URL": production_database,
        "DIALOGUE_MODE": "production",
        "DIALOGUE_PUBLIC_URL": PUBLIC_URL,
        "DIALOGUE_SECRET_KEY": "production-test-secret-" + "x" * 32,
        "DIALOGUE_TRUSTED_PROXIES": "127.0.0.1",
        "DIALOGUE_PORT": str(port),
        "DIALOGUE_LANGUAGE": "en",
        "DIALOGUE_SERVER": server_name,
    }
    env.pop("DIALOGUE_LOG_FORMAT", None)  # production's default: JSON
    with log.open("w") as errors, (tmp_path / "server.out").open("w") as output:
        process = subprocess.Popen([DIALOGUE, "run", "--workers", "2"], env=env, stdout=output, stderr=errors, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # two processes importing everything on a busy machine
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield base, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    assert status == 0, log.read_text()[-3000:]


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Every line the server logged, each one JSON object (uvicorn's, Litestar's and
    Dialogue's alike)."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def cookies_of(response: httpx.Response, jar: dict[str, str]) -> None:
    """Keep the cookies a response sets (they are Secure: the proxy speaks https to the
    browser, so httpx would not send them back over this plain connection by itself)."""
    for header in response.headers.get_list("set-cookie"):
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value


def test_two_server_processes_sign_a_person_in_and_log_json(
    server: tuple[str, Path], server_name: str, production_database: str
) -> None:
    base, log = server
    jar: dict[str, str] = {}
    browser = {"Origin": PUBLIC_URL, "X-Forwarded-For": "198.51.100.7"}
    with httpx.Client(base_url=base, timeout=30) as client:

        def cookie_header() -> dict[str, str]:
            return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}

        page = client.get("/login", headers=browser)
        assert page.status_code == 200
        cookies_of(page, jar)
        csrf = jar["__Host-csrftoken"]
        signed_in = client.post(
            "/login",
            data={"email": "secretariat@prod.tn", "password": factories.PASSWORD},
            headers={**browser, **cookie_header(), "X-CSRFToken": csrf},
        )
        assert signed_in.status_code == 303, signed_in.text
        cookies_of(signed_in, jar)
        dashboard = client.get("/", headers={**browser, **cookie_header()})
        assert dashboard.status_code == 200
        assert 'action="/logout"' in dashboard.text  # signed in: the page offers to sign out
        missing = client.get("/no-such-page", headers={**browser, **cookie_header()})
        assert missing.status_code == 404
        assert missing.headers["x-request-id"] in missing.text

    time.sleep(0.5)  # the access lines are written as the answers finish
    entries = json_lines(log)
    started = {e["pid"] for e in entries if e["message"].startswith(STARTED[server_name])}
    assert len(started) == 2, "two server processes"
    # The client's address comes from X-Forwarded-For, sent by a trusted proxy (127.0.0.1).
    assert asyncio.run(_session_addresses(production_database)) == ["198.51.100.7"]
    access = {e["request_id"]: e for e in entries if e["logger"] == "dialogue.access"}
    line = access[dashboard.headers["x-request-id"]]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["account_id"], int) and line["duration_ms"] >= 0
    assert access[signed_in.headers["x-request-id"]]["status"] == 303
