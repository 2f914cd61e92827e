"""The participation report (/reports/participation and its files), through HTTP, against a
small council whose every number is counted by hand below.

The council (factories.table): MAS (government), UGTT (workers), UTICA (employers), OIT
(observers), two people each; UTAP (employers) with one; a MAS staff member invited as
secretariat. Period: 1 January - 30 June 2026 (Tunis days).

Held in the period:
  M1 plenary, 10 Feb 09:00  mas1 P, mas2 absent; ugtt1 P, ugtt2 P; utica1 excused with utica2
                            P on behalf of utica1; utap1 P; oit1 observer P; staff secretariat P
  M2 plenary, 15 Mar 10:00  mas1 P, mas2 excused; ugtt1 P; utica1 absent, utap1 not recorded;
                            oit1 observer excused                 -> employers missed it
  M3 committee (quorum: 2 per side), 30 Jun 23:30 -> 1 Jul 01:30 (in: it starts on the 30th)
                            mas1 P, mas2 P; ugtt1 P; utica1 P, utica2 P
Not counted: M4 cancelled (1 Apr), M5 postponed (1 May), M8 scheduled (1 Jun), M9 draft (not
even mentioned), M6 held 1 Jul 00:30 (after the period), M7 held 31 Dec 2025 23:30 (before it).

Per organisation (invited = present + excused + absent + not recorded + represented;
rate = present / (present + excused + absent)):
  MAS   P4 E1 A1 U0 R0 -> 6 invited, 4/6 = 66.7 %
  UGTT  P4                -> 4 invited, 100 %
  UTAP  P1 U1             -> 2 invited, 1/1 = 100 %
  UTICA P3 A1 R1          -> 5 invited, 3/4 = 75 %   (utica1 at M1 is represented by utica2)
Per side: government 66.7 %, workers 100 %, employers P4 A1 U1 R1 -> 4/5 = 80 %;
all three: P12 E1 A2 U1 R1 = 17 invited, 12/15 = 80 %.
Parity (present who count, government/workers/employers): M1 1/2/2 parity, quorum met, 2
present not counted (OIT observer, MAS secretariat); M2 1/1/0 employers missing, quorum not
met; M3 2/1/2 unequal numbers, quorum not met (workers 1 of 2).
Not counted: MAS (secretariat) P1; OIT P1 E1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from markupsafe import escape
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.bodies.models import QuorumRule
from dialogue.i18n import _, using_language
from dialogue.meetings.models import Attendance, InvitationRole, MeetingStatus
from dialogue.people.models import Organisation, Side
from tests import factories
from tests.conftest import count_queries
from tests.minutes.exports import docx_text, flat, needs_pdf_tools, pdf_text, read_docx
from tests.security.conftest import signed_in

P, E, A, U = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.UNRECORDED
PERIOD = "from=2026-01-01&to=2026-06-30"
tunis = factories.tunis


async def council(db: AsyncSession) -> dict[str, Any]:
    """The council of the module's docstring."""
    w = await factories.table(db)
    w["utap"] = await factories.organisation(
        db, Side.EMPLOYERS, slug="utap", name="Union Tunisienne de l'Agriculture et de la Pêche", acronym="UTAP"
    )
    w["utap1"] = await factories.person(db, w["utap"], full_name="UTAP délégué 1")
    w["staff"] = await factories.person(db, w["mas"], full_name="MAS secrétariat")
    w["committee"] = await factories.body(
        db, name="Commission des salaires", quorum_rule=QuorumRule.MIN_PER_SIDE, quorum_min_per_side=2
    )
    plenary, held = w["plenary"], MeetingStatus.HELD

    async def meeting(key: str, body: Any, starts: dt.datetime, status: MeetingStatus, *invitations: Any) -> None:
        w[key] = m = await factories.meeting(
            db, body, title=f"Réunion {key}", starts_at=starts, ends_at=starts + dt.timedelta(hours=2), status=status
        )
        for who, attendance, *rest in invitations:
            role = rest[0] if rest else InvitationRole.TITULAR
            fields = {"on_behalf_of_id": w[rest[1]].id} if len(rest) > 1 else {}
            await factories.invite(db, m, w[who], role, attendance, **fields)

    alternate = InvitationRole.ALTERNATE
    await meeting(
        "M1",
        plenary,
        tunis(2026, 2, 10, 9),
        held,
        ("mas1", P),
        ("mas2", A, alternate),
        ("ugtt1", P),
        ("ugtt2", P, alternate),
        ("utica1", E),
        ("utica2", P, alternate, "utica1"),
        ("utap1", P),
        ("ilo1", P, InvitationRole.OBSERVER),
        ("staff", P, InvitationRole.SECRETARIAT),
    )
    await meeting(
        "M2",
        plenary,
        tunis(2026, 3, 15, 10),
        held,
        ("mas1", P),
        ("mas2", E, alternate),
        ("ugtt1", P),
        ("utica1", A),
        ("utap1", U),
        ("ilo1", E, InvitationRole.OBSERVER),
    )
    await meeting(
        "M3",
        w["committee"],
        tunis(2026, 6, 30, 23, 30),
        held,
        ("mas1", P),
        ("mas2", P),
        ("ugtt1", P),
        ("utica1", P),
        ("utica2", P),
    )
    await meeting("M4", plenary, tunis(2026, 4, 1), MeetingStatus.CANCELLED, ("mas1", P), ("ugtt1", P))
    await meeting("M5", plenary, tunis(2026, 5, 1), MeetingStatus.POSTPONED, ("ugtt1", A))
    await meeting("M6", plenary, tunis(2026, 7, 1, 0, 30), held, ("ugtt2", P))
    await meeting("M7", plenary, tunis(2025, 12, 31, 23, 30), held, ("utica1", A))
    await meeting("M8", plenary, tunis(2026, 6, 1), MeetingStatus.SCHEDULED, ("mas1", U))
    await meeting("M9", plenary, tunis(2026, 6, 2), MeetingStatus.DRAFT, ("mas1", U))
    return w


