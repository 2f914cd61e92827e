"""Every string the code marks for translation is translated in French and Arabic."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dialogue.settings import ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
METHODS = [("dialogue/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _marked_in_code() -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalog_translates_every_marked_string(language: str) -> None:
    path = Path(ROOT / "dialogue" / "locale" / language / "LC_MESSAGES" / "messages.po")
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[(message.context, msgid)] = all(strings) and not message.fuzzy
        assert len(strings) == (catalog.num_plurals if isinstance(message.id, tuple) else 1), msgid
    missing = sorted(str(key) for key in _marked_in_code() if not translated.get(key))
    assert not missing, f"{len(missing)} strings untranslated in {language} (run `make i18n`): {missing[:10]}"
    assert not [error for message in catalog for error in message.check(catalog)]
