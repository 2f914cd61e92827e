"""An online copy of the SQLite database (`dialogue database backup FILE`).

SQLite's backup API copies a consistent snapshot while Dialogue keeps reading and writing
(WAL included); copying the file with `cp` while it runs can give a torn copy. PostgreSQL is
backed up with its own tools (pg_dump, deploy/OPERATIONS.md).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from dialogue.settings import Settings


class NotSqlite(Exception):
    """The configured database is not SQLite."""


def backup_sqlite(settings: Settings, target: str | Path) -> int:
    """Copy the database to `target` (replaced only once the copy is complete and checks
    out); the number of pages copied."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise NotSqlite(settings.database_url)
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        source.backup(copy, pages=1024)  # in steps, so that writers are not held up
        (check,) = copy.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise sqlite3.DatabaseError(f"the copy does not check out: {check}")
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (pages,) = copy.execute("PRAGMA page_count").fetchone()
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)
    return int(pages)
