"""The agenda through the browser: HTMX requests get the fragment, others a redirect."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.agenda.models import AgendaDocument, AgendaItem, C144Matter, Outcome, OutcomeKind, Position, Stance
from dialogue.people.models import Side
from tests import factories
from tests.agenda.conftest import HTMX, item_titles
from tests.conftest import open_session


async def items_of(db: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    """The meeting's items as the database has them now, in agenda order."""
    statement = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)
    return list(await db.scalars(statement.execution_options(populate_existing=True)))


async def all_of(db: AsyncSession, model: Any) -> list[Any]:
    """Every row of `model` as the database has it now."""
    return list(await db.scalars(select(model).order_by(model.id).execution_options(populate_existing=True)))


async def three_items(db: AsyncSession, meeting: Any) -> list[AgendaItem]:
    items = [
        await factories.item(db, meeting, 1, title="Ouverture", duration_minutes=15),
        await factories.item(db, meeting, 2, title="Migration de main-d'oeuvre", duration_minutes=60),
        await factories.item(db, meeting, 3, title="Divers", duration_minutes=30),
    ]
    await db.commit()
    return items


# Reading -----------------------------------------------------------------------------------


async def test_secretariat_sees_the_running_schedule_of_the_agenda(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    await three_items(db, meeting)
    response = await english.get(f"/meetings/{meeting.id}/agenda")
    assert response.status_code == 200
    html = response.text
    assert "<html" in html and 'id="agenda"' in html
    assert item_titles(html) == ["Ouverture", "Migration de main-d&#39;oeuvre", "Divers"]
    # Tunis time, 24-hour clock, one slot after the other.
    assert re.search(r">09:00</time>–<time[^>]*>09:15<", html)
    assert re.search(r">09:15</time>–<time[^>]*>10:15<", html)
    assert re.search(r">10:15</time>–<time[^>]*>10:45<", html)
    assert "Total: 1 h 45" in html
    assert "agenda-overrun" not in html


async def test_agenda_warns_when_it_runs_past_the_end_of_the_meeting(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]  # 09:00 to 12:00
    await factories.item(db, meeting, 1, title="Long débat", duration_minutes=150)
    await factories.item(db, meeting, 2, title="Encore", duration_minutes=60)
    await db.commit()
    response = await english.get(f"/meetings/{meeting.id}/agenda")
    assert response.status_code == 200
    assert "agenda-overrun" in response.text
    assert "The agenda runs until 12:30, 30 min past the meeting's planned end (12:00)." in response.text


async def test_agenda_page_answers_htmx_with_the_fragment_only(english: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    await three_items(db, meeting)
    response = await english.get(f"/meetings/{meeting.id}/agenda", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="agenda"')
    assert len(item_titles(response.text)) == 3


async def test_agenda_page_renders_in_french_by_default(client: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    await three_items(db, meeting)
    response = await client.get(f"/meetings/{meeting.id}/agenda")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text


async def test_empty_agenda_invites_to_add_an_item(english: Any, council: dict) -> None:
    response = await english.get(f"/meetings/{council['meeting'].id}/agenda")
    assert response.status_code == 200
    assert "No item on the agenda yet." in response.text
    assert "Add an item" in response.text


async def test_unknown_meeting_or_item_is_not_found(english: Any, council: dict) -> None:
    assert (await english.get("/meetings/999999/agenda")).status_code == 404
    assert (await english.post("/meetings/999999/agenda", data={"title": "x"})).status_code == 404
    assert (await english.post("/agenda/999999/edit", data={"title": "x"})).status_code == 404
    assert (await english.post("/agenda/999999/delete")).status_code == 404
    assert (await english.post("/agenda/999999/positions/workers", data={"stance": "support"})).status_code == 404


async def test_item_shows_presenter_with_organisation_matter_and_commitment_links(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    item = await factories.item(
        db, meeting, 1, title="Rapport art. 22", presenter_id=council["mas1"].id, c144_matter=C144Matter.D
    )
    await db.commit()
    html = (await english.get(f"/meetings/{meeting.id}/agenda")).text
    assert "<bdi>MAS délégué 1</bdi> (<bdi>MAS</bdi>)" in html
    assert "C144 Art. 5(1)(d)" in html
    assert f'href="/commitments/new?item={item.id}"' in html
    assert "from_outcome=1" not in html  # no outcome yet
    await factories.outcome(db, item, OutcomeKind.TRIPARTITE_AGREEMENT, text="Accord")
    await db.commit()
    html = (await english.get(f"/meetings/{meeting.id}/agenda")).text
    assert f'href="/commitments/new?item={item.id}&amp;from_outcome=1"' in html
    assert "Commitment from this outcome" in html


async def test_presenter_choices_are_people_on_file_by_name_with_their_organisation(
    english: Any, db: AsyncSession, council: dict
) -> None:
    gone = await factories.person(db, council["ugtt"], full_name="Ancien délégué")
    gone.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    await factories.person(db, council["utica"], full_name="Aïcha Ben Salah")
    await db.commit()
    html = (await english.get(f"/meetings/{council['meeting'].id}/agenda")).text
    add_form = html.split('id="add-presenter_id"')[1].split("</select>")[0]
    names = re.findall(r"<option value=\"\d+\" >(.*?)</option>", add_form)
    assert names[0] == "Aïcha Ben Salah (UTICA)"
    assert "MAS délégué 1 (MAS)" in names
    assert names == sorted(names)
    assert not any("Ancien" in name for name in names)


# Adding, editing, removing -------------------------------------------------------------------


async def test_secretariat_adds_an_item_through_htmx(english: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    await three_items(db, meeting)
    response = await english.post(
        f"/meetings/{meeting.id}/agenda",
        data={
            "title": "Ratification de la C190",
            "description": "Examen du projet de loi",
            "duration_minutes": "40",
            "presenter_id": str(council["ugtt1"].id),
            "c144_matter": "c",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert item_titles(response.text)[-1] == "Ratification de la C190"
    assert re.search(r">10:45</time>–<time[^>]*>11:25<", response.text)
    items = await items_of(db, meeting.id)
    assert [i.title for i in items][-1] == "Ratification de la C190"
    added = items[-1]
    assert (added.rank, added.duration_minutes, added.presenter_id, added.c144_matter) == (
        4,
        40,
        council["ugtt1"].id,
        C144Matter.C,
    )


async def test_adding_an_item_without_javascript_returns_to_the_page_it_came_from(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    response = await english.post(
        f"/meetings/{meeting.id}/agenda",
        data={"title": "Ouverture", "duration_minutes": "10", "next": f"/meetings/{meeting.id}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting.id}"
    response = await english.post(
        f"/meetings/{meeting.id}/agenda",
        data={"title": "Suite", "duration_minutes": "10", "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting.id}/agenda"
    assert [i.title for i in await items_of(db, meeting.id)] == ["Ouverture", "Suite"]


async def test_item_with_bad_fields_is_refused_with_errors_next_to_the_fields(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    cases = [
        ({"title": "", "duration_minutes": "30"}, "Write this in at least one language."),
        ({"title": "Budget", "duration_minutes": "0"}, "Enter a duration between 1 and 600 minutes."),
        ({"title": "Budget", "duration_minutes": "10000"}, "Enter a duration between 1 and 600 minutes."),
        ({"title": "Budget", "duration_minutes": "une heure"}, "Enter a whole number."),
        ({"title": "Budget", "duration_minutes": "30", "presenter_id": "999999"}, "Choose a person from the list."),
        ({"title": "Budget", "duration_minutes": "30", "c144_matter": "z"}, "Choose one of the options."),
    ]
    for data, message in cases:
        response = await english.post(f"/meetings/{meeting.id}/agenda", data=data, headers=HTMX)
        assert response.status_code == 422, data
        assert message in response.text
        add_form = response.text.split('class="agenda-add card"')[1]
        assert add_form.startswith(" open"), "the add form stays open to show the error"
        assert 'aria-invalid="true"' in add_form
    # What was typed comes back.
    response = await english.post(
        f"/meetings/{meeting.id}/agenda", data={"title": "Budget 2027", "duration_minutes": "0"}, headers=HTMX
    )
    assert 'value="Budget 2027"' in response.text
    # Without JavaScript, the whole page comes back with the errors.
    response = await english.post(f"/meetings/{meeting.id}/agenda", data={"title": "", "duration_minutes": "30"})
    assert response.status_code == 422
    assert "<html" in response.text and "Write this in at least one language." in response.text
    assert await items_of(db, meeting.id) == []


async def test_archived_person_cannot_become_a_presenter(english: Any, db: AsyncSession, council: dict) -> None:
    gone = council["ugtt2"]
    gone.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    await db.commit()
    response = await english.post(
        f"/meetings/{council['meeting'].id}/agenda",
        data={"title": "Budget", "duration_minutes": "30", "presenter_id": str(gone.id)},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Choose a person from the list." in response.text


async def test_secretariat_edits_an_item(english: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    items = await three_items(db, meeting)
    first = items[0]
    read_at = first.version
    response = await english.post(
        f"/agenda/{first.id}/edit",
        data={
            "title": "Ouverture officielle",
            "duration_minutes": "45",
            "version": str(first.version),
            "c144_matter": "a",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert item_titles(response.text)[0] == "Ouverture officielle"
    # The following items move with the new duration.
    assert re.search(r">09:45</time>–<time[^>]*>10:45<", response.text)
    [edited, *_rest] = await items_of(db, meeting.id)
    assert (edited.title, edited.duration_minutes, edited.c144_matter) == ("Ouverture officielle", 45, C144Matter.A)
    assert edited.version == read_at + 1


async def test_stale_item_edit_is_refused_with_the_current_values(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    item = await factories.item(db, meeting, 1, title="Budget", duration_minutes=30)
    await db.commit()
    read_at = item.version
    # Someone else saves first.
    first = await english.post(
        f"/agenda/{item.id}/edit",
        data={"title": "Budget 2027", "duration_minutes": "30", "version": str(read_at)},
        follow_redirects=False,
    )
    assert first.status_code == 303
    response = await english.post(
        f"/agenda/{item.id}/edit",
        data={"title": "Budget (mon texte)", "duration_minutes": "90", "version": str(read_at)},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    edit_form = response.text.split('class="edit-item"')[1]
    assert edit_form.startswith(f' id="edit-item-{item.id}"')  # open: the form itself, not the link
    assert 'value="Budget 2027"' in edit_form and 'value="Budget (mon texte)"' not in edit_form
    # What was typed is not put in the field but shown beside it (tests/test_stale_edits.py).
    assert f'id="edit-{item.id}-title-yours"' in edit_form and "Budget (mon texte)" in edit_form
    assert f'name="version" value="{read_at + 1}"' in edit_form
    [current] = await items_of(db, meeting.id)
    assert (current.title, current.duration_minutes) == ("Budget 2027", 30)


async def test_the_edit_form_is_rendered_only_when_opened(english: Any, db: AsyncSession, council: dict) -> None:
    """The agenda carries a link per item; the form (with its select of every person) comes
    when the link is followed: HTMX swaps the item for the item with its form open, and
    without JavaScript the agenda page opens with that form. Cancel gives the item back."""
    meeting = council["meeting"]
    items = await three_items(db, meeting)
    item = items[1]
    page = (await english.get(f"/meetings/{meeting.id}")).text
    assert 'name="presenter_id"' in page  # the "Add an item" form only
    assert page.count('name="presenter_id"') == 1 and f'id="edit-{item.id}-title"' not in page
    link = f'href="/agenda/{item.id}/edit?next=/meetings/{meeting.id}#item-{item.id}"'
    assert link.replace("/meetings/", "%2Fmeetings%2F", 1) in page or link in page

    opened = await english.get(f"/agenda/{item.id}/edit?next=/meetings/{meeting.id}", headers=HTMX)
    assert opened.status_code == 200
    assert opened.text.lstrip().startswith(f'<li id="item-{item.id}"')
    assert "<html" not in opened.text and opened.text.count('<li id="item-') == 1
    assert f'id="edit-{item.id}-title"' in opened.text and "autofocus" in opened.text
    assert f'name="version" value="{item.version}"' in opened.text
    assert f'name="next" value="/meetings/{meeting.id}"' in opened.text
    assert 'name="presenter_id"' in opened.text and "Save the item" in opened.text

    without_js = await english.get(f"/agenda/{item.id}/edit?next=/meetings/{meeting.id}")
    assert without_js.status_code == 200 and "<html" in without_js.text
    assert len(item_titles(without_js.text)) == 3
    assert without_js.text.count('name="version"') == 1 and f'id="edit-{item.id}-title"' in without_js.text
    assert f'name="next" value="/meetings/{meeting.id}"' in without_js.text

    # A "next" that is not this meeting's page falls back to the agenda page.
    elsewhere = await english.get(f"/agenda/{item.id}/edit?next=https://evil.example/", headers=HTMX)
    assert f'name="next" value="/meetings/{meeting.id}/agenda"' in elsewhere.text

    closed = await english.get(f"/agenda/{item.id}?next=/meetings/{meeting.id}", headers=HTMX)
    assert closed.status_code == 200
    assert closed.text.lstrip().startswith(f'<li id="item-{item.id}"')
    assert f'id="edit-{item.id}-title"' not in closed.text and "autofocus" in closed.text
    assert (await english.get(f"/agenda/{item.id}?next=/meetings/{meeting.id}")).status_code == 200
    assert (await english.get("/agenda/999999/edit", headers=HTMX)).status_code == 404


async def test_delegates_and_observers_cannot_open_an_item_edit_form(
    anonymous: Any, db: AsyncSession, council: dict
) -> None:
    client = anonymous
    item = await factories.item(db, council["meeting"], 1, title="Budget")
    delegate = await factories.account(db, Role.DELEGATE, org=council["ugtt"])
    observer = await factories.account(db, Role.OBSERVER)
    await db.commit()
    for person in (delegate, observer):
        open_session(client, person.email)
        for headers in (HTMX, {}):
            response = await client.get(f"/agenda/{item.id}/edit", headers=headers)
            assert response.status_code == 403, (person.role, headers)
            assert 'name="version"' not in response.text
            # The item itself reads as on the agenda: no form, no way to open one.
            response = await client.get(f"/agenda/{item.id}", headers=headers)
            assert response.status_code == 200 and "Budget" in response.text, (person.role, headers)
            assert 'name="version"' not in response.text and f"/agenda/{item.id}/edit" not in response.text
        page = (await client.get(f"/meetings/{council['meeting'].id}")).text
        assert f"/agenda/{item.id}/edit" not in page


async def test_item_edit_without_a_version_is_refused(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Budget")
    await db.commit()
    response = await english.post(f"/agenda/{item.id}/edit", data={"title": "Autre", "duration_minutes": "30"})
    assert response.status_code == 409
    assert [i.title for i in await items_of(db, council["meeting"].id)] == ["Budget"]


async def test_invalid_item_edit_keeps_what_was_typed(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Budget")
    await db.commit()
    response = await english.post(
        f"/agenda/{item.id}/edit",
        data={"title": "Budget révisé", "duration_minutes": "0", "version": str(item.version)},
        headers=HTMX,
    )
    assert response.status_code == 422
    edit_form = response.text.split('class="edit-item"')[1]
    assert 'value="Budget révisé"' in edit_form
    assert "Enter a duration between 1 and 600 minutes." in edit_form
    assert [i.title for i in await items_of(db, council["meeting"].id)] == ["Budget"]


async def test_secretariat_removes_an_item_and_the_others_close_up(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    items = await three_items(db, meeting)
    await factories.position(db, items[1], Side.WORKERS)
    await factories.outcome(db, items[1])
    await db.commit()
    response = await english.post(f"/agenda/{items[1].id}/delete", headers=HTMX)
    assert response.status_code == 200
    assert item_titles(response.text) == ["Ouverture", "Divers"]
    assert re.search(r">09:15</time>–<time[^>]*>09:45<", response.text)
    remaining = await items_of(db, meeting.id)
    assert [(i.title, i.rank) for i in remaining] == [("Ouverture", 1), ("Divers", 2)]
    assert await all_of(db, Position) == []
    assert await all_of(db, Outcome) == []


async def test_item_with_commitments_cannot_be_removed(english: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    items = await three_items(db, meeting)
    await factories.commitment(db, Side.GOVERNMENT, meeting_id=meeting.id, agenda_item_id=items[1].id)
    await db.commit()
    response = await english.post(f"/agenda/{items[1].id}/delete", headers=HTMX)
    assert response.status_code == 409
    assert "This item cannot be removed: 1 commitment was recorded from it." in response.text
    assert len(item_titles(response.text)) == 3
    assert len(await items_of(db, meeting.id)) == 3
    # Without JavaScript: the page with the explanation.
    response = await english.post(f"/agenda/{items[1].id}/delete")
    assert response.status_code == 409
    assert "<html" in response.text and "cannot be removed" in response.text


async def test_secretariat_reorders_agenda_items(english: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    items = await three_items(db, meeting)
    response = await english.post(f"/agenda/{items[2].id}/move", data={"direction": "up"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert item_titles(response.text) == ["Ouverture", "Divers", "Migration de main-d&#39;oeuvre"]
    assert re.search(r">09:15</time>–<time[^>]*>09:45<", response.text)
    assert [i.title for i in await items_of(db, meeting.id)] == ["Ouverture", "Divers", "Migration de main-d'oeuvre"]
    assert [i.rank for i in await items_of(db, meeting.id)] == [1, 2, 3]

    response = await english.post(f"/agenda/{items[0].id}/move", data={"direction": "down"}, headers=HTMX)
    assert item_titles(response.text) == ["Divers", "Ouverture", "Migration de main-d&#39;oeuvre"]
    # The first item cannot go higher.
    response = await english.post(f"/agenda/{items[2].id}/move", data={"direction": "up"}, headers=HTMX)
    assert response.status_code == 200
    assert item_titles(response.text) == ["Divers", "Ouverture", "Migration de main-d&#39;oeuvre"]
    # Without JavaScript: back to the agenda, at the item.
    response = await english.post(f"/agenda/{items[1].id}/move", data={"direction": "up"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{meeting.id}/agenda#item-{items[1].id}"
    assert [i.title for i in await items_of(db, meeting.id)] == ["Divers", "Migration de main-d'oeuvre", "Ouverture"]
    # Moving does not make an open edit form stale.
    assert [i.version for i in await items_of(db, meeting.id)] == [1, 1, 1]


async def test_moving_in_an_unknown_direction_is_refused(english: Any, db: AsyncSession, council: dict) -> None:
    items = await three_items(db, council["meeting"])
    response = await english.post(f"/agenda/{items[1].id}/move", data={"direction": "sideways"}, headers=HTMX)
    assert response.status_code == 422
    assert [i.title for i in await items_of(db, council["meeting"].id)][1] == "Migration de main-d'oeuvre"


async def test_items_with_equal_ranks_are_still_moved_one_place(english: Any, db: AsyncSession, council: dict) -> None:
    meeting = council["meeting"]
    a = await factories.item(db, meeting, 1, title="A")
    b = await factories.item(db, meeting, 1, title="B")
    await db.commit()
    response = await english.post(f"/agenda/{b.id}/move", data={"direction": "up"}, headers=HTMX)
    assert item_titles(response.text) == ["B", "A"]
    assert [(i.id, i.rank) for i in await items_of(db, meeting.id)] == [(b.id, 1), (a.id, 2)]


# Documents ---------------------------------------------------------------------------------


async def test_secretariat_links_and_unlinks_documents(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Budget")
    await db.commit()
    response = await english.post(
        f"/agenda/{item.id}/documents",
        data={"title": "Note de présentation", "url": "https://example.tn/note.pdf"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="item-{item.id}"')
    assert 'href="https://example.tn/note.pdf"' in response.text
    [document] = await all_of(db, AgendaDocument)
    assert (document.item_id, document.title) == (item.id, "Note de présentation")

    response = await english.post(f"/agenda/{item.id}/documents/{document.id}/delete", headers=HTMX)
    assert response.status_code == 200
    assert "note.pdf" not in response.text
    assert await all_of(db, AgendaDocument) == []


async def test_document_needs_a_web_address(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Budget")
    await db.commit()
    response = await english.post(
        f"/agenda/{item.id}/documents", data={"title": "Note", "url": "pas une adresse"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Enter a full web address starting with https://." in response.text
    assert 'value="pas une adresse"' in response.text
    assert await all_of(db, AgendaDocument) == []


async def test_document_of_another_item_is_not_found(english: Any, db: AsyncSession, council: dict) -> None:
    items = await three_items(db, council["meeting"])
    document = AgendaDocument(item_id=items[0].id, title="Note", url="https://example.tn/a.pdf")
    db.add(document)
    await db.commit()
    response = await english.post(f"/agenda/{items[1].id}/documents/{document.id}/delete", headers=HTMX)
    assert response.status_code == 404


# Positions ---------------------------------------------------------------------------------


async def test_positions_are_shown_side_by_side_in_three_columns(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await factories.position(db, item, Side.WORKERS, Stance.SUPPORT, statement="Hausse de 7 %")
    await factories.position(db, item, Side.EMPLOYERS, Stance.OPPOSE, statement="Trop tôt")
    await factories.position(db, item, Side.OBSERVERS, Stance.SUPPORT, statement="ne doit pas paraître")
    await db.commit()
    html = (await english.get(f"/meetings/{council['meeting'].id}/agenda")).text
    grid = html.split('<div class="positions">')[1].split('<div class="item-outcome"')[0]
    cells = re.findall(r'<div id="pos-\d+-(\w+)" class="position side-(\w+)">', grid)
    assert cells == [("government", "government"), ("workers", "workers"), ("employers", "employers")]
    assert "No position shared yet." in grid.split("side-workers")[0]  # government has none yet
    assert "Hausse de 7 %" in grid and "Trop tôt" in grid
    assert '<span class="badge oppose">Oppose</span>' in grid
    assert "ne doit pas paraître" not in html


async def test_delegate_records_and_edits_a_position_in_its_cell(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await db.commit()
    response = await english.post(
        f"/agenda/{item.id}/positions/workers",
        data={"stance": "conditional", "statement": "Si l'indexation est garantie"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div id="pos-{item.id}-workers"')
    assert "Conditional" in response.text and "Si l&#39;indexation est garantie" in response.text
    position = (await all_of(db, Position))[0]
    assert (position.side, position.stance) == (Side.WORKERS, Stance.CONDITIONAL)

    response = await english.post(
        f"/agenda/{item.id}/positions/workers",
        data={"stance": "support", "statement": "Accord", "version": str(position.version)},
        headers=HTMX,
    )
    assert response.status_code == 200
    [position] = await all_of(db, Position)
    assert (position.stance, position.statement, position.version) == (Stance.SUPPORT, "Accord", 2)


async def test_stale_position_edit_is_refused_in_its_cell(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    position = await factories.position(db, item, Side.EMPLOYERS, Stance.RESERVATION, statement="À étudier")
    await db.commit()
    read_at = position.version
    ok = await english.post(
        f"/agenda/{item.id}/positions/employers",
        data={"stance": "oppose", "statement": "Non", "version": str(read_at)},
        headers=HTMX,
    )
    assert ok.status_code == 200
    response = await english.post(
        f"/agenda/{item.id}/positions/employers",
        data={"stance": "support", "statement": "Oui", "version": str(read_at)},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert response.text.lstrip().startswith(f'<div id="pos-{item.id}-employers"')
    assert "Someone else changed this record" in response.text
    assert f'name="version" value="{read_at + 1}"' in response.text
    [position] = await all_of(db, Position)
    assert (position.stance, position.statement) == (Stance.OPPOSE, "Non")


async def test_position_recorded_meanwhile_by_someone_else_is_not_overwritten(
    english: Any, db: AsyncSession, council: dict
) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await factories.position(db, item, Side.GOVERNMENT, Stance.SUPPORT, statement="Premier")
    await db.commit()
    # The form was opened when there was no position: it carries no version.
    response = await english.post(
        f"/agenda/{item.id}/positions/government", data={"stance": "oppose", "statement": "Second"}, headers=HTMX
    )
    assert response.status_code == 409
    assert [p.statement for p in await all_of(db, Position)] == ["Premier"]


async def test_observers_hold_no_position_and_unknown_sides_do_not_exist(
    english: Any, db: AsyncSession, council: dict
) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await db.commit()
    response = await english.post(f"/agenda/{item.id}/positions/observers", data={"stance": "support"}, headers=HTMX)
    assert response.status_code == 422
    assert "Observers attend but hold no position on an item." in response.text
    response = await english.post(f"/agenda/{item.id}/positions/martians", data={"stance": "support"}, headers=HTMX)
    assert response.status_code == 404
    response = await english.post(f"/agenda/{item.id}/positions/workers", data={"stance": "maybe"}, headers=HTMX)
    assert response.status_code == 422
    assert "Choose one of the options." in response.text
    assert await all_of(db, Position) == []


# Outcomes ----------------------------------------------------------------------------------


async def test_secretariat_records_a_tripartite_agreement(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await db.commit()
    response = await english.post(
        f"/agenda/{item.id}/outcome",
        data={"kind": "tripartite_agreement", "text": "Hausse de 5 % au 1er mai"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="item-{item.id}"')
    assert '<span class="badge tripartite_agreement">Tripartite agreement</span>' in response.text
    assert "Hausse de 5 % au 1er mai" in response.text
    assert f"/commitments/new?item={item.id}&amp;from_outcome=1" in response.text
    outcome = (await all_of(db, Outcome))[0]
    assert (outcome.kind, outcome.sides, outcome.text) == (
        OutcomeKind.TRIPARTITE_AGREEMENT,
        "",
        "Hausse de 5 % au 1er mai",
    )


async def test_bilateral_agreement_needs_exactly_two_sides(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Convention collective")
    await db.commit()
    response = await english.post(
        f"/agenda/{item.id}/outcome",
        data={"kind": "bilateral_agreement", "sides": ["workers"], "text": "Accord"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "A bilateral agreement is between exactly two different sides: choose two." in response.text
    assert 'value="workers" checked' in response.text
    assert await all_of(db, Outcome) == []

    response = await english.post(
        f"/agenda/{item.id}/outcome",
        data={"kind": "bilateral_agreement", "sides": ["employers", "workers"], "text": "Accord"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Workers – Employers" in response.text
    outcome = (await all_of(db, Outcome))[0]
    assert outcome.sides == "workers,employers"


async def test_outcome_edits_are_version_checked_and_can_be_removed(
    english: Any, db: AsyncSession, council: dict
) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    outcome = await factories.outcome(db, item, OutcomeKind.DEFERRED, text="")
    await db.commit()
    read_at = outcome.version
    ok = await english.post(
        f"/agenda/{item.id}/outcome", data={"kind": "no_agreement", "text": "", "version": str(read_at)}, headers=HTMX
    )
    assert ok.status_code == 200
    stale = await english.post(
        f"/agenda/{item.id}/outcome", data={"kind": "for_information", "version": str(read_at)}, headers=HTMX
    )
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    assert [o.kind for o in await all_of(db, Outcome)] == [OutcomeKind.NO_AGREEMENT]

    removed = await english.post(f"/agenda/{item.id}/outcome/delete", headers=HTMX)
    assert removed.status_code == 200
    assert "No outcome recorded." in removed.text
    assert await all_of(db, Outcome) == []


async def test_outcome_with_commitments_cannot_be_removed(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await factories.outcome(db, item, text="Accord")
    await factories.commitment(db, agenda_item_id=item.id, from_outcome=True)
    await db.commit()
    response = await english.post(f"/agenda/{item.id}/outcome/delete", headers=HTMX)
    assert response.status_code == 409
    assert "This outcome cannot be removed: 1 commitment is part of it." in response.text
    assert len(await all_of(db, Outcome)) == 1


async def test_outcome_without_a_kind_is_refused(english: Any, db: AsyncSession, council: dict) -> None:
    item = await factories.item(db, council["meeting"], 1, title="Salaire minimum")
    await db.commit()
    response = await english.post(f"/agenda/{item.id}/outcome", data={"kind": "", "text": "x"}, headers=HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.text
    response = await english.post(f"/agenda/{item.id}/outcome", data={"kind": "tripartite_agreement"}, headers=HTMX)
    assert response.status_code == 422
    assert "Write down what was agreed." in response.text


async def test_forms_work_without_javascript_with_the_token_in_the_page(
    english: Any, db: AsyncSession, council: dict
) -> None:
    meeting = council["meeting"]
    page = (await english.get(f"/meetings/{meeting.id}/agenda")).text
    add_form = page.split('class="agenda-add card"')[1]
    token = re.search(r'<input type="hidden" name="_csrf_token" value="([^"]+)"', add_form)
    assert token, "each form carries the CSRF token as a real hidden field"
    english.headers.pop("x-csrftoken", None)
    response = await english.post(
        f"/meetings/{meeting.id}/agenda",
        data={"_csrf_token": token.group(1), "title": "Sans JavaScript", "duration_minutes": "20"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert [i.title for i in await items_of(db, meeting.id)] == ["Sans JavaScript"]
