"""Each row of a spreadsheet read into typed values and matched with the record on its key:
what it would create or change, and its problems (one planner per kind of import)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.bodies.models import Body, Membership, MembershipKind
from dialogue.choices import Choice
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.forms import EMAIL
from dialogue.i18n import _, listed
from dialogue.imports.columns import FIELDS, ImportKind, folded, parse_choice
from dialogue.imports.plan import CREATE, INVALID, SAME, UPDATE, Problem, RowPlan
from dialogue.people.models import Language, Organisation, Person, Side
from dialogue.people.service import PHONE, SLUG
from dialogue.text_input import text_problem

REFERENCE_MAX = 60


class _Row:
    """Reading one row's cells into typed values, noting each problem with its column."""

    def __init__(self, number: int, cells: dict[str, str], column: dict[str, str], label: str) -> None:
        self.cells = cells
        self.column = column
        self.plan = RowPlan(number, label)

    def has(self, key: str) -> bool:
        return key in self.cells

    def problem(self, key: str, message: str) -> None:
        self.plan.problems.append(Problem(self.plan.number, self.column.get(key, key), message))

    def text(self, key: str, maximum: int, *, required: bool = False, attribute: str | None = None) -> str | None:
        """The cell as text, stored under `attribute` (default `key`) when its column is there."""
        if not self.has(key):
            return None
        value = self.cells[key].strip()
        if problem := text_problem(value, maximum, required=required):
            self.problem(key, problem)
        self.plan.values[attribute or key] = value
        return value

    def choice(self, key: str, choice: type[Choice], unknown: str, *, store: bool = True) -> Any:
        value = self.cells.get(key, "").strip()
        if not value:
            return None
        found = parse_choice(value, choice)
        if found is None:
            options = listed(member.label for member in choice)
            self.problem(key, unknown.format(value=value, options=options))
        elif store:
            self.plan.values[key] = found
        return found

    def duplicate(self, key: str, value: str, seen: dict[str, int], message: str) -> None:
        if value in seen:
            self.problem(key, message.format(row=seen[value]))
        else:
            seen[value] = self.plan.number

    def key(
        self, key: str, maximum: int, pattern: re.Pattern[str], malformed: str, seen: dict[str, int], twice: str
    ) -> str:
        """The (lowercased) value a row is matched on: required, of the `pattern`, once in the file."""
        value = (self.text(key, maximum, required=True) or "").lower()
        self.plan.values[key] = value
        if value and not self.plan.problems:
            if not pattern.match(value):
                self.problem(key, malformed)
            self.duplicate(key, value, seen, twice)
        return value


def _unknown_side() -> str:
    return _("Unknown side \u201c{value}\u201d: write one of {options}.")


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Choice):
        return value.label
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _finish(row: _Row, record: Any, labels: dict[str, str], show: Callable[[str, Any], str] | None = None) -> RowPlan:
    """The row's action and changes, from its values and the `record` it matched."""
    plan = row.plan
    plan.record = record
    shown = show or (lambda _key, value: _shown(value))
    if plan.problems:
        plan.action = INVALID
        return plan
    for key, after in plan.values.items():
        before = getattr(record, key) if record is not None else None
        if record is None and after in (None, ""):
            continue
        if before != after and not (before in (None, "") and after in (None, "")):
            plan.changes.append((labels.get(key, key), shown(key, before), shown(key, after)))
    plan.action = CREATE if record is None else UPDATE if plan.changes else SAME
    return plan


def _labels(kind: ImportKind, **extra: str) -> dict[str, str]:
    return {**{spec.key: spec.shown for spec in FIELDS[kind]}, **extra}


Rows = list[tuple[int, dict[str, str]]]


async def _plan_organisations(db: AsyncSession, rows: Rows, column: dict[str, str]) -> list[RowPlan]:
    slugs = {cells.get("slug", "").strip().lower() for _number, cells in rows}
    existing = {org.slug: org for org in await db.scalars(select(Organisation).where(Organisation.slug.in_(slugs)))}
    seen: dict[str, int] = {}
    labels = _labels(ImportKind.ORGANISATIONS)
    plans = []
    for number, cells in rows:
        row = _Row(number, cells, column, cells.get("name", "") or cells.get("slug", ""))
        slug = row.key(
            "slug",
            40,
            SLUG,
            _("Use lowercase letters, digits and hyphens only (for example: ugtt)."),
            seen,
            _("This identifier is already on row {row}."),
        )
        row.text("name", 200, required=True)
        row.text("acronym", 30)
        row.text("description", 5000)
        if row.choice("side", Side, _unknown_side()) is None and not row.cells.get("side", "").strip():
            row.problem("side", _("This field is required."))
        plans.append(_finish(row, existing.get(slug), labels))
    return plans


