"""Closed sets of values (statuses, sides, roles...), stored as text, each with a label."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from dialogue.i18n import gettext


class Choice(str, Enum):
    """`MEMBER = "stored-value", N_("Label")`: the label is translated where it is shown."""

    _label: str

    if TYPE_CHECKING:
        # Once the class is made, Enum's own lookup answers `Side("value")`: the checker sees that.
        def __new__(cls, value: str) -> Self: ...
    else:

        def __new__(cls, value: str, label: str) -> Choice:
            member = str.__new__(cls, value)
            member._value_ = value
            member._label = label  # noqa: SLF001  (the member being made)
            return member

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return gettext(self._label)

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def options(cls) -> list[tuple[str, str]]:
        """(value, translated label) pairs for a <select>."""
        return [(member.value, member.label) for member in cls]


class ChoiceType(TypeDecorator[Any]):
    """A `Choice` column: stored as its text value, read back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, choice: type[Choice], length: int = 20) -> None:
        super().__init__(length)
        self.choice = choice

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.choice(value).value

    def process_result_value(self, value: Any, dialect: Any) -> Choice | None:
        return None if value is None else self.choice(value)
