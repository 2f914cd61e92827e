"""The export processes give way to the server: on Linux the fork server and the workers run
under SCHED_IDLE (the CPU only when nothing else wants it); elsewhere, or where that is
refused, at a higher nice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dialogue.minutes.priority import NICENESS
from dialogue.minutes.render_pool import RenderPool


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
async def test_the_render_workers_and_their_fork_server_run_under_sched_idle() -> None:
    pool = RenderPool(1)
    try:
        policy = await pool.run(os.sched_getscheduler, 0)
        fork_server = await pool.run(os.getppid)
        assert os.sched_getscheduler(fork_server) == os.SCHED_IDLE  # it imported WeasyPrint at that priority
    finally:
        pool.shutdown()
    assert policy == os.SCHED_IDLE
    assert pool.worker_pids and os.getpid() not in pool.worker_pids
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the server's own process is left alone


def test_where_sched_idle_is_refused_a_worker_is_niced_instead_and_once() -> None:
    # In a process of its own: a lowered priority cannot be raised again.
    script = (
        "import os\n"
        "from dialogue.minutes import priority\n"
        "def refused(*args):\n"
        "    raise PermissionError(1, 'Operation not permitted')\n"
        "os.sched_setscheduler = refused\n"
        "before = os.nice(0)\n"
        "print(priority.lower_priority(), priority.lower_priority(), os.nice(0) - before)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["nice", "nice", str(NICENESS)]