def sections(content: bytes) -> dict[str, list[list[str]]]:
    """The CSV's tables by name: header row then rows, trailing empty cells dropped."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len({len(row) for row in rows}) == 1  # one number of fields
    found: dict[str, list[list[str]]] = {}
    name = None
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        if not row:
            name = None
        elif name is None:
            name = row[0]
            found[name] = []
        else:
            found[name].append(row)
    return found


async def test_every_number_of_the_period(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    w = await council(db)
    await db.commit()
    answer = await english.get(f"/reports/participation.csv?{PERIOD}&lang=en")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="participation-2026-01-01-2026-06-30-en.csv"' in answer.headers["content-disposition"]
    tables = sections(answer.content)
    heads = ["Invited", "Present", "Excused", "Absent", "Not recorded", "Represented", "Attendance recorded"]
    assert tables["Per side"] == [
        ["Side", *heads, "Attendance rate (%)"],
        ["Government", "6", "4", "1", "1", "0", "0", "6", "66.7"],
        ["Workers", "4", "4", "0", "0", "0", "0", "4", "100.0"],
        ["Employers", "7", "4", "0", "1", "1", "1", "5", "80.0"],
        ["All three sides", "17", "12", "1", "2", "1", "1", "15", "80.0"],
    ]
    assert tables["Per organisation"] == [
        ["Organisation", "Acronym", "Side", *heads, "Attendance rate (%)"],
        [w["mas"].name, "MAS", "Government", "6", "4", "1", "1", "0", "0", "6", "66.7"],
        [w["ugtt"].name, "UGTT", "Workers", "4", "4", "0", "0", "0", "0", "4", "100.0"],
        [w["utap"].name, "UTAP", "Employers", "2", "1", "0", "0", "1", "0", "1", "100.0"],
        [w["utica"].name, "UTICA", "Employers", "5", "3", "0", "1", "0", "1", "4", "75.0"],
    ]
    assert tables["Parity"] == [
        [
            "Starts",
            "Meeting",
            "Body",
            "Government",
            "Workers",
            "Employers",
            "Parity",
            "Quorum met",
            "Present, not counted",
        ],
        ["2026-02-10 09:00", "Réunion M1", w["plenary"].name, "1", "2", "2", "Parity", "Yes", "2"],
        ["2026-03-15 10:00", "Réunion M2", w["plenary"].name, "1", "1", "0", "Workers or employers missing", "No", "0"],
        ["2026-06-30 23:30", "Réunion M3", "Commission des salaires", "2", "1", "2", "Unequal numbers", "No", "0"],
    ]
    assert tables["Meetings missed"] == [
        ["Side", "Starts", "Meeting", "Body"],
        ["Employers", "2026-03-15 10:00", "Réunion M2", w["plenary"].name],
    ]
    assert tables["Not counted"] == [
        ["Organisation", "Acronym", "Side", "Invited", "Present", "Excused", "Absent", "Not recorded"],
        [w["mas"].name, "MAS", "Government", "1", "1", "0", "0", "0"],
        [w["ilo"].name, "OIT", "Observers", "2", "1", "1", "0", "0"],
    ]


async def test_the_page_shows_the_numbers_and_what_it_leaves_out(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    w = await council(db)
    await db.commit()
    answer = await english.get(f"/reports/participation?{PERIOD}")
    assert answer.status_code == 200, answer.text
    page = flat(answer.text)
    # The summary: three held meetings; the cancelled, postponed and scheduled ones named, not the draft.
    assert re.search(r"<dt>Meetings held</dt>\s*<dd><bdi>3</bdi>", page)
    assert "<dd><bdi>1 cancelled, 1 postponed, 1 scheduled</bdi></dd>" in page
    assert "Réunion M9" not in page and "draft" not in page.split("Meetings not counted")[1][:200]
    assert "Only held meetings count" in page
    # How each number is counted, on the page.
    assert "present ÷ recorded" in page and "represented" in page
    # The chart (accessible SVG) and its table with the same numbers.
    assert 'role="img"' in page and "<title" in page
    for rate in ("66.7%", "100%", "80%", "75%"):
        assert rate in page
    # Each held meeting with its parity; the side that missed one, linked.
    assert f'href="/meetings/{w["M2"].id}"' in page
    assert "Workers or employers missing" in page and "Unequal numbers" in page
    assert "1 meeting missed" in page and "0 meetings missed" in page
    for key in ("M4", "M5", "M6", "M7", "M8", "M9"):
        assert f'href="/meetings/{w[key].id}"' not in page
    # Observers apart, and the files in three languages with the period as shown.
    assert "Observers and others who do not count" in page and "OIT" in page
    assert "/reports/participation.xlsx?from=2026-01-01&amp;to=2026-06-30&amp;lang=ar" in page


async def test_over_years_the_page_lists_the_most_recent_meetings_and_the_files_all(
    english: AsyncTestClient[Any], db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dialogue.reports import participation_routes

    w = await council(db)
    await db.commit()
    monkeypatch.setattr(participation_routes, "PAGE_MEETINGS", 1)
    page = flat((await english.get(f"/reports/participation?{PERIOD}")).text)
    assert "The 1 most recent of 3 meetings; the files (PDF, Word, CSV, Excel) list every one." in page
    held = sorted((w[key] for key in ("M1", "M2", "M3")), key=lambda meeting: meeting.starts_at)
    parity = page.split('id="parity"')[1].split('id="missed"')[0]
    assert f'href="/meetings/{held[-1].id}"' in parity
    assert f'href="/meetings/{held[0].id}"' not in parity
    csv_text = (await english.get(f"/reports/participation.csv?{PERIOD}")).content.decode("utf-8-sig")
    assert all(meeting.title in csv_text for meeting in held)


async def test_a_body_filter_and_a_period_without_meetings(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    w = await council(db)
    await db.commit()
    answer = await english.get(f"/reports/participation.csv?{PERIOD}&body={w['committee'].id}&lang=en")
    tables = sections(answer.content)
    assert tables["Per side"][1:] == [
        ["Government", "2", "2", "0", "0", "0", "0", "2", "100.0"],
        ["Workers", "1", "1", "0", "0", "0", "0", "1", "100.0"],
        ["Employers", "2", "2", "0", "0", "0", "0", "2", "100.0"],
        ["All three sides", "5", "5", "0", "0", "0", "0", "5", "100.0"],
    ]
    assert [row[1] for row in tables["Parity"][1:]] == ["Réunion M3"]
    page = await english.get(f"/reports/participation?{PERIOD}&body={w['committee'].id}")
    assert "Commission des salaires" in page.text and "Réunion M1" not in page.text

    # A period with no meeting at all: every rate says there is none, no error.
    empty = await english.get("/reports/participation?from=2020-01-01&to=2020-12-31")
    assert empty.status_code == 200
    text = flat(empty.text)
    assert "No meeting was held in this period." in text
    assert "Nobody was invited to a meeting held in this period." in text
    assert "0 meetings missed" in text and "–" in text
    tables = sections((await english.get("/reports/participation.csv?from=2020-01-01&to=2020-12-31&lang=en")).content)
    assert tables["Per side"][1] == ["Government", "0", "0", "0", "0", "0", "0", "0"]
    assert tables["Parity"][1:] == [] and tables["Meetings missed"][1:] == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "From", "Enter a date as YYYY-MM-DD."),
        ("from=2026-06-01&to=2026-01-01", "To", "The end of the period is before its start."),
        ("body=abc", "Body", "Choose a body from the list."),
        ("body=99999", "Body", "Choose a body from the list."),
        ("from=1900-01-01&to=1901-01-01", "From", "Enter a year between {first} and {last}."),
    ],
)
async def test_bad_input_is_a_clear_400(
    client: AsyncTestClient[Any], db: AsyncSession, query: str, field: str, message: str
) -> None:
    """In French by default (the page says which field, in French: "Du : ...")."""
    with using_language("fr"):
        field, message = _(field), _(message).format(first=1990, last=2100)
    assert field in ("Du", "Au", "Instance")  # the French catalog answered
    message = str(escape(message))
    await factories.body(db)
    await db.commit()
    page = await client.get(f"/reports/participation?{query}")
    assert page.status_code == 400
    assert message in page.text
    assert f"{field}: " in page.text and 'role="alert"' in page.text
    for fmt in ("pdf", "csv"):
        answer = await client.get(f"/reports/participation.{fmt}?{query}&lang=fr")
        assert answer.status_code == 400
        assert f"{field}: " in answer.text and message in answer.text
        assert answer.headers["content-type"].startswith("text/html")


async def test_bad_language_or_format_and_arabic_messages(client: AsyncTestClient[Any]) -> None:
    answer = await client.get("/reports/participation.docx?lang=de")
    assert answer.status_code == 400 and "fr, ar, en" in answer.text
    assert (await client.get("/reports/participation.odt")).status_code == 404
    # The filter form sent by htmx (boosted): the page with its message is swapped in.
    boosted = await client.get(
        "/reports/participation?from=2026-06-01&to=2026-01-01", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert boosted.status_code == 400 and boosted.headers["HX-Reswap"] == "innerHTML"
    assert 'role="alert"' in boosted.text
    client.headers["accept-language"] = "ar"
    page = await client.get("/reports/participation?from=2026-02-30")
    with using_language("ar"):
        message = _("Enter a date as YYYY-MM-DD.")
    assert page.status_code == 400 and str(escape(message)) in page.text
    assert "YYYY-MM-DD" in message and "Enter" not in message
    assert 'dir="rtl"' in page.text


def xlsx_text(content: bytes) -> str:
    """The shared strings and cell values of every sheet of an XLSX file."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/worksheets/") or "sharedStrings" in name]
        return " ".join(archive.read(name).decode("utf-8") for name in names)


