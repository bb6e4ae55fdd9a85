"""Catalog upkeep: the English catalog mirrors the source strings, which are English."""
from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def fill_source_language(path: str) -> int:
    """Set every English msgstr to its msgid; returns how many entries changed."""
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="en")
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = message.id
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100)
    return changed


if __name__ == "__main__":
    print(f"{fill_source_language(sys.argv[1])} English entries filled")
