"""The order of a list: the column it is sorted by, its direction and the list's filters.

Services take a `Sort` and turn it into ORDER BY clauses (`Sort.clauses`); templates use
it for the header links and `aria-sort`. A `Window` is a page of a list: its rows and
their order. Reading it from the query string and downloading the rows are in
`dialogue/listing.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

ASCENDING, DESCENDING = "asc", "desc"


@dataclass(frozen=True)
class Sort:
    """The column a list is sorted by (`key`) and the direction, plus the list's filters
    (`query`) so that header links keep them."""

    key: str
    descending: bool = False
    query: Mapping[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        """`sort` and `order` for links that keep this order (pagination, downloads)."""
        return {"sort": self.key, "order": DESCENDING if self.descending else ASCENDING}

    def url(self, key: str) -> str:
        """The header link of column `key`: sorted by it, reversed if it already is."""
        descending = not self.descending if key == self.key else False
        query = {
            k: v for k, v in self.query.items() if v not in (None, "", False) and k not in ("offset", "sort", "order")
        }
        query.update(sort=key, order=DESCENDING if descending else ASCENDING)
        return "?" + urlencode(query, doseq=True)

    def aria(self, key: str) -> str | None:
        """`aria-sort` of column `key`'s header: only the sorted column has one."""
        if key != self.key:
            return None
        return "descending" if self.descending else "ascending"

    def arrow(self, key: str) -> str:
        if key != self.key:
            return "↕"
        return "▼" if self.descending else "▲"

    def clauses(self, columns: Mapping[str, Sequence[Any]], tiebreak: Sequence[Any] = ()) -> list[Any]:
        """ORDER BY for this sort: the key's columns (empty values last), then `tiebreak`."""
        clauses: list[Any] = []
        for column in columns.get(self.key, ()):
            # "Empty last" only where a column may be empty: on a NOT NULL column the extra
            # term would keep the database from reading the rows in the order of its index.
            if _may_be_empty(column):
                clauses.append(column.is_(None))
            clauses.append(column.desc() if self.descending else column.asc())
        return clauses + list(tiebreak)


def _may_be_empty(column: Any) -> bool:
    """False for a column declared NOT NULL; True for a nullable one or an expression."""
    return bool(getattr(getattr(column, "expression", column), "nullable", True))


@dataclass(frozen=True)
class Window:
    """The rows of a list one answer holds: `limit` rows (None: all) from `offset`, in the
    order of `sort` (None: the list's own order). List services take it as one argument."""

    limit: int | None = None
    offset: int = 0
    sort: Sort | None = None

    def order(self, columns: Mapping[str, Sequence[Any]], tiebreak: Sequence[Any]) -> list[Any]:
        """ORDER BY: the chosen sort (see `Sort.clauses`), else `tiebreak` alone."""
        return self.sort.clauses(columns, tiebreak) if self.sort else list(tiebreak)


EVERY_ROW = Window()
