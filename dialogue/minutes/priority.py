"""The export processes' CPU priority: the lowest there is, so that the server always comes
first (dialogue/minutes/render_pool.py).

On Linux that is SCHED_IDLE: such a process gets the CPU only when no process of normal
priority wants it, and gives it back as soon as one does (a request arriving at the server).
Elsewhere, or where it is refused, `nice` NICENESS. Lowered once per process: the fork
server lowers itself before it imports WeasyPrint (`idle_fork_server`), and the workers it
forks inherit its priority.
"""

from __future__ import annotations

import contextlib
import os

# How much less CPU priority an export process has than the server where SCHED_IDLE is not
# to be had (os.nice: 0 to 19).
NICENESS = 10

_lowered: str | None = None


def lower_priority() -> str:
    """Give this process the lowest CPU priority there is, once: "idle" (SCHED_IDLE), else
    "nice" (NICENESS more than the server's), else "none" (not allowed here: the same
    priority as the server, still off its event loop)."""
    global _lowered  # noqa: PLW0603  (once per process; a forked child inherits it)
    if _lowered is None:
        _lowered = _lower()
    return _lowered


def _lower() -> str:
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return "idle"
    try:
        os.nice(NICENESS)
    except OSError:
        return "none"
    return "nice"
