"""The worker's scheduler: the weekly digest goes out once per slot, whichever of several
workers gets there first, is caught up after a short outage and skipped after a long one."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.accounts.models import Role
from dialogue.commitments.models import Commitment
from dialogue.mail.models import OutboxMessage
from dialogue.people.models import Side
from dialogue.schedule import Job, ScheduledRun, Weekly, jobs_of, run_due, run_scheduler, seconds_until_next
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from tests import factories

TUNIS = ZoneInfo("Africa/Tunis")
MONDAY_7 = Weekly(0, dt.time(7, 0), TUNIS)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_the_latest_slot_is_the_last_monday_at_seven_in_tunis() -> None:
    # Thursday 3 December 2026, 15:00 UTC: the slot was Monday 30 November, 07:00 in Tunis (06:00 UTC).
    assert MONDAY_7.latest(utc(2026, 12, 3, 15)) == utc(2026, 11, 30, 6)
    # Monday 7 December 05:59 UTC is 06:59 in Tunis: still the week before's slot.
    assert MONDAY_7.latest(utc(2026, 12, 7, 5, 59)) == utc(2026, 11, 30, 6)
    assert MONDAY_7.latest(utc(2026, 12, 7, 6, 0)) == utc(2026, 12, 7, 6)
    assert MONDAY_7.following(utc(2026, 11, 30, 6)) == utc(2026, 12, 7, 6)


def test_a_weekly_slot_keeps_its_local_time_across_a_clock_change() -> None:
    paris = Weekly(0, dt.time(7, 0), ZoneInfo("Europe/Paris"))
    before = paris.latest(utc(2026, 10, 20))  # summer time: 05:00 UTC
    assert before == utc(2026, 10, 19, 5)
    assert paris.following(before) == utc(2026, 10, 26, 6)  # winter time: 06:00 UTC


def test_schedules_are_read_from_the_settings() -> None:
    assert Weekly.parse("Friday 16:30", TUNIS) == Weekly(4, dt.time(16, 30), TUNIS)
    assert Weekly.parse("off", TUNIS) is None
    for wrong in ("lundi 07:00", "monday", "monday 7h", "25:00"):
        with pytest.raises(ValueError):
            Weekly.parse(wrong, TUNIS)
    assert [job.name for job in jobs_of(Settings(secret_key="k" * 40))] == ["weekly-digest"]
    assert jobs_of(Settings(secret_key="k" * 40, digest_at="off")) == []
    problems = Settings(secret_key="k" * 40, digest_at="lundi 7h").problems()
    assert any("DIALOGUE_DIGEST_AT" in problem for problem in problems)


def test_the_next_wake_up_is_the_next_slot_or_the_interval() -> None:
    job = Job("digest", MONDAY_7, lambda db, settings: asyncio.sleep(0))
    assert seconds_until_next([job], utc(2026, 12, 7, 5, 59), 60) == 60
    assert seconds_until_next([job], utc(2026, 12, 7, 5, 59, 30), 60) == 30


async def _digests(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "digest"))


async def _something_due(db: AsyncSession) -> None:
    world = await factories.table(db)
    await factories.account(db, Role.DELEGATE, world["ugtt"], person_id=world["ugtt1"].id, email="a@ugtt.tn")
    await factories.commitment(db, Side.WORKERS, title="Bientôt", due_on=dt.date.today() + dt.timedelta(days=2))
    await db.commit()


async def test_two_workers_send_the_weekly_digest_once(
    engine: AsyncEngine, db: AsyncSession, settings: Settings
) -> None:
    await _something_due(db)
    sessions = session_factory(engine)
    jobs = jobs_of(settings)
    now = MONDAY_7.latest(dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=1)
    first, second = await asyncio.gather(
        run_due(sessions, settings, jobs, "worker-a", now=now),
        run_due(sessions, settings, jobs, "worker-b", now=now),
    )
    assert sorted(first + second) == ["weekly-digest"]
    assert await _digests(db) == 1
    # Later the same week, and again from a restarted worker: nothing more.
    assert await run_due(sessions, settings, jobs, "worker-c", now=now + dt.timedelta(hours=5)) == []
    assert await _digests(db) == 1
    run = await db.scalar(select(ScheduledRun))
    assert run.job == "weekly-digest" and run.ran_by in {"worker-a", "worker-b"}


async def test_a_slot_missed_by_more_than_a_day_is_skipped(
    engine: AsyncEngine, db: AsyncSession, settings: Settings
) -> None:
    await _something_due(db)
    sessions = session_factory(engine)
    slot = MONDAY_7.latest(dt.datetime.now(dt.UTC))
    late = list(jobs_of(settings))
    assert await run_due(sessions, settings, late, "worker", now=slot + dt.timedelta(days=2)) == []
    assert await _digests(db) == 0
    # The next week's slot runs as usual.
    assert await run_due(sessions, settings, late, "worker", now=slot + dt.timedelta(days=7, minutes=3)) == [
        "weekly-digest"
    ]


async def test_a_failing_job_claims_nothing_and_runs_again(
    engine: AsyncEngine, db: AsyncSession, settings: Settings
) -> None:
    calls: list[str] = []

    async def flaky(session: AsyncSession, _settings: Settings) -> int:
        calls.append("try")
        session.add(Commitment(side=Side.WORKERS, title="written by the job"))
        await session.flush()
        if len(calls) == 1:
            raise RuntimeError("SMTP of the moon")
        return 1

    sessions = session_factory(engine)
    jobs = [Job("flaky", MONDAY_7, flaky)]
    now = MONDAY_7.latest(dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=1)
    with pytest.raises(RuntimeError):
        await run_due(sessions, settings, jobs, "worker", now=now)
    assert await db.scalar(select(func.count()).select_from(ScheduledRun)) == 0
    assert await db.scalar(select(func.count()).select_from(Commitment)) == 0
    assert await run_due(sessions, settings, jobs, "worker", now=now) == ["flaky"]
    assert await db.scalar(select(func.count()).select_from(Commitment)) == 1


async def test_the_scheduler_stops_when_asked(engine: AsyncEngine, settings: Settings) -> None:
    sessions = session_factory(engine)
    stop = asyncio.Event()
    ran: list[Any] = []

    async def job(_db: AsyncSession, _settings: Settings) -> None:
        ran.append(1)
        stop.set()

    every_minute_now = Weekly(dt.datetime.now(TUNIS).weekday(), dt.time(0, 0), TUNIS)
    await asyncio.wait_for(run_scheduler(sessions, settings, [Job("now", every_minute_now, job)], stop, "w"), 30)
    assert ran == [1]


async def test_the_worker_process_queues_the_digest_on_schedule_and_stops(
    database_url: str, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dialogue import worker

    await _something_due(db)
    weekday = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[
        dt.datetime.now(TUNIS).weekday()
    ]
    settings = Settings(database_url=database_url, secret_key="k" * 40, digest_at=f"{weekday} 00:00")
    stop = asyncio.Event()
    running = asyncio.create_task(worker.serve(settings, stop))
    try:
        for _ in range(300):
            if await _digests(db):
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
    assert await _digests(db) == 1
