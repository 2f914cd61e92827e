"""The follow-up sheet (fiche de suivi) through HTTP: of a meeting, of a body over a period,
in CSV, PDF and DOCX; who may download it; internal progress notes never in it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.commitments.models import CommitmentStatus
from dialogue.i18n import _, using_language
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from tests import factories
from tests.conftest import open_session
from tests.minutes.exports import docx_text, flat, needs_pdf_tools, pdf_text, read_docx

INTERNAL = "Note interne : ne pas diffuser"
SHARED = "Étude engagée avec le BIT"


async def council(db: AsyncSession) -> dict[str, Any]:
    """A plenary with three meetings (spring, summer, and a cancelled one in between), and
    a committee; commitments of every kind at the spring meeting."""
    world = await factories.table(db)
    plenary = world["plenary"]
    spring = await factories.meeting(
        db, plenary, title="Réunion de printemps", starts_at=factories.tunis(2024, 3, 12), status=MeetingStatus.HELD
    )
    await factories.meeting(
        db, plenary, title="Annulée", starts_at=factories.tunis(2024, 4, 9), status=MeetingStatus.CANCELLED
    )
    summer = await factories.meeting(
        db, plenary, title="Réunion d'été", starts_at=factories.tunis(2024, 6, 30, 23, 30), status=MeetingStatus.HELD
    )
    committee = await factories.meeting(
        db, await factories.body(db, name="Commission de la formation"), title="Commission",
        starts_at=factories.tunis(2024, 5, 2), status=MeetingStatus.HELD,
    )  # fmt: skip
    overdue = await factories.commitment(
        db, Side.WORKERS, CommitmentStatus.IN_PROGRESS, title="Étude sur le salaire minimum",
        meeting_id=spring.id, organisation_id=world["ugtt"].id, responsible_id=world["ugtt1"].id,
        due_on=dt.date(2024, 5, 1),
    )  # fmt: skip
    await factories.progress(db, overdue, note="Ancienne note partagée", written_on=dt.date(2024, 4, 1))
    await factories.progress(db, overdue, note=SHARED, written_on=dt.date(2024, 4, 20))
    await factories.progress(db, overdue, note=INTERNAL, written_on=dt.date(2024, 4, 25), internal=True)
    done = await factories.commitment(
        db, Side.GOVERNMENT, CommitmentStatus.DONE, title="=SOMME(A1:A2) publication du décret",
        meeting_id=spring.id, organisation_id=world["mas"].id,
    )  # fmt: skip
    await factories.progress(db, done, note=INTERNAL + " (bis)", written_on=dt.date(2024, 4, 2), internal=True)
    await factories.commitment(db, Side.EMPLOYERS, title="Avis de l'UTICA", meeting_id=summer.id)
    await factories.commitment(db, Side.EMPLOYERS, title="Hors plénière", meeting_id=committee.id)
    await db.commit()
    world.update(spring=spring, summer=summer, committee=committee, overdue=overdue, done=done)
    return world


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_meeting_sheet_lists_its_commitments_in_csv(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    response = await client.get(f"/meetings/{world['spring'].id}/follow-up.csv?lang=en")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="follow-up-meeting-{world["spring"].id}-en.csv"'
    )
    rows = read_csv(response)
    assert list(rows[0]) == [
        "No.", "Commitment", "Side", "Organisation", "Responsible", "Due date", "Status", "Overdue",
        "Meetings open", "Last progress note", "Meeting", "Meeting date",
    ]  # fmt: skip
    assert [row["Commitment"] for row in rows] == [
        "Étude sur le salaire minimum",
        "'=SOMME(A1:A2) publication du décret",
    ]
    first, second = rows
    assert first == {
        "No.": str(world["overdue"].id),
        "Commitment": "Étude sur le salaire minimum",
        "Side": "Workers",
        "Organisation": "UGTT – Union Générale Tunisienne du Travail",
        "Responsible": "UGTT délégué 1",
        "Due date": "2024-05-01",
        "Status": "In progress",
        "Overdue": "yes",
        "Meetings open": "1",  # the summer meeting; not the cancelled one
        "Last progress note": SHARED,  # the latest shared one, not the internal one after it
        "Meeting": "Réunion de printemps",
        "Meeting date": "2024-03-12",
    }
    assert (second["Status"], second["Overdue"], second["Meetings open"], second["Last progress note"]) == (
        "Done", "no", "", "",
    )  # fmt: skip


async def test_csv_header_and_labels_follow_the_language(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    with using_language("fr"):
        side, workers = _("Side"), Side.WORKERS.label
    assert (side, workers) == ("Partie", "Travailleurs")
    rows = read_csv(await client.get(f"/meetings/{world['spring'].id}/follow-up.csv?lang=fr"))
    assert rows[0][side] == workers


async def test_body_sheet_covers_the_period(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    body_id = world["plenary"].id
    everything = read_csv(await client.get(f"/bodies/{body_id}/follow-up.csv?lang=en"))
    assert [row["Commitment"] for row in everything] == [
        "Étude sur le salaire minimum", "'=SOMME(A1:A2) publication du décret", "Avis de l'UTICA",
    ]  # fmt: skip
    # The summer meeting starts at 23:30 in Tunis on 30 June (22:30 UTC): it is a June meeting.
    june = read_csv(await client.get(f"/bodies/{body_id}/follow-up.csv?from=2024-06-01&to=2024-06-30&lang=en"))
    assert [row["Commitment"] for row in june] == ["Avis de l'UTICA"]
    assert june[0]["Meeting date"] == "2024-06-30"
    spring = read_csv(await client.get(f"/bodies/{body_id}/follow-up.csv?to=2024-03-12&lang=en"))
    assert len(spring) == 2
    response = await client.get(f"/bodies/{body_id}/follow-up.csv?from=2024-07-01&lang=en")
    assert response.headers["content-disposition"].endswith(f'follow-up-body-{body_id}-2024-07-01-en.csv"')
    assert read_csv(response) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=14/05/2024", "“14/05/2024” is not a date: write it as YYYY-MM-DD"),
        ("to=2024-02-30", "“2024-02-30” is not a date"),
        ("from=20240514", "“20240514” is not a date"),
        ("from=2024-06-01&to=2024-05-01", "The start of the period must not be after its end."),
        ("lang=de", "Choose the language of the export among: fr, ar, en."),
        ("from=0001-01-01", "Enter a date between 1900 and 2999."),
        ("to=9999-12-31", "Enter a date between 1900 and 2999."),
        ("from=1899-12-31", "Enter a date between 1900 and 2999."),
    ],
)
async def test_bad_period_or_language_is_refused_with_a_message(
    english: AsyncTestClient[Any], db: AsyncSession, query: str, message: str
) -> None:
    world = await council(db)
    response = await english.get(f"/bodies/{world['plenary'].id}/follow-up.csv?{query}")
    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize("fmt", ["csv", "pdf", "docx"])
async def test_a_day_without_a_utc_time_is_refused_in_every_format(
    english: AsyncTestClient[Any], db: AsyncSession, fmt: str
) -> None:
    """Midnight in Tunis on 0001-01-01 is before the first UTC instant: a 400, not a 500."""
    world = await council(db)
    for query in ("from=0001-01-01", "to=9999-12-31&lang=ar"):
        response = await english.get(f"/bodies/{world['plenary'].id}/follow-up.{fmt}?{query}")
        assert response.status_code == 400, query
        assert "Enter a date between 1900 and 2999." in response.text
    # The edges of the range are fine.
    response = await english.get(f"/bodies/{world['plenary'].id}/follow-up.{fmt}?from=1900-01-01&to=2999-12-31")
    assert response.status_code == 200


async def test_the_csv_sheet_states_its_charset_once(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    response = await english.get(f"/meetings/{world['spring'].id}/follow-up.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


async def test_unknown_meeting_or_body_is_not_found(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    await council(db)
    assert (await english.get("/meetings/999999/follow-up.pdf")).status_code == 404
    assert (await english.get("/bodies/999999/follow-up.docx")).status_code == 404


@needs_pdf_tools
async def test_pdf_sheet(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    response = await client.get(f"/bodies/{world['plenary'].id}/follow-up.pdf?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    assert "Follow-up sheet: Conseil national du dialogue social - plénière" in text
    assert "Étude sur le salaire minimum" in text and "Avis de l'UTICA" in text and "Hors plénière" not in text
    assert SHARED in text and "In progress (overdue)" in text
    assert "Page 1 of 1" in text
    assert "interne" not in text


async def test_docx_sheet(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    response = await client.get(f"/meetings/{world['spring'].id}/follow-up.docx?lang=ar")
    assert response.status_code == 200
    document = read_docx(response.content)
    table = document.tables[0]
    assert len(table.rows) == 3  # header and two commitments
    assert table.rows[1].cells[1].text == "Étude sur le salaire minimum"
    assert table.rows[1].cells[8].text == SHARED
    assert table.table_direction == 1  # right to left in Arabic
    assert "interne" not in docx_text(document)


async def test_internal_notes_are_in_no_sheet(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    """Even the secretariat, who reads internal notes in the app, gets none in a sheet."""
    world = await council(db)
    for url in (f"/meetings/{world['spring'].id}/follow-up", f"/bodies/{world['plenary'].id}/follow-up"):
        csv_text = (await client.get(url + ".csv")).content.decode("utf-8-sig")
        assert "Étude sur le salaire minimum" in csv_text and "interne" not in csv_text
        assert "interne" not in docx_text(read_docx((await client.get(url + ".docx")).content))


async def _as(client: AsyncTestClient[Any], db: AsyncSession, role: Role, world: dict[str, Any]) -> None:
    """Sign the browser out, and in again as a new account of `role`."""
    org = world["ugtt"] if role is Role.DELEGATE else None
    account = await factories.account(db, role, org)
    await db.commit()
    assert (await client.post("/logout", follow_redirects=False)).status_code == 303
    open_session(client, account.email)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.COORDINATOR, True), (Role.OBSERVER, False), (Role.DELEGATE, False)],
)
async def test_only_secretariat_and_coordinators_download_sheets(
    client: AsyncTestClient[Any], db: AsyncSession, role: Role, allowed: bool
) -> None:
    world = await council(db)
    del client.headers["authorization"]  # the browser's session only
    await _as(client, db, role, world)
    for url in (
        f"/meetings/{world['spring'].id}/follow-up.csv",
        f"/bodies/{world['plenary'].id}/follow-up.csv?from=2024-01-01",
    ):
        response = await client.get(url, follow_redirects=False)
        assert response.status_code == (200 if allowed else 403), url


async def test_anonymous_is_sent_to_sign_in(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    response = await anonymous.get(f"/meetings/{world['spring'].id}/follow-up.csv", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_meeting_and_body_pages_link_to_the_sheets(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await council(db)
    meeting_page = (await client.get(f"/meetings/{world['spring'].id}")).text
    for fmt in ("pdf", "docx", "csv"):
        assert f'href="/meetings/{world["spring"].id}/follow-up.{fmt}"' in meeting_page
    body_page = (await client.get(f"/bodies/{world['plenary'].id}")).text
    assert f'action="/bodies/{world["plenary"].id}/follow-up.pdf"' in body_page
    assert f'formaction="/bodies/{world["plenary"].id}/follow-up.csv"' in body_page
    del client.headers["authorization"]
    await _as(client, db, Role.OBSERVER, world)
    assert "/follow-up." not in (await client.get(f"/meetings/{world['spring'].id}")).text
    assert "/follow-up." not in (await client.get(f"/bodies/{world['plenary'].id}")).text
