"""Published press releases as JSON in the shape of Open Civic Data events and Popolo
organizations and persons (https://docs.opencivicdata.org/en/latest/data/event.html,
https://www.popoloproject.com/specs/): one document `{"events", "organizations",
"persons"}`. Only what the public page shows: the release, the event's date, place,
organisations with their role (a participant's "note") and shared outcomes (its agenda),
and the published contact, the only person named, the only address given."""

from __future__ import annotations

import uuid
from typing import Any

from dialogue import i18n
from dialogue.press.document import FORMATS, MEDIA_TYPES
from dialogue.press.record import OrganisationLine, ReleaseRecord

# OCD's event statuses: a held meeting has "passed".
STATUS = "passed"


def ocd_id(kind: str, base_url: str, key: str) -> str:
    """A stable OCD-style identifier ("ocd-event/<uuid>"), the UUID derived from this
    installation's address and the record's key, so that two councils never share one."""
    return f"ocd-{kind}/{uuid.uuid5(uuid.NAMESPACE_URL, f'{base_url}/{key}')}"


def page_url(base_url: str, slug: str) -> str:
    return f"{base_url}/public/events/{slug}"


def _organization(line: OrganisationLine, base_url: str) -> dict[str, Any]:
    organization: dict[str, Any] = {
        "id": ocd_id("organization", base_url, line.key),
        "name": line.name,
        "classification": line.classification,
    }
    if line.acronym:
        organization["other_names"] = [{"name": line.acronym, "note": "acronym"}]
    return organization


def event(record: ReleaseRecord, base_url: str, language: str) -> dict[str, Any]:
    """The OCD event of a published release (labels in `language`)."""
    url = page_url(base_url, record.slug)
    with i18n.using_language(language):
        # The organisation responsible: the council body that held it, else the lead partner.
        host = next((line for line in record.organisations if line.role in ("host", "lead")), None)
        return {
            "_type": "event",
            "id": ocd_id("event", base_url, f"event-{record.slug}"),
            "name": record.title,
            "description": record.summary,
            "classification": record.kind,
            "start_date": i18n.local(record.starts_at).isoformat(),
            "end_date": i18n.local(record.ends_at).isoformat(),
            "timezone": str(i18n.current_timezone()),
            "all_day": False,
            "status": STATUS,
            "location": {"name": record.place or record.venue, "note": record.venue, "coordinates": None},
            "organization_id": ocd_id("organization", base_url, host.key) if host else None,
            "participants": [
                {
                    "name": line.name,
                    "entity_type": "organization",
                    "id": ocd_id("organization", base_url, line.key),
                    "note": line.role,
                }
                for line in record.organisations
            ],
            "agenda": [
                {
                    "description": line.item if not line.follow_up else line.title,
                    "order": str(index),
                    "subjects": [],
                    "related_entities": [],
                    "notes": [f"{line.label}: {line.text.strip()}" if line.text.strip() else line.label],
                    "media": [],
                }
                for index, line in enumerate(record.agenda, 1)
            ],
            "documents": [
                {
                    "note": f"press release ({fmt.upper()}, {code})",
                    "date": i18n.local(record.published_at).date().isoformat() if record.published_at else None,
                    "links": [{"media_type": MEDIA_TYPES[fmt], "url": f"{url}.{fmt}?lang={code}"}],
                }
                for fmt in FORMATS
                for code in i18n.LANGUAGES
            ],
            "media": [],
            "links": [{"url": f"{url}?lang={code}", "note": code} for code in i18n.LANGUAGES],
            "sources": [{"url": url, "note": "press release published by the secretariat"}],
            # What OCD has no field for: the release's points, its contact (an id among the
            # document's persons), when it was published, and each agenda item's outcome.
            "extras": {
                "outcomes": list(record.outcome_points),
                "agenda_outcomes": [line.kind for line in record.agenda],
                "contact": ocd_id("person", base_url, record.contact.key) if record.contact else None,
                "published_at": record.published_at.isoformat() if record.published_at else None,
                "body": record.body or None,
                "project": (
                    {
                        "id": ocd_id("project", base_url, record.project.key),
                        "name": record.project.name,
                        "acronym": record.project.acronym,
                    }
                    if record.project is not None
                    else None
                ),
            },
        }


def document(records: list[ReleaseRecord], base_url: str, language: str) -> dict[str, Any]:
    """The events of `records`, their organizations and their published contacts."""
    organizations: dict[str, dict[str, Any]] = {}
    persons: dict[str, dict[str, Any]] = {}
    for record in records:
        for line in record.organisations:
            organizations.setdefault(line.key, _organization(line, base_url))
        if record.contact is not None:
            contact = record.contact
            details = [
                {"type": kind, "value": value}
                for kind, value in (("email", contact.email), ("voice", contact.phone))
                if value
            ]
            persons.setdefault(
                contact.key,
                {
                    "id": ocd_id("person", base_url, contact.key),
                    "name": contact.name,
                    "role": contact.role,
                    "contact_details": details,
                },
            )
    return {
        "events": [event(record, base_url, language) for record in records],
        "organizations": list(organizations.values()),
        "persons": list(persons.values()),
    }
