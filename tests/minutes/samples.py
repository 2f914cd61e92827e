"""Minutes documents for the export tests and the benchmark: French, with Arabic names and
statements, as a Tunisian council's record would be."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from dialogue.minutes.document import (
    AddendumLine,
    AttendeeLine,
    CommitmentLine,
    DecisionLine,
    ItemLine,
    MinutesDocument,
    PositionLine,
    QuorumLine,
)

TUNIS = ZoneInfo("Africa/Tunis")
ARABIC_STATEMENT = "يطالب الاتحاد العام التونسي للشغل بالزيادة في الأجور"
ARABIC_NAME = "سامي الطاهري"
PARTY_SIDES = ("government", "workers", "employers")
ORGANISATIONS = {
    "government": "Ministère des Affaires sociales",
    "workers": "UGTT",
    "employers": "UTICA",
    "observers": "OIT",
}


def commitment(number: int, side: str = "workers", **fields: object) -> CommitmentLine:
    values: dict[str, object] = {
        "id": number,
        "title": f"Engagement n°{number} : étude réalisée | partagée",
        "side": side,
        "organisation": ORGANISATIONS[side],
        "responsible": "Leïla Ben Salah",
        "due_on": dt.date(2024, 9, 30),
        "status": "open",
    }
    values.update(fields)
    return CommitmentLine(**values)  # type: ignore[arg-type]


def attendees(count: int) -> tuple[AttendeeLine, ...]:
    sides = ("government", "workers", "employers", "observers")
    people = []
    for number in range(count):
        side = sides[number % 4]
        name = ARABIC_NAME if number == 1 else f"Délégué·e {number} Hélène"
        attendance = ("present", "present", "excused", "absent")[number % 4 if number % 7 else 0]
        people.append(
            AttendeeLine(
                name=name,
                organisation=ORGANISATIONS[side],
                side=side,
                role="chair" if number == 0 else ("observer" if side == "observers" else "titular"),
                attendance=attendance,
                on_behalf_of="Mongi Hamdi" if number == 5 else None,
                arrived_late=number == 6,
            )
        )
    return tuple(people)


def item(rank: int, commitments: int = 1) -> ItemLine:
    return ItemLine(
        id=100 + rank,
        rank=rank,
        title=f"Réunion de concertation sur le salaire minimum ({rank})",
        description="Révision du SMIG et du SMAG.\nDeuxième ligne de la description.",
        summary=f"Le ministère a présenté l'étude. Point {rank} : débat engagé entre les parties.",
        positions=(
            PositionLine("government", "support", "Le gouvernement soutient la révision."),
            PositionLine("workers", "conditional", ARABIC_STATEMENT),
            PositionLine("employers", "reservation", "Réserve sur le calendrier | coût."),
        ),
        outcome_kind="tripartite_agreement",
        outcome_text="Accord sur une hausse de 6,5 % à compter du 1er mai.",
        outcome_sides=PARTY_SIDES,
        commitments=tuple(commitment(rank * 10 + n, PARTY_SIDES[n % 3]) for n in range(commitments)),
    )


def document(items: int = 3, people: int = 8, commitments_per_item: int = 1, **fields: object) -> MinutesDocument:
    """A circulated draft (version 1) of a held plenary with `items` items."""
    values: dict[str, object] = {
        "meeting_id": 7,
        "body": "Conseil national du dialogue social – plénière",
        "title": "Réunion plénière de printemps",
        "starts_at": dt.datetime(2024, 5, 14, 9, 30, tzinfo=TUNIS),
        "ends_at": dt.datetime(2024, 5, 14, 12, 0, tzinfo=TUNIS),
        "venue": "Ministère des Affaires sociales, salle du Conseil, Tunis",
        "online_url": "https://visio.example.tn/cnds",
        "chair": "Malek Zahi",
        "attendees": attendees(people),
        "quorum_met": True,
        "quorum": (
            QuorumLine("government", 2, 1, True),
            QuorumLine("workers", 2, 1, True),
            QuorumLine("employers", 1, 1, True),
            QuorumLine("observers", 1, 0, False),
        ),
        "parity": True,
        "introduction": "La séance est ouverte à 9 h 30.\nLe président souhaite la bienvenue.",
        "items": tuple(item(rank, commitments_per_item) for rank in range(1, items + 1)),
        "matters_arising": (
            commitment(
                1,
                "employers",
                title="Étude d'impact sur l'emploi",
                status="in_progress",
                overdue=True,
                meetings_open=2,
                last_update="Premier rapport remis à l'OIT.",
            ),
        ),
        "closing": "La séance est levée à 12 h.",
        "next_meeting": dt.datetime(2024, 6, 20, 9, 0, tzinfo=TUNIS),
        "version": 1,
        "status": "circulated",
    }
    values.update(fields)
    return MinutesDocument(**values)  # type: ignore[arg-type]


def adopted(base: MinutesDocument) -> MinutesDocument:
    """`base` adopted: decisions (one with reservations), adoption date, hash, an addendum."""
    from dialogue.minutes.document import content_hash

    decided = dataclasses.replace(
        base,
        status="adopted",
        decisions=(
            DecisionLine("government", "approved", "Malek Zahi", dt.datetime(2024, 5, 20, 10, 0, tzinfo=TUNIS), ""),
            DecisionLine(
                "workers",
                "reservations",
                ARABIC_NAME,
                dt.datetime(2024, 5, 21, 11, 0, tzinfo=TUNIS),
                "L'UGTT maintient sa réserve sur le calendrier.",
            ),
            DecisionLine("employers", "approved", "Hichem Elloumi", dt.datetime(2024, 5, 22, 9, 0, tzinfo=TUNIS), ""),
        ),
        adopted_at=dt.datetime(2024, 5, 22, 9, 0, tzinfo=TUNIS),
    )
    decided = dataclasses.replace(decided, sha256=content_hash(decided))
    return dataclasses.replace(
        decided, addenda=(AddendumLine(dt.date(2024, 6, 3), "Correction : la hausse s'applique au 1er mai."),)
    )
