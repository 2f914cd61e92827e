"""Downloading a list as CSV and XLSX: every matching row (not just the page), in the
page's order, headed in the reader's language, with the page's visibility rules; CSV
cells that a spreadsheet would run as formulas are made text; XLSX dates are dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

import pytest

from dialogue.accounts.models import Role
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import open_session
from tests.meetings.helpers import text

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response: Any) -> list[list[Any]]:
    """The first sheet's cells: strings as str, numbers as float, with each cell's type
    and style kept as (value, type, style) for dates."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    shared = [
        "".join(node.itertext())
        for node in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).findall("x:si", NS)
    ]
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    formats = {int(n.get("numFmtId")): n.get("formatCode") for n in styles.iter(f"{{{NS['x']}}}numFmt")}
    cell_formats = [int(xf.get("numFmtId", 0)) for xf in styles.find("x:cellXfs", NS)]
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows: list[list[Any]] = []
    for row in sheet.find("x:sheetData", NS):
        values: list[Any] = []
        for cell in row:
            column = re.match(r"[A-Z]+", cell.get("r")).group(0)
            index = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column))) - 1
            while len(values) < index:
                values.append(None)
            value = cell.find("x:v", NS)
            if cell.get("t") == "s":
                values.append(shared[int(value.text)])
            elif cell.find("x:f", NS) is not None:
                values.append(("FORMULA", cell.find("x:f", NS).text))
            else:
                number = float(value.text)
                style = formats.get(cell_formats[int(cell.get("s", 0))], "")
                if "yy" in style:  # a real date: days since 1899-12-30
                    values.append(dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(number * 86400)))
                else:
                    values.append(number)
        rows.append(values)
    return rows


async def test_commitments_csv_has_every_filtered_row_in_the_page_order_with_french_headers(
    client: Any, db: Any
) -> None:
    world = await f.table(db)
    for n in range(30):  # more than a page (25)
        await f.commitment(
            db,
            Side.WORKERS,
            title=f"Engagement {n:02d}",
            due_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            organisation_id=world["ugtt"].id,
            responsible_id=world["ugtt1"].id,
        )
    await f.commitment(db, Side.GOVERNMENT, title="Autre partie")
    await db.commit()
    query = "side=workers&sort=title&order=desc"
    page = text(await client.get(f"/commitments?{query}"))
    assert f'href="/commitments.csv?{query}"' in page.replace("&amp;", "&")
    assert 'hx-boost="false" download' in page
    rows = read_csv(await client.get(f"/commitments.csv?{query}"))
    assert rows[0][:7] == ["Engagement", "Description", "Partie", "Organisation", "Responsable", "Échéance", "Statut"]
    titles = [row[0] for row in rows[1:]]
    assert titles == [f"Engagement {n:02d}" for n in reversed(range(30))]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Partie"] == "Travailleurs"
    assert first["Organisation"] == "UGTT – Union Générale Tunisienne du Travail"
    assert first["Responsable"] == "UGTT délégué 1"
    assert first["Échéance"] == "2026-01-30"
    # the same rows as the page shows, in the same order
    page_titles = re.findall(r"<bdi>(Engagement \d\d)</bdi>", page)
    assert titles[: len(page_titles)] == page_titles


