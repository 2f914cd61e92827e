"""`make bench`: how fast the main pages answer, and how much memory the process takes,
on the demo data (SQLite by default; DIALOGUE_BENCH_DATABASE_URL for another database);
then how long the minutes of a 30-item meeting take to render to PDF, DOCX, Markdown, HTML.

Prints one line per page: median and 95th percentile over the requests, and the
statements each page sends. Numbers are for comparing commits on one machine, not a test.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue.accounts.models import Account, ApiToken
from dialogue.accounts.tokens import new_token, token_hash
from dialogue.app import create_app
from dialogue.db import create_engine, run_alembic
from dialogue.demo import DEMO_PASSWORD, load_demo
from dialogue.meetings.models import Meeting
from dialogue.minutes.render import render_minutes
from dialogue.settings import Settings
from tests.minutes import samples

REQUESTS = int(os.environ.get("DIALOGUE_BENCH_REQUESTS", "30"))
RENDERS = int(os.environ.get("DIALOGUE_BENCH_RENDERS", "3"))


async def _api_token(app: object) -> str:
    token = new_token()
    async with app.state.sessions() as db:  # type: ignore[attr-defined]
        secretariat = await db.scalar(select(Account).where(Account.email == "secretariat@demo.tn"))
        db.add(ApiToken(account_id=secretariat.id, name="bench", token_hash=token_hash(token), prefix=token[:8]))
        await db.commit()
    return token


async def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # one line per page otherwise
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DIALOGUE_BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{folder}/bench.db"
        settings = Settings(database_url=url, secret_key="bench" * 10)
        engine = create_engine(settings)
        await run_alembic(engine, "upgrade", "head")
        started = time.perf_counter()
        await load_demo(settings, force=True)
        print(f"demo data loaded in {time.perf_counter() - started:.2f} s")
        async with engine.connect() as connection:
            meeting_id = (await connection.execute(select(Meeting.id).order_by(Meeting.id.desc()))).scalar()
        await engine.dispose()

        app = create_app(settings)
        pages = [
            "/",
            "/meetings",
            f"/meetings/{meeting_id}",
            "/commitments",
            "/commitments?overdue=true",
            "/people",
            "/organisations",
            "/bodies",
            "/api/v1/meetings",
            "/api/v1/commitments",
        ]
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
        print(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        async with AsyncTestClient(app=app) as client:
            # Sign in as the demo secretariat, and use a personal token for the API.
            await client.get("/login")
            client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")
            signed_in = await client.post("/login", data={"email": "secretariat@demo.tn", "password": DEMO_PASSWORD})
            assert signed_in.status_code in (200, 303), signed_in.status_code
            client.headers["authorization"] = f"Bearer {await _api_token(app)}"
            for page in pages:
                timings = []
                for _ in range(REQUESTS):
                    statements = 0
                    started = time.perf_counter()
                    response = await client.get(page)
                    timings.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        print(f"{page}: HTTP {response.status_code}")
                        break
                timings.sort()
                p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
                print(f"{page:40} {statistics.median(timings):10.1f} {p95:8.1f} {statements:8d}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory: {peak:.0f} MiB")


def minutes_exports() -> None:
    """Rendering the minutes of a 30-item meeting (three positions, an outcome and two
    commitments per item, 40 attendees): median wall and CPU time (CPU time is what to
    compare on a busy machine), and the peak of Python allocations in one more render."""
    document = samples.document(items=30, people=40, commitments_per_item=2)
    render_minutes(document, "pdf", "fr")  # warm up: imports, fonts, templates
    print(f"{'minutes export (30 items, 40 people)':40} {'median ms':>10} {'cpu ms':>8} {'peak MiB':>8} {'KiB':>6}")
    for language in ("fr", "ar"):
        for fmt in ("pdf", "docx", "md", "html"):
            wall, cpu = [], []
            for _ in range(RENDERS):
                started, started_cpu = time.perf_counter(), time.process_time()
                size = len(render_minutes(document, fmt, language))
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            tracemalloc.start()
            render_minutes(document, fmt, language)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            label = f"{fmt} ({language})"
            print(
                f"{label:40} {statistics.median(wall):10.1f} {statistics.median(cpu):8.1f}"
                f" {peak / 2**20:8.1f} {size / 1024:6.0f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
    minutes_exports()
