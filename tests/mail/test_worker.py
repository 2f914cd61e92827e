"""The background worker and its start-up/shutdown hooks."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.datastructures import State
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogue.mail.models import OutboxMessage, OutboxStatus
from dialogue.mail.outbox import enqueue
from dialogue.mail.worker import run_worker, start_mail_worker, stop_mail_worker
from dialogue.settings import Settings
from tests.mail.conftest import Handler, Inbox, free_port


class FakeApp:
    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.state = State({"settings": settings, "sessions": sessions})


async def until_received(inbox: Any, count: int) -> None:
    for _ in range(400):  # at most 20 s; the worker's first round starts at once
        if len(inbox.messages) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(inbox.messages)} of {count} messages received")


async def test_worker_sends_then_stops_when_asked(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_server: Any
) -> None:
    enqueue(db, to_address="a@example.tn", subject="Bonjour", text_body="...")
    await db.commit()
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(sessions, replace(settings, smtp_url=smtp_server.url), stop, interval=3600))
    await until_received(smtp_server.inbox, 1)
    stop.set()
    await asyncio.wait_for(worker, timeout=10)
    assert (await db.scalar(select(OutboxMessage.status))) is OutboxStatus.SENT


async def test_running_workers_wait_while_smtp_is_down_then_deliver_each_message_once(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    for n in range(3):
        enqueue(db, to_address=f"delegate{n}@example.tn", subject=f"Convocation {n}", text_body="...")
    await db.commit()
    port = free_port()  # nothing listens there yet: the SMTP server is down
    down = replace(settings, smtp_url=f"smtp://127.0.0.1:{port}?timeout=2")
    stop = asyncio.Event()
    workers = [asyncio.create_task(run_worker(sessions, down, stop, interval=0.2)) for _ in range(2)]
    try:
        for _ in range(400):  # the first round of each worker fails and each message waits
            db.expire_all()
            if {(m.status, m.attempts) for m in await db.scalars(select(OutboxMessage))} == {(OutboxStatus.PENDING, 1)}:
                break
            await asyncio.sleep(0.05)
        db.expire_all()
        waiting = list(await db.scalars(select(OutboxMessage)))
        assert {(m.status, m.attempts) for m in waiting} == {(OutboxStatus.PENDING, 1)}
        assert all(m.last_error for m in waiting)

        inbox = Inbox()
        handler = Handler(inbox)
        smtp = Controller(handler, hostname="127.0.0.1", port=port)  # back, at the same address
        handler.controller = smtp
        smtp.start()
        try:
            # The wait before the next try (a minute) is over.
            await db.execute(update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
            await db.commit()
            await until_received(inbox, 3)
            await asyncio.sleep(1)  # several more rounds of both workers: nothing is sent again
        finally:
            stop.set()
            await asyncio.gather(*workers)
            smtp.stop(no_assert=True)
    finally:
        stop.set()
    counts = inbox.by_message_id()
    assert len(counts) == 3 and set(counts.values()) == {1}
    db.expire_all()
    assert {m.status for m in await db.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


async def test_app_hooks_run_the_worker_only_with_smtp_configured(
    db: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings, smtp_server: Any
) -> None:
    quiet = FakeApp(settings, sessions)
    await start_mail_worker(quiet)
    assert getattr(quiet.state, "mail_worker", None) is None
    await stop_mail_worker(quiet)

    enqueue(db, to_address="a@example.tn", subject="Bonjour", text_body="...")
    await db.commit()
    app = FakeApp(replace(settings, smtp_url=smtp_server.url), sessions)
    await start_mail_worker(app)
    _stop, task = app.state.mail_worker
    await until_received(smtp_server.inbox, 1)
    await stop_mail_worker(app)
    assert task.done() and app.state.mail_worker is None


async def test_malformed_smtp_url_stops_the_start_up(settings: Settings) -> None:
    app = FakeApp(replace(settings, smtp_url="smtp://host:notaport"), None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="DIALOGUE_SMTP_URL"):
        await start_mail_worker(app)