# The key numbers of the council in each language: names, counts and rates as each file writes them.
KEY_RATES = {"fr": ("66,7", "75"), "ar": ("66,7", "75"), "en": ("66.7", "75")}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
async def test_each_file_has_the_key_numbers(client: AsyncTestClient[Any], db: AsyncSession, language: str) -> None:
    w = await council(db)
    await db.commit()
    query = f"?{PERIOD}&lang={language}"
    csv_file = await client.get(f"/reports/participation.csv{query}")
    assert csv_file.status_code == 200 and csv_file.content.startswith(b"\xef\xbb\xbf")
    csv_text = csv_file.content.decode("utf-8")
    assert "UTICA" in csv_text and ",66.7" in csv_text and ",75.0" in csv_text and "Réunion M2" in csv_text

    xlsx = await client.get(f"/reports/participation.xlsx{query}")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    cells = xlsx_text(xlsx.content)
    assert "UTICA" in cells and "<v>66.7</v>" in cells and "<v>75</v>" in cells and "Réunion M2" in cells
    if language == "ar":
        assert 'rightToLeft="1"' in cells

    word = await client.get(f"/reports/participation.docx{query}")
    assert word.status_code == 200
    text = docx_text(read_docx(word.content))
    whole, three_quarters = KEY_RATES[language]
    assert "UTICA" in text and whole in text and three_quarters in text and "Réunion M2" in text
    assert w["committee"].name in text
    if language == "fr":
        assert "Partie" in text  # a header translated: the file is in French


