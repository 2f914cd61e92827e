"""Work done on a schedule by `dialogue worker`: the weekly digest of commitments.

Each job has weekly slots ("monday 07:00" in the council's time zone). A worker runs a slot
only after claiming it in the database (`scheduled_run`), in the same transaction as the
job's work: with several workers, or one restarted, each slot runs once. A slot is caught up
when the worker was down at its time, up to a day late; later than that it is skipped (and
logged), so that a worker started on a Friday does not send Monday's digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.db import Base, Moment, utcnow
from dialogue.settings import Settings

log = logging.getLogger("dialogue.schedule")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKLY = re.compile(r"(?P<day>[a-z]+)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})")
LATEST_CATCH_UP = dt.timedelta(days=1)


class ScheduledRun(Base):
    """The last slot of a job that a worker claimed (and ran, or skipped as too late)."""

    __tablename__ = "scheduled_run"

    job: Mapped[str] = mapped_column(String(50), unique=True)
    slot: Mapped[Moment]
    ran_by: Mapped[str] = mapped_column(String(100), default="")


@dataclass(frozen=True)
class Weekly:
    """Once a week, on `weekday` (0 = Monday) at `at`, local time in `tz`."""

    weekday: int
    at: dt.time
    tz: ZoneInfo

    @classmethod
    def parse(cls, text: str, tz: ZoneInfo) -> Weekly | None:
        """ "monday 07:00" -> Weekly; "off" -> None; anything else raises ValueError."""
        text = text.strip().lower()
        if text == "off":
            return None
        match = _WEEKLY.fullmatch(text)
        if not match or match["day"] not in WEEKDAYS:
            raise ValueError(text)
        return cls(WEEKDAYS.index(match["day"]), dt.time(int(match["hour"]), int(match["minute"])), tz)

    def latest(self, now: dt.datetime) -> dt.datetime:
        """The most recent slot at or before `now` (UTC)."""
        local = now.astimezone(self.tz)
        day = local.date() - dt.timedelta(days=(local.weekday() - self.weekday) % 7)
        slot = dt.datetime.combine(day, self.at, self.tz)
        if slot > local:
            slot -= dt.timedelta(days=7)
        return slot.astimezone(dt.UTC)

    def following(self, slot: dt.datetime) -> dt.datetime:
        """The slot after `slot` (the same local time a week later, across clock changes)."""
        local = slot.astimezone(self.tz)
        return dt.datetime.combine(local.date() + dt.timedelta(days=7), self.at, self.tz).astimezone(dt.UTC)


Action = Callable[[AsyncSession, Settings], Awaitable[Any]]


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Weekly
    action: Action


async def claim(db: AsyncSession, job: str, slot: dt.datetime, worker_id: str) -> bool:
    """Record `slot` as taken by this worker; False when it (or a later one) already was.
    Atomic on both databases: the conditional UPDATE (or the unique INSERT) lets one
    worker through; the caller commits with the job's work, so that a job that fails
    leaves its slot to the next round."""
    exists = await db.scalar(select(ScheduledRun.id).where(ScheduledRun.job == job))
    if exists is None:
        # The job's first slot ever: the unique name lets one INSERT through. (No savepoint:
        # SQLite's driver would commit the claim on releasing it, apart from the work.)
        db.add(ScheduledRun(job=job, slot=slot, ran_by=worker_id))
        try:
            await db.flush()
        except IntegrityError:
            await db.rollback()
            return False
        return True
    result = await db.execute(
        update(ScheduledRun)
        .where(ScheduledRun.job == job, ScheduledRun.slot < slot)
        .values(slot=slot, ran_by=worker_id, updated_at=utcnow())
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def run_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    jobs: list[Job],
    worker_id: str,
    now: dt.datetime | None = None,
) -> list[str]:
    """Run each job whose latest slot is not yet taken; the names of those run."""
    now = now or utcnow()
    ran = []
    for job in jobs:
        slot = job.schedule.latest(now)
        async with sessionmaker() as db:
            taken = await db.scalar(select(ScheduledRun.slot).where(ScheduledRun.job == job.name))
            if taken is not None and taken >= slot:
                continue
            try:
                if not await claim(db, job.name, slot, worker_id):
                    await db.rollback()
                    continue
            except OperationalError:  # SQLite: another worker wrote first; the next round sees it
                await db.rollback()
                continue
            if now - slot > LATEST_CATCH_UP:
                log.warning("schedule: %s of %s skipped, %s late", job.name, slot.isoformat(), now - slot)
                await db.commit()
                continue
            result = await job.action(db, settings)
            await db.commit()
        log.info("schedule: %s of %s done (%s)", job.name, slot.isoformat(), result, extra={"job": job.name})
        ran.append(job.name)
    return ran


def seconds_until_next(jobs: list[Job], now: dt.datetime, most: float) -> float:
    """How long to sleep: until the next slot of any job, at most `most` seconds."""
    nexts = [job.schedule.following(job.schedule.latest(now)) for job in jobs]
    return max(0.0, min([most, *[(n - now).total_seconds() for n in nexts]]))


async def run_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    jobs: list[Job],
    stop_event: asyncio.Event,
    worker_id: str,
    interval: float = 60,
) -> None:
    """Run due jobs, then sleep until the next slot (waking at least every `interval`
    seconds, so that a slot claimed elsewhere or a clock change is noticed), until
    `stop_event` is set. A failing round is logged and tried again."""
    log.info("scheduler %s started: %s", worker_id, ", ".join(j.name for j in jobs) or "no job")
    while not stop_event.is_set():
        try:
            await run_due(sessionmaker, settings, jobs, worker_id)
        except Exception:
            log.exception("scheduler %s: round failed", worker_id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop_event.wait(), timeout=seconds_until_next(jobs, utcnow(), interval))
    log.info("scheduler %s stopped", worker_id)


def jobs_of(settings: Settings) -> list[Job]:
    """The scheduled jobs these settings turn on."""
    from dialogue.calendar.digest import queue_digests

    digest = Weekly.parse(settings.digest_at, settings.tz)
    return [Job("weekly-digest", digest, queue_digests)] if digest else []
