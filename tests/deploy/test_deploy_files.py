"""deploy/ checked without a Docker engine: the compose file, the Dockerfile, the Caddyfile,
the systemd units and .env.example say what the operations guide promises, and every
setting Dialogue reads is in .env.example (and nothing else is)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from dialogue.settings import ROOT, Settings
from dialogue.static_files import StaticFiles

DEPLOY = ROOT / "deploy"


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip('"')
    return values


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def settings_variables() -> set[str]:
    """Every DIALOGUE_ variable Dialogue reads (settings.py, and the CLI's language)."""
    sources = [ROOT / "dialogue" / "settings.py", ROOT / "dialogue" / "cli.py"]
    return {name for path in sources for name in re.findall(r"\bDIALOGUE_[A-Z_]*[A-Z]\b", path.read_text())}


def test_every_setting_is_in_env_example_and_nothing_else() -> None:
    listed = {name for name in env_example() if name.startswith("DIALOGUE_")}
    read = settings_variables()
    assert read - listed == set(), "settings missing from deploy/.env.example"
    assert listed - read == set(), "variables in deploy/.env.example that Dialogue does not read"


def test_env_example_values_are_readable_settings() -> None:
    values = {**env_example(), "DIALOGUE_SECRET_KEY": "k" * 48}
    settings = Settings.from_env(values)
    assert settings.problems() == []
    assert settings.production and settings.log_format == "json"


def test_the_other_variables_of_env_example_are_used_by_compose() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    for name in env_example():
        if not name.startswith("DIALOGUE_"):
            assert "${" + name in text, name
    # ...and every variable compose interpolates is in .env.example.
    for name in re.findall(r"\$\{([A-Z_]+)", text):
        assert name in env_example(), name


def test_compose_runs_postgresql_a_migrator_the_app_a_worker_and_caddy() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrator", "app", "worker", "proxy"}
    db, migrator, app, worker, proxy = (services[name] for name in ("db", "migrator", "app", "worker", "proxy"))

    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert migrator["command"] == ["dialogue", "database", "upgrade"]
    assert migrator["restart"] == "no"
    assert migrator["depends_on"] == {"db": {"condition": "service_healthy"}}
    for service in (app, worker):
        assert service["depends_on"] == {"migrator": {"condition": "service_completed_successfully"}}
        assert service["build"]["target"] == "app"
        assert service["environment"]["DIALOGUE_MODE"] == "production"
        assert service["environment"]["DIALOGUE_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert app["command"] == ["dialogue", "run"]
    assert "/ready" in " ".join(app["healthcheck"]["test"])
    assert worker["command"] == ["dialogue", "worker"]
    # The web processes leave the outbox to the worker.
    assert app["environment"]["DIALOGUE_OUTBOX_IN_APP"] == "false"
    # Scaled out with --scale: no fixed name, no published port.
    assert "container_name" not in app and "ports" not in app

    assert proxy["build"]["target"] == "proxy"
    assert proxy["depends_on"] == {"app": {"condition": "service_healthy"}}
    assert "443:443" in proxy["ports"]
    # The only X-Forwarded-For the app believes is the proxy's.
    assert app["environment"]["DIALOGUE_TRUSTED_PROXIES"] == proxy["networks"]["default"]["ipv4_address"]


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """{stage: [(instruction, arguments)]}, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", arguments.strip(), re.IGNORECASE)
            assert match, f"every stage is named: {line}"
            current = stages.setdefault(match[2], [])
        current.append((instruction.upper(), arguments.strip()))
    return stages


def test_the_dockerfile_builds_in_stages_and_runs_as_nobody_in_particular() -> None:
    stages = dockerfile_stages()
    assert {"build", "app", "proxy"} <= set(stages)
    app = stages["app"]
    users = [arguments for instruction, arguments in app if instruction == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert [i for i, _ in app].index("USER") < [i for i, _ in app].index("CMD")
    runs = " ".join(arguments for instruction, arguments in app if instruction == "RUN")
    for package in ("fonts-noto-core", "fonts-symbola", "libpango-1.0-0"):
        assert package in runs
    assert any(i == "COPY" and a.startswith("--from=build") for i, a in app), "the app copies the build's result"
    assert any(i == "HEALTHCHECK" for i, _ in app)
    build_runs = " ".join(arguments for instruction, arguments in stages["build"] if instruction == "RUN")
    assert "pybabel compile" in build_runs
    # The static files Caddy serves: hashed names and .br/.gz copies, made in the build.
    static = re.search(r"dialogue static-files (\S+)", build_runs)
    assert static, "the build writes the static files"
    # No compiler or pip cache in what runs: pip installs only in the build stage.
    assert "pip install" not in runs
    proxy_copies = [a for i, a in stages["proxy"] if i == "COPY"]
    assert f"--from=build {static[1]} /srv/static" in proxy_copies
    assert any("deploy/Caddyfile" in a for a in proxy_copies)


def test_what_the_dockerfile_copies_exists_and_is_not_ignored() -> None:
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for stage in dockerfile_stages().values():
        for instruction, arguments in stage:
            if instruction == "COPY" and not arguments.startswith("--from"):
                *sources, _target = arguments.split()
                for source in sources:
                    assert (ROOT / source).exists(), source
                    assert f"!{source.rstrip('/').removeprefix('./')}" in ignored, source


def test_caddy_serves_static_files_with_caching_and_proxies_the_rest() -> None:
    text = (DEPLOY / "Caddyfile").read_text()
    assert "file_server" in text and "path /static/*" in text
    assert "max-age=31536000, immutable" in text and "precompressed br gzip" in text
    # The names the app links to are the ones Caddy keeps for a year.
    fingerprinted = re.search(r"path_regexp (\S+)", text)
    assert fingerprinted
    assert re.match(fingerprinted[1], StaticFiles().url("app.css"))
    assert not re.match(fingerprinted[1], "/static/app.css")
    assert "health_uri /ready" in text
    assert "dynamic a {$APP_HOST:app} {$APP_PORT:8000}" in text
    assert "header_up X-Request-ID" in text


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed (apt-get install caddy)")
def test_caddy_accepts_the_caddyfile() -> None:
    result = subprocess.run(
        ["caddy", "adapt", "--config", str(DEPLOY / "Caddyfile"), "--validate"],
        capture_output=True,
        text=True,
        check=False,
        env={"DOMAIN": "dialogue.example.tn", "PATH": "/usr/bin:/bin", "HOME": "/tmp"},  # noqa: S108  (caddy wants a HOME)
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_units_run_the_server_and_the_worker_as_dialogue() -> None:
    server, worker = unit("dialogue.service"), unit("dialogue-worker.service")
    assert server["Service"]["ExecStart"].endswith("/dialogue run")
    assert worker["Service"]["ExecStart"].endswith("/dialogue worker")
    for service in (server, worker):
        assert service["Service"]["User"] == "dialogue"
        assert service["Service"]["EnvironmentFile"] == "/etc/dialogue/dialogue.env"
        assert service["Service"]["Restart"] == "on-failure"
        assert service["Install"]["WantedBy"] == "multi-user.target"
    backup = unit("dialogue-backup.service")
    assert "pg_dump" in backup["Service"]["ExecStart"]
    assert unit("dialogue-backup.timer")["Timer"]["OnCalendar"]


def test_the_operations_guide_covers_what_an_operator_does() -> None:
    guide = (DEPLOY / "OPERATIONS.md").read_text()
    for heading in ("Install", "Upgrade", "Backup", "Restore", "Rotating secrets", "Scaling out", "Without Docker"):
        assert re.search(rf"^#+ .*{heading}", guide, re.MULTILINE | re.IGNORECASE), heading
    assert "deploy/OPERATIONS.md" in (ROOT / "README.md").read_text()
