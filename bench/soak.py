"""`make soak`: signed-in people reading and writing at the same time against the real server.

`dialogue run` in production mode, on a fresh database with the demo data (a temporary
SQLite file; PostgreSQL too when DIALOGUE_SOAK_DATABASE_URL names a server: a throwaway
database is made on it and dropped afterwards). SOAK_USERS people (30) sign in through the
login form and for SOAK_SECONDS (300) read pages and fill in the forms people use (their
CSRF token and one-time keys included): the secretariat schedules meetings, adds agenda
items and commitments; delegates save their side's positions and write progress updates.

Every write the server acknowledged (a 303 to what was made) is noted; afterwards the
database must hold each acknowledged write exactly once and nothing else, positions at the
version their acknowledged saves give, no answer may be a 5xx and the server's log may not
say "database is locked". Prints a summary; exits 1 when a check fails.

The same run, shorter and with fewer people, is a test (tests/deploy/test_soak.py); the
fault tests there use `Server` and `Crowd` too.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import itertools
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogue.accounts.models import Account, Role  # noqa: E402
from dialogue.agenda.models import AgendaItem, Position  # noqa: E402
from dialogue.commitments.models import Commitment, CommitmentUpdate  # noqa: E402
from dialogue.meetings.models import Meeting  # noqa: E402
from dialogue.people.models import Organisation  # noqa: E402

DIALOGUE = str(Path(sys.executable).parent / "dialogue")
PUBLIC_URL = "https://dialogue.test"
PASSWORD = "dialogue-demo"  # noqa: S105  (the demo accounts' published password)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the database ------------------------------------------------------------------------


async def _admin(server_url: str, statement: str) -> None:
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(statement))
    await admin.dispose()


@contextlib.contextmanager
def fresh_database(server_url: str | None, folder: Path) -> Iterator[str]:
    """A new database: a SQLite file in `folder`, or a throwaway database on the PostgreSQL
    server of `server_url` (dropped at the end)."""
    if not server_url:
        yield f"sqlite+aiosqlite:///{folder}/soak.db"
        return
    name = f"dialogue_soak_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


SIDES = ("mas", "ugtt", "utica")  # one organisation of each side, as in the demo


async def _small_council(url: str) -> None:
    """Without the demo: a body, an organisation of each side and a secretariat account."""
    from dialogue.accounts.passwords import hash_password
    from dialogue.bodies.models import Body
    from dialogue.people.models import Side
    from dialogue.session_factory import session_factory

    engine = create_async_engine(url)
    async with session_factory(engine)() as db:
        db.add(Body(name="Plenary"))
        for slug, side in zip(SIDES, (Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS), strict=True):
            db.add(Organisation(slug=slug, name=slug.upper(), acronym=slug.upper(), side=side))
        db.add(Account(email="secretariat@demo.tn", role=Role.SECRETARIAT, password_hash=hash_password(PASSWORD)))
        await db.commit()
    await engine.dispose()


async def _add_people(url: str, secretariat: int, delegates: int) -> list[tuple[str, str]]:
    """Accounts for the crowd, signing in with the demo password: (email, side or "")."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        password_hash = (
            await connection.execute(select(Account.password_hash).where(Account.email == "secretariat@demo.tn"))
        ).scalar_one()
        organisations = (
            await connection.execute(select(Organisation.id, Organisation.side).where(Organisation.slug.in_(SIDES)))
        ).all()
        people = [(f"soak-secretariat-{n}@demo.tn", "") for n in range(secretariat)]
        rows = [{"email": email, "role": Role.SECRETARIAT} for email, _side in people]
        for n, (organisation_id, side) in zip(range(delegates), itertools.cycle(organisations), strict=False):
            people.append((f"soak-delegate-{n}@demo.tn", str(getattr(side, "value", side))))
            rows.append({"email": people[-1][0], "role": Role.DELEGATE, "organisation_id": organisation_id})
        for row in rows:
            await connection.execute(
                Account.__table__.insert().values(password_hash=password_hash, **row)  # type: ignore[attr-defined]
            )
    await engine.dispose()
    return people


def prepare(url: str, secretariat: int, delegates: int, *, demo: bool = True) -> list[tuple[str, str]]:
    """Migrate with the `dialogue` command, load the demo data (or a small council: quicker,
    for the tests) and add the crowd's accounts."""
    env = {**os.environ, "DIALOGUE_DATABASE_URL": url, "DIALOGUE_LANGUAGE": "en"}
    for command in (["database", "upgrade"], ["demo"]) if demo else (["database", "upgrade"],):
        done = subprocess.run(  # noqa: S603  (our own command)
            [DIALOGUE, *command], env=env, capture_output=True, text=True, timeout=600, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"dialogue {' '.join(command)} failed:\n{done.stderr}")
    if not demo:
        asyncio.run(_small_council(url))
    return asyncio.run(_add_people(url, secretariat, delegates))


