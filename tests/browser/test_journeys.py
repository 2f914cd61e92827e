"""Three days of work played in Chromium as people do them:
the secretariat records the AMEM closing workshop, UGTT's and UTICA's delegates follow
their commitments, the coordinator exports calendars and minutes. In French and in Arabic;
each journey in full on a 1280 px desktop, its key pages again on a 390 px phone.

On every page: every table's header cells over their columns on a desktop (in both
directions), nothing wider than a phone's screen, and with DIALOGUE_SCREENSHOTS set a
screenshot (tests/artifacts/screenshots/journeys-...). The assertions are about what a person sees: texts in the page's language (from the
catalogs), counts, addresses, files that download and pages that stay as they were."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from dialogue.agenda.models import OutcomeKind, Stance
from dialogue.commitments.models import CommitmentStatus
from dialogue.i18n import gettext, ngettext, using_language
from dialogue.people.models import Side
from tests.browser.conftest import screenshot, sign_in
from tests.browser.pages import misaligned_tables, overflow

# Bidi isolation and direction marks that the pages put around names inside sentences.
MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")
# What a file link's address ends with.
FILE = re.compile(r"\.(ics|pdf|docx|md|csv|json|eml|xlsx|html)$")


def plain(text: str) -> str:
    return MARKS.sub("", text)


def t(language: str, message: str, **values: Any) -> str:
    """`message` as the catalog of `language` has it (English msgid), %-formatted."""
    with using_language(language):
        text = gettext(message)
    return text % values if values else text


def tn(language: str, singular: str, plural: str, n: int) -> str:
    with using_language(language):
        return ngettext(singular, plural, n) % {"num": n}


def label(language: str, choice: Any) -> str:
    with using_language(language):
        return str(choice.label)


class Journey:
    """One person's browser at one width: looks at every page it reaches."""

    def __init__(self, page: Any, name: str, language: str, width: str, problems: list[str]) -> None:
        self.page, self.name, self.language, self.width = page, name, language, width
        self.seen = 0
        self.problems = problems

    @contextmanager
    def check(self, what: str) -> Iterator[None]:
        """An expectation whose failure is noted and the journey goes on: a person would see
        this one wrong and carry on with the next step. The test fails at its end with all."""
        try:
            yield
        except (AssertionError, PlaywrightError) as error:  # an expectation, or what it waited for
            first = " ".join(str(error).split())[:600]
            self.problems.append(f"[{self.name} {self.language} {self.width}px] {what}: {first}")

    def t(self, message: str, **values: Any) -> str:
        return t(self.language, message, **values)

    def look(self, what: str) -> None:
        """Screenshot, then the layout checks (overflow, aligned tables) on the page as it is now."""
        page = self.page
        page.wait_for_load_state()
        page.evaluate("document.fonts.ready")
        self.seen += 1
        screenshot(page, f"journeys-{self.name}-{self.language}-{self.width}-{self.seen:02d}-{what}")
        where = f"{what} ({page.url.split('/', 3)[-1]})"
        assert page.locator("html").get_attribute("dir") == ("rtl" if self.language == "ar" else "ltr"), where
        with self.check(where):
            measured = overflow(page)
            assert measured["scrollWidth"] <= measured["width"], f"scrolls sideways: {measured}"
            assert measured["found"] == [], f"elements wider than the screen: {measured['found']}"
        if self.width == "1280":
            with self.check(where):
                tables = misaligned_tables(page)
                assert tables["found"] == [], f"table headers not over their columns: {tables['found']}"

    def go(self, path: str, what: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        self.look(what)

    def download(self, trigger: Any, what: str, suffix: str) -> bytes:
        """Click `trigger` (a link or button): a file downloads and the page stays as it was."""
        page = self.page
        url, title = page.url, page.locator("h1").first.inner_text()
        content = b""
        with self.check(what):
            try:
                # The first export of a server starts its render workers (WeasyPrint loads).
                with page.expect_download(timeout=60_000) as info:
                    trigger.click()
            except PlaywrightError as error:
                page.wait_for_timeout(300)
                shown = " ".join(page.locator("body").inner_text().split())[:150]
                raise AssertionError(
                    f"the click downloaded nothing ({error.message.splitlines()[0]}); "
                    f"the address is now {page.url}, the page shows «{shown}»"
                ) from None
            download = info.value
            assert download.failure() is None, download.failure()
            assert download.suggested_filename.endswith(suffix), download.suggested_filename
            content = Path(download.path()).read_bytes()
            # A boosted link would be an htmx request: let any that is under way land first.
            page.wait_for_function("() => !document.querySelector('.htmx-request')")
            assert page.url == url, f"the address changed to {page.url}"
            assert page.locator("h1").first.inner_text() == title, "the page was replaced"
            assert "BEGIN:VCALENDAR" not in page.locator("body").inner_text(), "calendar text in the page"
        if page.url != url:
            page.goto(url)  # back to where the person was, to go on
        return content

    def confirm_if_asked(self, what: str) -> bool:
        """Answer a "please confirm" step (an unusual value, a correction) when the app asks
        one: tick its box or press its button. True when there was one."""
        page = self.page
        page.wait_for_load_state()
        main = page.locator("main")
        box = main.locator("input[type=checkbox]:is([name^=confirm], [name=correction]):visible")
        if box.count():
            self.look(what)
            box.first.check()
            box.first.locator("xpath=ancestor::form").locator("button[type=submit]").last.click()
            page.wait_for_load_state()
            return True
        button = main.locator("button[name^=confirm]:visible")
        if button.count():
            self.look(what)
            button.first.click()
            page.wait_for_load_state()
            return True
        return False


@pytest.fixture
def journey(browser_context: Callable[..., Any], demo_paths: dict[str, str]) -> Iterator[Callable[..., Journey]]:
    """Factory: `journey(name, language=..., width=..., email=...)`, a person's browser. At
    the end, the test fails with every expectation that did not hold on the way. The journeys
    run first (the longest tests): `demo_paths` is read before they add to the demo."""
    problems: list[str] = []

    def make(name: str, *, language: str, width: str = "1280", email: str | None = "secretariat@demo.tn") -> Journey:
        context = browser_context(language=language, width=width, email=email)
        return Journey(context.new_page(), name, language, width, problems)

    def done() -> None:
        reported = list(problems)
        problems.clear()
        assert not reported, f"{len(reported)} expectations did not hold:\n" + "\n".join(reported)

    make.done = done  # type: ignore[attr-defined]
    yield make
    done()  # what held up to a failure that stopped the journey


def option_value(select: Any, text: str) -> str:
    """The value of the option of `select` whose visible text contains `text`."""
    value = select.evaluate(
        "(el, text) => { const strip = s => s.replace(/[\\u200e\\u200f\\u2066-\\u2069]/g, '');"
        " const o = [...el.options].find(o => strip(o.textContent).includes(text)); return o ? o.value : null; }",
        text,
    )
    assert value is not None, f"no option «{text}» in {select}"
    return str(value)


# Journey 1: the secretariat records the AMEM closing workshop ------------------------------

# What the secretariat types, in the language of its interface; the rest is the same in both.
WORKSHOP = {
    "fr": {
        "title": "Atelier de clôture du projet AMEM à Tunis",
        "description": "Gouvernance équitable de la migration de main-d'œuvre au Maghreb (OIT, AICS).",
        "items": [
            "Ouverture et allocutions de bienvenue",
            "Bilan du projet AMEM 2019-2022",
            "Recrutement équitable des travailleurs migrants",
            "Protection sociale des travailleurs migrants",
            "Clôture et perspectives",
        ],
        "positions": [
            "Le ministère inscrira le recrutement équitable dans la stratégie nationale.",
            "L'UGTT demande le suivi des agences privées de placement.",
            "L'UTICA souhaite un délai d'adaptation pour les entreprises.",
        ],
        "outcomes": [
            "Le bilan du projet est présenté aux partenaires.",
            "Les trois parties adoptent les recommandations sur le recrutement équitable.",
            "La question est renvoyée à la commission de la protection sociale.",
        ],
        "commitments": [
            "Diffuser le guide du recrutement équitable aux unions régionales",
            "Sensibiliser les entreprises membres au recrutement équitable",
            "Présenter la stratégie nationale de migration au Conseil",
        ],
    },
    "ar": {
        "title": "الورشة الختامية لمشروع AMEM",
        "description": "حوكمة عادلة لهجرة اليد العاملة في المغرب العربي (منظمة العمل الدولية، AICS).",
        "items": [
            "الافتتاح وكلمات الترحيب",
            "حصيلة مشروع AMEM 2019-2022",
            "الانتداب العادل للعمال المهاجرين",
            "الحماية الاجتماعية للعمال المهاجرين",
            "الاختتام والآفاق",
        ],
        "positions": [
            "ستدرج الوزارة الانتداب العادل في الاستراتيجية الوطنية.",
            "يطالب الاتحاد بمتابعة وكالات التشغيل الخاصة.",
            "يطلب الاتحاد مهلة لتأقلم المؤسسات.",
        ],
        "outcomes": [
            "عرض حصيلة المشروع على الشركاء.",
            "تعتمد الأطراف الثلاثة التوصيات حول الانتداب العادل.",
            "تحال المسألة إلى لجنة الحماية الاجتماعية.",
        ],
        "commitments": [
            "نشر دليل الانتداب العادل لدى الاتحادات الجهوية",
            "تحسيس المؤسسات الأعضاء بالانتداب العادل",
            "تقديم الاستراتيجية الوطنية للهجرة إلى المجلس",
        ],
    },
}
ITEM_MINUTES = [15, 45, 60, 45, 15]  # 11:00 to 14:00
STANCES = [(Side.GOVERNMENT, Stance.SUPPORT), (Side.WORKERS, Stance.CONDITIONAL), (Side.EMPLOYERS, Stance.RESERVATION)]
OUTCOMES = [(1, OutcomeKind.FOR_INFORMATION), (2, OutcomeKind.TRIPARTITE_AGREEMENT), (3, OutcomeKind.DEFERRED)]
# (agenda item, side, organisation, responsible person, due date)
COMMITMENTS = [
    (2, Side.WORKERS, "UGTT", "Sami Gharbi", "2022-12-31"),
    (2, Side.EMPLOYERS, "UTICA", "Inès Khelifi", "2023-03-31"),
    (3, Side.GOVERNMENT, "MAS", "Mohamed Ben Salah", "2023-06-30"),
]
# The AMEM partners at the table: the ministries and agencies, UGTT, UTICA and the ILO.
INVITEES = [
    "Mohamed Ben Salah",
    "Karim Mejri",
    "Nadia Chaabane",
    "Sonia Ferchichi",
    "Walid Hamdi",
    "Rim Ben Ammar",
    "Sami Gharbi",
    "Rania Zouari",
    "Inès Khelifi",
    "Mehdi Chaouch",
    "Sarah Collins",
]


def invite(j: Journey, names: list[str]) -> None:
    """Invite `names` on the meeting page: several at once where the page offers it, else
    one by one with the "Invite someone" form."""
    page = j.page
    section = page.locator("#invitations")
    several = section.locator("select[multiple][name=person_id], input[type=checkbox][name=person_id]")
    if several.count():
        holder = several.first.locator("xpath=ancestor::details")
        if holder.count() and holder.first.get_attribute("open") is None:
            holder.first.locator(":scope > summary").click()
        if several.first.evaluate("el => el.tagName") == "SELECT":
            select = several.first
            select.select_option([option_value(select, name) for name in names])
            select.locator("xpath=ancestor::form").locator("button[type=submit]").last.click()
        else:
            for name in names:
                section.locator("label", has_text=name).locator("input[type=checkbox][name=person_id]").check()
            several.first.locator("xpath=ancestor::form").locator("button[type=submit]").last.click()
        expect(section.locator("tbody tr.invitee")).to_have_count(len(names))
        return
    for count, name in enumerate(names, start=1):
        select = page.locator("#f-person_id")
        select.select_option(option_value(select, name))
        page.locator("form.invite-form button[type=submit]").click()
        expect(page.locator("#invitations tbody tr.invitee")).to_have_count(count)


def outbox_count(j: Journey, meeting_path: str) -> int:
    """How many messages about the meeting /outbox lists."""
    meeting_id = meeting_path.rsplit("/", 1)[1]
    j.go(f"/outbox?meeting={meeting_id}", "outbox")
    return j.page.locator("main table tbody tr").count()


def send_control(j: Journey) -> Any:
    """The meeting page's "Send invitations" (a button, or a link to a confirmation)."""
    return j.page.locator("#calendar").locator("a, button", has_text=j.t("Send invitations"))


def send_invitations(j: Journey, meeting: str, expected: list[str]) -> None:
    """Press "Send invitations"; where the app first says what it will send to whom, check
    that it names `expected` (the people who do not have the invitation yet) and confirm,
    as a correction if the meeting is over."""
    page = j.page
    control = send_control(j)
    if not control.is_enabled():
        assert not expected, "Send invitations is disabled with invitations to send"
        return
    control.click()
    page.wait_for_load_state()
    if re.search(r"/invitations/send$", page.url):
        j.look("send-confirmation" if expected else "send-nothing")
        submit = page.locator("main form button[type=submit]")
        if not expected:
            expect(submit).to_have_count(0)
            return
        plan = page.locator("main")
        for name in expected:
            expect(plan).to_contain_text(name)
        expect(submit).to_have_text(tn(j.language, "Send %(num)s message", "Send %(num)s messages", len(expected)))
        correction = page.locator("main input[type=checkbox][name=correction]")
        if correction.count():
            correction.check()
        submit.click()
    expect(page).to_have_url(re.compile(re.escape(meeting) + r"(\?[^#]*)?(#.*)?$"))


def meeting_saved(j: Journey, warning: str) -> None:
    """After the meeting form was sent: on the meeting's page, once the secretariat has
    confirmed what the app finds unusual (a meeting "scheduled" in the past) if it asks."""
    page = j.page
    asked = page.locator("main input[type=checkbox][name^=confirm]")
    expect(asked.or_(page.locator("main .meeting-page")).first).to_be_visible()
    if asked.count():
        j.confirm_if_asked(warning)
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))


