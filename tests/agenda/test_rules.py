"""Rules of items and outcomes, checked without HTTP."""

from __future__ import annotations

import pytest

from dialogue.agenda.checks import DocumentFields, ItemFields, document_errors, item_errors, outcome_errors
from dialogue.agenda.models import OutcomeKind
from dialogue.i18n import set_language


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (ItemFields(title="  "), "title"),
        (ItemFields(title="x" * 301), "title"),
        (ItemFields(title="Budget", duration_minutes=0), "duration_minutes"),
        (ItemFields(title="Budget", duration_minutes=601), "duration_minutes"),
        (ItemFields(title="Budget", duration_minutes=None), "duration_minutes"),
        (ItemFields(title="Budget", description="x" * 5001), "description"),
    ],
)
def test_item_with_a_bad_field_is_refused_on_that_field(fields: ItemFields, field: str) -> None:
    assert set(item_errors(fields)) == {field}


def test_item_durations_from_one_minute_to_ten_hours_are_accepted() -> None:
    assert item_errors(ItemFields(title="Budget", duration_minutes=1)) == {}
    assert item_errors(ItemFields(title="Budget", duration_minutes=600)) == {}


@pytest.mark.parametrize(
    "url", ["ftp://example.tn/a.pdf", "www.example.tn", "https://", "javascript:alert(1)", "https://a b.tn"]
)
def test_document_link_must_be_a_web_address(url: str) -> None:
    assert set(document_errors(DocumentFields(title="Note", url=url))) == {"url"}


def test_document_with_a_web_address_and_a_title_is_accepted() -> None:
    assert document_errors(DocumentFields(title="Note", url="https://www.ilo.org/c144.pdf")) == {}


def test_bilateral_agreement_names_exactly_two_different_sides() -> None:
    kind = OutcomeKind.BILATERAL_AGREEMENT
    assert "sides" in outcome_errors(kind, ["workers"], "Accord")[0]
    assert "sides" in outcome_errors(kind, ["workers", "workers"], "Accord")[0]
    assert "sides" in outcome_errors(kind, ["workers", "employers", "government"], "Accord")[0]
    assert "sides" in outcome_errors(kind, ["workers", "observers"], "Accord")[0]
    assert "sides" in outcome_errors(kind, ["workers", "nobody"], "Accord")[0]
    errors, stored = outcome_errors(kind, ["employers", "government"], "Accord")
    assert errors == {}
    assert stored == "government,employers"


def test_other_outcomes_name_no_sides_and_agreements_say_what_was_agreed() -> None:
    errors, stored = outcome_errors(OutcomeKind.DEFERRED, ["workers"], "")
    assert (errors, stored) == ({}, "")
    assert "text" in outcome_errors(OutcomeKind.TRIPARTITE_AGREEMENT, [], "  ")[0]
    assert "kind" in outcome_errors(None, [], "")[0]
