"""What a service says when it will not do what it was asked: domain errors, nothing of HTTP.

Services raise these; `dialogue/error_handlers.py` maps each to one answer for pages, fragments and
the API (404, 403 written to the audit trail, 409 with a message or with the current
values, 422 with field errors).

    raise NotFound()                              # no such record, or one you may not see
    raise Forbidden(_("Only the delegates of this side can change this."))
    raise Refused(_("A body with meetings cannot be deleted."))
    check_version(meeting, draft.version)         # raises Stale(meeting)
    raise Invalid({"title": _("Give a title.")}, values)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogue.i18n import _


class NotFound(Exception):
    """No such record, or one the reader may not know exists (answered as 404); `message`,
    when given, says which."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "not found")
        self.message = message


class Forbidden(Exception):
    """Something this person may not do, whatever the record (answered 403, and the refusal
    written to the audit trail); `message` says why."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _("You are not allowed to do this.")
        super().__init__(self.message)


class Refused(Exception):
    """An action the record does not allow (e.g. deleting a person who attended meetings)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Stale(Exception):
    """The record changed since the user read it: their edit is refused, nothing is lost."""

    def __init__(self, current: Any = None) -> None:
        super().__init__("stale version")
        self.current = current

    @property
    def message(self) -> str:
        return _(
            "Someone else changed this record while you were editing it. "
            "Your changes were not saved: here are the current values."
        )


class Invalid(Exception):
    """Bad input: `errors` maps a field name (or "" for the whole form) to a message."""

    def __init__(self, errors: dict[str, str], values: Mapping[str, Any] | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))
        self.errors = errors
        self.values = dict(values or {})


class Unconfirmed(Exception):
    """Unusual input that is saved only once the user confirms it: `warnings` maps a field
    name to what looks wrong (a meeting of three weeks, a start in 2031...)."""

    def __init__(self, warnings: dict[str, str], values: Mapping[str, Any] | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in warnings.items()))
        self.warnings = warnings
        self.values = dict(values or {})


def check_version(record: Any, submitted: int | None) -> None:
    """Refuse an edit made from a stale copy of `record`."""
    if submitted is None or submitted != record.version:
        raise Stale(record)
