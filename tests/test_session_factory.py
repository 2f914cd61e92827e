"""Every session the application opens comes from one factory, which carries the listeners of
the record (search index, audit trail, calendar SEQUENCE, the record's version); importing the code registers none
on SQLAlchemy's global Session."""

from __future__ import annotations

from sqlalchemy.orm import Session

import dialogue.app
import dialogue.cli
import dialogue.demo
import dialogue.models  # noqa: F401
from dialogue.db import create_engine
from dialogue.session_factory import session_factory
from dialogue.settings import Settings

EVENTS = (
    "before_flush",
    "after_flush",
    "do_orm_execute",
    "before_commit",
    "after_commit",
    "after_rollback",
    "after_soft_rollback",
)


def _ours(session: Session) -> list[str]:
    return [
        f"{listener.__module__}.{listener.__name__}"
        for name in EVENTS
        for listener in getattr(session.dispatch, name)
        if listener.__module__.startswith("dialogue.")
    ]


def test_importing_dialogue_registers_nothing_on_sqlalchemy_sessions() -> None:
    assert _ours(Session()) == []


async def test_the_factory_sessions_keep_the_index_the_trail_and_the_sequence() -> None:
    engine = create_engine(Settings(database_url="sqlite+aiosqlite://"))
    try:
        async with session_factory(engine)() as db:
            assert sorted(set(_ours(db.sync_session))) == [
                "dialogue.audit.trail._after_flush",
                "dialogue.audit.trail._before_flush",
                "dialogue.calendar.sequence._before_flush",
                "dialogue.calendar.sequence._on_execute",
                "dialogue.calendar.sequence._transaction_over",
                "dialogue.page_cache._before_commit",
                "dialogue.page_cache._changes",
                "dialogue.page_cache._rolled_back",
                "dialogue.page_cache._statement",
                "dialogue.search._after_flush",
                "dialogue.search._before_flush",
            ]
    finally:
        await engine.dispose()
