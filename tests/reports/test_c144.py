"""The C144 annual report (/reports/c144), through HTTP, against a hand-counted record.

The record of 2025 (Africa/Tunis):
  M1 plenary, held, 12 March: items (a) tripartite agreement, (d) deferred, one with no
     matter and no outcome; present: government 2 (a secretariat member present does not
     count), workers 1 (one absent), employers 1; observers: OIT 1 present (one absent).
  M2 committee, held, 5 June: items (a) no outcome, (b) no agreement; present: government 1,
     workers 0 (excused), employers 1.
  M3 plenary, held, 31 December 23:00 → 1 January 02:00: items (c) for information and the
     follow-up item; attendance not recorded.
  M5 plenary, cancelled, 10 September, with a (b) item: listed apart, never counted.
  M6 plenary, postponed, 15 October; M7 committee, scheduled, 20 November: planned.
  M8 plenary, draft, with an (a) item: never shown.
Beside it: M4 held 1 January 2026 at 00:30 (31 December 23:30 UTC) with an (e) item, in 2026;
M9 held 31 December 2024 at 22:00 with an item on no matter, in 2024.

So in 2025: 3 held, 3 on C144 matters (requirement met), 2 planned, 1 cancelled; items
a 2 (2 meetings), b 1, c 1, d 1, e 0, other 2 (2 meetings): 5 on C144 matters, 2 others.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from html import unescape
from typing import Any

import pytest
from docx import Document
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.agenda.models import C144Matter, OutcomeKind
from dialogue.meetings.models import Attendance, InvitationRole, MeetingStatus
from dialogue.people.models import Side
from tests import factories
from tests.conftest import count_queries, open_session
from tests.factories import tunis

HELD, CANCELLED, POSTPONED, SCHEDULED, DRAFT = (
    MeetingStatus.HELD,
    MeetingStatus.CANCELLED,
    MeetingStatus.POSTPONED,
    MeetingStatus.SCHEDULED,
    MeetingStatus.DRAFT,
)
PRESENT, ABSENT, EXCUSED = Attendance.PRESENT, Attendance.ABSENT, Attendance.EXCUSED
PLENARY = "Conseil national du dialogue social - plénière"
NOTHING = [""] * 7  # the figures of a meeting not held


async def record(db: AsyncSession) -> dict[str, Any]:
    world = await factories.table(db)
    plenary = world["plenary"]
    committee = await factories.body(db, name="Commission de l'emploi", short_name="Emploi")
    world["committee"] = committee

    m1 = await factories.meeting(db, plenary, title="Plénière de mars", starts_at=tunis(2025, 3, 12, 9), status=HELD)
    for person, role, attendance in (
        ("mas1", InvitationRole.CHAIR, PRESENT),
        ("mas2", InvitationRole.ALTERNATE, PRESENT),
        ("ugtt1", InvitationRole.TITULAR, PRESENT),
        ("ugtt2", InvitationRole.TITULAR, ABSENT),
        ("utica1", InvitationRole.TITULAR, PRESENT),
        ("ilo1", InvitationRole.OBSERVER, PRESENT),
        ("ilo2", InvitationRole.OBSERVER, ABSENT),
    ):
        await factories.invite(db, m1, world[person], role, attendance)
    clerk = await factories.person(db, world["mas"], full_name="Greffier du conseil")
    await factories.invite(db, m1, clerk, InvitationRole.SECRETARIAT, PRESENT)
    i1 = await factories.item(db, m1, 1, title="Questionnaire CIT 2026", c144_matter=C144Matter.A)
    await factories.outcome(db, i1, OutcomeKind.TRIPARTITE_AGREEMENT, text="Réponses adoptées")
    await factories.position(db, i1, Side.WORKERS, statement="SECRET-INTERNE-UGTT", internal=True)
    await factories.position(db, i1, Side.EMPLOYERS, statement="POSITION-PARTAGEE-UTICA")
    i2 = await factories.item(db, m1, 2, title="Rapport article 22 sur C081", c144_matter=C144Matter.D)
    await factories.outcome(db, i2, OutcomeKind.DEFERRED)
    await factories.item(db, m1, 3, title="Questions diverses")

    m2 = await factories.meeting(
        db, committee, title="Commission de juin", starts_at=tunis(2025, 6, 5, 10), status=HELD
    )
    await factories.invite(db, m2, world["mas1"], InvitationRole.CHAIR, PRESENT)
    await factories.invite(db, m2, world["ugtt1"], InvitationRole.TITULAR, EXCUSED)
    await factories.invite(db, m2, world["utica1"], InvitationRole.TITULAR, PRESENT)
    await factories.item(db, m2, 1, title="Questionnaire sur l'économie des plateformes", c144_matter=C144Matter.A)
    i5 = await factories.item(db, m2, 2, title="Soumission de la R206", c144_matter=C144Matter.B)
    await factories.outcome(db, i5, OutcomeKind.NO_AGREEMENT, text="Désaccord sur le calendrier")

    m3 = await factories.meeting(
        db,
        plenary,
        title="Session de la Saint-Sylvestre",
        starts_at=tunis(2025, 12, 31, 23),
        ends_at=tunis(2026, 1, 1, 2),
        status=HELD,
    )
    await factories.invite(db, m3, world["ugtt1"])  # attendance not recorded
    await factories.item(db, m3, 1, title="Suivi des engagements", follow_up=True)
    i7 = await factories.item(db, m3, 2, title="Examen de la C190 non ratifiée", c144_matter=C144Matter.C)
    await factories.outcome(db, i7, OutcomeKind.FOR_INFORMATION)

    m4 = await factories.meeting(
        db, plenary, title="Session du Nouvel An", starts_at=tunis(2026, 1, 1, 0, 30), status=HELD
    )
    await factories.item(db, m4, 1, title="Dénonciation envisagée", c144_matter=C144Matter.E)
    m5 = await factories.meeting(db, plenary, title="Plénière annulée", starts_at=tunis(2025, 9, 10), status=CANCELLED)
    await factories.item(db, m5, 1, title="Point annulé", c144_matter=C144Matter.B)
    await factories.meeting(db, plenary, title="Plénière reportée", starts_at=tunis(2025, 10, 15), status=POSTPONED)
    await factories.meeting(
        db, committee, title="Commission de novembre", starts_at=tunis(2025, 11, 20), status=SCHEDULED
    )
    m8 = await factories.meeting(db, plenary, title="Brouillon caché", starts_at=tunis(2025, 4, 1), status=DRAFT)
    await factories.item(db, m8, 1, title="Point du brouillon", c144_matter=C144Matter.A)
    m9 = await factories.meeting(db, plenary, title="Plénière de 2024", starts_at=tunis(2024, 12, 31, 22), status=HELD)
    await factories.item(db, m9, 1, title="Budget")
    await db.commit()
    world.update(m1=m1, m2=m2, m3=m3, m4=m4, m5=m5)
    return world


def cells(html: str, table_class: str) -> list[list[str]]:
    """The text of each body row's cells of the table with `table_class`."""
    match = re.search(rf'<table class="[^"]*\b{table_class}\b[^"]*">(.*?)</table>', html, re.DOTALL)
    assert match, table_class
    body = match.group(1).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        for row in rows
    ]


