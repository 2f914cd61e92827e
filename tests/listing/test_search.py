"""Searching every list without minding accents, case, Arabic tashkeel or letter variants,
and finding records by the names of related records (on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from dialogue.accounts.models import Role
from dialogue.mail.outbox import enqueue
from dialogue.people.models import Side
from dialogue.search import fold
from tests import factories as f
from tests.meetings.helpers import text


def shown(page: str, *titles: str) -> set[str]:
    return {title for title in titles if title in page}


# The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Clôture", "cloture"),
        ("CLÔTURE  des   travaux", "cloture des travaux"),
        ("Société Générale", "societe generale"),
        ("إِعْدَادُ", "اعداد"),  # tashkeel dropped, hamza-alef unified
        ("آخر أجل إلى", "اخر اجل الي"),  # alef madda, alef hamza, alef maqsura
        ("الاتفاقية", "الاتفاقيه"),  # ta marbuta
        ("ٱلعمل", "العمل"),  # alef wasla
        ("العـــمل", "العمل"),  # tatweel
        ("مُوَظَّفٰ", "موظف"),  # shadda and superscript alef
    ],
)
def test_fold_forgets_accents_case_and_arabic_variants(typed: str, folded: str) -> None:
    assert fold(typed) == folded


# Commitments ---------------------------------------------------------------------------------


async def test_commitments_found_without_accents_or_case(english: Any, db: Any) -> None:
    await f.commitment(db, title="Clôture des travaux du comité")
    await f.commitment(db, title="CLÔTURE DU BUDGET")
    await f.commitment(db, title="Ouverture de la session")
    await db.commit()
    for q in ("cloture", "CLOTURE", "clôture", "Clôture"):
        page = text(await english.get("/commitments", params={"q": q}))
        assert shown(page, "Clôture des travaux du comité", "CLÔTURE DU BUDGET", "Ouverture de la session") == {
            "Clôture des travaux du comité",
            "CLÔTURE DU BUDGET",
        }, q


async def test_commitments_found_in_arabic_with_or_without_tashkeel_and_alef_variants(english: Any, db: Any) -> None:
    await f.commitment(db, title="إعداد التقرير السنوي حول الاتفاقية")
    await f.commitment(db, title="مُتَابَعَةُ الأَجُورِ")
    await f.commitment(db, title="Sans rapport")
    await db.commit()
    for q in ("اعداد التقرير", "إِعْدَادُ", "الاتفاقيه", "الإتفاقية"):
        page = text(await english.get("/commitments", params={"q": q}))
        assert shown(page, "إعداد التقرير السنوي حول الاتفاقية", "Sans rapport") == {
            "إعداد التقرير السنوي حول الاتفاقية"
        }, q
    for q in ("متابعة الاجور", "مُتَابَعَةُ", "الأجور"):
        page = text(await english.get("/commitments", params={"q": q}))
        assert "مُتَابَعَةُ الأَجُورِ" in page, q
        assert "Sans rapport" not in page


async def test_commitment_found_by_its_responsible_person_organisation_side_and_meeting(english: Any, db: Any) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"], title="Séance de clôture AMEM")
    rahma = await f.person(db, world["ugtt"], full_name="Raḥma Bel Hédi")
    await f.commitment(
        db, Side.WORKERS, title="Transmettre la note", responsible_id=rahma.id, organisation_id=world["ugtt"].id
    )
    await f.commitment(db, Side.GOVERNMENT, title="Publier le décret", meeting_id=meeting.id)
    await f.commitment(db, Side.EMPLOYERS, title="Sans rapport")
    await db.commit()
    for q in ("rahma bel hedi", "HEDI", "ugtt", "générale tunisienne", "travailleurs", "workers"):
        page = text(await english.get("/commitments", params={"q": q}))
        assert shown(page, "Transmettre la note", "Publier le décret", "Sans rapport") == {"Transmettre la note"}, q
    page = text(await english.get("/commitments", params={"q": "seance de cloture"}))
    assert shown(page, "Transmettre la note", "Publier le décret", "Sans rapport") == {"Publier le décret"}


async def test_percent_and_underscore_are_taken_literally(english: Any, db: Any) -> None:
    await f.commitment(db, title="Atteindre 100% de couverture")
    await f.commitment(db, title="Atteindre 1000 adhérents")
    await f.commitment(db, title="Code a_b du formulaire")
    await f.commitment(db, title="Code axb du formulaire")
    await db.commit()
    page = text(await english.get("/commitments", params={"q": "100%"}))
    assert shown(page, "Atteindre 100% de couverture", "Atteindre 1000 adhérents") == {"Atteindre 100% de couverture"}
    page = text(await english.get("/commitments", params={"q": "a_b"}))
    assert shown(page, "Code a_b du formulaire", "Code axb du formulaire") == {"Code a_b du formulaire"}


async def test_search_follows_a_renamed_person(english: Any, db: Any) -> None:
    world = await f.table(db)
    person = world["ugtt1"]
    meeting = await f.meeting(db, world["plenary"], title="Commission des salaires")
    await f.invite(db, meeting, person)
    await f.commitment(db, Side.WORKERS, title="Chiffrer la revalorisation", responsible_id=person.id)
    await db.commit()
    assert "Chiffrer la revalorisation" not in text(await english.get("/commitments", params={"q": "Zeineb"}))
    edit = await english.get(f"/people/{person.id}/edit")
    assert edit.status_code == 200
    response = await english.post(
        f"/people/{person.id}/edit",
        data={
            "full_name": "Zeineb Ben Aïssa",
            "organisation_id": str(world["ugtt"].id),
            "title": "",
            "email": person.email,
            "phone": "",
            "language": "fr",
            "version": str(person.version),
        },
        follow_redirects=False,
    )
    assert response.status_code in (303, 204), response.text
    assert "Chiffrer la revalorisation" in text(await english.get("/commitments", params={"q": "zeineb aissa"}))
    assert "Commission des salaires" in text(await english.get("/meetings", params={"q": "Zeineb"}))
    assert "Zeineb Ben Aïssa" in text(await english.get("/people", params={"q": "aissa"}))
    # the old name no longer finds them
    assert "Chiffrer la revalorisation" not in text(await english.get("/commitments", params={"q": "UGTT délégué 1"}))


# Meetings and the other lists --------------------------------------------------------------


async def test_meeting_found_by_participant_body_and_venue_without_accents(english: Any, db: Any) -> None:
    world = await f.table(db)
    body = await f.body(db, name="Comité de pilotage", short_name="COPIL")
    amem = await f.meeting(db, body, title="Atelier de clôture AMEM", venue="Hôtel Sheraton, Tunis")
    other = await f.meeting(db, world["plenary"], title="Session ordinaire")
    await f.invite(db, amem, await f.person(db, world["ilo"], full_name="Héla Mékki"))
    await f.invite(db, other, world["mas1"])
    await db.commit()
    for q in ("hela mekki", "MEKKI", "copil", "comite de pilotage", "hotel sheraton", "atelier cloture"):
        page = text(await english.get("/meetings", params={"q": q}))
        assert shown(page, "Atelier de clôture AMEM", "Session ordinaire") == {"Atelier de clôture AMEM"}, q
    page = text(await english.get("/meetings", params={"q": "MAS délégué"}))
    assert shown(page, "Atelier de clôture AMEM", "Session ordinaire") == {"Session ordinaire"}


async def test_people_organisations_and_bodies_found_without_accents(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.person(db, world["utica"], full_name="Inès Khélifi", title="Chargée d'études")
    await f.body(db, name="Commission élargie", short_name="CÉ")
    await db.commit()
    page = text(await english.get("/people", params={"q": "ines khelifi"}))
    assert "Inès Khélifi" in page and "UGTT délégué 1" not in page
    page = text(await english.get("/people", params={"q": "chargee"}))
    assert "Inès Khélifi" in page
    page = text(await english.get("/people", params={"q": "generale tunisienne"}))  # by organisation
    assert "UGTT délégué 1" in page and "Inès Khélifi" not in page
    page = text(await english.get("/organisations", params={"q": "MINISTERE des affaires"}))
    assert "Ministère des Affaires Sociales" in page and "Union Générale" not in page
    page = text(await english.get("/bodies", params={"q": "elargie"}))
    assert "Commission élargie" in page and "plénière" not in page


async def test_outbox_accounts_and_audit_found_without_accents(english: Any, db: Any) -> None:
    world = await f.table(db)
    enqueue(db, to_address="helene@example.tn", to_name="Hélène Ésprit", subject="Réunion de clôture", text_body="…")
    enqueue(db, to_address="autre@example.tn", to_name="Autre", subject="Sans rapport", text_body="…")
    await f.account(db, Role.DELEGATE, world["ugtt"], email="delegue@example.tn", person_id=world["ugtt1"].id)
    await db.commit()
    page = text(await english.get("/outbox", params={"q": "helene cloture"}))
    assert "Réunion de clôture" in page and "Sans rapport" not in page
    page = text(await english.get("/accounts", params={"q": "ugtt delegue 1"}))  # by the person's name
    assert "delegue@example.tn" in page and "1 result<" in page
    page = text(await english.get("/audit", params={"q": "delegue 1"}))
    assert "UGTT délégué 1" in page and "Ministère des Affaires Sociales" not in page


@pytest.mark.parametrize(
    "table", ["meeting", "commitment", "person", "organisation", "body", "outbox_message", "audit_event"]
)
async def test_searches_can_use_an_index(db: Any, table: str) -> None:
    """A LIKE '%word%' can use the trigram index on PostgreSQL (the planner takes it once the
    table is large; here sequential scans are switched off to ask whether it could)."""
    from sqlalchemy import inspect as schema
    from sqlalchemy import text as sql

    connection = await db.connection()
    indexes = await connection.run_sync(lambda sync: schema(sync).get_indexes(table))
    assert any(index["column_names"] == ["search_text"] for index in indexes)
    if connection.dialect.name != "postgresql":
        return
    await db.execute(sql("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        (await db.execute(sql(f"EXPLAIN SELECT id FROM {table} WHERE search_text LIKE '%cloture%'"))).scalars()
    )
    assert f"ix_{table}_search_text" in plan, plan
