"""Importing organisations, people and commitments from CSV and XLSX, through the pages."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from typing import Any

import pytest
import xlsxwriter
from sqlalchemy import func, select

from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.bodies.models import Membership, MembershipKind
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.imports.models import ImportUpload
from dialogue.people.models import Organisation, Person, Side
from tests import factories as f

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_file(rows: list[list[str]], *, bom: bool = False, delimiter: str = ",") -> bytes:
    text = "\r\n".join(delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) for row in rows)
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def xlsx_file(rows: list[list[Any]], formula: tuple[int, int, str] | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    if formula:
        sheet.write_formula(formula[0], formula[1], formula[2])
    book.close()
    return out.getvalue()


async def upload(client: Any, kind: str, content: bytes, name: str = "file.csv", mime: str = CSV) -> Any:
    return await client.post(
        "/import", data={"kind": kind}, files={"file": (name, content, mime)}, follow_redirects=False
    )


async def preview_url(client: Any, kind: str, content: bytes, name: str = "file.csv", mime: str = CSV) -> str:
    response = await upload(client, kind, content, name, mime)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the confirm form (the one-time key and the chosen columns)."""
    confirm = html[html.index('method="post" action="/import/') :]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm))


async def confirm(client: Any, url: str, **extra: str) -> Any:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    data = {k: v for k, v in form_fields(page.text).items() if k != "_csrf_token"}
    return await client.post(url, data={**data, **extra}, follow_redirects=False)


async def count(db: Any, model: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model)))


ORGS_EN = [
    ["Short identifier", "Name", "Acronym", "Side"],
    ["utap", "Union Tunisienne de l'Agriculture et de la Pêche", "UTAP", "employers"],
    ["ote", "Office des Tunisiens à l'Étranger", "OTE", "Government"],
]


async def test_organisations_from_csv_preview_then_confirm_then_again_changes_nothing(english: Any, db: Any) -> None:
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))

    page = await english.get(url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "New: 2" in page.text and "UTAP" in page.text
    assert await count(db, Organisation) == 0  # nothing written by the preview

    done = await confirm(english, url)
    assert done.status_code == 303 and done.headers["location"].startswith("/import?imported=")
    result = await english.get(done.headers["location"])
    assert "2 created, 0 changed" in result.text
    orgs = {o.slug: o for o in await db.scalars(select(Organisation))}
    assert orgs["utap"].side is Side.EMPLOYERS and orgs["ote"].side is Side.GOVERNMENT
    assert await count(db, ImportUpload) == 0  # deleted once imported

    again = await preview_url(english, "organisations", csv_file(ORGS_EN))
    page = await english.get(again)
    assert "Unchanged: 2" in page.text and "New: 0" in page.text
    await confirm(english, again)
    assert await count(db, Organisation) == 2
    assert (
        "0 created, 0 changed, 2 unchanged"
        in (
            await db.scalars(
                select(AuditEvent.summary).where(AuditEvent.action == AuditAction.IMPORT).order_by(AuditEvent.id.desc())
            )
        ).first()
    )


async def test_a_changed_row_shows_what_changes_and_one_audit_entry_lists_it(english: Any, db: Any) -> None:
    await f.organisation(db, Side.EMPLOYERS, slug="utap", name="UTAP ancien nom", acronym="UTAP")
    await db.commit()
    before = await count(db, AuditEvent)
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))

    page = await english.get(url)
    assert "Changed: 1" in page.text and "New: 1" in page.text
    assert "UTAP ancien nom" in page.text  # before → after

    assert (await confirm(english, url)).status_code == 303
    events = list(await db.scalars(select(AuditEvent).where(AuditEvent.id > 0).order_by(AuditEvent.id)))
    new = events[before:]
    assert [e.action for e in new] == [AuditAction.IMPORT]  # one entry, not one per row
    changes = new[0].changes
    assert [c["summary"] for c in changes["created"][1]] == ["Office des Tunisiens à l'Étranger"]
    assert changes["changed"][1][0]["changes"]["name"] == ["UTAP ancien nom", ORGS_EN[1][1]]
    assert changes["file"] == [None, "file.csv"]