def csv_sections(content: bytes) -> dict[str, list[list[str]]]:
    """The CSV's tables by name (first cell of the row before the headers)."""
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in rows:
        if not any(row):
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(list(row))
    return sections


async def test_every_number_of_the_year_on_the_page(english: Any, db: AsyncSession) -> None:
    world = await record(db)
    page = await english.get("/reports/c144?year=2025")
    assert page.status_code == 200
    html = page.text
    assert "<h1>C144 annual report 2025</h1>" in html
    assert cells(html, "c144-summary") == [
        ["Consultations held", "3"],
        ["Held meetings on C144 matters", "3"],
        ["Consultations planned", "2"],
        ["Meetings cancelled (not counted)", "1"],
        ["Items on C144 matters", "5"],
        ["Other items", "2"],
    ]
    # Date, meeting, body, items, C144 items, government, workers, employers, observers.
    assert cells(html, "c144-held") == [
        ["Mar 12, 2025", "Plénière de mars", PLENARY, "3", "2", "2", "1", "1", "1 (OIT)"],
        ["Jun 5, 2025", "Commission de juin", "Emploi", "2", "2", "1", "0", "1", "0"],
        ["Dec 31, 2025", "Session de la Saint-Sylvestre", PLENARY, "2", "1", "–", "–", "–", "–"],
    ]
    planned = cells(html, "c144-planned")
    assert [row[1] for row in planned] == ["Plénière reportée", "Commission de novembre"]
    assert [row[3] for row in planned] == ["Postponed", "Scheduled"]
    assert [row[1] for row in cells(html, "c144-cancelled")] == ["Plénière annulée"]
    assert cells(html, "c144-matters") == [
        ["(a) Replies to ILO questionnaires on Conference agenda items", "2", "2"],
        ["(b) Submission of new Conventions and Recommendations to the competent authorities", "1", "1"],
        ["(c) Re-examination of unratified Conventions and of Recommendations", "1", "1"],
        ["(d) Questions arising on reports on ratified Conventions (art. 22)", "1", "1"],
        ["(e) Proposals to denounce a Convention", "0", "0"],
        ["Other items (no C144 matter)", "2", "2"],
    ]
    # Each item under its matter with its outcome; the follow-up item in the reader's language.
    items = re.findall(r'<h3 id="c144-matter-(\w+)">', html)
    assert items == ["a", "b", "c", "d", "other"]
    tables = [cells(part, "c144-items") for part in html.split('<h3 id="c144-matter-')[1:]]
    assert [[row[0] for row in table] for table in tables] == [
        ["Questionnaire CIT 2026", "Questionnaire sur l'économie des plateformes"],
        ["Soumission de la R206"],
        ["Examen de la C190 non ratifiée"],
        ["Rapport article 22 sur C081"],
        ["Questions diverses", "Follow-up of commitments"],
    ]
    assert [row[3] for row in tables[0]] == ["Tripartite agreement Réponses adoptées", "No outcome recorded"]
    assert tables[1][0][3] == "No agreement Désaccord sur le calendrier"
    assert tables[2][0][3] == "For information" and tables[3][0][3] == "Deferred"
    # The requirement, and how it is decided.
    assert 'class="alert ok c144-requirement"' in html
    assert "Requirement of Article 5(2) met in 2025: 3 meetings held on matters of Article 5(1)." in html
    assert "at least one meeting held in that year" in html
    # The text to paste, selectable without JavaScript; the copy button waits for the script.
    text = unescape(re.search(r'<div class="report-text" id="c144-text"[^>]*>(.*?)</div>', html, re.DOTALL).group(1))
    assert (
        "In 2025, 3 tripartite consultation meetings were held ("
        + PLENARY
        + ": March 12, 2025, December 31, 2025; Emploi: June 5, 2025)."
        in text
    )
    assert (
        "3 of these meetings dealt with matters of Article 5(1) of Convention No. 144: (a) Replies to ILO questionnaires on Conference agenda items (2 items); (b)"
        in text
    )
    assert "(d) Questions arising on reports on ratified Conventions (art. 22) (1 item)." in text
    assert (
        "Outcomes on these matters: Tripartite agreement: 1; No agreement: 1; Deferred: 1; For information: 1; No outcome recorded: 1."
        in text
    )
    assert "2 other agenda items were discussed." in text
    assert "The workers' organisations took part in 1 of them and the employers' organisations in 2." in text
    assert "The government was represented at 2 of them." in text
    assert "Attendance was not recorded for 1 of them." in text
    assert "Observers also attended: OIT." in text
    assert "(consultations at least once a year) was met in 2025." in text
    assert (
        "2 further meetings are planned in 2025 (" + PLENARY + ": October 15, 2025; Emploi: November 20, 2025)." in text
    )
    assert "1 meeting was cancelled (" + PLENARY + ": September 10, 2025)." in text
    assert 'data-copy="c144-text"' in html and re.search(r"<button[^>]*data-copy[^>]*hidden", html)
    # The chart and its table; the files keep the year.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html
    assert 'href="/reports/c144.pdf?year=2025&amp;lang=ar"' in html
    # Never a draft, never a position (internal or shared), never another year.
    for hidden in ("Brouillon caché", "Point du brouillon", "SECRET-INTERNE", "POSITION-PARTAGEE", "Nouvel An", "2024"):
        assert hidden not in html, hidden
    assert world["m4"].title == "Session du Nouvel An"