class _Organisations:
    """Every organisation, found by short identifier, acronym or name (in any case)."""

    def __init__(self, organisations: Iterable[Organisation]) -> None:
        self.by_id: dict[int, Organisation] = {}
        self.keys: dict[str, list[Organisation]] = {}
        for org in organisations:
            self.by_id[org.id] = org
            for key in {folded(org.slug), folded(org.acronym), folded(org.name)} - {""}:
                self.keys.setdefault(key, []).append(org)

    def find(self, value: str) -> Organisation | None:
        found = self.keys.get(folded(value), [])
        return found[0] if len(found) == 1 else None

    def name(self, org_id: int | None) -> str:
        org = self.by_id.get(org_id) if org_id is not None else None
        return org.display_name if org is not None else ""


def _unknown_organisation() -> str:
    return _("Unknown organisation \u201c{value}\u201d: write its short identifier, acronym or name as in Dialogue.")


def _organisation(row: _Row, organisations: _Organisations, key: str = "organisation") -> Organisation | None:
    value = row.cells.get(key, "").strip()
    if not value:
        return None
    org = organisations.find(value)
    if org is None:
        row.problem(key, _unknown_organisation().format(value=value))
    return org


async def _plan_people(db: AsyncSession, rows: Rows, column: dict[str, str]) -> list[RowPlan]:
    organisations = _Organisations(await db.scalars(select(Organisation)))
    bodies: dict[str, list[Body]] = {}
    for body in await db.scalars(select(Body)):
        for key in {folded(body.name), folded(body.short_name)} - {""}:
            bodies.setdefault(key, []).append(body)
    emails = {cells.get("email", "").strip().lower() for _number, cells in rows}
    existing = {p.email: p for p in await db.scalars(select(Person).where(Person.email.in_(emails)))}
    current: dict[int, dict[int, MembershipKind]] = {}
    if existing:
        ids = [person.id for person in existing.values()]
        for membership in await db.scalars(select(Membership).where(Membership.person_id.in_(ids))):
            current.setdefault(membership.person_id, {})[membership.body_id] = membership.kind
    body_names = {body.id: body.name for found in bodies.values() for body in found}
    labels = _labels(ImportKind.PEOPLE, organisation_id=_("Organisation"))
    seen: dict[str, int] = {}
    plans = []
    for number, cells in rows:
        row = _Row(number, cells, column, cells.get("full_name", ""))
        row.text("full_name", 200, required=True)
        email = row.key(
            "email", 254, EMAIL, _("Enter a valid email address."), seen, _("This email is already on row {row}.")
        )
        row.text("title", 200)
        phone = row.text("phone", 50)
        if phone and not PHONE.match(phone):
            row.problem("phone", _("Enter a phone number: digits, spaces and + - ( ) only."))
        row.choice("language", Language, _("Unknown language \u201c{value}\u201d: write one of {options}."))
        side = row.choice("side", Side, _unknown_side(), store=False)
        org = _organisation(row, organisations)
        if org is None and not row.cells.get("organisation", "").strip():
            row.problem("organisation", _("This field is required."))
        person = existing.get(email)
        if org is not None:
            if side is not None and org.side != side:
                row.problem("side", _("This organisation is on another side ({side}).").format(side=org.side.label))
            elif org.archived_at is not None and (person is None or person.organisation_id != org.id):
                row.problem("organisation", _("This organisation is archived: choose another one."))
            row.plan.values["organisation_id"] = org.id
        wanted = _bodies(row, bodies)
        plan = _finish(
            row,
            person,
            labels,
            lambda key, value: organisations.name(value) if key == "organisation_id" else _shown(value),
        )
        _membership_changes(plan, wanted, current.get(person.id, {}) if person else {}, body_names)
        plans.append(plan)
    return plans


