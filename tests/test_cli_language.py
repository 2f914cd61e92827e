"""The `dialogue` command speaks the configured language (DIALOGUE_LANGUAGE, default fr):
no English sentence in French output, and `make run` does not tell to run what it runs."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dialogue.accounts.models import Role
from dialogue.cli import main
from dialogue.people.models import Side
from tests import factories as f

# Words that a French or Arabic sentence never holds, but most English ones do. Commands in
# backquotes, options (--force), emails and addresses are left out before looking.
ENGLISH = re.compile(
    r"\b(the|and|with|has|have|was|is|are|of|to|for|no|not|already|created|disabled|queued|"
    r"loaded|account|accounts|link|works|once|database|upgraded|records|people|meetings|start)\b",
    re.IGNORECASE,
)


def english_in(output: str) -> list[str]:
    found = []
    for line in output.splitlines():
        prose = re.sub(r"`[^`]*`|--[\w-]+|\S+@\S+|\w+://\S+|'[^']*'", " ", line)
        if ENGLISH.search(prose):
            found.append(line)
    return found


@pytest.fixture
def dialogue(database_url: str, monkeypatch: pytest.MonkeyPatch, engine: Any) -> Any:
    """Run `dialogue ARGS` on the test database in `language` (None: not configured)."""
    monkeypatch.setenv("DIALOGUE_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALOGUE_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.setenv("DIALOGUE_PUBLIC_URL", "https://dialogue.example.tn")

    async def run(*args: str, language: str | None = "fr") -> Result:
        env = {"DIALOGUE_LANGUAGE": language}
        return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)

    return run


async def test_french_by_default_and_no_english_in_the_demo(dialogue: Any) -> None:
    loaded = await dialogue("demo", language=None)
    assert loaded.exit_code == 0, loaded.output
    assert "Données de démonstration chargées" in loaded.output
    assert "Lancez Dialogue avec `dialogue run`" in loaded.output
    again = await dialogue("demo")
    assert again.exit_code == 0
    assert "La base de données contient déjà des enregistrements" in again.output
    for result in (loaded, again):
        assert english_in(result.output) == [], result.output


async def test_make_run_does_not_say_to_run_dialogue(dialogue: Any) -> None:
    result = await dialogue("demo", "--serving")
    assert result.exit_code == 0, result.output
    assert "dialogue run" not in result.output
    assert "Comptes de démonstration" in result.output
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()  # noqa: ASYNC240  (small, once)
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "dialogue demo --serving" in recipe and 'echo "Dialogue' not in recipe


async def test_users_commands_speak_french(dialogue: Any, db: Any) -> None:
    await f.organisation(db, Side.WORKERS, slug="ugtt")
    await f.account(db, Role.SECRETARIAT, email="chef@example.tn")
    await db.commit()
    outputs = [
        await dialogue("users", "create", "nour@example.tn", "--role", "delegate", "--organisation", "ugtt"),
        await dialogue("users", "create", "x@example.tn", "--role", "delegate"),
        await dialogue("users", "create", "x@example.tn", "--role", "delegate", "--organisation", "nope"),
        await dialogue("users", "reset-password", "nour@example.tn"),
        await dialogue("users", "disable", "nour@example.tn"),
        await dialogue("users", "disable", "nour@example.tn"),
        await dialogue("users", "disable", "nobody@example.tn"),
        await dialogue("users", "reset-password", "nour@example.tn"),
        await dialogue("reminders", "send"),
    ]
    created, no_org, unknown_org, reset, disabled, again, nobody, refused, digests = outputs
    assert created.exit_code == 0 and "Compte nour@example.tn créé" in created.output
    assert no_org.exit_code == 1 and "Error" not in no_org.output
    assert unknown_org.exit_code == 1 and "'nope'" in unknown_org.output
    assert reset.exit_code == 0 and "lien d'invitation" in reset.output
    assert disabled.exit_code == 0 and "désactivé" in disabled.output
    assert again.exit_code == 0 and "déjà désactivé" in again.output
    assert nobody.exit_code == 1 and "nobody@example.tn" in nobody.output
    assert refused.exit_code == 1
    assert digests.exit_code == 0 and "boîte d'envoi" in digests.output
    for result in outputs:
        assert english_in(result.output) == [], result.output


async def test_arabic_when_configured(dialogue: Any) -> None:
    result = await dialogue("demo", language="ar")
    assert result.exit_code == 0, result.output
    assert re.search(r"[\u0600-\u06FF]", result.output.splitlines()[0])
    assert english_in(result.output) == [], result.output
