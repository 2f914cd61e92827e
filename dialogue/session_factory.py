"""The one way to open a database session: requests, the middleware and guards, the CLI, the
mail worker, the demo and the tests all take theirs from `session_factory`.

The listeners that keep the record consistent are registered here, on this factory's own
session class, not on SQLAlchemy's global `Session` as a side effect of some import: every
flush updates the search index, writes the audit trail and applies the calendar SEQUENCE
rule, and every commit that changed the record raises its version (dialogue/page_cache.py),
wherever the change comes from.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import sessionmaker

from dialogue import page_cache, search
from dialogue.audit import trail
from dialogue.calendar import sequence


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on `engine` whose flushes keep the search index, the audit trail and the
    calendar SEQUENCE numbers up to date."""
    # SQLAlchemy fires session events on the sync Session under each AsyncSession: a class
    # of our own (a sessionmaker makes a fresh subclass) holds the listeners.
    recorded = sessionmaker().class_
    # The order they ran in when each module registered itself at import.
    search.listen(recorded)
    trail.listen(recorded)
    sequence.listen(recorded)
    page_cache.listen(recorded)
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=recorded)
