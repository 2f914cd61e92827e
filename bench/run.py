"""`make bench`: the real server (`dialogue run`, one worker, production settings) under wrk,
on SQLite and PostgreSQL, with the demo at several scales (`dialogue demo --scale N`).

For each database and scale:
- `/health` first (the ceiling), then each main page signed in as the demo secretariat:
  wrk, 16 connections, BENCH_SECONDS each, the server pinned to CPU 0 and wrk to CPU 1
  (taskset) when there are two; req/s, p50, p99, the ratio to `/health`;
- the SQL statements each page sends (counted in this process, on the same database);
- `/meetings` while three users export minutes as PDF; the ICS feed of the busiest body;
- the server's peak resident memory.
Then the minutes of a 30-item meeting rendered in this process (PDF, DOCX, Markdown, HTML).

The results go to bench/README.md (between the `bench:results` markers) with the date, the
machine and the commit. Options (environment, or make variables of the same name):
  SCALES="1 10 100"  BENCH_DATABASES="sqlite postgresql"  BENCH_SECONDS=10
  DIALOGUE_BENCH_DATABASE_URL (PostgreSQL; default postgresql+asyncpg://postgres@127.0.0.1:5432/dialogue_bench,
  created when missing)
  BENCH_PORT (default 8090)  BENCH_RENDERS (renders per minutes export, default 3)
  DIALOGUE_SERVER (the server `dialogue run` uses: uvicorn or granian)
Loaded databases are kept in var/bench/ (a SQLite file, a pg_dump) for the same day, schema
and demo code, so that a second run does not load 100x again. Numbers compare commits on one
machine; they are not tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogue.accounts.models import Account  # noqa: E402
from dialogue.app import create_app  # noqa: E402
from dialogue.calendar import feeds  # noqa: E402
from dialogue.calendar.models import FeedScope  # noqa: E402
from dialogue.db import create_engine, run_alembic  # noqa: E402
from dialogue.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from dialogue.meetings.models import Meeting, MeetingStatus  # noqa: E402
from dialogue.minutes.models import Minutes, MinutesStatus  # noqa: E402
from dialogue.minutes.render import render_minutes  # noqa: E402
from dialogue.session_factory import session_factory  # noqa: E402
from dialogue.settings import Settings  # noqa: E402
from tests.minutes import samples  # noqa: E402

SCALES = [int(n) for n in os.environ.get("SCALES", "1 10 100").split()]
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite postgresql").split()
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 16
PORT = int(os.environ.get("BENCH_PORT", "8090"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "3"))
PG_URL = os.environ.get("DIALOGUE_BENCH_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/dialogue_bench"
CACHE = ROOT / "var" / "bench"
README = ROOT / "bench" / "README.md"
SECRET = "bench-secret-" + "x" * 40
ACCOUNT = "secretariat@demo.tn"
# Targets (issue 13): a page at no less than a quarter of /health, p99 under 100 ms; at 100x
# within 1.5x of 1x with as many queries; /meetings p99 under 150 ms during exports; feed 0.3 s.
MIN_RATIO, MAX_P99, MAX_GROWTH, MAX_P99_EXPORTS, MAX_FEED = 0.25, 100.0, 1.5, 150.0, 0.3


@dataclass
class Wrk:
    rps: float
    p50: float  # ms
    p99: float
    errors: int  # non-2xx/3xx answers and socket errors
    requests: int = 0  # completed in the run (none: BENCH_SECONDS is too short for this page)


@dataclass
class Run:
    database: str
    scale: int
    load_seconds: float
    meetings: int
    pages: dict[str, Wrk] = field(default_factory=dict)  # "/health" first
    # The same pages with the page cache off (DIALOGUE_PAGE_CACHE_MB=0): each one rendered.
    rendered: dict[str, Wrk] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    during_exports: Wrk | None = None
    exports_done: int = 0
    feed_seconds: float = 0.0
    feed_events: int = 0
    peak_rss_mib: float = 0.0


# --- Databases --------------------------------------------------------------------------


def cache_key() -> str:
    """Loaded data is reused on the same day (the demo is dated from today), with the same
    migrations and the same demo code."""
    digest = hashlib.sha256((ROOT / "dialogue" / "demo.py").read_bytes())
    for revision in sorted((ROOT / "migrations").rglob("*.py")):
        digest.update(revision.read_bytes())
    return f"{dt.datetime.now(dt.UTC).date().isoformat()}-{digest.hexdigest()[:12]}"


async def _load(url: str, scale: int) -> float:
    settings = Settings(database_url=url, secret_key=SECRET)
    engine = create_engine(settings)
    try:
        await run_alembic(engine, "upgrade", "head")
    finally:
        await engine.dispose()
    started = time.perf_counter()
    await load_demo(settings, scale=scale, start_hint=False)
    return time.perf_counter() - started


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _reset_postgresql(url: str) -> None:
    empty = [
        "psql",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        _libpq(url),
        "-c",
        "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public",
    ]
    subprocess.run(empty, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def prepare(database: str, scale: int, folder: Path) -> tuple[str, float]:
    """The database URL with the demo at `scale`, and how long loading took (0: from the cache)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = cache_key()
    if database == "sqlite":
        cached = CACHE / f"sqlite-{scale}-{key}.db"
        path = folder / f"bench-{scale}.db"
        if not cached.exists():
            for old in CACHE.glob(f"sqlite-{scale}-*.db"):
                old.unlink()
            loading = folder / "loading.db"
            seconds = asyncio.run(_load(f"sqlite+aiosqlite:///{loading}", scale))
            (CACHE / f"sqlite-{scale}.seconds").write_text(f"{seconds:.1f}")
            shutil.move(loading, cached)
        shutil.copyfile(cached, path)
        return f"sqlite+aiosqlite:///{path}", _seconds(CACHE / f"sqlite-{scale}.seconds")
    _reset_postgresql(PG_URL)
    dump = CACHE / f"pg-{scale}-{key}.dump"
    if dump.exists():
        # Not checked: pg_restore reports the schema it finds already there; facts() checks the data.
        restore = ["pg_restore", "--no-owner", "-d", _libpq(PG_URL), str(dump)]
        subprocess.run(restore, stderr=subprocess.DEVNULL, check=False)  # noqa: S603
    else:
        for old in CACHE.glob(f"pg-{scale}-*.dump"):
            old.unlink()
        seconds = asyncio.run(_load(PG_URL, scale))
        (CACHE / f"pg-{scale}.seconds").write_text(f"{seconds:.1f}")
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), _libpq(PG_URL)], check=True)  # noqa: S603, S607
    return PG_URL, _seconds(CACHE / f"pg-{scale}.seconds")