@pytest.mark.parametrize(
    "headers",
    [
        ["Nom", "Courriel", "Organisation", "Partie", "Fonction", "Téléphone", "Instances"],
        ["الاسم", "البريد الإلكتروني", "المنظمة", "الطرف", "الصفة", "الهاتف", "الهيئات"],
        ["Name", "Email", "Organisation", "Side", "Title", "Phone", "Bodies"],
    ],
)
async def test_people_with_headers_in_french_arabic_or_english(english: Any, db: Any, headers: list[str]) -> None:
    world = await f.table(db)
    await db.commit()
    rows = [
        headers,
        [
            "Samir Trabelsi",
            "Samir@Example.tn",
            "ugtt",
            "workers",
            "Secrétaire général adjoint",
            "+216 71 000 000",
            world["plenary"].name,
        ],
        ["Leila Ben Ali", "leila@example.tn", "UTICA", "", "", "", ""],
    ]
    url = await preview_url(english, "people", csv_file(rows, bom=True, delimiter=";"))
    assert "New: 2" in (await english.get(url)).text

    assert (await confirm(english, url)).status_code == 303
    samir = await db.scalar(select(Person).where(Person.email == "samir@example.tn"))
    assert samir is not None and samir.organisation_id == world["ugtt"].id and samir.phone == "+216 71 000 000"
    membership = await db.scalar(select(Membership).where(Membership.person_id == samir.id))
    assert membership is not None and membership.kind is MembershipKind.TITULAR


async def test_people_from_xlsx_and_alternates(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()
    rows = [
        ["Name", "Email", "Organisation", "Alternate in (bodies)"],
        ["Amira Gharbi", "amira@example.tn", "Ministère des Affaires Sociales", world["plenary"].name],
    ]
    url = await preview_url(english, "people", xlsx_file(rows), "people.xlsx", XLSX)
    assert (await confirm(english, url)).status_code == 303
    amira = await db.scalar(select(Person).where(Person.email == "amira@example.tn"))
    assert amira is not None and amira.organisation_id == world["mas"].id
    membership = await db.scalar(select(Membership).where(Membership.person_id == amira.id))
    assert membership is not None and membership.kind is MembershipKind.ALTERNATE

    again = await preview_url(english, "people", xlsx_file(rows), "people.xlsx", XLSX)
    assert "Unchanged: 1" in (await english.get(again)).text


async def test_commitments_with_a_reference_from_xlsx_and_the_reference_on_its_page(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()
    import datetime as dt

    rows = [
        ["Référence", "Titre", "Partie", "Organisation", "Responsable", "Échéance", "Statut"],
        [
            "ENG-2026-01",
            "Publier le décret",
            "Government",
            "mas",
            world["mas1"].email,
            dt.date(2027, 3, 31),
            "in_progress",
        ],
        ["ENG-2026-02", "Consulter les adhérents", "Travailleurs", "", "", "", ""],
    ]
    content = io.BytesIO()
    book = xlsxwriter.Workbook(content, {"in_memory": True})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
            else:
                sheet.write(r, c, value)
    book.close()
    url = await preview_url(english, "commitments", content.getvalue(), "engagements.xlsx", XLSX)
    assert "New: 2" in (await english.get(url)).text
    assert (await confirm(english, url)).status_code == 303

    first = await db.scalar(select(Commitment).where(Commitment.reference == "ENG-2026-01"))
    assert first is not None and first.due_on == dt.date(2027, 3, 31)
    assert first.status is CommitmentStatus.IN_PROGRESS and first.responsible_id == world["mas1"].id
    second = await db.scalar(select(Commitment).where(Commitment.reference == "ENG-2026-02"))
    assert second is not None and second.side is Side.WORKERS and second.status is CommitmentStatus.OPEN
    page = await english.get(f"/commitments/{first.id}")
    assert "ENG-2026-01" in page.text

    again = await preview_url(english, "commitments", content.getvalue(), "engagements.xlsx", XLSX)
    assert "Unchanged: 2" in (await english.get(again)).text


async def test_columns_chosen_by_hand(english: Any, db: Any) -> None:
    rows = [["Code", "Libellé long", "Collège?"], ["utap", "Union de l'agriculture", "employers"]]
    url = await preview_url(english, "organisations", csv_file(rows))
    page = await english.get(url)
    assert "Missing required column: Name." in page.text
    assert "Missing required column: Side." in page.text

    chosen = await english.get(url, params={"map_0": "slug", "map_1": "name", "map_2": "side"})
    assert "New: 1" in chosen.text and "Missing required column" not in chosen.text
    data = form_fields(chosen.text)
    assert data["map_1"] == "name"
    done = await english.post(url, data=data, follow_redirects=False)
    assert done.status_code == 303
    org = await db.scalar(select(Organisation).where(Organisation.slug == "utap"))
    assert org is not None and org.name == "Union de l'agriculture"


async def test_nothing_is_written_while_a_row_is_invalid_unless_skipped(english: Any, db: Any) -> None:
    await f.table(db)
    await db.commit()
    rows = [
        ["Name", "Email", "Organisation", "Side"],
        ["Valid Person", "valid@example.tn", "ugtt", "workers"],
        ["Unknown Org", "unknown@example.tn", "Syndicat inconnu", ""],
        ["Wrong Side", "side@example.tn", "ugtt", "martians"],
        ["Twice", "valid@example.tn", "ugtt", ""],
    ]
    people_before = await count(db, Person)
    url = await preview_url(english, "people", csv_file(rows))
    page = await english.get(url)
    assert "Unknown organisation" in page.text and "Unknown side" in page.text
    assert "This email is already on row 2." in page.text
    assert "<td>3</td>" in page.text and "<td>5</td>" in page.text  # row numbers

    refused = await confirm(english, url)
    assert refused.status_code == 409
    assert "Some rows are not valid" in refused.text
    assert await count(db, Person) == people_before

    skipped = await confirm(english, url, skip_invalid="1")
    assert skipped.status_code == 303
    assert await count(db, Person) == people_before + 1
    assert await db.scalar(select(Person).where(Person.email == "valid@example.tn")) is not None


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "This file is empty."),
        (b"%PDF-1.7\x00\x01binary", "report.pdf", "neither a CSV file nor an Excel workbook"),
        ("Nom;Sigle\nUnion générale;UGTT\n".encode("cp1252"), "latin.csv", "not a CSV file in UTF-8"),
        (b"PK\x03\x04not really a zip", "fake.xlsx", "neither a CSV file nor an Excel workbook"),
        (b'slug,name,side\nx,=HYPERLINK("http://evil"),workers\n', "formula.csv", "holds a formula"),
        (b"slug,name,side\nx,@SUM(A1),workers\n", "at.csv", "holds a formula"),
        (b"slug,name,side\n", "headers.csv", "headers but no rows"),
    ],
)
async def test_files_that_are_refused_write_nothing(
    english: Any, db: Any, content: bytes, name: str, message: str
) -> None:
    response = await upload(english, "organisations", content, name)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert "Nothing was imported." in response.text
    assert await count(db, ImportUpload) == 0


