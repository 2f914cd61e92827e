"""Reading HTML forms: each field parsed once, errors kept per field in the user's language.

    form = Form(await request.form())
    title = form.text("title", required=True, max_length=300)
    starts = form.local_datetime("starts_at", required=True)
    form.check()  # raises Invalid(errors, values) when any field is wrong

The handler catches `Invalid` and renders the same form again with `errors` and `values`,
so the user keeps what they typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from dialogue.bilingual import LANGUAGES, suffix
from dialogue.errors import Invalid
from dialogue.i18n import _, current_timezone
from dialogue.text_input import clean, not_allowed_message

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
MAX_INTEGER = 2**63 - 1  # the largest the database stores
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Every date typed in the app lies between these (both included).
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class Form:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    @property
    def values(self) -> dict[str, Any]:
        """What the user typed, to put back in the form."""
        getlist = getattr(self.data, "getall", None) or getattr(self.data, "getlist", None)
        values: dict[str, Any] = {}
        for key in self.data:
            items = getlist(key) if getlist else [self.data[key]]
            values[key] = items if len(items) > 1 else items[0]
        return values

    def raw(self, name: str) -> str:
        """The field as typed, trimmed, without control characters (tab and line ends kept)."""
        value = self.data.get(name)
        if value is None:
            return ""
        return clean(value if isinstance(value, str) else str(value)).strip()

    def all(self, name: str) -> list[str]:
        getlist = getattr(self.data, "getall", None) or getattr(self.data, "getlist", None)
        if getlist is None:
            value = self.data.get(name)
            items = value if isinstance(value, list) else ([] if value is None else [value])
        else:
            items = getlist(name) if name in self.data else []
        return [clean(str(item)).strip() for item in items if clean(str(item)).strip()]

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def check(self) -> None:
        if self.errors:
            raise Invalid(self.errors, self.values)

    def _missing(self, name: str, required: bool) -> None:
        if required:
            self.error(name, _("This field is required."))

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw(name)
        if not value:
            self._missing(name, required)
        elif len(value) > max_length:
            self.error(name, _("At most {n} characters.").format(n=max_length))
        elif "\x00" in value:
            self.error(name, not_allowed_message())
        return value

    def versions(self, name: str, *, max_length: int = 200) -> dict[str, str]:
        """A text written in several languages (dialogue/bilingual.py): the fields `name`
        (French), `name_ar` and `name_en`, by draft field. Whether one is needed is the
        service's rule ("at least one language")."""
        names = [name + suffix(language) for language in LANGUAGES]
        return {field: self.text(field, max_length=max_length) for field in names}

    def email(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required, max_length=254).lower()
        if value and not EMAIL.match(value):
            self.error(name, _("Enter a valid email address."))
        return value or None

    def url(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required, max_length=500)
        if value:
            parts = urlsplit(value)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                self.error(name, _("Enter a full web address starting with https://."))
        return value or None

    def _parsed(self, name: str, required: bool, parse: Callable[[str], T], message: str) -> T | None:
        """The field as `parse` reads it; None when it is empty or unreadable (then `message`)."""
        value = self.raw(name)
        if not value:
            self._missing(name, required)
            return None
        try:
            return parse(value)
        except ValueError:
            self.error(name, message)
            return None

    def integer(
        self, name: str, *, required: bool = False, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        number = self._parsed(name, required, int, _("Enter a whole number."))
        if number is None:
            return None
        if abs(number) > MAX_INTEGER:
            self.error(name, _("Enter a smaller number."))
            return None
        if minimum is not None and number < minimum:
            self.error(name, _("Enter a number of at least {n}.").format(n=minimum))
        elif maximum is not None and number > maximum:
            self.error(name, _("Enter a number of at most {n}.").format(n=maximum))
        return number

    def choice(self, name: str, choices: type[E], *, required: bool = True, default: E | None = None) -> E | None:
        value = self.raw(name)
        if not value:
            if default is not None:
                return default
            self._missing(name, required)
            return None
        try:
            return choices(value)
        except ValueError:
            self.error(name, _("Choose one of the options."))
            return None

    def boolean(self, name: str) -> bool:
        return self.raw(name).lower() in {"1", "on", "true", "yes"}

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        day = self._parsed(name, required, dt.date.fromisoformat, _("Enter a date as YYYY-MM-DD."))
        if day is None:
            return None
        # Dates far from ours cannot become times in the configured zone (filters do).
        if not FIRST_DAY <= day <= LAST_DAY:
            self.error(name, _("Enter a date between 1900 and 2999."))
            return None
        return day

    def local_datetime(self, name: str, *, required: bool = False) -> dt.datetime | None:
        """A date and time typed in the configured zone (Africa/Tunis), returned aware."""
        parsed = self._parsed(
            name, required, dt.datetime.fromisoformat, _("Enter a date and time as YYYY-MM-DD HH:MM.")
        )
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=current_timezone())
        if not dt.datetime(1900, 1, 1, tzinfo=dt.UTC) <= parsed <= dt.datetime(2999, 1, 1, tzinfo=dt.UTC):
            self.error(name, _("Enter a date between 1900 and 2999."))
            return None
        return parsed


def datetime_input_value(value: dt.datetime | None) -> str:
    """The value of an <input type="datetime-local"> for an aware datetime."""
    if value is None:
        return ""
    return value.astimezone(current_timezone()).strftime("%Y-%m-%dT%H:%M")
