"""Production refuses to start half-configured: without its public https address, a secret
key of its own and the trusted proxies, cookies would not be Secure, there would be no HSTS,
emails would link to 127.0.0.1 and every client would share the proxy's address. `make
run` (development) still needs nothing. The deployment files set all of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dialogue.app import create_app
from dialogue.cli import main
from dialogue.settings import ROOT, ConfigurationError, Settings

UNSET = ("DIALOGUE_PUBLIC_URL", "DIALOGUE_SECRET_KEY", "DIALOGUE_TRUSTED_PROXIES", "DIALOGUE_MODE")


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Dialogue ne peut pas démarrer"),
        ("ar", "لا يمكن تشغيل Dialogue"),
        ("en", "Dialogue cannot start"),
    ],
)
def test_production_without_settings_does_not_start(bare_environment: None, language: str, expected: str) -> None:
    result = CliRunner().invoke(main, ["run"], env={"DIALOGUE_MODE": "production", "DIALOGUE_LANGUAGE": language})
    assert result.exit_code == 1, result.output
    assert expected in result.output
    for name in ("DIALOGUE_PUBLIC_URL", "DIALOGUE_SECRET_KEY", "DIALOGUE_TRUSTED_PROXIES"):
        assert name in result.output
    assert "Traceback" not in result.output
    if language != "en":
        assert "Set " not in result.output


def test_production_wants_https_and_a_long_secret(bare_environment: None) -> None:
    settings = Settings.from_env(
        {
            "DIALOGUE_MODE": "production",
            "DIALOGUE_PUBLIC_URL": "http://dialogue.example.tn",
            "DIALOGUE_SECRET_KEY": "short",
            "DIALOGUE_TRUSTED_PROXIES": "172.30.0.10",
        }
    )
    problems = settings.problems()
    assert len(problems) == 2
    assert any("DIALOGUE_PUBLIC_URL" in problem for problem in problems)
    assert any("DIALOGUE_SECRET_KEY" in problem for problem in problems)


def test_create_app_refuses_production_without_settings() -> None:
    with pytest.raises(ConfigurationError, match="DIALOGUE_PUBLIC_URL"):
        create_app(Settings(mode="production", public_url="", trusted_proxies=()))


def test_production_with_everything_set_starts() -> None:
    settings = Settings.from_env(
        {
            "DIALOGUE_MODE": "production",
            "DIALOGUE_PUBLIC_URL": "https://dialogue.example.tn/",
            "DIALOGUE_SECRET_KEY": "s" * 64,
            "DIALOGUE_TRUSTED_PROXIES": "172.30.0.10 10.0.0.0/8",
        }
    )
    assert settings.problems() == []
    assert settings.https and settings.public_url == "https://dialogue.example.tn"
    assert settings.trusted_proxies == ("172.30.0.10", "10.0.0.0/8")


def test_development_needs_no_configuration() -> None:
    settings = Settings.from_env({})
    assert settings.mode == "development"
    assert settings.problems() == []
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.secret_key  # generated once into var/secret.key


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Docker Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, enough for our file."""

    def one(match: re.Match[str]) -> str:
        name, _sep, default = match.group(1).partition(":")
        if name in env:
            return env[name]
        assert not default.startswith("?"), f"{name} must be set"
        return default[1:] if default.startswith("-") else ""

    return re.sub(r"\$\{([^}]+)\}", one, value)


def test_the_compose_file_starts_the_app_in_production() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    env = {"DOMAIN": "dialogue.example.tn", "POSTGRES_PASSWORD": "p" * 32}
    app_env = {name: _interpolate(str(value), env) for name, value in compose["services"]["app"]["environment"].items()}
    # The secret key comes from deploy/.env (env_file); the compose file's own values win.
    settings = Settings.from_env({"DIALOGUE_SECRET_KEY": "s" * 64, **app_env})
    assert settings.problems() == []
    assert settings.mode == "production"
    assert settings.public_url == "https://dialogue.example.tn"
    proxy_address = compose["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    assert proxy_address in settings.trusted_proxies
    assert "DIALOGUE_MODE=production" in Path(ROOT / "deploy" / "Dockerfile").read_text()


def test_make_run_sets_no_production_setting() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "DIALOGUE_MODE" not in makefile
