"""JSON API (/api/v1) of the commitments area: list (same filters as the page), create,
read (with progress updates), update (optimistic locking), add a progress update, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from dialogue import bilingual, i18n, idempotency
from dialogue.accounts.permissions import (
    Permission,
    ensure_side,
    internal_visible_sides,
)
from dialogue.choices import Choice
from dialogue.commitments import editing, listing
from dialogue.commitments.editing import CommitmentDraft, ProgressDraft
from dialogue.commitments.listing import CommitmentFilters
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.listing import ListWindow, api_list, api_page
from dialogue.openapi import Page, named, out_of
from dialogue.people.models import Side
from dialogue.sorting import Window
from dialogue.text_input import Input
from dialogue.web import DB

SIDES = ", ".join(Side.values())
STATUSES = ", ".join(CommitmentStatus.values())


class ProgressOut(msgspec.Struct):
    id: int
    written_on: dt.date
    note: str
    evidence_url: str | None
    status: str | None
    internal: bool
    created_at: dt.datetime


class CommitmentOut(msgspec.Struct):
    id: int
    version: int
    title: str
    description: str
    side: str
    organisation_id: int | None
    organisation: str | None
    responsible_id: int | None
    responsible: str | None
    due_on: dt.date | None
    status: str
    closed_on: dt.date | None
    overdue: bool
    meeting_id: int | None
    agenda_item_id: int | None
    from_outcome: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    last_update_on: dt.date | None = None
    updates: list[ProgressOut] | None = None
    # The title and description in each language written ({"title": {"fr": ..., "ar": ...}});
    # `title` and `description` are the first written in the order fr, ar, en.
    versions: dict[str, dict[str, str]] = {}


CommitmentPage = Annotated[Page[CommitmentOut], named("CommitmentPage")]


class CommitmentIn(Input, forbid_unknown_fields=True):
    """A new commitment. `side` is one of government, workers, employers, observers;
    `status` one of open, in_progress, done, dropped (default open)."""

    title: str
    side: str
    description: str = ""
    # `title` and `description` are the French versions; these the Arabic and English ones.
    # At least one version of the title is needed.
    title_ar: str = ""
    title_en: str = ""
    description_ar: str = ""
    description_en: str = ""
    organisation_id: int | None = None
    responsible_id: int | None = None
    due_on: dt.date | None = None
    status: str = "open"
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    from_outcome: bool = False


class CommitmentPatch(Input, forbid_unknown_fields=True):
    """Changes to a commitment read at `version` (required); absent fields stay as they are,
    `null` clears an optional one."""

    version: int
    title: str | msgspec.UnsetType = msgspec.UNSET
    side: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    title_ar: str | msgspec.UnsetType = msgspec.UNSET
    title_en: str | msgspec.UnsetType = msgspec.UNSET
    description_ar: str | msgspec.UnsetType = msgspec.UNSET
    description_en: str | msgspec.UnsetType = msgspec.UNSET
    organisation_id: int | msgspec.UnsetType | None = msgspec.UNSET
    responsible_id: int | msgspec.UnsetType | None = msgspec.UNSET
    due_on: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    status: str | msgspec.UnsetType = msgspec.UNSET
    meeting_id: int | msgspec.UnsetType | None = msgspec.UNSET
    agenda_item_id: int | msgspec.UnsetType | None = msgspec.UNSET
    from_outcome: bool | msgspec.UnsetType = msgspec.UNSET


class ProgressIn(Input, forbid_unknown_fields=True):
    """A progress update: `written_on` defaults to today (Africa/Tunis) and cannot be in
    the future; `status`, when given, becomes the commitment's status; `internal`: true
    keeps the note inside the commitment's side (its delegates and the secretariat)."""

    note: str
    written_on: dt.date | None = None
    evidence_url: str | None = None
    status: str | None = None
    internal: bool = False


def progress_out(update: CommitmentUpdate) -> ProgressOut:
    return ProgressOut(
        id=update.id,
        written_on=update.written_on,
        note=update.note,
        evidence_url=update.evidence_url,
        status=update.status.value if update.status else None,
        internal=update.internal,
        created_at=update.created_at,
    )


