"""Records for tests, made directly in the database (the pages under test are not used to
arrange them). Every function adds and flushes; call `await db.commit()` before a request."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts import passwords
from dialogue.accounts.models import Account, ApiToken, Role
from dialogue.accounts.tokens import new_token, token_hash
from dialogue.agenda.models import AgendaItem, Outcome, OutcomeKind, Position, Stance
from dialogue.bodies.models import Body, Membership, MembershipKind
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.meetings.models import Attendance, Invitation, InvitationRole, Meeting, MeetingStatus
from dialogue.people.models import Organisation, Person, Side

TUNIS = ZoneInfo("Africa/Tunis")
_numbers = itertools.count(1)


# A year always ahead, and less than two years ahead (where scheduling starts to warn): a test
# that schedules a meeting still to come dates it in NEXT_YEAR, so that it passes on any day.
NEXT_YEAR = dt.date.today().year + 1


def tunis(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TUNIS)


async def _add(db: AsyncSession, record: Any) -> Any:
    db.add(record)
    await db.flush()
    return record


async def organisation(db: AsyncSession, side: Side = Side.WORKERS, **fields: Any) -> Organisation:
    n = next(_numbers)
    fields.setdefault("slug", f"org-{n}")
    fields.setdefault("name", f"Organisation {n}")
    fields.setdefault("acronym", f"ORG{n}")
    return await _add(db, Organisation(side=side, **fields))


async def person(db: AsyncSession, org: Organisation | None = None, **fields: Any) -> Person:
    n = next(_numbers)
    if org is None:
        org = await organisation(db)
    fields.setdefault("full_name", f"Person {n}")
    fields.setdefault("email", f"person{n}@example.tn")
    return await _add(db, Person(organisation_id=org.id, **fields))


async def body(db: AsyncSession, **fields: Any) -> Body:
    n = next(_numbers)
    fields.setdefault("name", f"Commission {n}")
    return await _add(db, Body(**fields))


async def member(
    db: AsyncSession, body_: Body, person_: Person, kind: MembershipKind = MembershipKind.TITULAR
) -> Membership:
    return await _add(db, Membership(body_id=body_.id, person_id=person_.id, kind=kind))


async def meeting(db: AsyncSession, body_: Body | None = None, **fields: Any) -> Meeting:
    n = next(_numbers)
    if body_ is None:
        body_ = await body(db)
    fields.setdefault("title", f"Réunion {n}")
    fields.setdefault("starts_at", tunis(2026, 12, 10, 9))
    fields.setdefault("ends_at", fields["starts_at"] + dt.timedelta(hours=3))
    fields.setdefault("status", MeetingStatus.SCHEDULED)
    return await _add(db, Meeting(body_id=body_.id, **fields))


async def invite(
    db: AsyncSession,
    meeting_: Meeting,
    person_: Person,
    role: InvitationRole = InvitationRole.TITULAR,
    attendance: Attendance = Attendance.UNRECORDED,
    **fields: Any,
) -> Invitation:
    return await _add(
        db, Invitation(meeting_id=meeting_.id, person_id=person_.id, role=role, attendance=attendance, **fields)
    )


async def item(db: AsyncSession, meeting_: Meeting, rank: int = 1, **fields: Any) -> AgendaItem:
    fields.setdefault("title", f"Point {rank}")
    return await _add(db, AgendaItem(meeting_id=meeting_.id, rank=rank, **fields))


async def position(
    db: AsyncSession, item_: AgendaItem, side: Side, stance: Stance = Stance.SUPPORT, **fields: Any
) -> Position:
    return await _add(db, Position(item_id=item_.id, side=side, stance=stance, **fields))


async def outcome(
    db: AsyncSession, item_: AgendaItem, kind: OutcomeKind = OutcomeKind.TRIPARTITE_AGREEMENT, **fields: Any
) -> Outcome:
    return await _add(db, Outcome(item_id=item_.id, kind=kind, **fields))


async def commitment(
    db: AsyncSession,
    side: Side = Side.GOVERNMENT,
    status: CommitmentStatus = CommitmentStatus.OPEN,
    **fields: Any,
) -> Commitment:
    n = next(_numbers)
    fields.setdefault("title", f"Engagement {n}")
    return await _add(db, Commitment(side=side, status=status, **fields))


async def progress(
    db: AsyncSession, commitment_: Commitment, note: str = "Avancement", **fields: Any
) -> CommitmentUpdate:
    fields.setdefault("written_on", dt.date(2026, 11, 1))
    return await _add(db, CommitmentUpdate(commitment_id=commitment_.id, note=note, **fields))


async def table(db: AsyncSession) -> dict[str, Any]:
    """A small National Council: one organisation and two people per side, a plenary."""
    world: dict[str, Any] = {}
    world["mas"] = await organisation(
        db, Side.GOVERNMENT, slug="mas", name="Ministère des Affaires Sociales", acronym="MAS"
    )
    world["ugtt"] = await organisation(
        db, Side.WORKERS, slug="ugtt", name="Union Générale Tunisienne du Travail", acronym="UGTT"
    )
    world["utica"] = await organisation(
        db,
        Side.EMPLOYERS,
        slug="utica",
        name="Union Tunisienne de l'Industrie, du Commerce et de l'Artisanat",
        acronym="UTICA",
    )
    world["ilo"] = await organisation(
        db, Side.OBSERVERS, slug="oit", name="Organisation Internationale du Travail", acronym="OIT"
    )
    world["plenary"] = await body(db, name="Conseil national du dialogue social - plénière")
    for key in ("mas", "ugtt", "utica", "ilo"):
        for i in (1, 2):
            p = await person(db, world[key], full_name=f"{world[key].acronym} délégué {i}")
            world[f"{key}{i}"] = p
            if key != "ilo":
                await member(db, world["plenary"], p, MembershipKind.TITULAR if i == 1 else MembershipKind.ALTERNATE)
    return world


# argon2 is slow on purpose (about 0.2 s a hash or a check): tests, which sign in thousands
# of times, use the cheapest parameters. The code path is the same; a hash made here says
# its own parameters, so the app checks it just as fast and does not ask for a rehash.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords._dummy_hash.cache_clear()

PASSWORD = "correct horse battery"
_PASSWORD_HASH = passwords.hash_password(PASSWORD)


async def account(
    db: AsyncSession, role: Role = Role.SECRETARIAT, org: Organisation | None = None, **fields: Any
) -> Account:
    """An account that signs in with `PASSWORD` (a delegate needs `org`)."""
    n = next(_numbers)
    fields.setdefault("email", f"{role.value}{n}@example.tn")
    fields.setdefault("password_hash", _PASSWORD_HASH)
    return await _add(db, Account(role=role, organisation_id=org.id if org else None, **fields))


async def api_token(db: AsyncSession, account_: Account, name: str = "tests") -> str:
    """A personal API token for `account_`; returns the token itself."""
    token = new_token()
    # Marked as just used: its once-a-minute "last used" write would otherwise land in the
    # middle of a test that counts statements.
    used = dt.datetime.now(dt.UTC)
    await _add(
        db,
        ApiToken(account_id=account_.id, name=name, token_hash=token_hash(token), prefix=token[:8], last_used_at=used),
    )
    return token
