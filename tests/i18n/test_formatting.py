"""Dates, times and numbers per language: 24-hour clock, Africa/Tunis, month names in the
language, Latin digits in Arabic too (as Tunisia writes them), relative dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.people.models import Side
from tests import factories as f

# 23:30 UTC on 14 July and 23:15 UTC on 31 January are already the next day in Tunis
# (UTC+1 all year, no daylight saving since 2008).
SUMMER = dt.datetime(2026, 7, 14, 23, 30, tzinfo=dt.UTC)
WINTER = dt.datetime(2026, 1, 31, 23, 15, tzinfo=dt.UTC)
AFTERNOON = dt.datetime(2026, 12, 3, 12, 5, tzinfo=dt.UTC)
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

EXPECTED = {
    "fr": {
        "summer": "mer. 15 juil. 2026 à 00:30",
        "winter": "dim. 1 févr. 2026 à 00:15",
        "summer_date": "15 juil. 2026",
        "winter_long": "1 février 2026",
        "full": "jeudi 3 décembre 2026",
        "number": "1\u202f234\u202f567,5",
    },
    "ar": {
        "summer": "الأربعاء 15 جويلية 2026، 00:30",
        "winter": "الأحد 1 فيفري 2026، 00:15",
        "summer_date": "15 جويلية 2026",
        "winter_long": "1 فيفري 2026",
        "full": "الخميس، 3 ديسمبر 2026",
        "number": "1.234.567,5",
    },
    "en": {
        "summer": "Wed 15 Jul 2026, 00:30",
        "winter": "Sun 1 Feb 2026, 00:15",
        "summer_date": "Jul 15, 2026",
        "winter_long": "February 1, 2026",
        "full": "Thursday, December 3, 2026",
        "number": "1,234,567.5",
    },
}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_dates_times_and_numbers_in_each_language(language: str) -> None:
    expected = EXPECTED[language]
    with i18n.using_language(language):
        assert i18n.format_datetime(SUMMER) == expected["summer"]
        assert i18n.format_datetime(WINTER) == expected["winter"]
        assert i18n.format_date(SUMMER) == expected["summer_date"]  # the day in Tunis
        assert i18n.format_date(WINTER, "long") == expected["winter_long"]
        assert i18n.format_date(dt.date(2026, 12, 3), "full") == expected["full"]
        assert i18n.format_time(AFTERNOON) == "13:05"  # 24-hour clock, no AM/PM
        assert i18n.format_time(SUMMER) == "00:30"
        assert i18n.format_number(1234567.5) == expected["number"]
        assert i18n.format_number(12) == "12"


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_no_twelve_hour_clock_and_no_arabic_indic_digits(language: str) -> None:
    """Every hour of a day, every day of the year sampled: Latin digits, 24-hour clock."""
    with i18n.using_language(language):
        for hour in range(24):
            moment = dt.datetime(2026, 3, 1 + hour, hour, 7, tzinfo=i18n.current_timezone())
            texts = [
                i18n.format_datetime(moment),
                i18n.format_time(moment),
                i18n.format_date(moment, "short"),
                i18n.format_date(moment),
                i18n.format_number(hour * 1000.25),
            ]
            for text in texts:
                assert not ARABIC_INDIC_DIGITS.search(text), text
            assert f"{hour:02d}:07" in i18n.format_datetime(moment)
            assert not re.search(r"\b(AM|PM)\b|[صم]\s*$", i18n.format_time(moment))


def test_formatting_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        i18n.format_datetime(dt.datetime(2026, 1, 1, 9, 0))


RELATIVE = {
    "fr": [
        "il y a 2 mois",
        "il y a 10 jours",
        "il y a 2 jours",
        "hier",
        "aujourd’hui",
        "demain",
        "dans 3 jours",
        "dans 44 jours",
        "dans 2 mois",
    ],
    "ar": ["قبل شهرين", "قبل 10 أيام", "قبل يومين", "أمس", "اليوم", "غدًا", "خلال 3 أيام", "خلال 44 يومًا", "خلال شهرين"],
    "en": [
        "2 months ago",
        "10 days ago",
        "2 days ago",
        "yesterday",
        "today",
        "tomorrow",
        "in 3 days",
        "in 44 days",
        "in 2 months",
    ],
}
OFFSETS = [-60, -10, -2, -1, 0, 1, 3, 44, 60]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_relative_dates_in_each_language(language: str) -> None:
    today = dt.date(2026, 3, 10)
    with i18n.using_language(language):
        said = [i18n.relative_date(today + dt.timedelta(days=days), today) for days in OFFSETS]
    assert said == RELATIVE[language]


def test_relative_date_counts_days_in_tunis() -> None:
    today = dt.date(2026, 7, 14)
    with i18n.using_language("fr"):
        # 23:30 UTC on the 14th is 00:30 on the 15th in Tunis: tomorrow, not today.
        assert i18n.relative_date(SUMMER, today) == "demain"
        assert i18n.relative_date(SUMMER - dt.timedelta(hours=1), today) == "aujourd’hui"
        assert i18n.relative_date(None, today) == ""


def _time_elements(html: str) -> dict[str, tuple[str, str]]:
    """text of each <time datetime title> element -> (datetime, title)."""
    return {
        text: (when, title)
        for when, title, text in re.findall(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', html)
    }


DASHBOARD = {
    "fr": ("demain · 09:00", "il y a 2 jours", "dans 3 jours", "2 décembre 2026"),
    "ar": ("غدًا · 09:00", "قبل يومين", "خلال 3 أيام", "2 ديسمبر 2026"),
    "en": ("tomorrow · 09:00", "2 days ago", "in 3 days", "December 2, 2026"),
}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
async def test_dashboard_says_how_far_meetings_and_deadlines_are(
    client: AsyncTestClient[Any], db: AsyncSession, language: str
) -> None:
    today = i18n.today()
    tomorrow = today + dt.timedelta(days=1)
    await f.meeting(db, title="Plénière", starts_at=f.tunis(tomorrow.year, tomorrow.month, tomorrow.day, 9))
    await f.commitment(db, Side.WORKERS, title="En retard", due_on=today - dt.timedelta(days=2))
    await f.commitment(db, Side.EMPLOYERS, title="Bientôt", due_on=today + dt.timedelta(days=3))
    await db.commit()
    client.headers["accept-language"] = language

    page = await client.get("/")

    assert page.status_code == 200
    times = _time_elements(page.text)
    meeting_text, overdue_text, soon_text, _example = DASHBOARD[language]
    assert meeting_text in times
    assert overdue_text in times and soon_text in times
    when, title = times[overdue_text]
    assert when == (today - dt.timedelta(days=2)).isoformat()
    with i18n.using_language(language):
        assert title == i18n.format_date(today - dt.timedelta(days=2), "long")
        assert times[meeting_text][1] == i18n.format_datetime(f.tunis(tomorrow.year, tomorrow.month, tomorrow.day, 9))


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_long_date_example(language: str) -> None:
    """The title of a relative date is the long date, month named in the language."""
    with i18n.using_language(language):
        assert i18n.format_date(dt.date(2026, 12, 2), "long") == DASHBOARD[language][3]