async def test_the_csv_carries_every_number(english: Any, db: AsyncSession) -> None:
    await record(db)
    answer = await english.get("/reports/c144.csv?year=2025&lang=en")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="c144-2025-en.csv"' in answer.headers["content-disposition"]
    sections = csv_sections(answer.content)
    summary = {row[0]: row[1] for row in sections["Summary"][1:]}
    assert summary == {
        "Year": "2025",
        "Body": "All bodies",
        "Consultations held": "3",
        "Held meetings on C144 matters": "3",
        "Consultations planned": "2",
        "Meetings cancelled (not counted)": "1",
        "Items on C144 matters": "5",
        "Other items": "2",
        "Requirement of Article 5(2) met": "Yes",
    }
    meetings = sections["Meetings"]
    assert meetings[0][:11] == [
        "Date",
        "Body",
        "Meeting",
        "Status",
        "Items",
        "C144 items",
        "Government present",
        "Workers present",
        "Employers present",
        "Observers present (not counted)",
        "Observers",
    ]
    assert [row[:11] for row in meetings[1:]] == [
        [
            "2025-03-12 09:00",
            PLENARY,
            "Plénière de mars",
            "Held",
            "3",
            "2",
            "2",
            "1",
            "1",
            "1",
            "OIT",
        ],
        ["2025-06-05 10:00", "Emploi", "Commission de juin", "Held", "2", "2", "1", "0", "1", "0", ""],
        [
            "2025-12-31 23:00",
            PLENARY,
            "Session de la Saint-Sylvestre",
            "Held",
            "2",
            "1",
            "",
            "",
            "",
            "0",
            "",
        ],
        ["2025-10-15 09:00", PLENARY, "Plénière reportée", "Postponed", *NOTHING],
        ["2025-11-20 09:00", "Emploi", "Commission de novembre", "Scheduled", *NOTHING],
        ["2025-09-10 09:00", PLENARY, "Plénière annulée", "Cancelled", *NOTHING],
    ]
    matters = {row[0][:3]: row[1:3] for row in sections["Matters"][1:]}
    assert matters == {
        "(a)": ["2", "2"],
        "(b)": ["1", "1"],
        "(c)": ["1", "1"],
        "(d)": ["1", "1"],
        "(e)": ["0", "0"],
        "Oth": ["2", "2"],
    }
    items = sections["Items"][1:]
    assert len(items) == 7
    assert items[0][:6] == [
        "2025-03-12 09:00",
        "Plénière de mars",
        "(a) Replies to ILO questionnaires on Conference agenda items",
        "Questionnaire CIT 2026",
        "Tripartite agreement",
        "Réponses adoptées",
    ]
    assert sum(1 for row in items if row[4] == "No outcome recorded") == 3
    assert "SECRET-INTERNE" not in answer.text and "POSITION-PARTAGEE" not in answer.text
    assert any("took part in 1 of them" in row[0] for row in sections["Text"][1:])


