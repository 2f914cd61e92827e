"""Searching the lists: accent-, case- and tashkeel-insensitive, in French and Arabic.

How it works, in three parts:

1. `fold(text)` is the one rule for comparing text: Unicode NFKD, combining marks dropped
   (so "Clôture" and "CLÔTURE" become "cloture", and Arabic harakat, tanwin, shadda, sukun
   and the superscript alef U+0670 disappear), case folded, Arabic tatweel removed and the
   letter variants unified (أ إ آ ٱ → ا, ى → ي, ة → ه), spaces collapsed.
2. Each searchable record keeps `search_text`: the folded words it can be found by,
   including the names of related records (a meeting: title, venue, description (in every
   language they are written in, dialogue/bilingual.py), its
   body and the names of its participants; a commitment: title, description, side, its
   organisation, its responsible person and its meeting's title). An `after_flush`
   listener recomputes it, in the same transaction, for every record whose own words or
   related names changed (renaming a person refreshes their meetings and commitments).
   Messages of the outbox and events of the audit trail are written once: their words are
   folded when they are added (`before_flush`; the trail's own bulk insert folds them too).
3. `matches(column, q)`: every word of the folded query is contained in the column
   (`LIKE '%word%'` with `%` and `_` escaped). On PostgreSQL a trigram GIN index
   (`pg_trgm`, `gin_trgm_ops`) serves these LIKEs; on SQLite the plain index on the one
   narrow column lets the scan read the index instead of the rows.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import DDL, ColumnElement, Index, Text, and_, bindparam, event, inspect, select, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

MAX_WORDS = 8

_ARABIC = str.maketrans(
    {
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0649": "\u064a",  # ى → ي
        "\u0629": "\u0647",  # ة → ه
        "\u0640": None,  # tatweel
        **{chr(code): None for code in range(0x064B, 0x0653)},  # tashkeel
        "\u0670": None,  # superscript alef
    }
)


def fold(text: str | None) -> str:
    """`text` as search compares it: no accents, no case, no tashkeel, one Arabic alef."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().translate(_ARABIC).split())


def words(q: str | None) -> list[str]:
    """The folded words of a query (at most `MAX_WORDS`)."""
    return fold(q).split()[:MAX_WORDS]


def matches(column: Any, q: str | None) -> ColumnElement[bool]:
    """SQL: every word of `q` appears in `column` (a folded `search_text`), `%` and `_`
    taken literally. True for an empty query."""
    found = [column.contains(word, autoescape=True) for word in words(q)]
    return and_(*found) if found else true()


class Searchable:
    """Mixin: the folded words a record is found by (see the module's docstring)."""

    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")


