"""Languages: the catalogs, the language of the current request, formatting of dates and
numbers, and bidi isolation of user text inside translated text.

Every user-facing string goes through `_` (or `N_` where it is only marked and translated
later, e.g. labels of choices). The current language lives in a context variable that the
language middleware sets for each request, so services and templates share it.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import format_timedelta
from babel.numbers import format_decimal
from markupsafe import Markup

from dialogue import accept

LANGUAGES = ("fr", "ar", "en")
# The browser's language choice (the language buttons, and every sign-in with a preference):
# the sign-in page speaks it even when the session, hence the account, is gone.
LANGUAGE_COOKIE = "dialogue_lang"
RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_language: ContextVar[str] = ContextVar("language", default="fr")
_timezone: ContextVar[ZoneInfo] = ContextVar("timezone", default=ZoneInfo("Africa/Tunis"))


class CatalogsMissing(RuntimeError):
    """The compiled catalogs (.mo) are not there: they are built by `make install`."""


def catalog_path(language: str, directory: Path | None = None) -> Path:
    return (directory or LOCALE_DIR) / language / "LC_MESSAGES" / "messages.mo"


def check_catalogs(directory: Path | None = None) -> None:
    """Refuse to start without every compiled catalog: a missing one would silently show
    English to French and Arabic readers. Called by `create_app`."""
    paths = [catalog_path(language, directory) for language in LANGUAGES]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise CatalogsMissing(
            "Compiled translation catalogs are missing: "
            + ", ".join(missing)
            + ". Run `make install` (or `pybabel compile -d dialogue/locale`) to build them."
        )


@cache
def translations(language: str) -> _gettext.GNUTranslations:
    """The compiled catalog of `language` (built from its .po by `make install`)."""
    path = catalog_path(language)
    try:
        with path.open("rb") as mo_file:
            return _gettext.GNUTranslations(mo_file)
    except FileNotFoundError:
        check_catalogs()
        raise


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


def list_separator(*, semicolons: bool = False) -> str:
    """What separates the items of a generated list: ", " or "; ", and in Arabic the Arabic
    comma (،) and semicolon (؛)."""
    if text_direction() == "rtl":
        return "؛ " if semicolons else "، "
    return "; " if semicolons else ", "


def listed(parts: Iterable[object], *, semicolons: bool = False) -> str:
    """A generated list ("Government, Workers") in the current language's punctuation."""
    return list_separator(semicolons=semicolons).join(str(part) for part in parts)


# Bidi isolation of user text (names, titles, venues...) shown inside translated text: a
# Latin name in an Arabic sentence, or an Arabic one in a French sentence, must neither
# take the sentence's punctuation and numbers with it nor be reordered by them.
FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE


def isolate(text: object, language: str | None = None) -> str:
    """Plain-text isolation (email subjects, calendar texts, HTML attributes, <option>,
    <title>, where no element can isolate): `text` between FSI and PDI when it holds a
    letter written the other way than `language` (default: the current one); unchanged
    otherwise, so that a French title in a French sentence stays byte for byte the same."""
    if text is None or text == "":
        return ""
    # Markup (already escaped) stays Markup; anything else is shown as its text.
    value = text if isinstance(text, str) else str(text)
    rtl = text_direction(language) == "rtl"
    for char in value:
        kind = unicodedata.bidirectional(char)
        if (rtl and kind == "L") or (not rtl and kind in {"R", "AL"}):
            # S704: the isolates are constant characters, not markup from input.
            return Markup(FSI) + value + Markup(PDI) if isinstance(value, Markup) else FSI + value + PDI  # noqa: S704
    return value


def bdi(text: str | None) -> Markup:
    """HTML isolation: `<bdi>text</bdi>` (escaped), to pass user text into a translated
    sentence in a template: `_("Hello %(name)s,", name=person.full_name|bdi)`."""
    return Markup("<bdi>{}</bdi>").format(text or "")


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def browser_language(cookies: Mapping[str, str], accept_language: str | None, default: str) -> str:
    """The language a browser asks for: the language buttons' cookie (in `cookies`, as
    Litestar parsed them), else its Accept-Language, else `default` (an account's own
    preference outranks all three)."""
    chosen = cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else negotiate(accept_language, default)


def negotiate(accept_language: str | None, default: str) -> str:
    """The first of our languages that the browser's Accept-Language asks for, by weight
    (q), in the header's order among equal weights. A tag weighted `q=0` is one the browser
    refuses (RFC 9110): never chosen. An unreadable weight ranks last."""
    if accept_language:
        weighted = [
            (quality, tag.split("-")[0])
            for tag, quality in accept.weights(accept_language, unreadable=_UNREADABLE_WEIGHT)
            if quality > 0  # q=0 (or a negative or NaN weight): not acceptable
        ]
        for _quality, tag in sorted(weighted, key=lambda pair: -pair[0]):
            if tag in LANGUAGES:
                return tag
    return default


# Below any weight a browser writes (q has at most three decimals), above "refused".
_UNREADABLE_WEIGHT = 0.0001


