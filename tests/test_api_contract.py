"""The API does what its OpenAPI description says, for every role: schemathesis generates
requests for every operation (valid and invalid ones, unsupported methods, missing or
wrong tokens) and checks each answer against the description: no 500, only documented
statuses, bodies of the documented shape (errors included), a documented content type,
`Allow` on 405, the bearer token required.

Bounded and repeatable: a few examples per operation, derandomized (a fixed seed), with the
tokens of the secretariat, a delegate and an observer, on one app per database (SQLite, and
PostgreSQL when DIALOGUE_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import dialogue.models  # noqa: F401 (every table in Base.metadata)
from dialogue.accounts.models import Role
from dialogue.app import create_app
from dialogue.db import Base, create_engine
from dialogue.people.models import Side
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from tests import factories
from tests.conftest import PG_URL

SEED = 20261203


async def _record(settings_: Settings) -> dict[str, str]:
    """A small council with a meeting, an agenda item and a commitment (so that ids 1 exist),
    and a personal API token for each of three roles."""
    engine = create_engine(settings_)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        async with session_factory(engine)() as db:
            world = await factories.table(db)
            meeting = await factories.meeting(db, world["plenary"])
            await factories.invite(db, meeting, world["ugtt1"])
            item = await factories.item(db, meeting)
            await factories.position(db, item, Side.WORKERS)
            await factories.progress(db, await factories.commitment(db, Side.WORKERS, meeting_id=meeting.id))
            secretariat = await factories.account(db, Role.SECRETARIAT)
            delegate = await factories.account(db, Role.DELEGATE, world["ugtt"])
            observer = await factories.account(db, Role.OBSERVER)
            tokens = {
                "secretariat": await factories.api_token(db, secretariat),
                "delegate": await factories.api_token(db, delegate),
                "observer": await factories.api_token(db, observer),
            }
            await db.commit()
        return tokens
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def contract(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, dict[str, str]]]:
    """One app on one database for every operation of the run (building one per operation
    would cost more than the run itself)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('contract')}/dialogue.db"
    elif not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to run this test on it")
    else:
        url = PG_URL
    app_settings = Settings(database_url=url, secret_key="test-secret-key-" + "x" * 32)
    tokens = asyncio.run(_record(app_settings))
    app = create_app(app_settings)
    yield app, tokens
    from schemathesis.python import asgi

    asgi.shutdown_lifespans()  # schemathesis keeps the app started until then


def run(app: Any, token: str, phases: list[str], examples: int) -> tuple[list[str], int]:
    """A schemathesis run, as `schemathesis run --checks all` would do it, with `token`:
    the failures it found (operation, check, what it sent and got) and the number of
    requests sent.

    schemathesis (and hypothesis under it) is imported here, by the one worker that runs
    these tests, not by every process that collects them."""
    import schemathesis
    from schemathesis.config import PositiveDataAcceptanceConfig, SchemathesisConfig
    from schemathesis.core import NOT_SET
    from schemathesis.engine import events

    # The description is read from the app itself: /schema needs a signed-in browser.
    schema = schemathesis.openapi.from_dict(app.openapi_schema.to_schema(), config=SchemathesisConfig(seed=SEED))
    schema.app = app
    # schemathesis gives up on an answer after 10 s by default, which a busy machine running
    # the whole suite can take (a read timeout, not a wrong answer): a minute here.
    schema.config.update(headers={"Authorization": f"Bearer {token}"}, request_timeout=60)
    schema.config.generation.update(max_examples=examples, deterministic=True, database="none")
    schema.config.checks.update(included_check_names=["all"])
    # A schema cannot say every rule of the record (an end before the start, a title of
    # blanks, a person already invited, an id that names nothing): requests that keep to
    # the schema may still be refused, with the documented 404, 409 or 422 and its message;
    # and a text holding a NUL byte, which no schema string excludes, is refused with 400
    # before any route (dialogue/text_input.py).
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "400", "401", "403", "404", "409", "422"]
    )
    schema.config.phases.update(phases=phases)
    failures: list[str] = []
    requests = 0
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        case = event.recorder.cases[case_id].value
                        interaction = event.recorder.interactions.get(case_id)
                        status = interaction.response.status_code if interaction and interaction.response else None
                        body = "" if case.body is NOT_SET else repr(case.body)[:150]
                        failures.append(
                            f"{event.recorder.label}: {check.name}: {check.failure_info.failure.title}: "
                            f"{case.method} {case.formatted_path} {case.query or ''} {body} -> {status}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"error: {event!r}")
    return failures, requests


# The secretariat may do everything: its run also goes through schemathesis' coverage
# phase (every parameter's edge values, missing and wrong ones, unsupported methods such as
# TRACE). The delegate and the observer meet mostly refusals: a few examples each.
RUNS = {
    "secretariat": (["examples", "coverage", "fuzzing"], 3),
    "delegate": (["examples", "fuzzing"], 3),
    "observer": (["examples", "fuzzing"], 3),
}


@pytest.mark.parametrize("role", list(RUNS))
def test_every_operation_keeps_its_contract(contract: tuple[Any, dict[str, str]], role: str) -> None:
    app, tokens = contract
    phases, examples = RUNS[role]
    failures, requests = run(app, tokens[role], phases, examples)
    assert requests > 100
    assert not failures, "\n".join(sorted(set(failures)))
