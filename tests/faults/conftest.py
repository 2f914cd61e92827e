"""Fault and load tests run the real server (`dialogue run`, production settings) through
bench/soak.py, on a database of their own: SQLite, and PostgreSQL when configured."""

from __future__ import annotations

import os

import pytest

PG_SERVER = os.environ.get("DIALOGUE_TEST_DATABASE_URL", "")
NO_POSTGRESQL = "PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL"

# `server_url`: None for a temporary SQLite file, else a PostgreSQL server to make a throwaway
# database on (bench.soak.fresh_database).
on_sqlite_and_postgresql = pytest.mark.parametrize(
    "server_url",
    [
        pytest.param(None, id="sqlite"),
        pytest.param(PG_SERVER, id="postgresql", marks=pytest.mark.skipif(not PG_SERVER, reason=NO_POSTGRESQL)),
    ],
)
