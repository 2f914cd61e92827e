"""The commitments report's numbers, straight from the service (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.commitments.models import Commitment
from dialogue.meetings.models import Meeting
from dialogue.people.models import Side
from dialogue.reports import commitments
from dialogue.reports.commitments_data import CommitmentsReport, Tally
from dialogue.reports.common import Period
from tests.conftest import count_queries
from tests.reports import commitments_world as world

YEAR = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def by_key(report: CommitmentsReport) -> dict[str, tuple[object, ...]]:
    found: dict[str, tuple[object, ...]] = {"total": world.numbers(report.total)}
    for row in report.sides:
        found[row.side.value] = world.numbers(row.tally)
        for organisation in row.organisations:
            found[organisation.acronym or f"{row.side.value}/none"] = world.numbers(organisation.tally)
    return found


async def test_every_number_of_a_year(db: AsyncSession, engine: AsyncEngine) -> None:
    await world.build(db)
    with count_queries(engine) as queries:
        report = await commitments.build_report(db, YEAR, today=world.TODAY)
    assert queries.count == 7
    assert by_key(report) == world.EXPECTED_2025
    # The three sides and observers always; partners only when they made a commitment.
    assert [side.side for side in report.sides] == [side for side in Side if side != Side.PARTNERS]
    assert [organisation.acronym for organisation in report.sides[0].organisations] == ["MAS", ""]
    assert report.overdue_before == dt.date(2026, 1, 1)
    assert report.total.on_time_rate == 2 / 5
    assert [(month.made, month.done) for month in report.months] == world.MONTHS_2025
    assert [month.first for month in report.months] == [dt.date(2025, m, 1) for m in range(1, 13)]
    ids = {key: record.id for key, record in (await _records(db)).items()}
    assert [(row.id, row.made_on, row.age_days) for row in report.oldest] == [
        (ids[key], made_on, age) for key, made_on, age in world.OLDEST_2025
    ]
    assert [row.overdue for row in report.oldest] == [True, True, True, False]


async def _records(db: AsyncSession) -> dict[str, Commitment]:
    return {row.title.removeprefix("Engagement "): row for row in (await db.scalars(select(Commitment))).all()}


async def test_one_body(db: AsyncSession) -> None:
    w = await world.build(db)
    report = await commitments.build_report(db, YEAR, body_id=w["committee"].id, today=world.TODAY)
    found = by_key(report)
    assert found["workers"] == world.EXPECTED_COMMITTEE["workers"]
    assert found["total"] == world.EXPECTED_COMMITTEE["total"]
    assert found["government"][0] == found["employers"][0] == 0
    assert [(month.made, month.done) for month in report.months] == world.MONTHS_COMMITTEE


async def test_a_period_with_nothing(db: AsyncSession) -> None:
    await world.build(db)
    report = await commitments.build_report(db, Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)), today=world.TODAY)
    assert report.is_empty
    assert report.total == Tally()
    assert report.oldest == ()
    assert len(report.months) == 12


async def test_a_period_not_over_measures_overdue_today(db: AsyncSession) -> None:
    w = await world.build(db)
    report = await commitments.build_report(db, Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), today=world.TODAY)
    assert report.overdue_before == world.TODAY
    assert report.total.made == 1  # c12, made 1 January 2026 at 00:30 in Tunis
    assert report.total.overdue == 1  # due 1 February 2026, before today
    assert [row.id for row in report.oldest] == [w["c12"].id]
    # A month cut by the period: mid-March to mid-May gives March, April, May.
    short = await commitments.build_report(db, Period(dt.date(2025, 3, 15), dt.date(2025, 5, 14)), today=world.TODAY)
    assert [month.first for month in short.months] == [dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    assert [(month.made, month.done) for month in short.months] == [(0, 0), (0, 1), (0, 0)]


async def test_partners_are_listed_once_they_made_a_commitment(db: AsyncSession) -> None:
    await world.build(db)
    before = await commitments.build_report(db, YEAR, today=world.TODAY)
    made = sum(side.tally.made for side in before.sides)
    start, end = dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    moved = await db.scalar(
        select(Commitment)
        .join(Meeting, Meeting.id == Commitment.meeting_id)
        .where(Meeting.starts_at >= start, Meeting.starts_at < end)
        .order_by(Commitment.id)
        .limit(1)
    )
    assert moved is not None
    moved.side = Side.PARTNERS
    moved.organisation_id = None
    await db.commit()
    after = await commitments.build_report(db, YEAR, today=world.TODAY)
    assert after.sides[-1].side == Side.PARTNERS and after.sides[-1].tally.made == 1
    assert sum(side.tally.made for side in after.sides) == made