async def test_csv_cells_that_would_be_formulas_become_text(client: Any, db: Any) -> None:
    dangerous = ['=HYPERLINK("http://evil.example","x")', "+33 1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    for title in dangerous:
        await f.commitment(db, title=title)
    await f.commitment(db, title="Normal, with a comma")
    await db.commit()
    rows = read_csv(await client.get("/commitments.csv?sort=title"))
    titles = {row[0] for row in rows[1:]}
    assert titles == {"'" + title for title in dangerous} | {"Normal, with a comma"}


async def test_commitments_xlsx_keeps_strings_as_strings_and_dates_as_dates(client: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], title="Plénière", starts_at=f.tunis(2026, 3, 4, 14, 30))
    await f.commitment(db, Side.WORKERS, title="=1+1", due_on=dt.date(2026, 4, 15), meeting_id=meeting.id)
    await f.commitment(db, Side.GOVERNMENT, title="0042", due_on=None)
    await db.commit()
    rows = read_xlsx(await client.get("/commitments.xlsx?sort=title"))
    header = rows[0]
    assert header[:3] == ["Engagement", "Description", "Partie"]
    by_title = {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert set(by_title) == {"=1+1", "0042"}  # a string, never a formula or a number
    assert by_title["=1+1"]["Échéance"] == dt.datetime(2026, 4, 15)
    assert by_title["=1+1"]["Date de la réunion"] == dt.datetime(2026, 3, 4, 14, 30)  # Tunis time
    assert by_title["0042"].get("Échéance") is None


async def test_arabic_download_is_headed_in_arabic_and_right_to_left(client: Any, db: Any) -> None:
    await f.commitment(db, title="إعداد التقرير")
    await db.commit()
    client.headers["accept-language"] = "ar"
    rows = read_csv(await client.get("/commitments.csv"))
    assert rows[0][0] == "الالتزام"
    assert rows[1][0] == "إعداد التقرير"
    response = await client.get("/commitments.xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert 'rightToLeft="1"' in sheet


async def test_a_delegate_download_has_what_their_page_shows(anonymous: Any, db: Any) -> None:
    """Last update dates come only from notes the reader may see: another side's internal
    note is neither on the page nor in the file."""
    world = await f.table(db)
    theirs = await f.commitment(db, Side.WORKERS, title="Engagement UGTT")
    await f.progress(db, theirs, note="Partagée", written_on=dt.date(2026, 10, 1))
    await f.progress(db, theirs, note="Interne", written_on=dt.date(2026, 11, 20), internal=True)
    await f.commitment(db, Side.EMPLOYERS, title="Engagement UTICA")
    await f.account(db, Role.DELEGATE, world["utica"], email="utica@example.tn")
    await db.commit()
    open_session(anonymous, "utica@example.tn")
    anonymous.headers["accept-language"] = "en"
    rows = read_csv(await anonymous.get("/commitments.csv?scope=all"))
    by_title = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_title["Engagement UGTT"]["Last update"] == "2026-10-01"
    assert "2026-11-20" not in (await anonymous.get("/commitments?scope=all")).text
    # their own side by default, as on the page
    rows = read_csv(await anonymous.get("/commitments.csv"))
    assert [row[0] for row in rows[1:]] == ["Engagement UTICA"]
    # lists of the secretariat stay the secretariat's
    assert (await anonymous.get("/accounts.csv")).status_code == 403
    assert (await anonymous.get("/audit.xlsx")).status_code == 403


@pytest.mark.parametrize(
    ("path", "header", "expected"),
    [
        ("/meetings", "Title", "Atelier de clôture"),
        ("/people", "Name", "Héla Mékki"),
        ("/organisations", "Organisation", "Organisation Internationale du Travail"),
        ("/bodies", "Body", "Comité de pilotage"),
        ("/outbox", "Subject", "Invitation AMEM"),
        ("/accounts", "Email", "hela@example.tn"),
        ("/audit", "Summary", "Héla Mékki"),
    ],
)
async def test_every_list_downloads_its_filtered_rows(
    english: Any, db: Any, path: str, header: str, expected: str
) -> None:
    from dialogue.mail.outbox import enqueue

    world = await f.table(db)
    body = await f.body(db, name="Comité de pilotage")
    meeting = await f.meeting(db, body, title="Atelier de clôture")
    hela = await f.person(db, world["ilo"], full_name="Héla Mékki", email="hela@example.tn")
    await f.invite(db, meeting, hela)
    await f.account(db, Role.OBSERVER, world["ilo"], email="hela@example.tn", person_id=hela.id)
    enqueue(db, to_address="hela@example.tn", to_name="Héla Mékki", subject="Invitation AMEM", text_body="…")
    enqueue(db, to_address="x@example.tn", subject="Autre message", text_body="…")
    await db.commit()
    q = {"/organisations": "internationale", "/bodies": "pilotage", "/outbox": "amem"}.get(path, "hela mekki")
    rows = read_csv(await english.get(f"{path}.csv", params={"q": q}))
    assert header in rows[0]
    values = [row[rows[0].index(header)] for row in rows[1:]]
    assert expected in values
    assert "Autre message" not in values and "Conseil national du dialogue social - plénière" not in values
    xlsx = read_xlsx(await english.get(f"{path}.xlsx", params={"q": q}))
    assert xlsx[0] == rows[0]
    assert len(xlsx) == len(rows)
