"""The mail worker: delivers due messages every few seconds, inside the app when SMTP is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogue.mail.delivery import deliver_due, smtp_server
from dialogue.mail.smtp import sender_address
from dialogue.settings import Settings

log = logging.getLogger("dialogue.mail")


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    stop_event: asyncio.Event,
    interval: float = 10,
    *,
    worker_id: str | None = None,
) -> None:
    """Deliver due messages every `interval` seconds until `stop_event` is set. A failing
    round (database unreachable...) is logged and the next one tries again."""
    worker_id = worker_id or new_worker_id()
    log.info("mail worker %s started", worker_id)
    while not stop_event.is_set():
        try:
            sent = await deliver_due(sessionmaker, settings, worker_id=worker_id)
            if sent:
                log.info("mail worker %s sent %d message(s)", worker_id, sent)
        except Exception:
            log.exception("mail worker %s: delivery round failed", worker_id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop_event.wait(), timeout=interval)
    log.info("mail worker %s stopped", worker_id)


async def start_mail_worker(app: Any) -> None:
    """App start-up hook: run the worker in the background when SMTP is configured.

    Fails the start-up on a malformed `DIALOGUE_SMTP_URL` rather than at the first message.
    Not when `DIALOGUE_OUTBOX_IN_APP` is false: a `dialogue worker` process delivers.
    """
    settings: Settings = app.state.settings
    if smtp_server(settings) is None or not settings.outbox_in_app:
        return
    sender_address(settings.mail_from)
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(app.state.sessions, settings, stop), name="dialogue-mail-worker")
    app.state.mail_worker = (stop, task)


async def stop_mail_worker(app: Any) -> None:
    """App shutdown hook: let the current round finish, then stop (before the engine goes)."""
    worker = getattr(app.state, "mail_worker", None)
    if worker is None:
        return
    stop, task = worker
    stop.set()
    try:
        await asyncio.wait_for(task, timeout=60)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    app.state.mail_worker = None