# Dates and numbers are written as in Tunisia: Arabic with the Maghreb month names and
# Latin digits of `ar_TN` (CLDR: numbering system "latn"); French and English as CLDR's
# `fr` and `en`. The catalogs stay `fr`, `ar`, `en`: Babel would look for an `ar_TN` catalog
# if it were the catalog language.
FORMAT_LOCALES = {"fr": "fr", "ar": "ar_TN", "en": "en"}
NUMBERING_SYSTEM = "latn"

# Explicit 24-hour patterns: CLDR's fr_TN and ar use a 12-hour clock, Tunisia a 24-hour one.
_DATETIME_PATTERNS = {
    "fr": "EEE d MMM y 'à' HH:mm",
    "ar": "EEE d MMMM y، HH:mm",
    "en": "EEE d MMM y, HH:mm",
}
_TIME_PATTERN = "HH:mm"
# CLDR's medium Arabic date is all digits ("05/01/2026"): name the month, as the other
# languages do.
_MEDIUM_DATE_PATTERNS = {"ar": "d MMMM y"}


def format_locale(language: str | None = None) -> Locale:
    """The Babel locale that formats dates and numbers for `language` (default: current)."""
    return _parsed_locale(language or current_language())


@cache
def _parsed_locale(language: str) -> Locale:
    # Parsing a locale costs more than formatting with it; there are three.
    return Locale.parse(FORMAT_LOCALES[language])


def local(value: dt.datetime) -> dt.datetime:
    """A timezone-aware datetime in the configured zone (Africa/Tunis)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(current_timezone())


# Babel takes tens of microseconds per date, and a list page shows hundreds of them: the text
# of an instant in a language and pattern never changes, so the last few thousand are kept.
@lru_cache(maxsize=4096)
def _formatted_datetime(value: dt.datetime, pattern: str, language: str) -> str:
    return _babel_format_datetime(value, pattern, locale=format_locale(language))


@lru_cache(maxsize=4096)
def _formatted_date(value: dt.date, form: str, language: str) -> str:
    return _babel_format_date(value, form, locale=format_locale(language))


def format_datetime(value: dt.datetime | None) -> str:
    """Day, date and time on a 24-hour clock, in Africa/Tunis, in the current language."""
    if value is None:
        return ""
    language = current_language()
    return _formatted_datetime(local(value), _DATETIME_PATTERNS[language], language)


def format_time(value: dt.datetime | None) -> str:
    """The time of day in Africa/Tunis, 24-hour clock ("09:00")."""
    if value is None:
        return ""
    return _formatted_datetime(local(value), _TIME_PATTERN, current_language())


def format_date(value: dt.date | dt.datetime | None, form: str = "medium") -> str:
    """A date (a datetime: its date in Africa/Tunis), month named in the current language;
    `form` is a CLDR length (short, medium, long, full) or a pattern."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    language = current_language()
    if form == "medium":
        form = _MEDIUM_DATE_PATTERNS.get(language, form)
    return _formatted_date(value, form, language)


def format_number(value: int | float) -> str:
    """A number with the current language's separators, always in Latin digits."""
    if type(value) is int and 0 <= value < 1000:
        return str(value)  # no separator to place: Latin digits in every language
    return _formatted_number(value, current_language())


@lru_cache(maxsize=1024)
def _formatted_number(value: int | float, language: str) -> str:
    return format_decimal(value, locale=format_locale(language), numbering_system=NUMBERING_SYSTEM)


def format_size(size: int) -> str:
    """A file's size as people read it: "820 KB", "2.4 MB" (in the current language)."""
    if size < 1024 * 1024:
        return _("{size} KB").format(size=format_number(max(1, round(size / 1024))))
    return _("{size} MB").format(size=format_number(round(size / (1024 * 1024), 1)))


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar day of `value` in Africa/Tunis (a date is already one)."""
    return local(value).date() if isinstance(value, dt.datetime) else value


def _near_day(days: int, language: str) -> str | None:
    """CLDR's word for yesterday, today or tomorrow ("hier", "اليوم", "tomorrow"). Babel
    has no public accessor for these relative day names: they are read from its CLDR data,
    which tests check for every language."""
    if abs(days) > 1:
        return None
    names = format_locale(language)._data["date_fields"]["day"]["relative"]  # noqa: SLF001
    return str(names[days]) if days in names else None


def relative_date(value: dt.date | dt.datetime | None, today_: dt.date | None = None) -> str:
    """How far `value` is from today, in days, in the current language: "today",
    "tomorrow", "yesterday", "in 3 days", "2 days ago"; beyond six weeks, in months or
    years ("in 2 months"). Days are counted in Africa/Tunis."""
    if value is None:
        return ""
    return _days_from_today((local_date(value) - (today_ or today())).days, current_language())


# The words depend on the number of days and the language only (Babel is slow to find them).
@lru_cache(maxsize=2048)
def _days_from_today(days: int, language: str) -> str:
    near = _near_day(days, language)
    if near is not None:
        return near
    # Babel picks the largest unit that reaches `threshold`: 7 keeps days up to six weeks.
    return format_timedelta(
        dt.timedelta(days=days),
        granularity="day",
        threshold=7 if abs(days) < 45 else 0.85,
        add_direction=True,
        locale=format_locale(language),
    )


def today() -> dt.date:
    """Today in the configured zone: what "overdue" and "due soon" are measured against."""
    return dt.datetime.now(current_timezone()).date()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
