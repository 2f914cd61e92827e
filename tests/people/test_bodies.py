"""Bodies: the plenary and committees, their members by side, their quorum rule, their meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from dialogue.bodies import service
from dialogue.bodies.models import Body, Membership, MembershipKind, QuorumRule
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from dialogue.people.service import set_person_archived
from tests import factories as f

HTMX = {"HX-Request": "true"}


async def test_bodies_list_counts_members_and_meetings(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.meeting(db, world["plenary"])
    archived = await f.body(db, name="Commission dissoute")
    await service.set_body_archived(db, archived, True)
    await db.commit()

    response = await english.get("/bodies")

    assert response.status_code == 200
    assert "Conseil national du dialogue social - plénière" in response.text
    assert '<td data-label="Titular members">3</td>' in response.text
    assert '<td data-label="Alternates">3</td>' in response.text
    assert "Commission dissoute" not in response.text
    assert "Commission dissoute" in (await english.get("/bodies", params={"archived": "1"})).text
    searched = await english.get("/bodies", params={"q": "PLÉNIÈRE"}, headers=HTMX)
    assert "<html" not in searched.text


async def test_secretariat_creates_a_body_with_a_quorum_rule(english: Any, db: Any) -> None:
    assert (await english.get("/bodies/new")).status_code == 200

    response = await english.post(
        "/bodies",
        data={
            "name": "Commission migration de main-d'oeuvre",
            "short_name": "Migration",
            "kind": "committee",
            "quorum_rule": "min_per_side",
            "quorum_min_per_side": "2",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    body = await db.scalar(select(Body))
    assert body.quorum_rule == QuorumRule.MIN_PER_SIDE and body.quorum_min_per_side == 2
    page = await english.get(f"/bodies/{body.id}")
    assert "At least 2 members present for each side" in page.text


async def test_body_form_refuses_bad_values(english: Any, db: Any) -> None:
    await f.body(db, name="Plénière")
    await db.commit()

    duplicate = await english.post("/bodies", data={"name": "Plénière", "kind": "plenary"})
    assert duplicate.status_code == 422
    assert "Another body already has this name." in duplicate.text

    bad = await english.post(
        "/bodies", data={"name": "", "kind": "synod", "quorum_rule": "min_per_side", "quorum_min_per_side": "0"}
    )
    assert bad.status_code == 422
    assert "This field is required." in bad.text
    assert "Choose one of the options." in bad.text
    assert "Enter a number of at least 1." in bad.text

    missing = await english.post("/bodies", data={"name": "Groupe", "quorum_rule": "min_per_side"})
    assert missing.status_code == 422
    assert "Give the minimum number of members present for each side." in missing.text
    assert await db.scalar(select(func.count(Body.id))) == 1


async def test_body_page_groups_members_by_side_and_lists_meetings(english: Any, db: Any) -> None:
    world = await f.table(db)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    past = await f.meeting(
        db, world["plenary"], title="Session passée", starts_at=f.tunis(2024, 5, 2), status=MeetingStatus.HELD
    )
    future = await f.meeting(db, world["plenary"], title="Session à venir", starts_at=soon)
    await db.commit()

    response = await english.get(f"/bodies/{world['plenary'].id}")

    assert response.status_code == 200
    text = response.text
    workers = text[text.index('class="card side-workers"') : text.index('class="card side-employers"')]
    assert "UGTT délégué 1" in workers and "UGTT délégué 2" in workers and "MAS délégué 1" not in workers
    order = [workers.index(s) for s in ("Titular", "UGTT délégué 1", "Alternates", "UGTT délégué 2")]
    assert order == sorted(order)
    assert "Observers never count for quorum." in text
    assert f'href="/meetings/{past.id}"' in text and f'href="/meetings/{future.id}"' in text
    upcoming = text[text.index(">Upcoming<") : text.index(">Recent<")]
    assert "Session à venir" in upcoming and "Session passée" not in upcoming
    # OIT people are not members yet: they are proposed.
    assert f'<option value="{world["ilo1"].id}"' in text
    assert f'<option value="{world["ugtt1"].id}"' not in text


async def test_adding_a_member_with_htmx_answers_the_members_section(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()
    plenary, observer = world["plenary"], world["ilo1"]

    response = await english.post(
        f"/bodies/{plenary.id}/members", data={"person_id": str(observer.id), "kind": "alternate"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "<html" not in response.text and 'id="members"' in response.text
    observers = response.text[response.text.index('class="card side-observers"') :]
    assert "OIT délégué 1" in observers
    membership = await db.scalar(select(Membership).where(Membership.person_id == observer.id))
    assert membership.kind == MembershipKind.ALTERNATE


async def test_adding_a_member_without_htmx_goes_back_to_the_body(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()

    response = await english.post(
        f"/bodies/{world['plenary'].id}/members", data={"person_id": str(world["ilo2"].id)}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/bodies/{world['plenary'].id}#members"


async def test_adding_a_member_twice_or_an_unknown_person_is_refused(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()
    url = f"/bodies/{world['plenary'].id}/members"

    twice = await english.post(url, data={"person_id": str(world["ugtt1"].id)}, headers=HTMX)
    assert twice.status_code == 422
    assert "This person is already a member of this body." in twice.text and "<html" not in twice.text

    unknown = await english.post(url, data={"person_id": "9999"}, headers=HTMX)
    assert unknown.status_code == 422 and "This person does not exist." in unknown.text

    empty = await english.post(url, data={"person_id": ""})
    assert empty.status_code == 422 and "This field is required." in empty.text and "<html" in empty.text

    bad_kind = await english.post(url, data={"person_id": str(world["ilo1"].id), "kind": "chair"}, headers=HTMX)
    assert bad_kind.status_code == 422 and "Choose one of the options." in bad_kind.text
    assert await db.scalar(select(func.count(Membership.id))) == 6


async def test_archived_people_are_not_proposed_as_members(english: Any, db: Any) -> None:
    world = await f.table(db)
    await set_person_archived(db, world["ilo1"], True)
    await db.commit()

    page = await english.get(f"/bodies/{world['plenary'].id}")
    assert f'<option value="{world["ilo1"].id}"' not in page.text
    assert f'<option value="{world["ilo2"].id}"' in page.text

    response = await english.post(
        f"/bodies/{world['plenary'].id}/members", data={"person_id": str(world["ilo1"].id)}, headers=HTMX
    )
    assert response.status_code == 422 and "This person is archived" in response.text


async def test_changing_a_members_kind_and_removing_them_with_htmx(english: Any, db: Any) -> None:
    world = await f.table(db)
    await db.commit()
    plenary = world["plenary"]
    membership = await db.scalar(select(Membership).where(Membership.person_id == world["utica1"].id))
    utica1_id, plenary_id = world["utica1"].id, plenary.id

    changed = await english.post(
        f"/bodies/{plenary.id}/members/{membership.id}/kind", data={"kind": "alternate"}, headers=HTMX
    )
    assert changed.status_code == 200 and "<html" not in changed.text
    await db.refresh(membership)
    assert membership.kind == MembershipKind.ALTERNATE

    refused = await english.post(
        f"/bodies/{plenary.id}/members/{membership.id}/kind", data={"kind": "boss"}, headers=HTMX
    )
    assert refused.status_code == 422

    removed = await english.post(f"/bodies/{plenary.id}/members/{membership.id}/remove", headers=HTMX)
    assert removed.status_code == 200 and "<html" not in removed.text
    employers = removed.text[
        removed.text.index('class="card side-employers"') : removed.text.index('class="card side-observers"')
    ]
    assert "UTICA délégué 1" not in employers and "UTICA délégué 2" in employers
    db.expire_all()
    assert await db.scalar(select(func.count(Membership.id)).where(Membership.person_id == utica1_id)) == 0

    other = await f.body(db)
    foreign = await f.member(db, other, await f.person(db))
    foreign_id = foreign.id
    await db.commit()
    wrong_body = await english.post(f"/bodies/{plenary_id}/members/{foreign_id}/remove", headers=HTMX)
    assert wrong_body.status_code == 404
    assert await db.scalar(select(func.count(Membership.id)).where(Membership.id == foreign_id)) == 1


async def test_secretariat_edits_a_body_and_a_stale_edit_is_refused(english: Any, db: Any) -> None:
    body = await f.body(db, name="Plénière")
    await db.commit()
    assert 'name="version" value="1"' in (await english.get(f"/bodies/{body.id}/edit")).text

    saved = await english.post(
        f"/bodies/{body.id}/edit",
        data={"name": "Plénière du CNDS", "kind": "plenary", "quorum_rule": "each_side", "version": "1"},
        follow_redirects=False,
    )
    assert saved.status_code == 303

    stale = await english.post(
        f"/bodies/{body.id}/edit",
        data={"name": "Autre nom", "kind": "plenary", "quorum_rule": "each_side", "version": "1"},
    )
    assert stale.status_code == 409
    assert 'value="Plénière du CNDS"' in stale.text and 'name="version" value="2"' in stale.text
    await db.refresh(body)
    assert body.name == "Plénière du CNDS" and body.version == 2


async def test_a_body_that_met_is_archived_not_deleted(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.meeting(db, world["plenary"])
    await db.commit()
    plenary_id = world["plenary"].id

    refused = await english.post(f"/bodies/{plenary_id}/delete")
    assert refused.status_code == 409
    assert "This body cannot be deleted: it has 1 meeting." in refused.text
    assert f'action="/bodies/{plenary_id}/archive"' in refused.text

    archived = await english.post(f"/bodies/{plenary_id}/archive", follow_redirects=False)
    assert archived.status_code == 303
    assert plenary_id not in [b.id for b in await service.active_bodies(db)]
    await english.post(f"/bodies/{plenary_id}/unarchive")
    db.expire_all()
    assert plenary_id in [b.id for b in await service.active_bodies(db)]


async def test_a_body_that_never_met_is_deleted_with_its_memberships(english: Any, db: Any) -> None:
    body = await f.body(db)
    await f.member(db, body, await f.person(db))
    body_id = body.id
    await db.commit()

    response = await english.post(f"/bodies/{body_id}/delete", follow_redirects=False)

    assert response.status_code == 303
    db.expire_all()
    assert await db.get(Body, body_id) is None
    assert await db.scalar(select(func.count(Membership.id))) == 0


async def test_unknown_body_is_a_404(english: Any) -> None:
    assert (await english.get("/bodies/12345")).status_code == 404
    assert (await english.post("/bodies/12345/members", data={"person_id": "1"})).status_code == 404


async def test_body_members_leaves_archived_people_out_unless_asked(db: Any) -> None:
    world = await f.table(db)
    await set_person_archived(db, world["mas2"], True)

    members = await service.body_members(db, world["plenary"].id)

    names = [m.person.full_name for m in members]
    assert "MAS délégué 2" not in names and len(names) == 5
    assert members[0].person.organisation.side in Side  # loaded with the membership
    assert len(await service.body_members(db, world["plenary"].id, include_archived=True)) == 6


async def test_members_by_side_separates_titulars_and_alternates(db: Any) -> None:
    world = await f.table(db)
    groups = service.members_by_side(await service.body_members(db, world["plenary"].id))

    assert [g.side for g in groups] == list(Side)
    government = groups[0]
    assert [m.person.full_name for m in government.titulars] == ["MAS délégué 1"]
    assert [m.person.full_name for m in government.alternates] == ["MAS délégué 2"]
    assert groups[3].count == 0 and not groups[3].counts_for_quorum


def test_quorum_rule_reads_as_a_sentence() -> None:
    assert service.quorum_text(Body(quorum_rule=QuorumRule.EACH_SIDE, quorum_min_per_side=1)).startswith("Each side")
    assert service.quorum_text(Body(quorum_rule=QuorumRule.MIN_PER_SIDE, quorum_min_per_side=3)) == (
        "At least 3 members present for each side"
    )