def record_on_item(
    j: Journey, where: str, opener: str, choice: tuple[str, Any], text: tuple[str, str], save: str
) -> None:
    """Open the form at `where` (a side's position, an item's outcome), choose, write, save:
    the part of the page that answers shows the choice and the text."""
    block = j.page.locator(where)
    block.locator(opener).first.click()
    (select, value), (field, words) = choice, text
    block.locator(f"select[name={select}]").select_option(value.value)
    block.locator(f"textarea[name={field}]").fill(words)
    block.get_by_role("button", name=save, exact=True).click()
    expect(j.page.locator(where)).to_contain_text(words)
    expect(j.page.locator(where)).to_contain_text(label(j.language, value))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_secretariat_records_the_amem_closing_workshop(journey: Callable[..., Journey], language: str) -> None:
    data = WORKSHOP[language]
    j = journey("workshop", language=language)
    page = j.page

    # Schedule it, with a double click on "Schedule".
    j.go("/meetings", "meetings")
    page.get_by_role("link", name=j.t("Schedule a meeting")).first.click()
    expect(page).to_have_url(re.compile(r"/meetings/new$"))
    j.look("schedule-form")
    form = page.locator("#meeting-form")
    # An event of its own: a closing workshop, no council body.
    form.locator("#f-kind").select_option("closing_workshop")
    expect(form.locator("#f-body_id")).to_have_value("")
    form.locator("#f-title").fill(data["title"])
    form.locator("#f-starts_at").fill("2022-07-27T11:00")
    form.locator("#f-ends_at").fill("2022-07-27T14:00")
    form.locator("#f-venue").fill("Hôtel Sheraton, Tunis")
    form.locator("#f-description").fill(data["description"])
    j.look("schedule-form-filled")
    form.locator("button[type=submit]").dblclick()
    meeting_saved(j, "schedule-warning")
    meeting = re.sub(r"^https?://[^/]+", "", page.url)
    expect(page.locator("h1")).to_contain_text(data["title"])
    expect(page.locator(".meeting-body")).to_contain_text(j.t("Closing workshop"))
    with j.check("the new meeting opens at its top"):
        assert page.evaluate("window.scrollY") == 0
    j.look("meeting-new")
    j.go("/meetings?from=2022-07-27&to=2022-07-27", "meetings-that-day")
    with j.check("one meeting for a double click on Schedule"):
        assert page.locator("main tbody tr", has_text=data["title"]).count() == 1
    j.go(meeting, "meeting")

    # Eleven invitees; the calendar card follows without a reload.
    invite(j, INVITEES)
    with j.check("the calendar card follows the invitations without a reload"):
        expect(page.locator("#calendar")).to_contain_text(
            tn(
                language,
                "%(num)s invited person has an email address.",
                "%(num)s invited people have an email address.",
                11,
            )
        )
        expect(send_control(j)).to_be_enabled()
    j.look("invited")

    # Five agenda items.
    agenda = page.locator("#agenda")
    for number, (title, minutes) in enumerate(zip(data["items"], ITEM_MINUTES, strict=True), start=1):
        adder = agenda.locator("details.agenda-add")
        if adder.get_attribute("open") is None:
            adder.locator(":scope > summary").click()  # its own, not the nested "version in English"
        adder.locator("#add-title").fill(title)
        adder.locator("#add-duration_minutes").fill(str(minutes))
        adder.get_by_role("button", name=j.t("Add the item")).click()
        expect(agenda.locator("li.agenda-item")).to_have_count(number)
        expect(agenda.locator("li.agenda-item").nth(number - 1)).to_contain_text(title)
    expect(agenda.locator(".agenda-total")).to_contain_text(tn(language, "%(num)d item", "%(num)d items", 5))
    items = agenda.locator("li.agenda-item").evaluate_all("els => els.map(e => e.id)")
    j.look("agenda")

    # The three sides' positions on the recruitment item, then the outcomes.
    item = items[2].removeprefix("item-")
    for (side, stance), statement in zip(STANCES, data["positions"], strict=True):
        record_on_item(
            j, f"#pos-{item}-{side.value}", "summary", ("stance", stance), ("statement", statement), j.t("Save")
        )
    for (index, kind), text in zip(OUTCOMES, data["outcomes"], strict=True):
        record_on_item(
            j,
            f"#{items[index]}",
            "details.edit-outcome > summary",
            ("kind", kind),
            ("text", text),
            j.t("Save the outcome"),
        )
    j.look("positions-outcomes")

    # Three commitments, each from its agenda item; the last with a double click.
    for number, ((index, side, organisation, person, due), title) in enumerate(
        zip(COMMITMENTS, data["commitments"], strict=True), start=1
    ):
        page.locator(f"#{items[index]}").get_by_role("link", name=j.t("Add a commitment"), exact=True).click()
        expect(page).to_have_url(re.compile(r"/commitments/new\?item=\d+$"))
        if number == 1:
            j.look("commitment-form")
        page.locator("#f-title").fill(title)
        page.locator("#f-side").select_option(side.value)
        page.locator("#f-organisation_id").select_option(option_value(page.locator("#f-organisation_id"), organisation))
        page.locator("#f-responsible_id").select_option(option_value(page.locator("#f-responsible_id"), person))
        page.locator("#f-due_on").fill(due)
        submit = page.get_by_role("button", name=j.t("Record the commitment"))
        submit.dblclick() if number == 3 else submit.click()
        expect(page).to_have_url(re.compile(re.escape(meeting) + r"(#.*)?$"))
        with j.check(f"commitment {number} recorded once"):
            expect(page.locator("ul.commitments-made > li")).to_have_count(number)
    made = page.locator("#commitments")
    for (_index, _side, _organisation, person, _due), title in zip(COMMITMENTS, data["commitments"], strict=True):
        expect(made).to_contain_text(title)
        expect(made).to_contain_text(person)
    j.look("commitments")

    # Send the invitations: one message per invitee, counted in the outbox.
    send_invitations(j, meeting, expected=INVITEES)
    j.look("invitations-sent")
    sent = outbox_count(j, meeting)
    with j.check("one invitation per invitee in the outbox"):
        assert sent == len(INVITEES), f"{sent} messages for {len(INVITEES)} invitees"
        subjects = page.locator("main table tbody tr").all_inner_texts()
        assert all(data["title"] in plain(row) for row in subjects), subjects

    # "Send invitations" again with nothing changed: nothing more is queued.
    j.go(meeting, "meeting-after-sending")
    send_invitations(j, meeting, expected=[])
    again = outbox_count(j, meeting)
    with j.check("sending again with nothing changed queues nothing"):
        assert again == sent, f"{again - sent} more messages"

    # The venue changes: the page says whose copy is out of date; sending sends them the update.
    j.go(f"{meeting}/edit", "edit")
    page.locator("#meeting-form #f-venue").fill("Hôtel Sheraton, salle Carthage, Tunis")
    page.locator("#meeting-form button[type=submit]").click()
    meeting_saved(j, "edit-warning")
    with j.check("the meeting page says who has an out-of-date invitation"):
        expect(page.locator("#calendar")).to_contain_text(
            tn(
                language,
                "%(num)s person has an out-of-date invitation: send the update.",
                "%(num)s people have an out-of-date invitation: send the update.",
                len(INVITEES),
            )
        )
    j.look("invitations-out-of-date")
    send_invitations(j, meeting, expected=INVITEES)
    updated = outbox_count(j, meeting)
    with j.check("one update per invitee after the venue changed"):
        assert updated == sent + len(INVITEES), f"{updated - sent} updates for {len(INVITEES)} invitees"

    # The invitation downloads as a calendar file; the page stays as it was.
    j.go(meeting, "meeting-recorded")
    ics = j.download(page.get_by_role("link", name=j.t("Download the invitation (.ics)")), "invitation", ".ics")
    with j.check("the invitation file"):
        text = ics.decode()
        assert text.startswith("BEGIN:VCALENDAR") and "DTSTART;TZID=Africa/Tunis:20220727T110000" in text, text[:300]
        assert text.count("ATTENDEE") == len(INVITEES), text.count("ATTENDEE")
        assert "salle Carthage" in text, "the invitation file does not have the new venue"

    # On a phone: the pages of the journey fit, the invitation still downloads.
    phone = journey("workshop", language=language, width="390")
    for path, what in (
        (meeting, "meeting"),
        ("/meetings/new", "schedule-form"),
        (f"/outbox?meeting={meeting.rsplit('/', 1)[1]}", "outbox"),
        ("/meetings?from=2022-07-27&to=2022-07-27", "meetings-that-day"),
    ):
        phone.go(path, what)
    phone.go(meeting, "meeting-again")
    phone.download(
        phone.page.get_by_role("link", name=j.t("Download the invitation (.ics)")), "invitation (phone)", ".ics"
    )
    commitment = page_commitment_link(phone, meeting)
    phone.go(commitment, "commitment")
    journey.done()


