"""How a record with an acronym (an organisation, a project) is named: "UGTT – Union
générale tunisienne du travail", or its name alone."""

from __future__ import annotations


class Acronymed:
    """`display_name` for frozen data (a report's or a press release's) that has a `name`
    and an `acronym`."""

    name: str
    acronym: str

    @property
    def display_name(self) -> str:
        return f"{self.acronym} – {self.name}" if self.acronym else self.name
