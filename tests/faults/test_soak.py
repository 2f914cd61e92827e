"""`make soak`, short: people signed in to the production server (`dialogue run`, two
processes) reading and writing at once. Each acknowledged write is in the database exactly
once and nothing else is, no answer is a 5xx, the log never says "database is locked"."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.soak import Ledger, fresh_database, soak
from tests.faults.conftest import on_sqlite_and_postgresql

SECONDS = 20  # at most: the crowd stops once it has written enough (about half of that)
PEOPLE = 8
KINDS = {"meeting", "item", "commitment", "position", "progress"}
WRITES = 40


def _enough_written(ledger: Ledger) -> bool:
    """Every kind of write acknowledged, WRITES in all (twenty seconds give about a hundred,
    most of them positions: the secretariat is one person of eight)."""
    written: Counter[str] = Counter()
    for kind, values in ledger.acknowledged.items():
        written[kind.split(" /")[0]] += len(values)
    return {kind for kind, count in written.items() if count} == KINDS and written.total() >= WRITES


@on_sqlite_and_postgresql
def test_people_reading_and_writing_at_once_lose_and_double_nothing(server_url: str | None, tmp_path: Path) -> None:
    with fresh_database(server_url, tmp_path) as url:
        outcome = soak(url, tmp_path, seconds=SECONDS, users=PEOPLE, demo=False, enough=_enough_written)
    summary = outcome.summary("soak", SECONDS)
    assert outcome.problems == [], summary
    writes = outcome.crowd.ledger.acknowledged
    # Every kind of write happened, so the checks above had something to check.
    assert {kind.split(" /")[0] for kind in writes} == KINDS, summary