@needs_pdf_tools
@pytest.mark.parametrize("language", ["fr", "ar", "en"])
async def test_the_pdf_has_the_key_numbers(client: AsyncTestClient[Any], db: AsyncSession, language: str) -> None:
    await council(db)
    await db.commit()
    answer = await client.get(f"/reports/participation.pdf?{PERIOD}&lang={language}")
    assert answer.status_code == 200, answer.text[:500]
    assert (
        'filename="participation-2026-01-01-2026-06-30-' + language + '.pdf"' in answer.headers["content-disposition"]
    )
    text = flat(pdf_text(answer.content))
    whole, three_quarters = KEY_RATES[language]
    assert "UTICA" in text and "UTAP" in text and whole in text and three_quarters in text
    assert "M2" in text


async def test_delegates_and_observers_read_it_and_the_query_count_is_fixed(
    client: AsyncTestClient[Any], db: AsyncSession, app_engine: Any
) -> None:
    w = await council(db)
    ugtt: Organisation = w["ugtt"]
    await factories.account(db, Role.DELEGATE, ugtt, email="delegue@ugtt.tn")
    await factories.account(db, Role.OBSERVER, email="observer@oit.org")
    await db.commit()
    for email in ("delegue@ugtt.tn", "observer@oit.org"):
        async with signed_in(client, email) as browser:
            page = await browser.get(f"/reports/participation?{PERIOD}")
            assert page.status_code == 200 and "66.7%" in page.text
            assert (await browser.get(f"/reports/participation.csv?{PERIOD}")).status_code == 200
            index = await browser.get("/reports")
            assert 'href="/reports/participation"' in index.text
            meetings = await browser.get("/meetings")
            assert 'href="/reports/participation"' in meetings.text

    # As many statements for three held meetings as for seven more.
    with count_queries(app_engine) as few:
        await client.get(f"/reports/participation.csv?{PERIOD}&lang=en")
    for day in range(1, 8):
        m = await factories.meeting(db, w["plenary"], starts_at=tunis(2026, 1, day, 9), status=MeetingStatus.HELD)
        for key in ("mas1", "ugtt1", "utica1", "ilo1"):
            await factories.invite(db, m, w[key], attendance=P)
    await db.commit()
    with count_queries(app_engine) as many:
        await client.get(f"/reports/participation.csv?{PERIOD}&lang=en")
    assert many.count == few.count