def search_index(table: str) -> Index:
    """The index on `<table>.search_text`: trigram GIN on PostgreSQL, plain on SQLite."""
    return Index(
        f"ix_{table}_search_text",
        "search_text",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def enable_trigrams(metadata: Any) -> None:
    """`CREATE EXTENSION pg_trgm` before tables are created on PostgreSQL (tests create the
    schema from the models; migrations do it themselves)."""
    event.listen(
        metadata,
        "before_create",
        DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
    )


# What each record is found by --------------------------------------------------------------


def _sources(ids: list[int]) -> dict[str, list[Any]]:
    """Per table, the queries of (record id, words...) its `search_text` is made of."""
    from dialogue.bodies.models import Body
    from dialogue.commitments.models import Commitment
    from dialogue.meetings.models import Invitation, Meeting
    from dialogue.people.models import Organisation, Person
    from dialogue.projects.models import Project

    return {
        "organisation": [
            select(Organisation.id, Organisation.name, Organisation.acronym, Organisation.slug).where(
                Organisation.id.in_(ids)
            )
        ],
        "person": [
            select(Person.id, Person.full_name, Person.title, Person.email, Organisation.name, Organisation.acronym)
            .join(Person.organisation)
            .where(Person.id.in_(ids))
        ],
        "body": [select(Body.id, Body.name, Body.short_name).where(Body.id.in_(ids))],
        "project": [select(Project.id, Project.name, Project.acronym, Project.slug).where(Project.id.in_(ids))],
        "meeting": [
            select(
                Meeting.id,
                Meeting.title,
                Meeting.venue,
                Meeting.description,
                Meeting.translations,
                Body.name,
                Body.short_name,
                Project.name,
                Project.acronym,
            )
            .outerjoin(Meeting.body)
            .outerjoin(Meeting.project)
            .where(Meeting.id.in_(ids)),
            # its participants' names
            select(Invitation.meeting_id, Person.full_name)
            .join(Invitation.person)
            .where(Invitation.meeting_id.in_(ids))
            .order_by(Invitation.meeting_id, Invitation.id),
        ],
        "commitment": [
            select(
                Commitment.id,
                Commitment.side,
                Commitment.title,
                Commitment.description,
                Commitment.translations,
                Organisation.name,
                Organisation.acronym,
                Person.full_name,
                Meeting.title,
                Meeting.translations,
            )
            .outerjoin(Commitment.organisation)
            .outerjoin(Commitment.responsible)
            .outerjoin(Commitment.meeting)
            .where(Commitment.id.in_(ids))
        ],
    }


def _texts(connection: Connection, table: str, ids: set[int]) -> dict[int, str]:
    """`search_text` of the records `ids` of `table`, computed from the database."""
    from dialogue.people.models import Side

    parts: dict[int, list[Any]] = defaultdict(list)
    for query in _sources(sorted(ids))[table]:
        for record_id, *values in connection.execute(query):
            for value in values:
                # A side is found by its code and its name in every language; a text
                # written in several languages by each of its versions.
                if isinstance(value, Side):
                    parts[record_id] += _side_names(value)
                elif isinstance(value, dict):
                    parts[record_id] += _versions(value)
                else:
                    parts[record_id].append(value)
    return {record_id: fold(" ".join(str(part) for part in values if part)) for record_id, values in parts.items()}


def _versions(translations: dict[str, Any]) -> list[str]:
    """The texts of a `translations` column (dialogue/bilingual.py), each version once."""
    found: list[str] = []
    for versions in translations.values():
        for text in (versions or {}).values():
            if isinstance(text, str) and text not in found:
                found.append(text)
    return found


def _side_names(side: Any) -> list[str]:
    from dialogue import i18n

    if side is None:
        return []
    names = [side.value]
    for language in ("fr", "ar", "en"):
        with i18n.using_language(language):
            names.append(side.label)
    return names


def _tables() -> dict[str, Any]:
    from dialogue.bodies.models import Body
    from dialogue.commitments.models import Commitment
    from dialogue.meetings.models import Meeting
    from dialogue.people.models import Organisation, Person
    from dialogue.projects.models import Project

    return {
        "organisation": Organisation,
        "person": Person,
        "body": Body,
        "project": Project,
        "meeting": Meeting,
        "commitment": Commitment,
    }


def refresh(connection: Connection, stale: dict[str, set[int]]) -> None:
    """Recompute `search_text` of the records `stale` names (table -> ids), and of the
    records whose text includes their names."""
    from dialogue.commitments.models import Commitment
    from dialogue.meetings.models import Invitation, Meeting
    from dialogue.people.models import Person

    todo: dict[str, set[int]] = {table: set(ids) for table, ids in stale.items() if ids}

    def add(table: str, query: Any) -> None:
        todo.setdefault(table, set()).update(connection.execute(query).scalars())

    if todo.get("organisation"):
        ids = sorted(todo["organisation"])
        add("person", select(Person.id).where(Person.organisation_id.in_(ids)))
        add("commitment", select(Commitment.id).where(Commitment.organisation_id.in_(ids)))
    if todo.get("person"):
        ids = sorted(todo["person"])
        add("meeting", select(Invitation.meeting_id).where(Invitation.person_id.in_(ids)))
        add("commitment", select(Commitment.id).where(Commitment.responsible_id.in_(ids)))
    if todo.get("body"):
        add("meeting", select(Meeting.id).where(Meeting.body_id.in_(sorted(todo["body"]))))
    if todo.get("project"):
        add("meeting", select(Meeting.id).where(Meeting.project_id.in_(sorted(todo["project"]))))
    if todo.get("meeting"):
        add("commitment", select(Commitment.id).where(Commitment.meeting_id.in_(sorted(todo["meeting"]))))
    models = _tables()
    for table, record_ids in todo.items():
        columns = models[table].__table__.c
        texts = _texts(connection, table, record_ids)
        if not texts:
            continue
        # Derived data: neither the record's version nor its updated_at change. One
        # executemany for all the records.
        connection.execute(
            update(models[table].__table__)
            .where(columns.id == bindparam("record_id"))
            .values(search_text=bindparam("text"), updated_at=columns.updated_at),
            [{"record_id": record_id, "text": text} for record_id, text in texts.items()],
        )


def refresh_all(connection: Connection) -> None:
    """Every record's `search_text` (the migration that added the columns fills them so)."""
    present = set(inspect(connection).get_table_names())  # a migration runs this on an older schema
    stale = {
        table: set(connection.execute(select(model.__table__.c.id)).scalars())
        for table, model in _tables().items()
        if table in present
    }
    refresh(connection, stale)


# Keeping it up to date ----------------------------------------------------------------------

# Which record's text a changed row touches: table -> (record table, attribute with its id).
_TOUCHES: dict[str, tuple[str, str]] = {
    "organisation": ("organisation", "id"),
    "person": ("person", "id"),
    "body": ("body", "id"),
    "project": ("project", "id"),
    "meeting": ("meeting", "id"),
    "commitment": ("commitment", "id"),
    "invitation": ("meeting", "meeting_id"),
}


# The columns whose change makes a text stale (a status or a date change does not).
_WORDS: dict[str, tuple[str, ...]] = {
    "organisation": ("name", "acronym", "slug"),
    "person": ("full_name", "title", "email", "organisation_id"),
    "body": ("name", "short_name"),
    "project": ("name", "acronym", "slug"),
    "meeting": ("title", "venue", "description", "translations", "body_id", "project_id"),
    "commitment": ("title", "description", "translations", "side", "organisation_id", "responsible_id", "meeting_id"),
    "invitation": ("person_id", "meeting_id"),
}


def _words_changed(obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _WORDS[obj.__tablename__])


def _stale(objects: Iterable[Any], *, check_modified: bool) -> dict[str, set[int]]:
    stale: dict[str, set[int]] = defaultdict(set)
    for obj in objects:
        touch = _TOUCHES.get(getattr(obj, "__tablename__", ""))
        if touch is None or (check_modified and not _words_changed(obj)):
            continue
        record_id = getattr(obj, touch[1], None)
        if record_id is not None:
            stale[touch[0]].add(record_id)
    return stale


# Rows written once, found by their own words: folded when they are added.
_WRITTEN_ONCE: dict[str, Any] = {
    "outbox_message": lambda row: f"{row.to_address} {row.to_name} {row.subject}",
    "audit_event": lambda row: f"{row.actor} {row.summary}",
}


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        words = _WRITTEN_ONCE.get(getattr(obj, "__tablename__", ""))
        if words is not None:
            obj.search_text = fold(words(obj))


def _after_flush(session: Session, _context: Any) -> None:
    stale = _stale(session.new, check_modified=False)
    for table, ids in _stale(session.dirty, check_modified=True).items():
        stale[table] |= ids
    # A removed invitation changes its meeting's participants; deleted records need nothing.
    removed = [obj for obj in session.deleted if getattr(obj, "__tablename__", "") == "invitation"]
    for table, ids in _stale(removed, check_modified=False).items():
        stale[table] |= ids
    if stale:
        refresh(session.connection(), stale)


def listen(sessions: type[Session]) -> None:
    """Keep the search index up to date on every flush of `sessions` (see session_factory.py)."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)
