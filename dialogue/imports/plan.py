"""What an import would do, as its preview shows it: the plan of the file and of each row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialogue.bodies.models import MembershipKind
from dialogue.imports.columns import Field, ImportKind

CREATE, UPDATE, SAME, INVALID = "create", "update", "same", "invalid"


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: the row in the file (1 for the headers) and the column's header."""

    row: int
    column: str
    message: str


@dataclass
class RowPlan:
    """What a row of the file will do: `action` is CREATE, UPDATE, SAME or INVALID;
    `changes` holds (field, before, after) as shown; `values` the typed values to store."""

    number: int
    label: str
    action: str = CREATE
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    record: Any = None
    memberships: dict[int, MembershipKind] = field(default_factory=dict)


@dataclass
class Plan:
    kind: ImportKind
    headers: list[str]
    mapping: list[str]
    fields: tuple[Field, ...]
    problems: list[Problem]  # of the whole file: a required column missing or chosen twice
    rows: list[RowPlan]

    @property
    def blocked(self) -> bool:
        """Whether nothing can be imported at all, whatever the person chooses."""
        return bool(self.problems)

    @property
    def row_problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)
