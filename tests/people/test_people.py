"""People: the secretariat keeps the table's people, finds them, and never loses the record."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from dialogue.meetings.models import InvitationRole
from dialogue.people import organisations, service
from dialogue.people.models import Language, Person, Side
from tests import factories as f

HTMX = {"HX-Request": "true"}


async def test_people_list_shows_organisation_and_side_and_filters(english: Any, db: Any) -> None:
    world = await f.table(db)
    world["ugtt1"].title = "Secrétaire général adjoint"
    await db.commit()

    everyone = await english.get("/people")
    assert everyone.status_code == 200
    assert "MAS délégué 1" in everyone.text and "OIT délégué 2" in everyone.text
    assert 'class="side-tag side-workers">Workers<' in everyone.text

    workers = await english.get("/people", params={"side": "workers"})
    assert "UGTT délégué 1" in workers.text and "MAS délégué 1" not in workers.text

    of_utica = await english.get("/people", params={"organisation": str(world["utica"].id)})
    assert "UTICA délégué 2" in of_utica.text and "UGTT délégué 1" not in of_utica.text

    by_title = await english.get("/people", params={"q": "secrétaire"})
    assert "UGTT délégué 1" in by_title.text and "UGTT délégué 2" not in by_title.text

    by_email = await english.get("/people", params={"q": world["mas2"].email.upper()})
    assert "MAS délégué 2" in by_email.text and "MAS délégué 1" not in by_email.text

    fragment = await english.get("/people", params={"side": "observers"}, headers=HTMX)
    assert "<html" not in fragment.text and "OIT délégué 1" in fragment.text

    lenient = await english.get("/people", params={"organisation": "x", "side": "?", "offset": "-4"})
    assert lenient.status_code == 200 and "MAS délégué 1" in lenient.text


async def test_archived_people_are_listed_only_when_asked(english: Any, db: Any) -> None:
    person = await f.person(db, full_name="Ancien délégué")
    await service.set_person_archived(db, person, True)
    await db.commit()

    assert "Ancien délégué" not in (await english.get("/people")).text
    assert "Ancien délégué" in (await english.get("/people", params={"archived": "1"})).text


async def test_people_list_is_paginated(english: Any, db: Any) -> None:
    org = await f.organisation(db)
    for i in range(30):
        await f.person(db, org, full_name=f"Délégué {i:02d}")
    await db.commit()

    first = await english.get("/people")
    assert "Délégué 24" in first.text and "Délégué 25" not in first.text
    assert "1–25 of 30" in first.text
    second = await english.get("/people", params={"offset": "25"})
    assert "Délégué 25" in second.text and "Délégué 24" not in second.text


async def test_secretariat_adds_a_person_with_a_lowercased_email(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, acronym="UGTT")
    await db.commit()
    form = await english.get("/people/new", params={"organisation": str(org.id)})
    assert form.status_code == 200
    assert f'<option value="{org.id}" selected>' in form.text

    response = await english.post(
        "/people",
        data={
            "full_name": "Sami Tahri",
            "organisation_id": str(org.id),
            "title": "Secrétaire général adjoint",
            "email": "  S.Tahri@UGTT.org.tn ",
            "phone": "+216 71 000 000",
            "language": "ar",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    person = await db.scalar(select(Person).where(Person.full_name == "Sami Tahri"))
    assert person.email == "s.tahri@ugtt.org.tn"
    assert person.language == Language.AR
    assert response.headers["location"] == f"/people/{person.id}"


async def test_person_form_refuses_bad_values_and_keeps_what_was_typed(english: Any, db: Any) -> None:
    response = await english.post(
        "/people",
        data={
            "full_name": "",
            "organisation_id": "999",
            "email": "not-an-email",
            "phone": "call me",
            "title": "x" * 201,
        },
    )

    assert response.status_code == 422
    assert "This field is required." in response.text
    assert "This organisation does not exist." in response.text
    assert "Enter a valid email address." in response.text
    assert "Enter a phone number" in response.text
    assert "At most 200 characters." in response.text
    assert 'value="not-an-email"' in response.text
    assert await db.scalar(select(func.count(Person.id))) == 0


async def test_person_form_refuses_a_non_numeric_organisation(english: Any) -> None:
    response = await english.post("/people", data={"full_name": "A", "organisation_id": "ugtt"})
    assert response.status_code == 422
    assert "Enter a whole number." in response.text


async def test_duplicate_email_is_refused_whatever_its_case(english: Any, db: Any) -> None:
    org = await f.organisation(db)
    await f.person(db, org, email="hela@ugtt.org.tn")
    await db.commit()

    response = await english.post(
        "/people", data={"full_name": "Autre", "organisation_id": str(org.id), "email": "Hela@UGTT.org.tn"}
    )

    assert response.status_code == 422
    assert "Another person already has this email address." in response.text
    assert await db.scalar(select(func.count(Person.id))) == 1


async def test_a_person_cannot_join_an_archived_organisation(english: Any, db: Any) -> None:
    org = await f.organisation(db)
    await organisations.set_organisation_archived(db, org, True)
    await db.commit()

    response = await english.post("/people", data={"full_name": "Nouveau", "organisation_id": str(org.id)})

    assert response.status_code == 422
    assert "This organisation is archived" in response.text


async def test_person_page_shows_bodies_and_meetings_most_recent_first(english: Any, db: Any) -> None:
    world = await f.table(db)
    older = await f.meeting(db, world["plenary"], title="Session de mars", starts_at=f.tunis(2025, 3, 4))
    newer = await f.meeting(db, world["plenary"], title="Session de juillet", starts_at=f.tunis(2025, 7, 14))
    await f.invite(db, older, world["ugtt1"])
    await f.invite(db, newer, world["ugtt2"], InvitationRole.ALTERNATE, on_behalf_of_id=world["ugtt1"].id)
    await f.invite(db, newer, world["ugtt1"], InvitationRole.ADVISER)
    await db.commit()

    response = await english.get(f"/people/{world['ugtt1'].id}")

    assert response.status_code == 200
    text = response.text
    assert "Conseil national du dialogue social - plénière" in text and "Titular" in text
    assert f'href="/meetings/{newer.id}"' in text and f'href="/meetings/{older.id}"' in text
    assert text.index("Session de juillet") < text.index("Session de mars")
    assert "Adviser" in text
    assert '<dl class="facts">' in text

    alternate = await english.get(f"/people/{world['ugtt2'].id}")
    assert "on behalf of" in alternate.text and "UGTT délégué 1" in alternate.text


async def test_unknown_person_is_a_404(english: Any) -> None:
    assert (await english.get("/people/404")).status_code == 404
    assert (await english.post("/people/404/delete")).status_code == 404
    assert (await english.get("/people/not-a-number")).status_code in (400, 404)


async def test_secretariat_edits_a_person(english: Any, db: Any) -> None:
    world = await f.table(db)
    person = world["mas1"]
    await db.commit()
    form = await english.get(f"/people/{person.id}/edit")
    assert form.status_code == 200 and 'name="version" value="1"' in form.text

    response = await english.post(
        f"/people/{person.id}/edit",
        data={
            "full_name": "Malek Zahi",
            "organisation_id": str(world["mas"].id),
            "email": "",
            "language": "fr",
            "version": "1",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    await db.refresh(person)
    assert person.full_name == "Malek Zahi" and person.email is None and person.version == 2


async def test_stale_person_edit_is_refused_with_the_current_values(english: Any, db: Any) -> None:
    world = await f.table(db)
    person = world["mas1"]
    await db.commit()
    await service.update_person(db, person, dataclasses.replace(service.PersonDraft.of(person), title="Ministre"), 1)
    await db.commit()

    response = await english.post(
        f"/people/{person.id}/edit",
        data={"full_name": "Mon nom", "organisation_id": str(world["mas"].id), "title": "Chef", "version": "1"},
    )

    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert 'value="Ministre"' in response.text and 'name="version" value="2"' in response.text
    await db.refresh(person)
    assert person.full_name == "MAS délégué 1" and person.title == "Ministre" and person.version == 2


async def test_edit_without_version_is_refused(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()

    response = await english.post(
        f"/people/{world['mas1'].id}/edit", data={"full_name": "X", "organisation_id": str(world["mas"].id)}
    )

    assert response.status_code == 409


async def test_deleting_a_person_who_attended_is_refused_and_archive_is_offered(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["ugtt1"])
    await db.commit()

    response = await english.post(f"/people/{world['ugtt1'].id}/delete")

    assert response.status_code == 409
    assert "This person cannot be deleted: invited to 1 meeting, member of 1 body" in response.text
    assert f'action="/people/{world["ugtt1"].id}/archive"' in response.text
    assert await db.get(Person, world["ugtt1"].id) is not None


async def test_every_reference_to_a_person_blocks_deletion(db: Any) -> None:
    world = await f.table(db)
    lone = await f.person(db, world["ugtt"])
    meeting = await f.meeting(db, world["plenary"])
    await f.invite(db, meeting, world["ugtt2"], on_behalf_of_id=lone.id)
    item = await f.item(db, meeting, presenter_id=lone.id)
    await f.commitment(db, responsible_id=lone.id, agenda_item_id=item.id)

    refs = await service.person_references(db, lone.id)

    assert refs == {"invitations": 0, "on_behalf_of": 1, "memberships": 0, "presented_items": 1, "commitments": 1}
    with pytest.raises(service.Refused) as refused:
        await service.delete_person(db, lone)
    assert "represented by someone else at 1 meeting" in refused.value.message
    assert "presenter of 1 agenda item" in refused.value.message
    assert "responsible for 1 commitment" in refused.value.message


async def test_deleting_a_person_the_record_never_mentions(english: Any, db: Any) -> None:
    person_id = (await f.person(db)).id
    await db.commit()

    response = await english.post(f"/people/{person_id}/delete", follow_redirects=False)

    assert response.status_code == 303
    db.expire_all()
    assert await db.get(Person, person_id) is None


async def test_archived_people_are_not_proposed_in_pickers(english: Any, db: Any) -> None:
    world = await f.table(db)
    ids = [world["ugtt1"].id, world["ugtt2"].id]
    await db.commit()

    response = await english.post(f"/people/{ids[0]}/archive", follow_redirects=False)
    assert response.status_code == 303

    assert [p.id for p in await service.active_people(db, ids)] == [ids[1]]
    page = await english.get(f"/people/{ids[0]}")
    assert "Archived" in page.text and "Bring back" in page.text

    await english.post(f"/people/{ids[0]}/unarchive")
    db.expire_all()
    assert sorted(p.id for p in await service.active_people(db, ids)) == sorted(ids)


async def test_active_people_are_ordered_by_name_with_their_organisation(db: Any) -> None:
    org = await f.organisation(db, acronym="UTICA")
    archived_org = await f.organisation(db)
    await f.person(db, org, full_name="Zied")
    await f.person(db, org, full_name="Amel")
    await f.person(db, archived_org, full_name="Béchir")
    archived_org.archived_at = dt.datetime.now(dt.UTC)
    await db.commit()

    people = await service.active_people(db)

    assert [p.full_name for p in people] == ["Amel", "Zied"]
    assert people[0].organisation.acronym == "UTICA"  # loaded, no lazy load
    assert await service.active_people(db, []) == []


def test_observers_never_count_for_quorum() -> None:
    assert [side for side in Side if service.counts_for_quorum(side)] == [Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS]
