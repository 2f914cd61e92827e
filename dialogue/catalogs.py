"""Build steps for the translation catalogs (run by `make i18n`, never by the app).

Message ids are written in English, so the English catalog is the ids themselves: this
step fills every empty or fuzzy English entry with its id (both forms of a plural), so
that `make i18n` always leaves the English catalog complete. An English text someone
deliberately reworded (a non-empty, non-fuzzy entry) is kept.

    python -m dialogue.catalogs fill-english dialogue/locale/en/LC_MESSAGES/messages.po
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def english_strings(message_id: str | tuple[str, ...] | list[str], num_plurals: int) -> str | tuple[str, ...]:
    """The English text of an entry whose id is `message_id`: the id itself; for a plural,
    the singular for the first form and the plural for every other one."""
    if not isinstance(message_id, str):
        singular, plural = message_id[0], message_id[1]
        return (singular, *([plural] * (num_plurals - 1)))
    return message_id


def fill_english(catalog: Catalog) -> int:
    """Fill every empty or fuzzy entry of the English `catalog`; returns how many changed."""
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings) or (isinstance(message.id, tuple) and len(strings) != catalog.num_plurals):
            message.string = english_strings(message.id, catalog.num_plurals)
            message.flags.discard("fuzzy")
            message.previous_id = []
            changed += 1
    return changed


def fill_english_file(path: Path) -> int:
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="en")
    changed = fill_english(catalog)
    if changed:
        with path.open("wb") as po_file:
            # The same layout as `pybabel update --no-wrap --ignore-obsolete`.
            write_po(po_file, catalog, width=None, ignore_obsolete=True)  # type: ignore[arg-type]
    return changed


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "fill-english":
        print("usage: python -m dialogue.catalogs fill-english PATH/TO/en/messages.po", file=sys.stderr)
        return 2
    changed = fill_english_file(Path(argv[1]))
    print(f"{argv[1]}: {changed} English entries filled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