async def test_a_meeting_across_new_year_belongs_to_the_year_it_starts_in(english: Any, db: AsyncSession) -> None:
    await record(db)
    html = unescape((await english.get("/reports/c144?year=2026")).text)
    # 1 January 2026 at 00:30 in Tunis is still 31 December 2025 in UTC: it is in 2026.
    assert [row[1] for row in cells(html, "c144-held")] == ["Session du Nouvel An"]
    assert "Session de la Saint-Sylvestre" not in html
    assert cells(html, "c144-matters")[4] == ["(e) Proposals to denounce a Convention", "1", "1"]
    assert "Requirement of Article 5(2) met in 2026: 1 meeting held on matters of Article 5(1)." in html
    assert "In 2026, 1 tripartite consultation meeting was held (" + PLENARY + ": January 1, 2026)." in html
    assert "Attendance was not recorded for it." in html and "organisations took part" not in html


async def test_a_year_of_held_meetings_on_no_c144_matter_does_not_meet_the_requirement(
    english: Any, db: AsyncSession
) -> None:
    await record(db)
    html = (await english.get("/reports/c144?year=2024")).text
    assert 'class="alert warn c144-requirement"' in html
    assert (
        "Requirement of Article 5(2) not met in 2024: no meeting held in the year dealt with a matter of Article 5(1)."
        in html
    )
    assert "None of these meetings dealt with a matter of Article 5(1) of Convention No. 144." in html
    assert "1 other agenda item was discussed." in html