async def test_an_xlsx_formula_is_refused(english: Any, db: Any) -> None:
    content = xlsx_file([["slug", "name", "side"], ["x", "", "workers"]], formula=(1, 1, "=1+1"))
    response = await upload(english, "organisations", content, "f.xlsx", XLSX)
    assert response.status_code == 422 and "Row 2, column 2 holds a formula" in response.text


async def test_a_zip_that_is_not_a_workbook_is_refused(english: Any, db: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    response = await upload(english, "organisations", out.getvalue(), "x.xlsx", XLSX)
    assert response.status_code == 422 and "neither a CSV file nor an Excel workbook" in response.text


async def test_a_zip_bomb_is_refused(english: Any, db: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    response = await upload(english, "organisations", out.getvalue(), "bomb.xlsx", XLSX)
    assert response.status_code == 422 and "unpacks to far more than its size" in response.text


async def test_more_than_ten_thousand_rows_is_refused(english: Any, db: Any) -> None:
    rows = [["slug", "name", "side"]] + [[f"o{i}", f"Org {i}", "workers"] for i in range(10_001)]
    response = await upload(english, "organisations", csv_file(rows))
    assert response.status_code == 422 and "more than 10,000 rows" in response.text


async def test_a_file_over_ten_megabytes_gets_a_page_not_a_crash(english: Any, db: Any) -> None:
    content = b"slug,name,side\n" + b"x,y,workers\n" * (11 * 1024 * 1024 // 12)
    response = await upload(english, "organisations", content)
    assert response.status_code == 413
    assert "<html" in response.text and "MB" in response.text
    assert await count(db, ImportUpload) == 0


async def test_an_expired_session_at_confirm_keeps_the_upload(english: Any, db: Any) -> None:
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))
    page = await english.get(url)
    data = form_fields(page.text)
    session_cookies = dict(english.cookies)
    english.cookies.delete("session") if "session" in session_cookies else None
    for name in list(english.cookies.keys()):
        if "session" in name:
            english.cookies.delete(name)
    english.headers.pop("authorization", None)
    expired = await english.post(
        url, data=data, headers={"referer": f"http://testserver.local{url}"}, follow_redirects=False
    )
    assert expired.status_code == 303
    assert expired.headers["location"] == "/login?next=" + url.replace("/", "%2F")
    assert await count(db, Organisation) == 0 and await count(db, ImportUpload) == 1

    from tests.conftest import open_session

    open_session(english, "secretariat@example.tn")
    assert (await english.get(url)).status_code == 200  # the preview is still there
    assert (await english.post(url, data=data, follow_redirects=False)).status_code == 303
    assert await count(db, Organisation) == 2


async def test_a_double_click_on_import_imports_once(english: Any, db: Any) -> None:
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))
    data = form_fields((await english.get(url)).text)
    first = await english.post(url, data=data, follow_redirects=False)
    second = await english.post(url, data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await count(db, Organisation) == 2
    assert await db.scalar(select(func.count()).where(AuditEvent.action == AuditAction.IMPORT)) == 1


async def test_another_account_cannot_see_an_upload(english: Any, db: Any) -> None:
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))
    from dialogue.accounts.models import Role
    from tests.conftest import open_session

    await f.account(db, Role.SECRETARIAT, email="other@example.tn")
    await db.commit()
    open_session(english, "other@example.tn")
    assert (await english.get(url)).status_code == 404