def _bodies(row: _Row, bodies: dict[str, list[Body]]) -> dict[int, MembershipKind]:
    wanted: dict[int, MembershipKind] = {}
    for key, kind in (("bodies", MembershipKind.TITULAR), ("alternate_bodies", MembershipKind.ALTERNATE)):
        for name in row.cells.get(key, "").replace("\n", ";").split(";"):
            if not name.strip():
                continue
            found = bodies.get(folded(name), [])
            if len(found) != 1:
                row.problem(
                    key,
                    _("Unknown body \u201c{value}\u201d: write its name as in Dialogue.").format(value=name.strip()),
                )
            else:
                wanted[found[0].id] = kind
    return wanted


def _membership_changes(
    plan: RowPlan, wanted: dict[int, MembershipKind], current: dict[int, MembershipKind], names: dict[int, str]
) -> None:
    """Memberships are added (or their kind changed), never taken away by an import."""
    if plan.action == INVALID:
        return
    for body_id, kind in wanted.items():
        if current.get(body_id) != kind:
            plan.memberships[body_id] = kind
            before = current[body_id].label if body_id in current else ""
            plan.changes.append((names[body_id], before, kind.label))
    if plan.memberships and plan.action == SAME:
        plan.action = UPDATE


def _date(row: _Row, key: str) -> dt.date | None:
    value = row.cells.get(key, "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            day = dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a day, no time)
        except ValueError:
            continue
        if dt.date(1900, 1, 1) <= day <= dt.date(2999, 12, 31):
            return day
    row.problem(key, _("Enter a date as YYYY-MM-DD."))
    return None


async def _plan_commitments(db: AsyncSession, rows: Rows, column: dict[str, str]) -> list[RowPlan]:
    organisations = _Organisations(await db.scalars(select(Organisation)))
    people = {p.email: p for p in await db.scalars(select(Person).where(Person.email.is_not(None)))}
    people_by_id = {p.id: p for p in people.values()}
    references = {cells.get("reference", "").strip() for _number, cells in rows}
    existing = {
        c.reference: c for c in await db.scalars(select(Commitment).where(Commitment.reference.in_(references)))
    }
    labels = _labels(ImportKind.COMMITMENTS, organisation_id=_("Organisation"), responsible_id=_("Responsible person"))
    seen: dict[str, int] = {}

    def show(key: str, value: Any) -> str:
        if key == "organisation_id":
            return organisations.name(value)
        if key == "responsible_id":
            person = people_by_id.get(value) if value is not None else None
            return person.full_name if person else ""
        return _shown(value)

    plans = []
    for number, cells in rows:
        row = _Row(number, cells, column, " · ".join(v for v in (cells.get("reference"), cells.get("title")) if v))
        reference = row.text("reference", REFERENCE_MAX, required=True) or ""
        if reference and not row.plan.problems:
            row.duplicate("reference", reference, seen, _("This reference is already on row {row}."))
        row.text("title", 300, required=True)
        row.text("description", 10_000)
        side = row.choice("side", Side, _unknown_side())
        if side is None and not row.cells.get("side", "").strip():
            row.problem("side", _("This field is required."))
        row.choice("status", CommitmentStatus, _("Unknown status \u201c{value}\u201d: write one of {options}."))
        if row.has("due_on"):
            row.plan.values["due_on"] = _date(row, "due_on")
        org = _organisation(row, organisations)
        if row.has("organisation"):
            row.plan.values["organisation_id"] = org.id if org else None
            if org is not None and side is not None and org.side != side:
                row.problem(
                    "organisation", _("This organisation is on another side ({side}).").format(side=org.side.label)
                )
        if row.has("responsible"):
            email = row.cells["responsible"].strip().lower()
            person = people.get(email) if email else None
            row.plan.values["responsible_id"] = person.id if person else None
            if email and person is None:
                row.problem(
                    "responsible", _("Nobody in Dialogue has the email \u201c{value}\u201d.").format(value=email)
                )
            elif person is not None and org is not None and person.organisation_id != org.id:
                row.problem("responsible", _("This person does not belong to the chosen organisation."))
            elif person is not None and org is None and side is not None:
                person_org = organisations.by_id.get(person.organisation_id)
                if person_org is not None and person_org.side != side:
                    row.problem("responsible", _("This person does not belong to the chosen side."))
        plans.append(_finish(row, existing.get(reference), labels, show))
    return plans


PLANNERS = {
    ImportKind.ORGANISATIONS: _plan_organisations,
    ImportKind.PEOPLE: _plan_people,
    ImportKind.COMMITMENTS: _plan_commitments,
}