def page_commitment_link(j: Journey, meeting: str) -> str:
    j.page.goto(meeting)
    href = j.page.locator("ul.commitments-made a[href^='/commitments/']").first.get_attribute("href")
    assert href
    return href


# Journey 2: the delegates follow their commitments -----------------------------------------

DELEGATES = {
    # email, side, organisation, a person of it, the side a commitment is moved to
    "ugtt@demo.tn": (Side.WORKERS, "UGTT", "Sami Gharbi", Side.GOVERNMENT),
    "utica@demo.tn": (Side.EMPLOYERS, "UTICA", "Inès Khelifi", Side.GOVERNMENT),
}


def secretariat_commitment(
    journey: Callable[..., Journey], language: str, title: str, side: Side, organisation: str, person: str
) -> str:
    """The secretariat records a commitment of `side`, due in ten days; its address."""
    j = journey("secretariat", language=language)
    page = j.page
    page.goto("/commitments/new")
    page.locator("#f-title").fill(title)
    page.locator("#f-side").select_option(side.value)
    page.locator("#f-organisation_id").select_option(option_value(page.locator("#f-organisation_id"), organisation))
    page.locator("#f-responsible_id").select_option(option_value(page.locator("#f-responsible_id"), person))
    page.locator("#f-due_on").fill((dt.date.today() + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name=j.t("Record the commitment")).click()
    expect(page).to_have_url(re.compile(r"/commitments/\d+$"))
    return re.sub(r"^https?://[^/]+", "", page.url)


def move_commitment(journey: Callable[..., Journey], language: str, commitment: str, side: Side) -> None:
    """The secretariat hands the commitment over to `side` (the whole side)."""
    j = journey("secretariat", language=language)
    page = j.page
    page.goto(f"{commitment}/edit")
    page.locator("#f-side").select_option(side.value)
    page.locator("#f-organisation_id").select_option("")
    page.locator("#f-responsible_id").select_option("")
    page.get_by_role("button", name=j.t("Save"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(commitment) + "$"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_delegates_follow_their_commitments(journey: Callable[..., Journey], language: str) -> None:
    for email, (side, organisation, person, other_side) in DELEGATES.items():
        who = email.split("@")[0]
        title = (
            f"{organisation} – "
            + {"fr": "rapport sur les agences de placement", "ar": "تقرير حول وكالات التشغيل"}[language]
        )
        commitment = secretariat_commitment(journey, language, title, side, organisation, person)

        # Sign in through the form: the delegate lands on their side's commitments.
        j = journey(who, language=language, email=None)
        page = j.page
        sign_in(page, email)
        j.look("dashboard")
        landing = [plain(text.strip()) for text in page.locator("main a[href^='/commitments/']").all_inner_texts()]
        page.locator("header nav").get_by_role("link", name=j.t("Commitments"), exact=True).first.click()
        expect(page).to_have_url(re.compile(r"/commitments"))
        j.look("commitments")
        rows = page.locator("main table.commitments tbody tr")
        with j.check("a delegate lands on their side's commitments"):
            sides = [plain(cell) for cell in rows.locator("td:nth-child(2)").all_inner_texts()]
            assert sides and set(sides) == {label(language, side)}, f"sides listed: {sorted(set(sides))}"
        page.goto(f"/commitments?overdue=true&side={side.value}")
        overdue = {plain(text) for text in rows.locator("td:first-child a").all_inner_texts()}
        with j.check("the dashboard opens on their side's overdue commitments"):
            assert landing and landing[0] in overdue, (
                f"first on the dashboard: {landing[:1]}; overdue: {sorted(overdue)}"
            )
        page.goto("/commitments")

        # One click shows the whole council's.
        with j.check("one click to see every side's commitments"):
            page.locator("main a[href*='scope=all']").first.click(timeout=5_000)
            expect(page).to_have_url(re.compile(r"scope=all"))
            expect(rows.locator("td:nth-child(2)", has_text=label(language, other_side)).first).to_be_visible()
            j.look("commitments-all")

        # Their commitment: a progress update.
        page.goto("/commitments")
        page.locator("#f-q").fill(title)
        page.locator("#f-q").press("Enter")
        expect(page).to_have_url(re.compile(r"[?&]q=[^&]"))  # the list answered the search
        page.wait_for_load_state("networkidle")
        link = page.locator("main table.commitments").get_by_role("link", name=title)
        expect(link).to_have_count(1)
        link.click()
        expect(page).to_have_url(re.compile(re.escape(commitment) + "$"))
        j.look("commitment")
        note = {
            "fr": "Première réunion avec les agences tenue le 2 décembre.",
            "ar": "عقد أول اجتماع مع الوكالات يوم 2 ديسمبر.",
        }[language]
        page.locator("#f-note").fill(note)
        page.locator("#f-status").select_option(CommitmentStatus.IN_PROGRESS.value)
        page.get_by_role("button", name=j.t("Add the update")).click()
        expect(page.locator("ol.progress-updates")).to_contain_text(note)
        expect(page.locator(".status-line")).to_contain_text(label(language, CommitmentStatus.IN_PROGRESS))
        j.look("progress-recorded")

        # Meanwhile the secretariat hands it over to another side: the delegate's next
        # update is refused, visibly, and not recorded.
        move_commitment(journey, language, commitment, other_side)
        refused_note = {"fr": "Deuxième réunion prévue.", "ar": "اجتماع ثان مبرمج."}[language]
        page.locator("#f-note").fill(refused_note)
        page.get_by_role("button", name=j.t("Add the update")).click()
        with j.check("a refused update says so (no silent dead click)"):
            refusal = j.t("Only the secretariat and the delegates of this side can change this.")
            expect(page.get_by_text(refusal).first).to_be_visible()
        j.look("update-refused")
        page.goto(commitment)
        expect(page.locator("ol.progress-updates")).not_to_contain_text(refused_note)
        expect(page.locator("form.progress-form")).to_have_count(0)

        # Another side's commitment: no way to edit it, and the edit address says why.
        response = page.goto(f"{commitment}/edit")
        assert response is not None and response.status == 403
        expect(page.locator("main")).to_contain_text(j.t("You are not allowed to do this."))
        j.look("edit-refused")

        # The phone: their commitments and the commitment fit the screen.
        phone = journey(who, language=language, width="390", email=email)
        phone.go("/commitments", "commitments")
        phone.go(commitment, "commitment")
    journey.done()


# Journey 3: the coordinator exports calendars and minutes -----------------------------------


def file_links(j: Journey) -> list[tuple[str, str]]:
    """(address, text) of the file links in the page's content, one per kind of file, in the
    page's language where a link names one."""
    links = j.page.locator("main a[href]").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.textContent.trim()])"
    )
    chosen: dict[str, tuple[str, str]] = {}
    for href, text in links:
        path, _, query = href.partition("?")
        found = FILE.search(path)
        if not found or href.startswith("webcal:") or "://" in href:
            continue
        lang = re.search(r"lang=(\w+)", query)
        if lang and lang.group(1) != j.language:
            continue
        chosen.setdefault(found.group(1), (href, text))
    return list(chosen.values())


