"""PostgreSQL gone for a while under load (its connection cut, as by a restart or a network
fault): people get a clean 503 page that says so, /ready says the database cannot be
reached, and when the database is back Dialogue serves and writes again without a restart.

The outage is made by a TCP proxy between the server and PostgreSQL that this test stops and
starts again: restarting the machine's shared PostgreSQL would disturb everyone else."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from bench.soak import Crowd, Server, check_record, free_port, fresh_database, prepare
from tests.faults.conftest import NO_POSTGRESQL, PG_SERVER

pytestmark = pytest.mark.skipif(not PG_SERVER, reason=NO_POSTGRESQL)
UNAVAILABLE = "Dialogue cannot reach its database at the moment. Try again in a minute."


class Proxy:
    """A TCP proxy to `host:port` on a port of its own, run in a thread; `cut` closes it and
    every connection through it (the database is gone), `restore` opens it again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, upstream_writer}
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        self.writers -= {writer, upstream_writer}

    async def _open(self) -> None:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)  # type: ignore[arg-type]

    def start(self) -> None:
        self.thread.start()
        self._call(self._open())

    def cut(self) -> None:
        self._call(self._cut())

    def restore(self) -> None:
        self._call(self._open())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@contextlib.contextmanager
def proxied(url: str) -> Iterator[tuple[Proxy, str]]:
    """A proxy in front of the database of `url`, and the URL that goes through it."""
    address = make_url(url)
    proxy = Proxy(address.host or "127.0.0.1", address.port or 5432)
    proxy.start()
    try:
        yield proxy, address.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    finally:
        proxy.close()


def _ready(base: str) -> httpx.Response:
    return httpx.get(f"{base}/ready", timeout=30)


async def _through_an_outage(crowd: Crowd, proxy: Proxy, base: str) -> dict[str, httpx.Response]:
    seen: dict[str, httpx.Response] = {}
    acting = asyncio.create_task(crowd.run(seconds=600))
    while not crowd.ledger.acknowledged:  # signed in and writing
        assert not acting.done(), "the crowd stopped before writing"
        await asyncio.sleep(0.1)
    await asyncio.to_thread(proxy.cut)
    await asyncio.sleep(3)  # people keep clicking while the database is gone
    seen["ready during"] = await asyncio.to_thread(_ready, base)
    answers_before = sum(crowd.tally.answers.values())
    await asyncio.to_thread(proxy.restore)
    deadline = time.monotonic() + 60
    while (seen.setdefault("ready after", await asyncio.to_thread(_ready, base))).status_code != 200:
        assert time.monotonic() < deadline, "not ready again a minute after the database came back"
        del seen["ready after"]
        await asyncio.sleep(0.5)
    writes_before = sum(len(values) for values in crowd.ledger.acknowledged.values())
    while sum(len(values) for values in crowd.ledger.acknowledged.values()) <= writes_before:
        assert time.monotonic() < deadline, "no write acknowledged after the database came back"
        await asyncio.sleep(0.2)
    crowd.stopping.set()
    await acting
    assert sum(crowd.tally.answers.values()) > answers_before
    return seen


def test_a_database_outage_answers_503_and_dialogue_recovers_without_a_restart(tmp_path: Path) -> None:
    with fresh_database(PG_SERVER, tmp_path) as url, proxied(url) as (proxy, through_proxy):
        people = prepare(url, 2, 4, demo=False)
        server = Server(through_proxy, tmp_path, workers=2)
        server.start()
        try:
            crowd = Crowd(server.base, people)
            seen = asyncio.run(_through_an_outage(crowd, proxy, server.base))
        finally:
            server.stop()

        assert seen["ready during"].status_code == 503
        assert seen["ready during"].text.startswith("not ready: database unreachable")
        statuses = {status for _action, status, _body in crowd.tally.server_errors}
        others = [(action, status, body[:400]) for action, status, body in crowd.tally.server_errors if status != 503]
        # Some requests fell in the outage, none as a 500.
        assert statuses == {503}, others
        for _action, _status, body in crowd.tally.server_errors:
            assert UNAVAILABLE in body
        assert crowd.tally.failures == []  # every request got an answer
        assert check_record(url, crowd.ledger, exact=False) == []
        assert "Traceback" not in server.log_text()
