"""The catalogs: every string the code marks is translated in French, Arabic and English,
with the plural forms of CLDR, and the compiled catalogs the app loads match them."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from dialogue import catalogs, i18n
from dialogue.settings import ROOT

LANGUAGES = ["fr", "ar", "en"]
# CLDR's order of plural categories: gettext's form N is the N-th category the language has.
CLDR_ORDER = ["zero", "one", "two", "few", "many", "other"]

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


def _po(language: str) -> Catalog:
    path = Path(ROOT / "dialogue" / "locale" / language / "LC_MESSAGES" / "messages.po")
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_marked_string(language: str) -> None:
    catalog = _po(language)
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


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_header_is_cldrs(language: str) -> None:
    """French has three forms (one, many, other), Arabic six, English two; the header's
    formula picks, for every count, the form of the category CLDR gives that count."""
    catalog = _po(language)
    expected = get_plural(language)
    assert catalog.num_plurals == expected.num_plurals == {"fr": 3, "ar": 6, "en": 2}[language]
    assert catalog.plural_expr == expected.plural_expr
    rule = Locale.parse(language).plural_form
    categories = [tag for tag in CLDR_ORDER if tag in rule.tags or tag == "other"]
    assert len(categories) == catalog.num_plurals
    choose = gettext.c2py(catalog.plural_expr)
    for n in [*range(250), 1000, 1001, 1_000_000, 2_000_000, 2_000_001, 10_000_000]:
        assert choose(n) == categories.index(rule(n)), (language, n)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_po(language: str) -> None:
    """The .mo the app loads holds exactly the translated entries of the .po (stale after a
    change to the .po until `make install` or `make i18n` compiles it again)."""
    catalog = _po(language)
    path = i18n.catalog_path(language)
    assert path.is_file(), f"{path} is missing: run `make install`"
    with path.open("rb") as mo_file:
        compiled = read_mo(mo_file)
    assert compiled.num_plurals == catalog.num_plurals
    assert compiled.plural_expr == catalog.plural_expr

    def entries(source: Catalog) -> dict[tuple[str | None, tuple[str, ...]], tuple[str, ...]]:
        found = {}
        for message in source:
            ids = tuple(message.id) if isinstance(message.id, list | tuple) else (message.id,)
            strings = tuple(message.string) if isinstance(message.string, list | tuple) else (message.string,)
            if message.id and not message.fuzzy and all(strings):
                found[(message.context, ids)] = strings
        return found

    assert entries(compiled) == entries(catalog), f"{path} is out of date: run `make install`"


def test_app_refuses_to_start_without_compiled_catalogs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "dialogue" / "locale", tmp_path / "locale")
    for compiled in (tmp_path / "locale").glob("*/LC_MESSAGES/*.mo"):
        compiled.unlink()
    with pytest.raises(i18n.CatalogsMissing, match="make install"):
        i18n.check_catalogs(tmp_path / "locale")
    i18n.check_catalogs()  # the real ones are built


def test_english_catalog_is_filled_from_the_ids() -> None:
    """`make i18n` fills new and fuzzy English entries with their ids, plurals included,
    and keeps an English text someone reworded."""
    catalog = Catalog(locale="en")
    catalog.add("Save", "")
    catalog.add(("%(num)d meeting", "%(num)d meetings"), ("", ""))
    catalog.add("Old wording", "Older wording", flags=["fuzzy"])
    catalog.add("Reworded", "Better wording")
    assert catalogs.fill_english(catalog) == 3
    assert catalog.get("Save").string == "Save"
    assert catalog.get(("%(num)d meeting", "%(num)d meetings")).string == ("%(num)d meeting", "%(num)d meetings")
    assert catalog.get("Old wording").string == "Old wording"
    assert not catalog.get("Old wording").fuzzy
    assert catalog.get("Reworded").string == "Better wording"
