"""Importing a spreadsheet: keep the upload, preview what each row would do, then do it.

    upload = await store_upload(db, account_id, ImportKind.PEOPLE, "people.csv", data)
    plan = await preview(db, upload, choices)        # each row: create, update, same, invalid
    plan = await run_import(db, upload, choices, skip_invalid=False)

Rows match what is stored on a key (organisations on their short identifier, people on
their email, commitments on their reference), so importing the same file twice changes
nothing. Nothing is written while a row is invalid, unless the person skips those rows;
the import is one transaction and one entry of the audit trail, listing what it created
and changed. What a preview holds: `plan.py`; how each row is read and matched: `planners.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import anyio
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import RowChange, one_entry, record
from dialogue.bodies.models import Membership
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.commitments.status import change_status
from dialogue.db import utcnow
from dialogue.errors import NotFound, Refused
from dialogue.i18n import _
from dialogue.imports.columns import FIELDS, Field, ImportKind, chosen
from dialogue.imports.models import ImportUpload
from dialogue.imports.plan import CREATE, INVALID, SAME, UPDATE, Plan, Problem, RowPlan
from dialogue.imports.planners import PLANNERS
from dialogue.imports.reading import Table, read_table
from dialogue.people.models import Organisation, Person

KEEP = dt.timedelta(days=1)


# Uploads -------------------------------------------------------------------------------


async def reading(data: bytes) -> Table:
    """`read_table` off the event loop: a large workbook takes seconds to read."""
    return await anyio.to_thread.run_sync(read_table, data)


async def store_upload(db: AsyncSession, account_id: int, kind: ImportKind, filename: str, data: bytes) -> ImportUpload:
    """Keep an uploaded file for its preview; `Refused` when it cannot be read. Uploads
    older than `KEEP` (never confirmed) go."""
    await reading(data)
    await db.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - KEEP))
    upload = ImportUpload(
        account_id=account_id,
        kind=kind.value,
        filename=(filename.replace("\\", "/").rsplit("/", 1)[-1] or "import")[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )
    db.add(upload)
    await db.flush()
    return upload


async def get_upload(db: AsyncSession, upload_id: int, account_id: int) -> ImportUpload:
    """An upload of this account (another's is not found, as one already imported)."""
    upload = await db.get(ImportUpload, upload_id)
    if upload is None or upload.account_id != account_id:
        raise NotFound(_("This file was already imported, or it was uploaded more than a day ago: upload it again."))
    return upload


# Preview -------------------------------------------------------------------------------


async def preview(db: AsyncSession, upload: ImportUpload, choices: dict[int, str]) -> Plan:
    """What importing `upload` would do, with the columns as recognised or as the person
    chose them (`choices`: column index -> field key, "" for a column left out)."""
    kind = ImportKind(upload.kind)
    table = await reading(upload.content)
    mapping = chosen(kind, table.headers, choices)
    fields = FIELDS[kind]
    problems = _column_problems(table, mapping, fields)
    plan = Plan(kind, table.headers, mapping, fields, problems, [])
    if problems:
        return plan
    column = {key: table.headers[i] or str(i + 1) for i, key in enumerate(mapping) if key}
    rows = [
        (number, {key: cells[i] for i, key in enumerate(mapping) if key})
        for number, cells in enumerate(table.rows, start=2)
        if any(cells)
    ]
    planner = PLANNERS[kind]
    plan.rows = await planner(db, rows, column)
    return plan


def _column_problems(table: Table, mapping: list[str], fields: tuple[Field, ...]) -> list[Problem]:
    problems = []
    for spec in fields:
        columns = [table.headers[i] for i, key in enumerate(mapping) if key == spec.key]
        if spec.required and not columns:
            problems.append(Problem(1, spec.shown, _("Missing required column: {name}.").format(name=spec.shown)))
        elif len(columns) > 1:
            problems.append(
                Problem(1, spec.shown, _("Two columns hold {name}: choose only one.").format(name=spec.shown))
            )
    return problems


# Import --------------------------------------------------------------------------------


async def run_import(
    db: AsyncSession, upload: ImportUpload, choices: dict[int, str], *, skip_invalid: bool, today: dt.date
) -> Plan:
    """Import `upload` as previewed now (the record may have changed since the preview):
    `Refused` while a row is invalid, unless `skip_invalid`; then the upload is deleted and
    one audit event lists what was created and changed."""
    plan = await preview(db, upload, choices)
    if plan.blocked:
        raise Refused(_("Some required columns are missing: choose what each column holds."))
    if plan.count(INVALID) and not skip_invalid:
        raise Refused(_("Some rows are not valid: correct the file, or choose to skip those rows."))
    async with one_entry(db) as gathered:
        for row in plan.rows:
            if row.action in (CREATE, UPDATE):
                await _save(db, plan.kind, row, today)
    await _record(db, upload, plan, gathered)
    await db.delete(upload)
    await db.flush()
    return plan


# The texts of imported records that may be written in several languages.
TRANSLATED: dict[ImportKind, tuple[str, ...]] = {ImportKind.COMMITMENTS: ("title", "description")}


async def _save(db: AsyncSession, kind: ImportKind, row: RowPlan, today: dt.date) -> None:
    model: type[Any] = {
        ImportKind.ORGANISATIONS: Organisation,
        ImportKind.PEOPLE: Person,
        ImportKind.COMMITMENTS: Commitment,
    }[kind]
    record = row.record
    if record is None:
        record = model()
        if kind is ImportKind.COMMITMENTS:
            record.status, record.closed_on = CommitmentStatus.OPEN, None
        db.add(record)
    for key, value in row.values.items():
        if key == "status":
            change_status(record, value, today)
        elif key in TRANSLATED.get(kind, ()):
            # A spreadsheet's text is the French version; the others stay (dialogue/bilingual.py).
            if record.id is None or getattr(record, key) != value:
                bilingual.set_versions(record, key, {**bilingual.versions_of(record, key), "fr": value})
        elif record.id is None or getattr(record, key) != value:
            setattr(record, key, value)
    if row.memberships:
        await db.flush()
        existing = {m.body_id: m for m in await db.scalars(select(Membership).where(Membership.person_id == record.id))}
        for body_id, membership_kind in row.memberships.items():
            if body_id in existing:
                existing[body_id].kind = membership_kind
            else:
                db.add(Membership(body_id=body_id, person_id=record.id, kind=membership_kind))


async def _record(db: AsyncSession, upload: ImportUpload, plan: Plan, gathered: list[RowChange]) -> None:
    created = [
        {"entity": row.entity, "id": row.entity_id, "summary": row.summary}
        for row in gathered
        if row.action is AuditAction.CREATE
    ]
    changed = [
        {"entity": row.entity, "id": row.entity_id, "summary": row.summary, "changes": row.changes}
        for row in gathered
        if row.action is not AuditAction.CREATE
    ]
    summary = _("{file}: {created} created, {changed} changed, {same} unchanged, {skipped} skipped").format(
        file=upload.filename,
        created=plan.count(CREATE),
        changed=plan.count(UPDATE),
        same=plan.count(SAME),
        skipped=plan.count(INVALID),
    )
    await record(
        db,
        AuditAction.IMPORT,
        summary=summary,
        entity="import_upload",
        entity_id=upload.id,
        changes={
            "file": [None, upload.filename],
            "sha256": [None, upload.sha256],
            "created": [None, created],
            "changed": [None, changed],
        },
    )
