"""Exports rendered in other processes, so that no request waits behind someone's PDF.

WeasyPrint holds the CPU (and the GIL) for seconds on a long meeting: in a thread of the
server it slows every other request of that process. The `RenderPool` sends each PDF and
DOCX to a small pool of worker processes (`DIALOGUE_RENDER_WORKERS`, by default half the
CPUs), started at the first export and stopped with the app. Each server process of
`dialogue run --workers N` has its own pool.

The workers come from a fork server (a clean process, with no event loop and no threads
of the server to copy), which has already imported WeasyPrint and python-docx, so a new
worker is ready at once. The fork server and the workers run at the lowest CPU priority
(`priority.py`: Linux's SCHED_IDLE, else `nice`), so pages stay quick while exports run,
even on a server confined to one CPU, which they share (they inherit its CPU affinity).
What is sent to a worker (a `MinutesDocument`, a follow-up sheet, a language) is plain
frozen data, pickled.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import anyio

from dialogue import i18n
from dialogue.minutes.priority import lower_priority

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger("dialogue.render_pool")

# Modules the fork server imports once, so that every worker forked from it starts warm.
PRELOAD = [
    "dialogue.minutes.idle_fork_server",  # first: the fork server gives way to the server before importing
    "dialogue.minutes.render_pool",
    "dialogue.minutes.render",
    "dialogue.minutes.followup",
    "weasyprint",
    "docx",
]


def _start_worker() -> None:
    """In each worker, once: the lowest priority (inherited from the fork server already),
    and WeasyPrint loaded."""
    lower_priority()
    import weasyprint  # noqa: F401  (already imported by the fork server, where it was preloaded)


def _run(function: Callable[..., T], args: tuple[Any, ...], tz: ZoneInfo) -> tuple[int, T]:
    """In a worker: the result, in the server's time zone (dates are printed in it), and
    which process made it (the pool counts them)."""
    i18n.set_timezone(tz)
    return os.getpid(), function(*args)


class RenderPool:
    """Worker processes for exports: `await pool.run(render_minutes, document, "pdf", "fr")`."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # What the pool did, for `dialogue` operators and the tests: how many renders, and
        # the worker processes that made them.
        self.renders = 0
        self.worker_pids: set[int] = set()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes, mp_context=context, initializer=_start_worker
                )
            return self._executor

    async def run(self, function: Callable[P, T], *args: Any) -> T:
        """`function(*args)` in a worker process (function and arguments must pickle)."""
        call = functools.partial(_run, function, args, i18n.current_timezone())
        executor: ProcessPoolExecutor | None = None

        def submit() -> Future[tuple[int, T]]:
            nonlocal executor
            executor = self._pool()
            return executor.submit(call)

        try:
            # Submitting may start a worker, which waits for the fork server (seconds, the
            # first time, while it imports WeasyPrint): in a thread, never on the event loop.
            future = await anyio.to_thread.run_sync(submit)
            pid, result = await asyncio.wrap_future(future)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): this export fails, the next one gets a
            # new pool.
            log.warning("an export worker process died; the export pool is restarted")
            if executor is not None:
                self._discard(executor)
            raise
        self.renders += 1
        self.worker_pids.add(pid)
        return result

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers (the app's shutdown); exports still running are waited for."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