async def test_a_year_with_no_meeting(english: Any, db: AsyncSession) -> None:
    await record(db)
    page = await english.get("/reports/c144?year=2023")
    assert page.status_code == 200
    html = page.text
    assert 'class="alert warn c144-requirement"' in html
    assert "Requirement of Article 5(2) not met in 2023: no meeting was held in the year." in html
    assert "In 2023, no tripartite consultation meeting was held." in html
    assert "(consultations at least once a year) was not met in 2023." in html
    assert "No meeting was held in the year." in html and "No other meeting is planned in the year." in html
    assert cells(html, "c144-summary")[0] == ["Consultations held", "0"]
    sections = csv_sections((await english.get("/reports/c144.csv?year=2023&lang=en")).content)
    assert {row[0]: row[1] for row in sections["Summary"][1:]}["Requirement of Article 5(2) met"] == "No"
    assert sections["Meetings"][1:] == []


async def test_one_body(english: Any, db: AsyncSession) -> None:
    world = await record(db)
    committee = world["committee"].id
    html = (await english.get(f"/reports/c144?year=2025&body={committee}")).text
    assert "<h1>C144 annual report 2025: Commission de l&#39;emploi</h1>" in html
    assert f'<option value="{committee}" selected>' in html
    assert [row[1] for row in cells(html, "c144-held")] == ["Commission de juin"]
    assert [row[1] for row in cells(html, "c144-planned")] == ["Commission de novembre"]
    assert "c144-cancelled" not in html
    assert [row[1:] for row in cells(html, "c144-matters")] == [
        ["1", "1"],
        ["1", "1"],
        ["0", "0"],
        ["0", "0"],
        ["0", "0"],
        ["0", "0"],
    ]
    assert "In 2025, Commission de l&#39;emploi held 1 tripartite consultation meeting (June 5, 2025)." in html
    assert "The workers&#39; organisations took part in 0 of them and the employers&#39; organisations in 1." in html
    assert f'href="/reports/c144.xlsx?year=2025&amp;body={committee}&amp;lang=fr"' in html
    answer = await english.get(f"/reports/c144.csv?year=2025&body={committee}&lang=en")
    assert f"c144-2025-body-{committee}-en.csv" in answer.headers["content-disposition"]
    summary = {row[0]: row[1] for row in csv_sections(answer.content)["Summary"][1:]}
    assert summary["Body"] == "Commission de l'emploi" and summary["Consultations held"] == "1"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year=20x5", "Year", "Enter a year between 1990 and 2100."),
        ("year=1850", "Year", "Enter a year between 1990 and 2100."),
        ("year=2025&body=abc", "Body", "Choose a body from the list."),
        ("year=2025&body=999999", "Body", "Choose a body from the list."),
        ("year=2025&body=99999999999999999999", "Body", "Choose a body from the list."),
    ],
)
async def test_bad_input_is_a_clear_400(english: Any, db: AsyncSession, query: str, field: str, message: str) -> None:
    await record(db)
    page = await english.get(f"/reports/c144?{query}")
    assert page.status_code == 400
    assert f"<p>{field}: {message}</p>" in page.text
    assert 'class="field invalid"' in page.text and "c144-summary" not in page.text
    for fmt in ("csv", "pdf"):
        answer = await english.get(f"/reports/c144.{fmt}?{query}&lang=en")
        assert answer.status_code == 400 and message in answer.text


