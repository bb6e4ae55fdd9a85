"""Negev localities (names in four scripts, coordinates), loaded from library/localities.csv."""
from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from flask_babel import get_locale
from sqlalchemy import Float, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Locality(db.Model):
    __tablename__ = "localities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120), unique=True)
    name_he: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str | None] = mapped_column(String(120))
    name_ru: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(60))
    council: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    source_ar: Mapped[str | None] = mapped_column(String(500))
    source_ru: Mapped[str | None] = mapped_column(String(500))

    def name(self, locale: str | None = None) -> str:
        """The name as the reader sees it on signs: Hebrew for he and am (Amharic readers in Israel
        read Hebrew signs), Arabic for ar, Russian for ru, else the Latin one (es, en, or a
        missing name)."""
        language = _language(locale)
        if language in ("he", "am"):
            return self.name_he
        if language == "ar" and self.name_ar:
            return self.name_ar
        if language == "ru" and self.name_ru:
            return self.name_ru
        return self.name_en

    def __str__(self) -> str:
        return self.name()


_OPTIONAL_COLUMNS = ("name_ar", "name_ru", "source_ar", "source_ru")


def import_localities(path: Path) -> tuple[int, int]:
    """Insert new localities and update known ones in place (by English name), so that ids, and
    the users and groups linked to them, stay. Never deletes a row. A column the file does not
    have (an older file) is left as it is in the database. Returns (added, updated)."""
    known = {loc.name_en: loc for loc in db.session.scalars(select(Locality))}
    added = updated = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {
                "name_he": row["name_he"].strip(),
                "kind": row["kind"].strip(),
                "council": row["council"].strip(),
                "lat": float(row["lat"]) if row["lat"].strip() else None,
                "lon": float(row["lon"]) if row["lon"].strip() else None,
                "source": row["source"].strip(),
            }
            values.update({key: row[key].strip() or None for key in _OPTIONAL_COLUMNS if key in row})
            locality = known.get(row["name_en"].strip())
            if locality is None:
                db.session.add(Locality(name_en=row["name_en"].strip(), **values))
                added += 1
            elif any(getattr(locality, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(locality, key, value)
                updated += 1
    db.session.commit()
    return added, updated


def all_localities() -> list[Locality]:
    return list(db.session.scalars(select(Locality).order_by(Locality.name_en)))


def locality_choices(locale: str | None = None, kept: dict | None = None) -> list[tuple[int, str]]:
    """(id, shown name) for the locality drop-downs and filters, in the reader's order (`kept`: as
    `named_localities`)."""
    return list(named_localities(locale, kept)[1])


KEPT = "core.localities"  # app.extensions: (the localities' version, {language: named localities})
KEPT_LANGUAGES = 16  # at most per version: six languages, and whatever a locale string says


def named_localities(locale: str | None = None, kept: dict | None = None
                     ) -> tuple[dict[int, str], tuple[tuple[int, str], ...]]:
    """Every locality's name as the reader sees it, by id, and the (id, name) choices in her order:
    one statement built once, read as plain columns (as objects, a filter of every locality cost
    the ORM a few calls each), the names and their order made once per language and set of rows.

    `kept`: the store this process keeps for the localities' version that the caller read beside its
    own rows (`main.versions.kept_localities`, the version's columns from
    `main.versions.version_columns(LOCALITIES, ...)`, migration 0025): the names are read once per
    version and language, not on every visit. None reads them now. (Core imports no feature: the
    caller brings the store.)"""
    language = _language(locale)
    named = None if kept is None else kept.get(language)
    if named is None:
        named = _named(tuple(db.session.execute(_localities_statement())), language)
        if kept is not None:
            kept[language] = named
    return named


@functools.cache
def _localities_statement():
    return select(Locality.id, Locality.name_en, Locality.name_he, Locality.name_ar, Locality.name_ru
                  ).order_by(Locality.name_en)


@functools.lru_cache(maxsize=64)
def _named(rows: tuple, language: str) -> tuple[dict[int, str], tuple[tuple[int, str], ...]]:
    named = [(row.id, Locality.name(row, language)) for row in rows]  # the model's rule, on the row's columns
    return dict(named), tuple(sorted(named, key=lambda choice: collation_key(choice[1], language)))


def sorted_localities(localities: Iterable[Locality], locale: str | None = None) -> list[Locality]:
    """Localities in the order the reader expects: by the name she is shown, names in her
    script first, any fallback (Latin) names after."""
    language = _language(locale)
    return sorted(localities, key=lambda loc: collation_key(loc.name(language), language))


# ---- collation -------------------------------------------------------------------------------
# PyICU is not a dependency, Babel does not collate, and locale.strxfrm depends on the server's
# installed locales; so this is a small collation of our own, enough for place names.
#
# Primary level: NFKD with the combining marks removed (accents, Hebrew points, Arabic harakat),
# case folded. For Hebrew, Arabic, Cyrillic and Ge'ez that leaves each alphabet's letters in code
# point order, which is their alphabetical order, with these exceptions (the Arabic ones are
# the letter equivalences of CLDR's Arabic-script search rules):
# - Arabic: the hamza and madda forms of alef (أ إ آ) decompose to ا and sort with it; likewise
#   ؤ with و and ئ with ي. ى sorts with ي, ة (which sits between ب and ت in Unicode) with ه,
#   and the tatweel (ـ) is ignored. The article "ال" is NOT ignored: a reader looks for "اللقية"
#   under ا, as it is written, so it sorts there.
# - Hebrew: final forms (ך ם ן ף ץ) sort as their letter.
# - Russian: й is a letter of its own (after и), so its breve is kept; ё sorts with е.
# - Spanish: ñ is a letter of its own (after n).
# Then the name itself, so that names equal at the primary level keep a fixed order.
_FOLD = str.maketrans({
    "ة": "ه", "ى": "ي", "ـ": None,
    "ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ",
})
_OWN_LETTERS = {"ru": {"й"}, "es": {"ñ"}}
_NAME_SCRIPT = {"he": "HEBREW", "am": "HEBREW", "ar": "ARABIC", "ru": "CYRILLIC", "es": "LATIN", "en": "LATIN"}


def collation_key(name: str, locale: str | None = None) -> tuple[int, str, str]:
    """A sort key for a name shown to a reader of `locale`: her script first, then as above."""
    return _collation_key(name, _language(locale))


@functools.lru_cache(maxsize=8192)  # place names are few; every drop-down of localities sorts them all
def _collation_key(name: str, language: str) -> tuple[int, str, str]:
    own = _OWN_LETTERS.get(language, set())
    primary = []
    for char in unicodedata.normalize("NFC", name).casefold():
        if char in own:
            primary.append(char)
            continue
        primary.extend(part for part in unicodedata.normalize("NFKD", char) if unicodedata.category(part) != "Mn")
    foreign = _script(name) != _NAME_SCRIPT.get(language, "LATIN")
    return int(foreign), "".join(primary).translate(_FOLD), name


def _script(name: str) -> str | None:
    """The script of the first letter ("ARABIC", "HEBREW", "LATIN", ...)."""
    for char in name:
        if unicodedata.category(char).startswith("L"):
            return unicodedata.name(char, "").split(" ")[0] or None
    return None


def _language(locale: str | None) -> str:
    """The language code from an argument or the request's locale: "ar_IL" gives "ar"."""
    value = str(locale or get_locale() or "en")
    return value.replace("-", "_").split("_")[0].lower()
