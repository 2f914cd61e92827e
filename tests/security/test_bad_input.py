"""No input answers 500, on SQLite or PostgreSQL: a NUL byte, invalid UTF-8, a lone surrogate,
control characters or an oversize value in any query parameter, path segment, form field or
JSON field of any route gets a clear answer (4xx, or the page with the value cleaned), in the
user's language, and bad input changes nothing in the record.

One app and one browser per kind of person for the whole run (the route table and the seeded
world of tests/test_permissions.py), many requests: it stays fast enough to run on both
databases.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import quote

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.people.models import Side
from tests.security.conftest import stranger
from tests.test_permissions import PEOPLE, ROUTES, SIDE_BODIES, Who, browser, fill, seed, snapshot

NUL = "a\x00b"
CONTROL = "a\x01\x0b\x1fb"
# Oversize: longer than the field's limit. Over every short field when all fields carry it;
# over the longest limit (the minutes' narratives, 50,000) when one field does.
OVERSIZE = "x" * 1_000
LONGEST = "x" * 60_000
# Each bad value as it travels: in a URL (percent-encoded), in a form body, in a JSON body.
INVALID_UTF8_URL = "%FF%FEa%C3"  # bytes that are not UTF-8 once decoded
INVALID_UTF8_FORM = b"\xff\xfea\xc3"
LONE_SURROGATE_JSON = '"a\\ud800b"'  # JSON's escape of half a UTF-16 pair

# Every name a page or the API reads from a query string or a form (templates and routes).
FIELDS = (
    "q sort order from to side sides status body body_id meeting_id organisation organisation_id person "
    "person_id responsible_id presenter_id agenda_item_id alternate_id on_behalf_of_id scope kind action actor "
    "entity lang language next saved sent page offset limit version title description venue online_url "
    "starts_at ends_at duration_minutes statement stance visibility internal text note evidence_url "
    "written_on due_on due_from due_to name acronym slug short_name full_name email url role password "
    "current_password new_password repeat_password is_approver decision comment introduction closing "
    "answer attendance arrived_late plan key direction archived overdue due_soon confirm correction "
    "carry_over from_outcome quorum_rule quorum_min_per_side username item user generator"
).split()
BAD_TEXT = {"NUL": NUL, "control characters": CONTROL, "oversize": OVERSIZE}
# The bad values that are refused whatever field carries them, leaving the record exactly as
# it was. Control characters are cleaned and the rest of the value may be saved; an oversize
# value is refused by the field that reads it (and ignored by a route that reads no such field).
REFUSED = {"NUL", "invalid UTF-8", "lone surrogate"}

# Sign-in people: anonymous (public routes), the secretariat (every other route) and a
# delegate (its side's routes, its dashboard).
KNOCKING = [who for who in PEOPLE if who.name in ("anonymous", "secretariat", "delegate-workers")]


def _query(value: str, names: tuple[str, ...] | list[str]) -> str:
    return "&".join(f"{name}={quote(value, safe='')}" for name in names)


def _who_uses(key: str) -> Who:
    permission = ROUTES[key].value
    if permission == "public":
        return KNOCKING[0]
    if permission == "side":
        return KNOCKING[2]
    return KNOCKING[1]


def _fields_of(base: dict[str, Any], names: tuple[str, ...], refused: bool) -> list[str]:
    """The fields to spoil one by one: with a well-formed body, only those it has (a bad value
    in a field the route does not read changes nothing by itself); without one, only values
    that must be refused in any field (the request with every field spoilt does the rest)."""
    return [name for name in names if (not base and refused) or name in base]


class Run:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.count = 0

    def look(self, label: str, response: Any, *, refused: bool) -> None:
        """No 500 ever; refused input answers 4xx (a page that only reads, 200 too, with
        the value shown back as typed)."""
        self.count += 1
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{label}: {status} {response.text[:200]!r}")
        elif refused and not 400 <= status < 500 and not (label.startswith("GET") and status == 200):
            self.problems.append(f"{label}: {status}, expected a refusal (4xx)")


async def _requests(run: Run, clients: dict[str, Any], world: dict[str, Any], labels: set[str]) -> None:
    """Every route (but those that take records away), with the bad values of `labels`."""
    ids, commitments = world["ids"], world["commitments"]
    for key in sorted(ROUTES):
        method, path = key.split(" ", 1)
        if path == "/logout" or path.endswith(("/delete", "/remove", "/revoke")) or method == "DELETE":
            continue  # they take away what the other requests need (their ids are numbers)
        who = _who_uses(key)
        me = clients[who.name]
        side = who.side or Side.WORKERS
        url = fill(key, ids, side, commitments[side].id)
        bad = {label: value for label, value in BAD_TEXT.items() if label in labels}
        refused = not labels - REFUSED
        if method == "GET":
            for label, value in bad.items():
                if label != "oversize":  # one long search below
                    response = await me.get(url + "?" + _query(value, FIELDS), follow_redirects=False)
                    run.look(f"GET {url} ({label} in every query parameter)", response, refused=refused)
            if "oversize" in labels:
                response = await me.get(f"{url}?q={LONGEST[:20_000]}", follow_redirects=False)  # 64 kB at most
                run.look(f"GET {url}?q=(oversize)", response, refused=False)
            if "NUL" in labels:
                for name in ("q", "lang"):
                    response = await me.get(f"{url}?{name}={quote(NUL)}", follow_redirects=False)
                    run.look(f"GET {url}?{name}=NUL", response, refused=True)
            if "invalid UTF-8" in labels:
                response = await me.get(
                    url + "?" + "&".join(f"{n}={INVALID_UTF8_URL}" for n in FIELDS), follow_redirects=False
                )
                run.look(f"GET {url} (invalid UTF-8 in every query parameter)", response, refused=True)
                if "{token}" in path or "{side}" in path:
                    response = await me.get(url + INVALID_UTF8_URL + "%00", follow_redirects=False)
                    run.look(f"GET {url} (NUL and invalid UTF-8 in the path)", response, refused=True)
        elif url.startswith("/api/"):
            base = dict(SIDE_BODIES.get(key, {}))
            for label, value in bad.items():
                response = await me.request(method, url, json=dict.fromkeys(FIELDS, value), follow_redirects=False)
                run.look(f"{method} {url} ({label} in every JSON field)", response, refused=refused)
                for name in _fields_of(base, ("statement", "note", "title"), refused):
                    spoilt = LONGEST if label == "oversize" else value
                    response = await me.request(method, url, json={**base, name: spoilt}, follow_redirects=False)
                    run.look(f"{method} {url} ({label} in {name})", response, refused=refused)
            if "lone surrogate" in labels:
                raw = "{" + ", ".join(f'"{n}": {LONE_SURROGATE_JSON}' for n in FIELDS) + "}"
                response = await me.request(method, url, content=raw.encode(), headers=JSON, follow_redirects=False)
                run.look(f"{method} {url} (lone surrogate in every JSON field)", response, refused=True)
            if "invalid UTF-8" in labels:
                raw_bytes = b'{"statement": "' + INVALID_UTF8_FORM + b'", "note": "' + INVALID_UTF8_FORM + b'"}'
                response = await me.request(method, url, content=raw_bytes, headers=JSON, follow_redirects=False)
                run.look(f"{method} {url} (invalid UTF-8 in JSON)", response, refused=True)
        else:
            base = dict(SIDE_BODIES.get(key, {}))
            for label, value in bad.items():
                response = await me.post(url, data=dict.fromkeys(FIELDS, value), follow_redirects=False)
                run.look(f"POST {url} ({label} in every field)", response, refused=refused)
                for name in _fields_of(base, ("email", "statement", "note", "title"), refused):
                    spoilt = LONGEST if label == "oversize" else value
                    response = await me.post(url, data={**base, name: spoilt}, follow_redirects=False)
                    run.look(f"POST {url} ({label} in {name})", response, refused=refused)
            if "invalid UTF-8" in labels:
                body = b"&".join(n.encode() + b"=" + INVALID_UTF8_FORM for n in FIELDS)
                response = await me.post(url, content=body, headers=FORM, follow_redirects=False)
                run.look(f"POST {url} (invalid UTF-8 in every field)", response, refused=True)


JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_no_input_answers_500_and_bad_input_changes_nothing(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await seed(db)
    await db.commit()
    run = Run()
    async with AsyncExitStack() as stack:
        clients = {who.name: await stack.enter_async_context(browser(client, db, who, world)) for who in KNOCKING}
        before = await snapshot(db)
        await _requests(run, clients, world, REFUSED)
        after = await snapshot(db)
        changed = [name for name in before if before[name] != after[name]]
        # Control characters are cleaned, and the rest may be saved: only no 500.
        await _requests(run, clients, world, {"control characters", "oversize"})
    assert not run.problems, f"{len(run.problems)} of {run.count} answers:\n" + "\n".join(run.problems[:80])
    assert not changed, f"bad input changed {changed}"


async def test_bad_bytes_are_refused_in_the_users_language(client: AsyncTestClient[Any]) -> None:
    async with stranger(client, "fr") as french, stranger(client, "ar") as arabic:
        response = await french.get("/login?next=%00")
        assert response.status_code == 400
        assert "caractères qui ne sont pas admis" in response.text
        await arabic.get("/login")
        arabic.headers["x-csrftoken"] = arabic.cookies.get("csrftoken") or ""
        response = await arabic.post("/login", content=b"email=a%00b&password=x", headers=FORM)
        assert response.status_code == 400
        assert 'lang="ar"' in response.text and "NUL" in response.text
    client.headers["accept-language"] = "en"
    response = await client.get("/api/v1/meetings?q=%FF")
    assert response.status_code == 400
    assert response.json()["message"].startswith("The request contains characters that are not allowed")
