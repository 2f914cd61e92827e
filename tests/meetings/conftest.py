"""The meetings tests look at each answer itself: redirects are not followed."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def english(english: Any) -> Any:
    english.follow_redirects = False
    return english
