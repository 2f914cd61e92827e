"""The server killed (SIGKILL, no goodbye) while people write: after a restart the database
is consistent, every acknowledged write is there once, a write in flight is there whole or
not at all, and Dialogue serves again."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.soak import Crowd, Server, check_record, fresh_database, prepare
from tests.faults.conftest import on_sqlite_and_postgresql

WRITES_BEFORE_THE_KILL = 6
WRITES_AFTER_THE_RESTART = 3


async def _write_until_killed(crowd: Crowd, server: Server) -> None:
    """People act; once some writes are acknowledged (more are on their way), the server dies."""
    acting = asyncio.create_task(crowd.run(seconds=120))
    while sum(len(values) for values in crowd.ledger.acknowledged.values()) < WRITES_BEFORE_THE_KILL:
        assert not acting.done(), "the crowd stopped before writing"
        await asyncio.sleep(0.05)
    await asyncio.to_thread(server.stop, signal.SIGKILL)
    await asyncio.sleep(1)  # the requests in flight fail
    crowd.stopping.set()
    await acting


async def _write_again(crowd: Crowd) -> None:
    """After the restart, people act until some of their writes are acknowledged."""
    acting = asyncio.create_task(crowd.run(seconds=120))
    while sum(len(values) for values in crowd.ledger.acknowledged.values()) < WRITES_AFTER_THE_RESTART:
        assert not acting.done(), "the crowd stopped before writing"
        await asyncio.sleep(0.05)
    crowd.stopping.set()
    await acting


@on_sqlite_and_postgresql
def test_a_server_killed_while_people_write_leaves_a_consistent_database(
    server_url: str | None, tmp_path: Path
) -> None:
    with fresh_database(server_url, tmp_path) as url:
        people = prepare(url, 2, 4, demo=False)
        server = Server(url, tmp_path, workers=2)
        server.start()
        crowd = Crowd(server.base, people)
        asyncio.run(_write_until_killed(crowd, server))
        assert crowd.tally.server_errors == []

        if server_url is None:  # SQLite: the file itself is sound, references included
            with sqlite3.connect(make_url(url).database or "") as connection:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert check_record(url, crowd.ledger, exact=False) == []

        # The same database, after the crash, served again: by one process (what is proved
        # here is the database and a write after the crash, not two processes; starting one
        # fewer saves its imports), until writes are acknowledged (not for a fixed 5 s).
        server.env["DIALOGUE_WORKERS"] = "1"
        server.start()
        try:
            after = Crowd(server.base, people, seed=2)
            asyncio.run(_write_again(after))
        finally:
            server.stop()
        assert after.tally.server_errors == [] and after.tally.failures == []
        assert sum(len(values) for values in after.ledger.acknowledged.values()) > 0, after.tally.answers
        assert check_record(url, after.ledger) == []
