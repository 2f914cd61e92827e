"""Documents' tests: the app stores its files in a directory of this run (one per worker),
with a 1 MB upload limit, so that "too large" is cheap to send."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dialogue.settings import Settings


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture
def settings(settings: Settings, storage_dir: Path) -> Settings:
    return dataclasses.replace(settings, storage_url=str(storage_dir), upload_max_mb=1)


def stored_files(storage_dir: Path) -> set[str]:
    return {str(path.relative_to(storage_dir)) for path in storage_dir.rglob("*") if path.is_file()}
