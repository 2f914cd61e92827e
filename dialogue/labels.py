"""What each field of each record is called, said once: the forms show these labels (the
`field_label` template global) and a record's history names its changed fields with them.

One table per model (by table name), every column the audit trail records; the labels are
English msgids marked for translation and translated where they are shown.
"""

from __future__ import annotations

from dialogue.i18n import N_, gettext

# Columns that mean the same in every table they appear in.
_COMMON: dict[str, str] = {
    "title": N_("Title"),
    "name": N_("Name"),
    "description": N_("Description"),
    "status": N_("Status"),
    "kind": N_("Kind"),
    "side": N_("Side"),
    "sides": N_("Sides"),
    "text": N_("Text"),
    "internal": N_("Internal"),
    "rank": N_("Order"),
    "email": N_("Email"),
    "language": N_("Preferred language"),
    "archived_at": N_("Archived"),
    "meeting_id": N_("Meeting"),
    "person_id": N_("Person"),
    "body_id": N_("Body"),
    "organisation_id": N_("Organisation"),
    "project_id": N_("Project"),
    "agenda_item_id": N_("Agenda item"),
    "item_id": N_("Agenda item"),
    "account_id": N_("Account"),
    "minutes_id": N_("Minutes"),
    "written_on": N_("Date"),
    "token_hash": N_("Token"),
    # The versions of a record's texts in each language (dialogue/bilingual.py).
    "translations": N_("Texts in each language"),
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "organisation": {"slug": N_("Short identifier"), "acronym": N_("Acronym"), "category": N_("Category")},
    "project": {
        "slug": N_("Short identifier"),
        "acronym": N_("Acronym"),
        "lead_organisation_id": N_("Lead organisation"),
        "starts_on": N_("Start"),
        "ends_on": N_("End"),
        "countries": N_("Countries"),
    },
    "project_donor": {},
    "letterhead": {
        "name_fr": N_("Name of the institution (French)"),
        "name_ar": N_("Name of the institution (Arabic)"),
        "name_en": N_("Name of the institution (English)"),
        "header_fr": N_("Header lines (French)"),
        "header_ar": N_("Header lines (Arabic)"),
        "header_en": N_("Header lines (English)"),
        "footer_fr": N_("Footer (French)"),
        "footer_ar": N_("Footer (Arabic)"),
        "footer_en": N_("Footer (English)"),
        "reference_format": N_("Reference numbers"),
        "logo": N_("Logo"),
        "logo_type": N_("Type of the logo"),
    },
    "meeting_partner": {"role": N_("Role")},
    "person": {"full_name": N_("Full name"), "phone": N_("Phone")},
    "body": {
        "short_name": N_("Short name"),
        "quorum_rule": N_("Quorum rule"),
        "quorum_min_per_side": N_("Minimum present per side"),
    },
    "membership": {},
    "meeting": {
        "starts_at": N_("Starts"),
        "ends_at": N_("Ends"),
        "venue": N_("Venue"),
        "online_url": N_("Online link"),
        "session_kind": N_("Session"),
        "session_number": N_("Session number"),
    },
    "invitation": {
        "role": N_("Role"),
        "on_behalf_of_id": N_("On behalf of"),
        "attendance": N_("Attendance"),
        "arrived_late": N_("Arrived late"),
        "response": N_("Answer"),
        "responded_at": N_("Answered on"),
        "alternate_id": N_("Alternate"),
    },
    "agenda_item": {
        "duration_minutes": N_("Duration (minutes)"),
        "presenter_id": N_("Presenter"),
        "c144_matter": N_("C144 matter"),
        "follow_up": N_("Follow-up of commitments"),
    },
    "agenda_document": {"url": N_("Link")},
    "position": {"stance": N_("Stance"), "statement": N_("Statement")},
    "outcome": {},
    "commitment": {
        "from_outcome": N_("From an outcome"),
        "responsible_id": N_("Responsible person"),
        "due_on": N_("Due date"),
        "closed_on": N_("Closed on"),
        "reference": N_("Reference"),
    },
    "commitment_update": {
        "commitment_id": N_("Commitment"),
        "note": N_("Note"),
        "evidence_url": N_("Evidence link"),
    },
    "document": {
        "position_id": N_("Position"),
        "commitment_id": N_("Commitment"),
        "progress_id": N_("Progress note"),
        "current_version": N_("Current version"),
    },
    "account": {
        "password_hash": N_("Password"),
        "role": N_("Role"),
        "is_approver": N_("Approver"),
        "disabled_at": N_("Disabled"),
        "password_changed_at": N_("Password changed"),
        "tokens_ended_at": N_("API tokens and calendar addresses ended"),
    },
    "api_token": {"prefix": N_("Token prefix"), "revoked_at": N_("Revoked")},
    "one_time_link": {"purpose": N_("Purpose"), "expires_at": N_("Expires"), "used_at": N_("Used")},
    "feed_token": {"scope": N_("Feed"), "scope_key": N_("Feed of"), "revoked_at": N_("Revoked")},
    "outbox_message": {"sent": N_("Messages sent")},
    "digest": {"queued": N_("Digests queued")},
    "minutes": {
        "introduction": N_("Introduction"),
        "closing": N_("Closing"),
        "current_version": N_("Current version"),
        "adopted_at": N_("Adopted on"),
        "sha256": N_("Fingerprint (SHA-256)"),
    },
    "minutes_item_note": {"summary": N_("Summary")},
    "minutes_decision": {
        "version_id": N_("Version"),
        "decided_by": N_("Decided by"),
        "decision": N_("Decision"),
        "decided_at": N_("Decided on"),
    },
    "minutes_item_comment": {
        "decision_id": N_("Decision"),
        "item_title": N_("Agenda item"),
        "comment": N_("Comment"),
    },
    "minutes_addendum": {"written_by": N_("Written by")},
    "minutes_version": {
        "number": N_("Version"),
        "circulated_at": N_("Circulated on"),
        "circulated_by_id": N_("Circulated by"),
        "circulated_by": N_("Circulated by"),
    },
    "press_release": {
        "slug": N_("Public address"),
        "place": N_("Place"),
        "summary": N_("Opening paragraph"),
        "outcomes": N_("What was achieved"),
        "contacts": N_("Contacts"),
        "contact_person_id": N_("Contact"),
        "published_at": N_("Published on"),
    },
    # The one audit entry of an import (dialogue/imports/service.py).
    "import_upload": {
        "file": N_("File"),
        "sha256": N_("Fingerprint (SHA-256)"),
        "created": N_("Created"),
        "changed": N_("Changed"),
    },
}


def field_msgid(table: str, name: str) -> str | None:
    """The untranslated label of `table.name`, or None if the tables do not name it."""
    return FIELD_LABELS.get(table, {}).get(name) or _COMMON.get(name)


def field_label(table: str, name: str) -> str:
    """The label of `table.name` in the current language ("Starts" for meeting.starts_at);
    a column nobody named yet reads as its name, never as an error."""
    msgid = field_msgid(table, name)
    return gettext(msgid) if msgid else name.replace("_", " ").capitalize()
