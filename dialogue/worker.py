"""`dialogue worker`: the background process beside the web servers. It delivers the outbox
(when SMTP is set) and runs the scheduled jobs (dialogue/schedule.py) until SIGTERM or
SIGINT, then finishes the round in progress and stops.

Several may run at once (on several machines): outbox messages are leased to one worker at
a time and each scheduled slot is claimed once, both in the database.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import dialogue.models  # noqa: F401  (every table, so that relationships resolve)
from dialogue.audit.trail import Actor, set_actor
from dialogue.db import create_engine
from dialogue.mail.delivery import smtp_server
from dialogue.mail.smtp import sender_address
from dialogue.mail.worker import new_worker_id, run_worker
from dialogue.schedule import jobs_of, run_scheduler
from dialogue.session_factory import session_factory
from dialogue.settings import Settings

log = logging.getLogger("dialogue.worker")


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (by SIGTERM or SIGINT when none is given)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    engine = create_engine(settings)
    sessions = session_factory(engine)
    worker_id = new_worker_id()
    set_actor(Actor(None, "worker", ""))
    tasks = [run_scheduler(sessions, settings, jobs_of(settings), stop, worker_id)]
    if smtp_server(settings) is not None:
        sender_address(settings.mail_from)  # a malformed sender stops the start, not a send
        tasks.append(run_worker(sessions, settings, stop, worker_id=worker_id))
    else:
        log.warning("DIALOGUE_SMTP_URL is not set: messages stay in the outbox (readable on /outbox)")
    try:
        await asyncio.gather(*tasks)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await engine.dispose()
