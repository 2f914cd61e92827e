"""Audit events. The application only ever inserts them; the database refuses UPDATE and
DELETE on the table (a trigger, created by the migration and by `create_all`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DDL, JSON, BigInteger, Boolean, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base
from dialogue.i18n import N_
from dialogue.search import Searchable, search_index


class AuditAction(Choice):
    CREATE = "create", N_("Created")
    UPDATE = "update", N_("Changed")
    STATUS = "status", N_("Status changed")
    DELETE = "delete", N_("Deleted")
    APPROVE = "approve", N_("Approved")
    SIGN_IN = "sign_in", N_("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", N_("Failed sign-in")
    SIGN_OUT = "sign_out", N_("Signed out")
    REFUSED = "refused", N_("Permission refused")
    SEND = "send", N_("Sent")
    EXPORT = "export", N_("Whole record downloaded")
    IMPORT = "import", N_("Imported")


class AuditEvent(Searchable, Base):
    __table_args__ = (
        Index("ix_audit_event_root", "root_entity", "root_id"),
        Index("ix_audit_event_entity", "entity", "entity_id"),
        search_index("audit_event"),
    )

    # Who: the account (kept as a plain number: the trail outlives any account) and its email.
    account_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), default=None, index=True
    )
    actor: Mapped[str] = mapped_column(String(254), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[AuditAction] = mapped_column(ChoiceType(AuditAction, 20), index=True)
    # What: the row changed, and the record it belongs to (its meeting, commitment, person...).
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=None)
    root_entity: Mapped[str] = mapped_column(String(40), default="")
    root_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=None)
    # Internal content (a side's draft position, an internal note) is shown in the trail only
    # to that side and the secretariat, like the content itself.
    side: Mapped[str | None] = mapped_column(String(20), default=None)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(String(300), default="")
    # {"field": [before, after]}; creations have before = None, deletions after = None.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def at(self) -> dt.datetime:
        return self.created_at


# The trail cannot be rewritten through SQL either (TRUNCATE, for tests and purges, stays).
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
for _statement in APPEND_ONLY_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in APPEND_ONLY_POSTGRESQL:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