async def test_template_files_have_the_headers_in_the_persons_language(client: Any) -> None:
    french = await client.get("/import/people/template.csv", headers={"accept-language": "fr"})
    assert french.status_code == 200 and "attachment" in french.headers["content-disposition"]
    english = await client.get("/import/people/template.csv", headers={"accept-language": "en"})
    assert english.text.lstrip("\ufeff").startswith("Name,Email,Organisation")
    assert (await client.get("/import/martians/template.csv")).status_code == 404


async def test_people_and_organisations_pages_link_to_import_for_the_secretariat(english: Any) -> None:
    assert 'href="/import"' in (await english.get("/people")).text
    assert 'href="/import"' in (await english.get("/organisations")).text


async def test_two_confirmations_at_once_import_once(english: Any, db: Any) -> None:
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))
    data = form_fields((await english.get(url)).text)
    first, second = await asyncio.gather(
        english.post(url, data=data, follow_redirects=False), english.post(url, data=data, follow_redirects=False)
    )
    assert {first.status_code, second.status_code} == {303}
    assert await count(db, Organisation) == 2
    assert await db.scalar(select(func.count()).where(AuditEvent.action == AuditAction.IMPORT)) == 1


async def test_the_import_entry_reads_in_the_audit_trail(english: Any, db: Any) -> None:
    url = await preview_url(english, "organisations", csv_file(ORGS_EN))
    await confirm(english, url)
    trail = await english.get("/audit")
    assert trail.status_code == 200
    assert "Imported" in trail.text and "file.csv: 2 created" in trail.text


async def test_uploads_never_confirmed_are_purged_after_a_day(english: Any, db: Any) -> None:
    import datetime as dt

    from sqlalchemy import update

    url = await preview_url(english, "organisations", csv_file(ORGS_EN))
    old_id = int(url.rsplit("/", 1)[1])
    await db.execute(
        update(ImportUpload)
        .where(ImportUpload.id == old_id)
        .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    )
    await db.commit()
    await preview_url(english, "organisations", csv_file(ORGS_EN))
    # The old one is gone (SQLite may give its id to the new one).
    kept = list(await db.scalars(select(ImportUpload.created_at)))
    assert len(kept) == 1 and kept[0] > dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)


async def test_a_delegate_sees_no_import_link(english: Any, db: Any) -> None:
    from dialogue.accounts.models import Role
    from tests.conftest import open_session

    world = await f.table(db)
    await f.account(db, Role.DELEGATE, world["ugtt"], email="delegate@example.tn")
    await db.commit()
    open_session(english, "delegate@example.tn")
    assert 'href="/import"' not in (await english.get("/people")).text
    assert (await english.get("/import")).status_code == 403