async def test_bad_input_is_said_in_the_readers_language(client: Any, db: AsyncSession) -> None:
    await record(db)
    client.headers["accept-language"] = "fr"
    page = await client.get("/reports/c144?year=deux-mille")
    assert page.status_code == 400
    assert "Saisissez une année entre 1990 et 2100." in page.text
    client.headers["accept-language"] = "ar"
    page = await client.get("/reports/c144?year=2025&body=x")
    assert page.status_code == 400 and "اختر هيئة من القائمة." in page.text


async def test_the_page_in_french_and_in_arabic(client: Any, db: AsyncSession) -> None:
    await record(db)
    client.headers["accept-language"] = "fr"
    html = unescape((await client.get("/reports/c144?year=2025")).text)
    assert "<h1>Rapport annuel C144 2025</h1>" in html
    assert "En 2025, 3 réunions de consultation tripartite ont été tenues (" + PLENARY + " : 12 mars 2025" in html
    assert (
        "Les organisations de travailleurs ont pris part à 1 d’entre elles et les organisations d’employeurs à 2."
        in html
    )
    client.headers["accept-language"] = "ar"
    html = unescape((await client.get("/reports/c144?year=2025")).text)
    assert '<html lang="ar" dir="rtl">' in html and '<div class="report-text" id="c144-text" dir="rtl">' in html
    assert "عُقدت 3 اجتماعات للتشاور الثلاثي" in html
    # The chart reads right to left: the names on the right, the bars growing leftwards. It
    # says so itself, and its anchors are read in that direction ("end": the left end).
    chart = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert chart and ' direction="rtl"' in chart.group(0) and 'text-anchor="end"' in chart.group(0)