def commitment_out(
    commitment: Commitment,
    today: dt.date,
    *,
    last_update_on: dt.date | None = None,
    with_updates: bool = False,
) -> CommitmentOut:
    updates = [progress_out(u) for u in commitment.updates] if with_updates else None
    if with_updates and updates:
        last_update_on = max(u.written_on for u in updates)
    return out_of(
        CommitmentOut,
        commitment,
        side=commitment.side.value,
        organisation=commitment.organisation.display_name if commitment.organisation else None,
        responsible=commitment.responsible.full_name if commitment.responsible else None,
        status=commitment.status.value,
        overdue=commitment.is_overdue(today),
        last_update_on=last_update_on,
        updates=updates,
        versions=bilingual.all_versions(commitment, *editing.TEXTS),
    )


def visible_sides(request: Request) -> frozenset[Side]:
    """The sides whose internal progress notes the caller may see."""
    return internal_visible_sides(request.scope.get("user"))


C = TypeVar("C", bound=Choice)


def _choice(kind: type[C], value: str | None, errors: dict[str, str], name: str) -> C | None:
    """`value` as one of `kind`; None when it is not sent, or (with an error) not one of them."""
    if value is None or value == "":
        return None
    try:
        return kind(value)
    except ValueError:
        errors[name] = _("Choose one of: {values}.").format(values=", ".join(kind.values()))
        return None


