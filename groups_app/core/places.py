"""Negev localities (names in three scripts, coordinates), loaded from library/localities.csv."""
from __future__ import annotations

import csv
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
    kind: Mapped[str] = mapped_column(String(60))
    council: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))

    def name(self, locale: str | None = None) -> str:
        """The name in the reader's script where we have it (he, ar), else the English one."""
        locale = locale or str(get_locale() or "en")
        if locale == "he":
            return self.name_he
        if locale == "ar" and self.name_ar:
            return self.name_ar
        return self.name_en

    def __str__(self) -> str:
        return self.name()


def import_localities(path: Path) -> tuple[int, int]:
    """Insert new localities and update known ones (by English name). Returns (added, updated)."""
    known = {loc.name_en: loc for loc in db.session.scalars(select(Locality))}
    added = updated = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {
                "name_he": row["name_he"].strip(),
                "name_ar": row["name_ar"].strip() or None,
                "kind": row["kind"].strip(),
                "council": row["council"].strip(),
                "lat": float(row["lat"]) if row["lat"].strip() else None,
                "lon": float(row["lon"]) if row["lon"].strip() else None,
                "source": row["source"].strip(),
            }
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


def locality_choices() -> list[tuple[int, str]]:
    locale = str(get_locale() or "en")
    return sorted(((loc.id, loc.name(locale)) for loc in all_localities()), key=lambda c: c[1])