async def test_a_fixed_number_of_queries_whatever_the_size(english: Any, db: AsyncSession, app_engine: Any) -> None:
    world = await record(db)
    with count_queries(app_engine) as small:
        assert (await english.get("/reports/c144?year=2025")).status_code == 200
    for day in range(1, 25):
        meeting = await factories.meeting(db, world["plenary"], starts_at=tunis(2025, 2, day), status=HELD)
        await factories.invite(db, meeting, world["ugtt1"], attendance=PRESENT)
        await factories.invite(db, meeting, world["ilo1"], InvitationRole.OBSERVER, PRESENT)
        item = await factories.item(db, meeting, 1, c144_matter=C144Matter.B)
        await factories.outcome(db, item)
    await db.commit()
    with count_queries(app_engine) as large:
        html = (await english.get("/reports/c144?year=2025")).text
    assert cells(html, "c144-summary")[0] == ["Consultations held", "27"]
    assert large.count == small.count
    report = [s for s in small.statements if "agenda_item" in s or "invitation" in s]
    assert len(report) <= 7


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(content: bytes) -> str:
    """The PDF's text without the direction marks pdftotext puts around Arabic runs."""
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return BIDI_CONTROLS.sub("", text)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def xlsx_text(content: bytes) -> str:
    """Shared strings and cell values of every sheet (openpyxl is not a dependency)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    texts = [archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")]
    return unescape(re.sub(r"<[^>]+>", " ", " ".join(texts)))


# Words of each language in each file: the sides, an outcome and a figure's name, translated
# (the last one by this report's own catalog entries).
LANGUAGE_WORDS = {
    "fr": ("Gouvernement", "Travailleurs", "Employeurs", "Accord tripartite", "Consultations tenues"),
    "ar": ("الحكومة", "العمال", "أصحاب العمل", "اتفاق ثلاثي", "المشاورات المنعقدة"),
    "en": ("Government", "Workers", "Employers", "Tripartite agreement", "Consultations held"),
}
READERS = {"csv": lambda content: content.decode("utf-8-sig"), "xlsx": xlsx_text, "docx": docx_text, "pdf": pdf_text}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
async def test_each_file_has_the_key_numbers_in_each_language(english: Any, db: AsyncSession, language: str) -> None:
    await record(db)
    texts: dict[str, str] = {}
    for fmt in ("csv", "xlsx", "docx", "pdf"):
        answer = await english.get(f"/reports/c144.{fmt}?year=2025&lang={language}")
        assert answer.status_code == 200, (fmt, answer.text[:300])
        assert f"c144-2025-{language}.{fmt}" in answer.headers["content-disposition"]
        if fmt == "pdf" and shutil.which("pdftotext") is None:
            continue
        texts[fmt] = READERS[fmt](answer.content)
    flat = {fmt: " ".join(BIDI_CONTROLS.sub("", text).split()) for fmt, text in texts.items()}
    for fmt, text in flat.items():
        assert "Plénière de mars" in text and "Questionnaire CIT 2026" in text, fmt
        assert "SECRET-INTERNE" not in text and "POSITION-PARTAGEE" not in text and "Brouillon" not in text, fmt
        for word in LANGUAGE_WORDS[language]:
            assert word in text, (fmt, word)
    # The numbers: the CSV's sections are read exactly (in every language).
    sections = list(csv_sections(texts["csv"].encode("utf-8-sig")).values())
    assert [row[1] for row in sections[0][1:]][:8] == ["2025", sections[0][2][1], "3", "3", "2", "1", "5", "2"]
    assert [row[4:9] for row in sections[1][1:4]] == [
        ["3", "2", "2", "1", "1"],
        ["2", "2", "1", "0", "1"],
        ["2", "1", "", "", ""],
    ]
    assert [row[1:3] for row in sections[2][1:]] == [
        ["2", "2"],
        ["1", "1"],
        ["1", "1"],
        ["1", "1"],
        ["0", "0"],
        ["2", "2"],
    ]
    # The documents: the first held meeting's row (items, C144 items, the three sides, the
    # observer). pdftotext reads an Arabic PDF's table cells in their visual order, right to
    # left, with the brackets around a Latin run mirrored: there, the observer cell only.
    for fmt in ("docx", "pdf"):
        if fmt not in texts:
            continue
        if fmt == "pdf" and language == "ar":
            assert "(1 )OIT" in flat[fmt] or "1 (OIT)" in flat[fmt]
        else:
            assert re.search(r"\b3\b.*\b2\b.*\b2\b.*\b1\b.*\b1\b.*1 \(OIT\)", flat[fmt]), fmt
    if "pdf" not in texts:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF was not read")


async def test_a_delegate_and_an_observer_read_it_without_any_position(client: Any, db: AsyncSession) -> None:
    world = await record(db)
    for role, org in ((Role.DELEGATE, world["utica"]), (Role.OBSERVER, None)):
        account = await factories.account(db, role, org)
        await db.commit()
        open_session(client, account.email)
        client.headers["accept-language"] = "en"
        html = (await client.get("/reports/c144?year=2025")).text
        assert cells(html, "c144-summary")[0] == ["Consultations held", "3"]
        assert "SECRET-INTERNE" not in html and "POSITION-PARTAGEE" not in html and "Brouillon" not in html


async def test_linked_from_the_reports_and_the_dashboard(english: Any, db: AsyncSession) -> None:
    await record(db)
    assert 'href="/reports/c144"' in (await english.get("/reports")).text
    assert re.search(r'href="/reports/c144\?year=\d{4}"', (await english.get("/")).text)
