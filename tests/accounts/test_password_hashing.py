"""The tests hash passwords with argon2's cheapest parameters (tests/factories.py) to stay
fast; the application itself must not."""

from __future__ import annotations

import subprocess
import sys


def test_the_application_hashes_with_argon2id_at_full_strength() -> None:
    script = "from dialogue.accounts.passwords import hash_password; print(hash_password('a long enough password'))"
    hashed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    algorithm, _version, parameters, *_ = hashed.lstrip("$").split("$")
    assert algorithm == "argon2id"
    values = dict(part.split("=") for part in parameters.split(","))
    # At least what OWASP asks of argon2id (19 MiB, 2 passes); the library's default is more.
    assert int(values["m"]) >= 19 * 1024 and int(values["t"]) >= 2