class CommitmentController(Controller):
    path = "/api/v1/commitments"
    tags = ["commitments"]

    @get("/", dependencies=api_list())
    async def list_commitments(
        self,
        request: Request,
        db: DB,
        window: ListWindow,
        side: Annotated[str | None, QueryParameter(description=f"One of: {SIDES}.")] = None,
        organisation: Annotated[int | None, QueryParameter(description="Organisation id.")] = None,
        body_id: Annotated[int | None, QueryParameter(name="body", description="Body id (of the meeting).")] = None,
        status: Annotated[str | None, QueryParameter(description=f"One of: {STATUSES}, or active.")] = None,
        overdue: Annotated[bool | None, QueryParameter(description="true: only overdue; false: none overdue.")] = None,
        due_soon: Annotated[bool, QueryParameter(description="Active and due within 14 days.")] = False,
        due_from: Annotated[dt.date | None, QueryParameter(description="Due on or after (YYYY-MM-DD).")] = None,
        due_to: Annotated[dt.date | None, QueryParameter(description="Due on or before (YYYY-MM-DD).")] = None,
        q: Annotated[str | None, QueryParameter(description="Text in the title or description.")] = None,
    ) -> CommitmentPage:
        """Commitments by due date (none last), each with `overdue` computed for today."""
        errors: dict[str, str] = {}
        side_value = _choice(Side, side, errors, "side")
        statuses = listing.parse_status_filter(status)
        if statuses is None:
            errors["status"] = _("Choose one of: {values}.").format(values=STATUSES + ", active")
        if due_from and due_to and due_to < due_from:
            errors["due_to"] = _("The end of the range is before its start.")
        if q and len(q) > 200:
            errors["q"] = _("At most {n} characters.").format(n=200)
        if errors:
            raise Invalid(errors)
        filters = CommitmentFilters(
            side=side_value,
            organisation_id=organisation,
            body_id=body_id,
            statuses=statuses or (),
            overdue=overdue,
            due_soon=due_soon,
            due_from=due_from,
            due_to=due_to,
            q=q or "",
        )
        today, visible = i18n.today(), visible_sides(request)

        def load(window: Window) -> Awaitable[tuple[list[Any], int]]:
            return listing.list_commitments(
                db, filters, today, limit=window.limit, offset=window.offset, visible=visible
            )

        def out(row: Any) -> CommitmentOut:
            return commitment_out(row.commitment, today, last_update_on=row.last_update_on)

        return await api_page(load, out, window)

    @post("/", status_code=HTTP_201_CREATED)
    async def create_commitment(self, request: Request, db: DB, data: JSONBody[CommitmentIn]) -> CommitmentOut:
        """Record a commitment; 422 with field errors when a rule fails (`Idempotency-Key`: once)."""
        await idempotency.replay(db, request)
        errors: dict[str, str] = {}
        draft = CommitmentDraft(
            title=data.title,
            side=_choice(Side, data.side, errors, "side"),
            description=data.description,
            title_ar=data.title_ar,
            title_en=data.title_en,
            description_ar=data.description_ar,
            description_en=data.description_en,
            organisation_id=data.organisation_id,
            responsible_id=data.responsible_id,
            due_on=data.due_on,
            status=_choice(CommitmentStatus, data.status, errors, "status"),
            meeting_id=data.meeting_id,
            agenda_item_id=data.agenda_item_id,
            from_outcome=data.from_outcome,
        )
        today = i18n.today()
        commitment = await editing.create_commitment(db, draft, today=today, known_errors=errors)
        await idempotency.remember(db, request, None, f"/api/v1/commitments/{commitment.id}")
        await db.commit()
        commitment = await editing.get_commitment(db, commitment.id, refresh=True)
        return commitment_out(commitment, today, with_updates=True)

    @get("/{commitment_id:int}")
    async def read_commitment(self, request: Request, db: DB, commitment_id: FromPath[int]) -> CommitmentOut:
        """A commitment with its progress updates, newest first."""
        commitment = await editing.get_commitment(db, commitment_id, visible=visible_sides(request))
        return commitment_out(commitment, i18n.today(), with_updates=True)

    @patch("/{commitment_id:int}")
    async def update_commitment(
        self, request: Request, db: DB, commitment_id: FromPath[int], data: JSONBody[CommitmentPatch]
    ) -> CommitmentOut:
        """Change a commitment; `version` is required and a stale one gets 409."""
        commitment = await editing.get_commitment(db, commitment_id, with_updates=False)
        errors: dict[str, str] = {}
        draft = CommitmentDraft.of(commitment)
        changes = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not msgspec.UNSET}
        changes.pop("version")
        if "side" in changes:
            changes["side"] = _choice(Side, changes["side"], errors, "side")
        if "status" in changes:
            changes["status"] = _choice(CommitmentStatus, changes["status"], errors, "status")
        for name, value in changes.items():
            setattr(draft, name, value)
        today = i18n.today()
        await editing.update_commitment(db, commitment, draft, version=data.version, today=today, known_errors=errors)
        await db.commit()
        commitment = await editing.get_commitment(db, commitment_id, refresh=True, visible=visible_sides(request))
        return commitment_out(commitment, today, with_updates=True)

    @post("/{commitment_id:int}/updates", status_code=HTTP_201_CREATED, opt={"permission": Permission.SIDE})
    async def add_progress(
        self, request: Request, db: DB, commitment_id: FromPath[int], data: JSONBody[ProgressIn]
    ) -> CommitmentOut:
        """Add a dated progress update; answers the commitment with all its updates. The
        secretariat, or a delegate of the commitment's side (another side: 403)."""
        commitment = await editing.get_commitment(db, commitment_id, visible=visible_sides(request))
        ensure_side(request.user, commitment.side)
        await idempotency.replay(db, request)
        errors: dict[str, str] = {}
        draft = ProgressDraft(
            note=data.note,
            written_on=data.written_on,
            evidence_url=data.evidence_url,
            status=_choice(CommitmentStatus, data.status, errors, "status"),
            internal=data.internal,
        )
        today = i18n.today()
        await editing.add_progress(db, commitment, draft, today=today, known_errors=errors)
        await idempotency.remember(db, request, None, f"/api/v1/commitments/{commitment_id}")
        await db.commit()
        commitment = await editing.get_commitment(db, commitment_id, refresh=True, visible=visible_sides(request))
        return commitment_out(commitment, today, with_updates=True)

    @delete("/{commitment_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def delete_commitment(self, db: DB, commitment_id: FromPath[int]) -> None:
        """Delete a commitment without progress updates; 409 if it has some (drop it instead)."""
        commitment = await editing.get_commitment(db, commitment_id, with_updates=False)
        await editing.delete_commitment(db, commitment)
        await db.commit()


routes: list[Any] = [CommitmentController]