def download_every_file(j: Journey, what: str) -> dict[str, bytes]:
    """Click every kind of file link of the page: each downloads and leaves the page as it was."""
    files = {}
    for href, text in file_links(j):
        suffix = FILE.search(href.partition("?")[0]).group(0)  # type: ignore[union-attr]
        link = j.page.locator(f"main a[href='{href}']").first
        files[suffix] = j.download(link, f"{what}: «{text}» ({href})", suffix)
    return files


def check_files(j: Journey, what: str, files: dict[str, bytes], expected: set[str]) -> None:
    """The files `expected` (by suffix) were offered, and each downloaded one is what it says."""
    with j.check(f"{what}: files offered"):
        assert expected <= set(files), f"offered {sorted(files)}, expected {sorted(expected)}"
    for suffix, content in files.items():
        if content:  # an empty one did not download, already noted
            with j.check(f"{what}: the {suffix} file"):
                check_file(suffix, content)


def check_file(suffix: str, content: bytes) -> None:
    magic = {".pdf": b"%PDF", ".docx": b"PK", ".xlsx": b"PK", ".ics": b"BEGIN:VCALENDAR"}
    if suffix in magic:
        assert content.startswith(magic[suffix]), f"{suffix}: {content[:40]!r}"
    elif suffix == ".json":
        json.loads(content)
    else:
        assert content.strip(), f"{suffix}: empty"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_coordinator_exports_calendars_and_minutes(journey: Callable[..., Journey], language: str) -> None:
    j = journey("coordinator", language=language, email="coordination@demo.tn")
    page = j.page
    j.go("/", "dashboard")

    # Held meetings; the first with minutes to export.
    j.go("/meetings?status=held", "meetings-held")
    meetings = page.locator("main a[href^='/meetings/']").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href')).filter(h => /^\\/meetings\\/\\d+$/.test(h)))]"
    )
    for meeting in meetings:
        page.goto(f"{meeting}/minutes")
        if page.locator(".export-links").count():
            break
    else:
        pytest.fail("no held meeting with minutes to export in the demo")
    j.look("minutes")
    check_files(j, "minutes", download_every_file(j, "minutes"), {".pdf", ".docx", ".md", ".json"})

    # What changed between two versions: a page, not its source.
    changes = page.locator("main a[href*='/minutes/diff']")
    if changes.count():
        changes.first.click()
        expect(page).to_have_url(re.compile(r"/minutes/diff\?"))
        with j.check("the changes between versions are a page"):
            expect(page.locator("h1")).to_have_count(1)
            assert "<html" not in page.locator("body").inner_text()
        j.look("minutes-changes")

    # The meeting: its invitation and follow-up sheet.
    j.go(meeting, "meeting")
    check_files(j, "meeting", download_every_file(j, "meeting"), {".ics", ".pdf", ".docx", ".csv"})

    # The body: the follow-up sheet over a period, and a calendar feed of its meetings.
    page.locator("main .meeting-facts a[href^='/bodies/']").first.click()
    expect(page).to_have_url(re.compile(r"/bodies/\d+$"))
    body = re.sub(r"^https?://[^/]+", "", page.url)
    j.look("body")
    period = page.locator("form.follow-up-period")
    period.locator("input[name=from]").fill(f"{dt.date.today().year - 2}-01-01")
    period.locator("input[name=to]").fill(f"{dt.date.today().year}-12-31")
    sheets = {
        suffix: j.download(period.get_by_role("button", name=button, exact=True), f"body follow-up {button}", suffix)
        for button, suffix in (("PDF", ".pdf"), ("Word", ".docx"), ("CSV", ".csv"))
    }
    check_files(j, "body follow-up", sheets, {".pdf", ".docx", ".csv"})
    page.get_by_role("button", name=j.t("Subscribe to this body's meetings")).click()
    address = page.locator("input.feed-link[aria-label=https]")
    expect(address).to_be_visible()
    j.look("feed-created")
    feed_link = page.locator("main a[href$='.ics']:not([href^='webcal'])")
    if feed_link.count():
        feed = j.download(feed_link.first, "calendar feed", ".ics")
    else:
        response = page.request.get(address.input_value())
        assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
        feed = response.body()
    with j.check("the body's calendar feed"):
        assert feed.startswith(b"BEGIN:VCALENDAR") and b"METHOD:PUBLISH" in feed, feed[:200]

    # Lists: downloadable with their filters as CSV and XLSX.
    for path in ("/commitments", "/meetings"):
        j.go(path, path.strip("/"))
        check_files(j, path, download_every_file(j, path), {".csv", ".xlsx"})

    # On a phone: the minutes and the meeting fit, a file still downloads.
    phone = journey("coordinator", language=language, width="390", email="coordination@demo.tn")
    phone.go(f"{meeting}/minutes", "minutes")
    href, text = next((href, text) for href, text in file_links(phone) if ".pdf" in href)
    pdf = phone.download(phone.page.locator(f"main a[href='{href}']").first, f"minutes «{text}» (phone)", ".pdf")
    check_files(phone, "minutes (phone)", {".pdf": pdf}, {".pdf"})
    phone.go(meeting, "meeting")
    phone.go(body, "body")
    journey.done()