def _seconds(path: Path) -> float:
    return float(path.read_text()) if path.exists() else 0.0


# --- The server and wrk ------------------------------------------------------------------


def _cpus() -> tuple[list[str], list[str]]:
    """taskset prefixes: the server on CPU 0, wrk on CPU 1 (nothing pinned on one CPU)."""
    if shutil.which("taskset") and len(os.sched_getaffinity(0)) >= 2:
        first, second = sorted(os.sched_getaffinity(0))[:2]
        return ["taskset", "-c", str(first)], ["taskset", "-c", str(second)]
    return [], []


@contextlib.contextmanager
def server(url: str, *, page_cache: bool = True) -> Any:
    env = {
        **os.environ,
        "DIALOGUE_DATABASE_URL": url,
        "DIALOGUE_MODE": "production",
        "DIALOGUE_SECRET_KEY": SECRET,
        "DIALOGUE_PUBLIC_URL": "https://dialogue.bench.test",
        "DIALOGUE_TRUSTED_PROXIES": "127.0.0.1/32",
        "DIALOGUE_LANGUAGE": "fr",
        **({} if page_cache else {"DIALOGUE_PAGE_CACHE_MB": "0"}),
    }
    command = [*_cpus()[0], str(ROOT / ".venv" / "bin" / "dialogue"), "run", "--workers", "1", "--port", str(PORT)]
    log = tempfile.TemporaryFile()  # noqa: SIM115  (closed below; a pipe nobody reads would fill up)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server stopped: {log.read().decode()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 60 s")
            time.sleep(0.3)
        yield base, process.pid
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=40)
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def peak_rss_mib(pid: int) -> float:
    """The peak resident memory (VmHWM) of the server process and its children."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    return total / 1024


def sign_in(base: str) -> str:
    """The Cookie header of a signed-in demo secretariat (cookies are Secure in production,
    so they are carried by hand over plain HTTP)."""

    def cookies(response: httpx.Response) -> dict[str, str]:
        found = {}
        for header in response.headers.get_list("set-cookie"):
            name, _, value = header.split(";", 1)[0].partition("=")
            found[name.strip()] = value.strip()
        return found

    jar = cookies(httpx.get(f"{base}/login", timeout=30))
    response = httpx.post(
        f"{base}/login",
        data={"email": ACCOUNT, "password": DEMO_PASSWORD},
        headers={
            "cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "x-csrftoken": jar.get("__Host-csrftoken", ""),
        },
        timeout=30,
    )
    if response.status_code not in (200, 303):
        raise RuntimeError(f"signing in answered {response.status_code}")
    jar.update(cookies(response))
    return "; ".join(f"{k}={v}" for k, v in jar.items())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, cookie: str | None) -> Wrk:
    command = [*_cpus()[1], "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return Wrk(rps, p50, p99, errors, requests)


# --- Facts from the database -------------------------------------------------------------


@dataclass
class Facts:
    meeting_id: int  # the latest held meeting with adopted minutes (the same at every scale)
    busiest_body: int
    body_meetings: int
    meetings: int


async def facts(url: str) -> Facts:
    engine = create_engine(Settings(database_url=url, secret_key=SECRET))
    try:
        async with engine.connect() as db:
            meeting_id = (
                await db.execute(
                    select(Minutes.meeting_id)
                    .join(Meeting, Meeting.id == Minutes.meeting_id)
                    .where(Minutes.status == MinutesStatus.ADOPTED)
                    .order_by(Meeting.starts_at.desc())
                    .limit(1)
                )
            ).scalar()
            body_id, count = (
                await db.execute(
                    select(Meeting.body_id, func.count())
                    .where(Meeting.status != MeetingStatus.DRAFT)
                    .group_by(Meeting.body_id)
                    .order_by(func.count().desc())
                    .limit(1)
                )
            ).one()
            meetings = (await db.execute(select(func.count(Meeting.id)))).scalar()
    finally:
        await engine.dispose()
    return Facts(int(meeting_id or 1), int(body_id), int(count), int(meetings or 0))


async def feed_token(url: str, body_id: int) -> str:
    engine = create_engine(Settings(database_url=url, secret_key=SECRET))
    try:
        async with session_factory(engine)() as db:
            account = await db.scalar(select(Account).where(Account.email == ACCOUNT))
            _row, token = await feeds.issue_token(db, account, FeedScope.BODY, str(body_id))
            await db.commit()
    finally:
        await engine.dispose()
    return token


async def count_queries(url: str, pages: list[str]) -> dict[str, int]:
    """The statements each page sends to be rendered, in this process (development settings,
    same data, the page cache off)."""
    app = create_app(Settings(database_url=url, secret_key=SECRET, page_cache_mb=0))
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    counts = {}
    async with AsyncTestClient(app=app) as client:
        await client.get("/login")
        client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")
        signed_in = await client.post("/login", data={"email": ACCOUNT, "password": DEMO_PASSWORD})
        assert signed_in.status_code in (200, 303), signed_in.status_code
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
        for page in pages:
            await client.get(page)  # caches warm, as under wrk
            statements = 0
            response = await client.get(page)
            counts[page] = statements if response.status_code == 200 else -response.status_code
    return counts


# --- One database at one scale -----------------------------------------------------------


def exporting(base: str, cookie: str, meeting_id: int, stop: threading.Event, done: list[int]) -> None:
    with httpx.Client(base_url=base, headers={"cookie": cookie}, timeout=120) as client:
        while not stop.is_set():
            if client.get(f"/meetings/{meeting_id}/minutes.pdf").status_code == 200:
                done.append(1)


def measure(database: str, scale: int, folder: Path) -> Run:
    url, load_seconds = prepare(database, scale, folder)
    known = asyncio.run(facts(url))
    run = Run(database, scale, load_seconds, known.meetings)
    pages = [
        "/",
        "/meetings",
        f"/meetings/{known.meeting_id}",
        "/commitments",
        "/people",
        "/reports/commitments",
        "/reports/participation",
        # Ten years of the record (at --scale 100, ten years of history).
        "/reports/c144",
        "/reports/commitments?from=2016-01-01",
        "/reports/participation?from=2016-01-01",
    ]
    run.queries = asyncio.run(count_queries(url, [*pages, "/commitments?overdue=true", "/bodies", "/organisations"]))
    token = asyncio.run(feed_token(url, known.busiest_body))
    with server(url) as (base, pid):
        cookie = sign_in(base)
        for page in pages:  # each page answers 200 to this cookie before it is measured
            status = httpx.get(f"{base}{page}", headers={"cookie": cookie}, timeout=60).status_code
            if status != 200:
                raise RuntimeError(f"{page} answered {status}")
        run.pages["/health"] = wrk(f"{base}/health", None)
        for page in pages:
            run.pages[page] = wrk(f"{base}{page}", cookie)
            print(f"  {database} {scale}x {page}: {run.pages[page]}", flush=True)
        # The feed of the busiest body (every meeting it ever had).
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            response = httpx.get(f"{base}/calendars/{token}.ics", timeout=60)
            timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"the feed answered {response.status_code}")
        run.feed_seconds = statistics.median(timings)
        run.feed_events = response.text.count("BEGIN:VEVENT")
        # /meetings while three users export the minutes as PDF.
        stop, done = threading.Event(), []
        threads = [
            threading.Thread(target=exporting, args=(base, cookie, known.meeting_id, stop, done)) for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1)
        run.during_exports = wrk(f"{base}/meetings", cookie)
        stop.set()
        for thread in threads:
            thread.join()
        run.exports_done = len(done)
        run.peak_rss_mib = peak_rss_mib(pid)
    # Every visit rendered: what a page costs when the record changes between visits.
    with server(url, page_cache=False) as (base, _pid):
        cookie = sign_in(base)
        run.rendered["/health"] = wrk(f"{base}/health", None)
        for page in pages:
            run.rendered[page] = wrk(f"{base}{page}", cookie)
            print(f"  {database} {scale}x {page} rendered: {run.rendered[page]}", flush=True)
    return run


# --- Minutes exports in this process -------------------------------------------------------


def minutes_exports() -> list[tuple[str, float, float, float, float]]:
    """A 30-item meeting's minutes (three positions, an outcome and two commitments per item,
    40 attendees): median wall and CPU ms, peak MiB of Python allocations, KiB."""
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    document = samples.document(items=30, people=40, commitments_per_item=2)
    render_minutes(document, "pdf", "fr")  # warm up: imports, fonts, templates
    rows = []
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
            rows.append(
                (f"{fmt} ({language})", statistics.median(wall), statistics.median(cpu), peak / 2**20, size / 1024)
            )
    return rows


# --- The report ------------------------------------------------------------------------------


def _page_label(page: str) -> str:
    return re.sub(r"^/meetings/\d+$", "/meetings/{id}", page)


def misses(runs: list[Run]) -> list[str]:
    found = []
    by_key = {(r.database, r.scale): r for r in runs}
    for r in runs:
        health = r.pages["/health"]
        for page, result in r.pages.items():
            if page == "/health":
                continue
            label = f"{r.database} {r.scale}x {_page_label(page)}"
            if result.rps < MIN_RATIO * health.rps:
                found.append(
                    f"{label}: {result.rps:.0f} req/s is 1/{health.rps / max(result.rps, 0.01):.1f} of /health"
                )
            if result.p99 > MAX_P99:
                found.append(f"{label}: p99 {result.p99:.0f} ms > {MAX_P99:.0f} ms")
            if not result.requests:
                found.append(f"{label}: no answer within {SECONDS} s")
            if result.errors:
                found.append(f"{label}: {result.errors} errors (non-2xx/3xx or socket)")
            base = by_key.get((r.database, 1))
            if base and r.scale > 1 and page in base.pages:
                growth = result.p50 / max(base.pages[page].p50, 0.001)
                if growth > MAX_GROWTH:
                    found.append(f"{label}: p50 {growth:.1f}x of 1x (> {MAX_GROWTH}x)")
        base = by_key.get((r.database, 1))
        if base and r.scale > 1:
            for page, n in r.queries.items():
                if base.queries.get(page) != n:
                    found.append(
                        f"{r.database} {r.scale}x {_page_label(page)}: {n} queries, {base.queries.get(page)} at 1x"
                    )
        if r.during_exports and r.during_exports.p99 > MAX_P99_EXPORTS:
            found.append(
                f"{r.database} {r.scale}x /meetings during 3 PDF exports: p99 {r.during_exports.p99:.0f} ms"
                f" > {MAX_P99_EXPORTS:.0f} ms"
            )
        if r.feed_events >= 1000 and r.feed_seconds > MAX_FEED:
            found.append(f"{r.database} {r.scale}x feed of {r.feed_events} meetings: {r.feed_seconds:.2f} s > 0.3 s")
    return found


def _machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({model}), load average {load}"


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603, S607

    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def _server() -> str:
    """The HTTP server `dialogue run` serves with here (DIALOGUE_SERVER chooses)."""
    return os.environ.get("DIALOGUE_SERVER", "").strip().lower() or Settings.server


def report(runs: list[Run], exports: list[tuple[str, float, float, float, float]], started: str, load: str) -> str:
    pinned = "server on one CPU, wrk on another (taskset)" if _cpus()[0] else "not pinned (one CPU)"
    lines = [
        f"Run {started} UTC on {load}; commit {_commit()}.",
        f"`dialogue run --workers 1` ({_server()}) in production mode; wrk {CONNECTIONS} connections, {SECONDS} s per page;"
        f" {pinned}. Signed in as {ACCOUNT}. Targets: a page at no less than 1/4 of `/health`, p99 under"
        " 100 ms; at 10x and 100x p50 within 1.5x of 1x, with the same number of queries.",
        "",
        "req/s, p50 and p99: the server as it runs, where a page seen again while the record is unchanged is"
        " served from memory (`dialogue/page_cache.py`; wrk asks the same page again and again). *rendered*:"
        " the same server with `DIALOGUE_PAGE_CACHE_MB=0`, every visit rendered, as when the record changes"
        " between visits. Queries: the statements of a render.",
        "",
        "| database | scale | meetings | loaded in | page | req/s | p50 ms | p99 ms | vs /health | vs 1x p50 | queries"
        " | rendered: req/s | p50 ms | p99 ms | vs /health |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_key = {(r.database, r.scale): r for r in runs}
    for r in runs:
        health = r.pages["/health"].rps
        base = by_key.get((r.database, 1))
        for page, w in r.pages.items():
            ratio = f"1/{health / w.rps:.1f}" if page != "/health" and w.rps else ""
            growth = ""
            if base and r.scale > 1 and page in base.pages:
                growth = f"{w.p50 / max(base.pages[page].p50, 0.001):.2f}x"
            queries = str(r.queries.get(page, "")) if page != "/health" else ""
            errors = f" ({w.errors} errors)" if w.errors else ""
            loaded = f"{r.load_seconds:.0f} s" if r.load_seconds else "cached"
            cold = r.rendered.get(page)
            rendered = " |  |  |  |"
            if cold is not None:
                cold_health = r.rendered["/health"].rps
                cold_ratio = f"1/{cold_health / cold.rps:.1f}" if page != "/health" and cold.rps else ""
                rendered = f" {cold.rps:.0f} | {cold.p50:.1f} | {cold.p99:.1f} | {cold_ratio} |"
            lines.append(
                f"| {r.database} | {r.scale}x | {r.meetings} | {loaded} | `{_page_label(page)}`{errors} | {w.rps:.0f} |"
                f" {w.p50:.1f} | {w.p99:.1f} | {ratio} | {growth} | {queries} |{rendered}"
            )
    lines += [
        "",
        "| database | scale | `/meetings` p50 / p99 ms during 3 PDF exports | PDFs done | feed (meetings) | peak RSS |",
        "|---|---:|---|---:|---|---:|",
    ]
    for r in runs:
        w = r.during_exports
        during = f"{w.p50:.0f} / {w.p99:.0f}" if w else ""
        lines.append(
            f"| {r.database} | {r.scale}x | {during} | {r.exports_done} |"
            f" {r.feed_seconds * 1000:.0f} ms ({r.feed_events}) | {r.peak_rss_mib:.0f} MiB |"
        )
    lines += ["", "Queries per page (in-process, signed in):", ""]
    lines += (
        ["| database | scale | " + " | ".join(f"`{_page_label(p)}`" for p in runs[0].queries) + " |"] if runs else []
    )
    lines += ["|---|---:|" + "---:|" * len(runs[0].queries)] if runs else []
    for r in runs:
        lines.append(f"| {r.database} | {r.scale}x | " + " | ".join(str(n) for n in r.queries.values()) + " |")
    lines += [
        "",
        "Minutes of a 30-item meeting, rendered in the bench process:",
        "",
        "| export | median ms | CPU ms | peak MiB | KiB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | {wall:.0f} | {cpu:.0f} | {peak:.1f} | {size:.0f} |" for name, wall, cpu, peak, size in exports
    ]
    found = misses(runs)
    lines += ["", "Targets missed:" if found else "Targets missed: none.", ""]
    lines += [f"- {miss}" for miss in found]
    return "\n".join(lines) + "\n"


START, END = "<!-- bench:results -->", "<!-- /bench:results -->"


def write_readme(section: str) -> None:
    current = README.read_text() if README.exists() else ""
    block = f"{START}\n{section}{END}\n"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        current = current.rstrip("\n") + ("\n\n" if current else "") + block
    README.write_text(current)


async def _create_database(url: str) -> None:
    """Create the bench's database when the server does not have it yet (connecting to the
    server's `postgres` database to do so)."""
    name = make_url(url).database
    admin = create_async_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                quoted = '"' + str(name).replace('"', '""') + '"'
                await connection.execute(text(f"CREATE DATABASE {quoted}"))
                print(f"PostgreSQL: database {name} created")
    finally:
        await admin.dispose()


async def _postgresql_reachable() -> str:
    """Empty when the bench's PostgreSQL database answers (created first if missing), else why not."""
    engine = create_engine(Settings(database_url=PG_URL, secret_key=SECRET))
    try:
        await _create_database(PG_URL)
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return ""
    except Exception as error:  # noqa: BLE001  (any reason is reported, the rest of the bench runs)
        return str(error).splitlines()[0]
    finally:
        await engine.dispose()


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk (Debian: apt-get install wrk)")
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    machine = _machine()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        for database in DATABASES:
            if database == "postgresql":
                problem = asyncio.run(_postgresql_reachable())
                if problem:
                    print(f"PostgreSQL skipped ({PG_URL}): {problem}")
                    continue
            for scale in SCALES:
                print(f"{database} at {scale}x...", flush=True)
                runs.append(measure(database, scale, Path(folder)))
    exports = minutes_exports()
    # What else ran meanwhile shows in the load at the end (one at the start says little).
    machine += ", at the end " + ", ".join(f"{n:.1f}" for n in os.getloadavg())
    section = report(runs, exports, started, machine)
    print(section)
    write_readme(section)
    print(f"written to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
