"""Languages: the catalogs, the language of the current request, and formatting of dates.

Every user-facing string goes through `_` (or `N_` where it is only marked and translated
later, e.g. labels of choices). The current language lives in a context variable that the
language middleware sets for each request, so services and templates share it.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("fr", "ar", "en")
RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_language: ContextVar[str] = ContextVar("language", default="fr")
_timezone: ContextVar[ZoneInfo] = ContextVar("timezone", default=ZoneInfo("Africa/Tunis"))


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalog of `language`, compiled in memory from its .po file."""
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else LANGUAGES[0])


def current_language() -> str:
    return _language.get()


@contextmanager
def using_language(language: str) -> Iterator[None]:
    """Render something in another language (an email to a person, an export `?lang=ar`)."""
    token = _language.set(language if language in LANGUAGES else LANGUAGES[0])
    try:
        yield
    finally:
        _language.reset(token)


def set_timezone(tz: ZoneInfo) -> None:
    _timezone.set(tz)


def current_timezone() -> ZoneInfo:
    return _timezone.get()


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def negotiate(accept_language: str | None, default: str) -> str:
    """The first of our languages that the browser's Accept-Language asks for."""
    if accept_language:
        weighted: list[tuple[float, str]] = []
        for part in accept_language.split(","):
            tag, _sep, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            weighted.append((quality, tag.strip().lower().split("-")[0]))
        for _quality, tag in sorted(weighted, key=lambda pair: -pair[0]):
            if tag in LANGUAGES:
                return tag
    return default


# Explicit 24-hour patterns: CLDR's fr_TN and ar use a 12-hour clock (PITFALLS.md).
_DATETIME_PATTERNS = {
    "fr": "EEE d MMM y 'à' HH:mm",
    "ar": "EEE d MMM y، HH:mm",
    "en": "EEE d MMM y, HH:mm",
}
_TIME_PATTERN = "HH:mm"


def _locale() -> Locale:
    return Locale.parse(current_language())


def local(value: dt.datetime) -> dt.datetime:
    """A timezone-aware datetime in the configured zone (Africa/Tunis)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(current_timezone())


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return _babel_format_datetime(
        local(value), _DATETIME_PATTERNS[current_language()], locale=_locale()
    )


def format_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return _babel_format_datetime(local(value), _TIME_PATTERN, locale=_locale())


def format_date(value: dt.date | dt.datetime | None, form: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return _babel_format_date(value, form, locale=_locale())


def format_number(value: int | float) -> str:
    return format_decimal(value, locale=_locale())


def today() -> dt.date:
    """Today in the configured zone: what "overdue" and "due soon" are measured against."""
    return dt.datetime.now(current_timezone()).date()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