# --- the server --------------------------------------------------------------------------


class Server:
    """`dialogue run` in production mode, in a process group of its own (to kill it whole)."""

    def __init__(self, url: str, folder: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DIALOGUE_SMTP_URL"},  # no mail sent
            "DIALOGUE_DATABASE_URL": url,
            "DIALOGUE_MODE": "production",
            "DIALOGUE_PUBLIC_URL": PUBLIC_URL,
            "DIALOGUE_SECRET_KEY": "soak-secret-" + "x" * 40,
            "DIALOGUE_TRUSTED_PROXIES": "127.0.0.1",
            "DIALOGUE_PORT": str(self.port),
            "DIALOGUE_LANGUAGE": "en",
            "DIALOGUE_WORKERS": str(workers),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own command)
                [DIALOGUE, "run"], env=self.env, stdout=log, stderr=log, cwd=ROOT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("the server stopped:\n" + self.log.read_text()[-4000:])
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base}/ready", timeout=5).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not get ready:\n" + self.log.read_text()[-4000:])
            time.sleep(0.3)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server and its worker processes (SIGKILL: no goodbye at all)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


# --- a person at a browser ---------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page, as browsers would send them: {action: [(name, value), ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = self.forms.setdefault(a.get("action", ""), [])
        elif self._fields is None or (tag != "option" and not a.get("name")):
            return
        elif tag == "input" and a.get("type", "text") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self._fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self._fields.append((self._select, chosen[0] if chosen else ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._fields = None


def forms_of(html: str) -> dict[str, list[tuple[str, str]]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def filled(fields: list[tuple[str, str]], **values: str) -> dict[str, str]:
    data = dict(fields)
    data.update(values)
    return data


@dataclasses.dataclass
class Tally:
    """What the crowd did and what the server answered."""

    answers: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    server_errors: list[tuple[str, int, str]] = dataclasses.field(default_factory=list)  # (action, status, body)
    failures: list[str] = dataclasses.field(default_factory=list)  # no answer at all

    def note(self, action: str, response: httpx.Response) -> None:
        self.answers[f"{action} {response.status_code}"] += 1
        if response.status_code >= 500:
            self.server_errors.append((action, response.status_code, response.text[:20000]))


def _shape(path: str) -> str:
    """`/meetings/12/agenda` as `/meetings/{id}/agenda`: answers counted by kind of page."""
    return re.sub(r"/[0-9]+", "/{id}", path.split("?")[0])


class Browser:
    """One signed-in person: cookies kept by hand (production cookies are Secure and
    `__Host-`, meant for the https the proxy speaks), an address of their own."""

    def __init__(self, client: httpx.AsyncClient, number: int, tally: Tally) -> None:
        self.client = client
        self.jar: dict[str, str] = {}
        self.tally = tally
        self.headers = {"Origin": PUBLIC_URL, "X-Forwarded-For": f"198.51.100.{number % 250 + 1}"}

    def _send_headers(self) -> dict[str, str]:
        return {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}

    def _keep(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.jar[name] = morsel.value

    async def get(self, path: str) -> httpx.Response:
        response = await self.client.get(path, headers=self._send_headers())
        self._keep(response)
        self.tally.note(f"GET {_shape(path)}", response)
        return response

    async def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        response = await self.client.post(path, data=data, headers=self._send_headers())
        self._keep(response)
        self.tally.note(f"POST {_shape(path)}", response)
        return response

    async def sign_in(self, email: str) -> bool:
        page = await self.get("/login")
        if page.status_code != 200:
            return False
        signed_in = await self.post("/login", filled(forms_of(page.text)["/login"], email=email, password=PASSWORD))
        return signed_in.status_code == 303


# --- what the crowd wrote ----------------------------------------------------------------


@dataclasses.dataclass
class Ledger:
    """Each write tried and each one acknowledged, by the unique text it carried."""

    tag: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex[:8])
    tried: dict[str, set[str]] = dataclasses.field(default_factory=lambda: collections.defaultdict(set))
    acknowledged: dict[str, list[str]] = dataclasses.field(default_factory=lambda: collections.defaultdict(list))
    meetings: list[int] = dataclasses.field(default_factory=list)  # acknowledged, for the others to use
    commitments: dict[str, list[int]] = dataclasses.field(default_factory=lambda: collections.defaultdict(list))
    counter: Iterator[int] = dataclasses.field(default_factory=itertools.count)

    def text(self, kind: str) -> str:
        value = f"soak {self.tag} {kind} {next(self.counter)}"
        self.tried[kind].add(value)
        return value

    def done(self, kind: str, value: str) -> None:
        self.acknowledged[kind].append(value)


def _id_in(location: str, prefix: str) -> int | None:
    found = re.fullmatch(re.escape(prefix) + r"(\d+)", location)
    return int(found.group(1)) if found else None


class Person:
    """A person's habits: read most of the time, write now and then, through the forms."""

    def __init__(self, browser: Browser, ledger: Ledger, side: str, rng: random.Random) -> None:
        self.browser, self.ledger, self.side, self.rng = browser, ledger, side, rng

    async def act(self) -> None:
        if self.rng.random() < 0.6:
            await self.read()
        elif not self.side:
            await self.rng.choice([self.schedule_meeting, self.add_item, self.add_item, self.add_commitment])()
        else:
            await self.rng.choice([self.save_position, self.save_position, self.add_progress])()

    async def read(self) -> None:
        pages = ["/", "/meetings", "/commitments", "/people"]
        if self.ledger.meetings:
            pages.append(f"/meetings/{self.rng.choice(self.ledger.meetings)}")
        await self.browser.get(self.rng.choice(pages))

    async def forms(self, path: str) -> dict[str, list[tuple[str, str]]]:
        """The forms of the page at `path` (none when it did not open: the person gives up)."""
        page = await self.browser.get(path)
        return forms_of(page.text) if page.status_code == 200 else {}

    async def send(self, action: str, fields: dict[str, str], kind: str, value: str) -> httpx.Response:
        """Send a form; note the write when the server acknowledges it (303 to what was made)."""
        answer = await self.browser.post(action, fields)
        if answer.status_code == 303:
            self.ledger.done(kind, value)
        return answer

    async def schedule_meeting(self) -> None:
        form = (await self.forms("/meetings/new")).get("/meetings")
        if form is None:
            return
        day = f"2027-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        title = self.ledger.text("meeting")
        fields = filled(form, title=title, starts_at=f"{day}T09:00", ends_at=f"{day}T12:00", confirm="1")
        fields.update(body_id=fields["body_id"] or "1", status="scheduled")
        answer = await self.send("/meetings", fields, "meeting", title)
        meeting = _id_in(answer.headers.get("location", ""), "/meetings/")
        if answer.status_code == 303 and meeting is not None:
            self.ledger.meetings.append(meeting)

    async def add_item(self) -> None:
        if not self.ledger.meetings:
            return await self.schedule_meeting()
        meeting = self.rng.choice(self.ledger.meetings)
        action = f"/meetings/{meeting}/agenda"
        form = (await self.forms(f"/meetings/{meeting}")).get(action)
        if form is not None:
            title = self.ledger.text("item")
            await self.send(action, filled(form, title=title), "item", title)

    async def add_commitment(self) -> None:
        form = (await self.forms("/commitments/new")).get("/commitments")
        if form is None:
            return
        title = self.ledger.text("commitment")
        side = self.rng.choice(["government", "workers", "employers"])
        answer = await self.send("/commitments", filled(form, title=title, side=side, next=""), "commitment", title)
        commitment = _id_in(answer.headers.get("location", ""), "/commitments/")
        if answer.status_code == 303 and commitment is not None:
            self.ledger.commitments[side].append(commitment)

    async def save_position(self) -> None:
        if not self.ledger.meetings:
            return await self.read()
        forms = await self.forms(f"/meetings/{self.rng.choice(self.ledger.meetings)}")
        mine = [action for action in forms if re.fullmatch(rf"/agenda/\d+/positions/{self.side}", action)]
        if mine:
            action = self.rng.choice(mine)
            statement = self.ledger.text(f"position {action}")
            stance = self.rng.choice(["support", "oppose", "reservation", "conditional"])
            fields = filled(forms[action], stance=stance, statement=statement, visibility="shared")
            await self.send(action, fields, f"position {action}", statement)

    async def add_progress(self) -> None:
        if not self.ledger.commitments[self.side]:
            return await self.read()
        commitment = self.rng.choice(self.ledger.commitments[self.side])
        action = f"/commitments/{commitment}/updates"
        form = (await self.forms(f"/commitments/{commitment}")).get(action)
        if form is not None:
            note = self.ledger.text("progress")
            await self.send(action, filled(form, note=note), "progress", note)


class Crowd:
    """People signed in to `base`, acting until told to stop."""

    def __init__(self, base: str, people: list[tuple[str, str]], seed: int = 1) -> None:
        self.base, self.people, self.seed = base, people, seed
        self.ledger = Ledger()
        self.tally = Tally()
        self.stopping = asyncio.Event()
        self.signed_in = 0.0  # seconds everyone took to sign in
        self.timings: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def _client(self) -> AsyncIterator[httpx.AsyncClient]:
        limits = httpx.Limits(max_connections=len(self.people) + 5)
        async with httpx.AsyncClient(base_url=self.base, timeout=60, limits=limits) as client:
            yield client

    async def _act(self, person: Person, email: str) -> None:
        while not self.stopping.is_set():
            try:
                await person.act()
            except httpx.TransportError as error:
                self.tally.failures.append(f"{email}: {type(error).__name__}")
                await asyncio.sleep(0.2)

    async def _until(self, enough: Callable[[Ledger], bool]) -> None:
        while not enough(self.ledger):  # noqa: ASYNC110  (the ledger has no event to wait on)
            await asyncio.sleep(0.2)

    async def run(self, seconds: float, enough: Callable[[Ledger], bool] | None = None) -> None:
        """Everyone signs in, then acts for `seconds`, or less once `enough` says the ledger
        holds enough writes; each finishes the action it is in."""
        async with self._client() as client:
            people = [
                Person(Browser(client, n, self.tally), self.ledger, side, random.Random(self.seed * 1000 + n))  # noqa: S311
                for n, (_email, side) in enumerate(self.people)
            ]
            started = time.monotonic()
            signed_in = await asyncio.gather(
                *(p.browser.sign_in(email) for p, (email, _side) in zip(people, self.people, strict=True))
            )
            self.signed_in = time.monotonic() - started
            self.tally.failures += [
                f"{email} could not sign in"
                for ok, (email, _side) in zip(signed_in, self.people, strict=True)
                if not ok
            ]
            tasks = [
                asyncio.create_task(self._act(p, email))
                for p, ok, (email, _side) in zip(people, signed_in, self.people, strict=True)
                if ok
            ]
            if tasks:
                # The people's tasks end only by an exception; `enough` ends when it is true.
                watch = [asyncio.create_task(self._until(enough))] if enough else []
                await asyncio.wait([*tasks, *watch], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
                for task in watch:
                    task.cancel()
            self.stopping.set()
            await asyncio.gather(*tasks)


# --- the record afterwards ---------------------------------------------------------------


async def _stored(url: str, tag: str) -> dict[str, list[tuple[str, int]]]:
    """Every soak text in the database, by kind: (text, version or 0)."""
    like = f"soak {tag} %"
    engine = create_async_engine(url)
    found: dict[str, list[tuple[str, int]]] = collections.defaultdict(list)
    async with engine.connect() as connection:
        for kind, query in (
            ("meeting", select(Meeting.title, Meeting.id).where(Meeting.title.like(like))),
            ("item", select(AgendaItem.title, AgendaItem.id).where(AgendaItem.title.like(like))),
            ("commitment", select(Commitment.title, Commitment.id).where(Commitment.title.like(like))),
            ("progress", select(CommitmentUpdate.note, CommitmentUpdate.id).where(CommitmentUpdate.note.like(like))),
        ):
            found[kind] = [(value, 0) for value, _ in (await connection.execute(query)).all()]
        positions = select(Position.statement, Position.version, Position.item_id, Position.side).where(
            Position.statement.like(like)
        )
        for statement, version, item_id, side in (await connection.execute(positions)).all():
            found[f"position /agenda/{item_id}/positions/{getattr(side, 'value', side)}"].append((statement, version))
    await engine.dispose()
    return found


def check_record(url: str, ledger: Ledger, *, exact: bool = True) -> list[str]:
    """What the database says that the acknowledgements did not: each acknowledged write is
    there exactly once; with `exact`, nothing else is (after a kill, writes in flight may be
    there, whole, or not at all). A position is kept once per side and item, at the version
    its acknowledged saves give."""
    stored = asyncio.run(_stored(url, ledger.tag))
    problems: list[str] = []
    for kind in sorted(set(ledger.tried) | set(stored)):
        acknowledged = ledger.acknowledged.get(kind, [])
        values = [value for value, _ in stored.get(kind, [])]
        if kind.startswith("position"):
            stored_value = values[0] if len(values) == 1 else None
            versions = [version for _, version in stored.get(kind, [])]
            if len(values) > 1:
                problems.append(f"{kind}: {len(values)} positions of one side on one item")
            elif (
                acknowledged and stored_value != acknowledged[-1] and (exact or stored_value not in ledger.tried[kind])
            ):
                problems.append(f"{kind}: holds {values}, last acknowledged {acknowledged[-1]!r}")
            elif acknowledged and exact and versions != [len(acknowledged)]:
                problems.append(f"{kind}: version {versions}, {len(acknowledged)} saves acknowledged")
            elif not acknowledged and values and (exact or stored_value not in ledger.tried[kind]):
                problems.append(f"{kind}: {values} stored, never acknowledged")
            continue
        duplicates = [value for value, count in collections.Counter(values).items() if count > 1]
        missing = set(acknowledged) - set(values)
        extra = set(values) - set(acknowledged)
        if duplicates:
            problems.append(f"{kind}: stored more than once: {sorted(duplicates)[:5]}")
        if missing:
            problems.append(f"{kind}: acknowledged but missing: {sorted(missing)[:5]}")
        if extra and (exact or not extra <= ledger.tried[kind]):
            problems.append(f"{kind}: stored but never acknowledged: {sorted(extra)[:5]}")
    return problems


def log_problems(log: str) -> list[str]:
    lines = log.splitlines()
    return [line[:300] for line in lines if "database is locked" in line or "Traceback" in line]


@dataclasses.dataclass
class Outcome:
    crowd: Crowd
    problems: list[str]

    def summary(self, label: str, seconds: float) -> str:
        tally, ledger = self.crowd.tally, self.crowd.ledger
        lines = [f"{label}: {len(self.crowd.people)} people for {seconds:.0f} s, {sum(tally.answers.values())} answers"]
        lines.append("  " + ", ".join(f"{step} in {took:.1f} s" for step, took in self.crowd.timings.items()))
        lines += [f"  {count:6d}  {answer}" for answer, count in sorted(tally.answers.items())]
        writes = {kind.split(" /")[0]: 0 for kind in ledger.acknowledged}
        for kind, values in ledger.acknowledged.items():
            writes[kind.split(" /")[0]] += len(values)
        lines.append("  acknowledged writes: " + ", ".join(f"{kind} {n}" for kind, n in sorted(writes.items())))
        lines.append("  " + ("all checks pass" if not self.problems else f"{len(self.problems)} problems:"))
        lines += [f"    {problem}" for problem in self.problems]
        return "\n".join(lines)


def soak(
    url: str,
    folder: Path,
    *,
    seconds: float,
    users: int,
    workers: int = 2,
    demo: bool = True,
    enough: Callable[[Ledger], bool] | None = None,
) -> Outcome:
    """The whole run on a fresh database `url`: prepare, serve, act (for `seconds`, or until
    `enough`), stop, check."""
    secretariat = max(1, users // 5)
    clock = time.monotonic()
    people = prepare(url, secretariat, users - secretariat, demo=demo)
    server = Server(url, folder, workers=workers)
    server.start()
    ready = time.monotonic() - clock
    crowd = Crowd(server.base, people)
    try:
        acting = time.monotonic()
        asyncio.run(crowd.run(seconds, enough))
        seconds = time.monotonic() - acting - crowd.signed_in
    finally:
        server.stop()
    crowd.timings = {"prepared and serving": ready, "signed in": crowd.signed_in, "acted": seconds}
    problems = [f"{action}: {status}" for action, status, _body in crowd.tally.server_errors[:10]]
    problems += [f"no answer: {failure}" for failure in crowd.tally.failures[:10]]
    problems += check_record(url, crowd.ledger)
    problems += [f"server log: {line}" for line in log_problems(server.log_text())[:10]]
    return Outcome(crowd, problems)


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "300"))
    users = int(os.environ.get("SOAK_USERS", "30"))
    workers = int(os.environ.get("SOAK_WORKERS", str(os.cpu_count() or 2)))
    targets = [("SQLite", None)]
    if os.environ.get("DIALOGUE_SOAK_DATABASE_URL"):
        targets.append(("PostgreSQL", os.environ["DIALOGUE_SOAK_DATABASE_URL"]))
    else:
        print("PostgreSQL skipped: set DIALOGUE_SOAK_DATABASE_URL to a server (a throwaway database is made on it)")
    failed = False
    for label, server_url in targets:
        with tempfile.TemporaryDirectory() as name, fresh_database(server_url, Path(name)) as url:
            outcome = soak(url, Path(name), seconds=seconds, users=users, workers=workers)
            print(outcome.summary(f"{label}, {workers} server processes", seconds), flush=True)
            kept = ROOT / "var" / f"soak-{label.lower()}.log"
            kept.parent.mkdir(exist_ok=True)
            shutil.copyfile(Path(name) / "server.log", kept)
            print(f"  the server's log: {kept.relative_to(ROOT)}")
            failed = failed or bool(outcome.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
