"""Locality names in the reader's script, their import from library/, and their order in lists."""
from __future__ import annotations

import csv
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from groups_app.core.places import Locality, collation_key, import_localities, locality_choices, sorted_localities
from groups_app.extensions import db as _db
from tests.conftest import make_test_app

CSV = Path(__file__).resolve().parents[2] / "library" / "localities.csv"


def _rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _omer() -> Locality:
    return Locality(name_en="Omer", name_he="עומר", name_ar="عومر", name_ru="Омер", kind="local council",
                    council="Southern District", source="https://en.wikipedia.org/wiki/Omer,_Israel")


def test_every_locality_has_arabic_and_russian_names_after_import(app, db):
    localities = db.session.scalars(select(Locality)).all()
    assert len(localities) == 38
    assert all(loc.name_ar and loc.name_ru and loc.source_ru for loc in localities)
    by_name = {loc.name_en: loc for loc in localities}
    assert (by_name["Omer"].name_ar, by_name["Omer"].name_ru) == ("عومر", "Омер")
    assert (by_name["Tirabin al-Sana"].name_ar, by_name["Tirabin al-Sana"].name_ru) == ("ترابين", "Тарабин")


def test_the_names_are_exactly_those_of_the_file_with_their_sources(app, db):
    by_name = {loc.name_en: loc for loc in db.session.scalars(select(Locality))}
    for row in _rows():
        loc = by_name[row["name_en"]]
        assert (loc.name_he, loc.name_ar, loc.name_ru) == (row["name_he"], row["name_ar"], row["name_ru"])
        assert (loc.source, loc.source_ar, loc.source_ru) == (row["source"], row["source_ar"] or None, row["source_ru"])
    # the 14 Arabic names that were missing each say where they come from
    assert sum(1 for loc in by_name.values() if loc.source_ar) == 14
    assert by_name["Re'im"].source_ar.startswith("Israel Home Front Command")


def _snapshot(db) -> dict[int, tuple]:
    return {loc.id: (loc.name_en, loc.name_he, loc.name_ar, loc.name_ru, loc.source_ar, loc.source_ru)
            for loc in db.session.scalars(select(Locality))}


def test_importing_again_changes_nothing(app, db):
    before = _snapshot(db)
    assert import_localities(CSV) == (0, 0)
    assert import_localities(CSV) == (0, 0)
    db.session.expire_all()
    assert _snapshot(db) == before


def test_an_older_file_without_the_new_columns_leaves_them_alone(app, db, tmp_path):
    older = tmp_path / "localities.csv"
    columns = ["name_en", "name_he", "name_ar", "kind", "council", "lat", "lon", "source"]
    with older.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(_rows())
    assert import_localities(older) == (0, 0)
    assert db.session.scalar(select(func.count()).where(Locality.name_ru.is_(None))) == 0


def test_an_existing_database_gets_the_new_names_and_keeps_every_link(tmp_path, monkeypatch):
    # Its own SQLite database: the shared one must keep its localities for the other tests.
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    old_app = make_test_app("sqlite:///" + str(tmp_path / "old.sqlite"), str(tmp_path))
    rows = _rows()
    with old_app.app_context():
        upgrade(revision="0004")
        with _db.engine.begin() as conn:  # the rows as the import wrote them before: 24 Arabic names
            for row in rows:
                conn.execute(
                    text("INSERT INTO localities (name_en, name_he, name_ar, kind, council, lat, lon, source) "
                         "VALUES (:name_en, :name_he, :name_ar, :kind, :council, :lat, :lon, :source)"),
                    {**{k: row[k] for k in ("name_en", "name_he", "kind", "council", "source")},
                     "name_ar": None if row["source_ar"] else row["name_ar"],
                     "lat": float(row["lat"]) if row["lat"] else None, "lon": float(row["lon"]) if row["lon"] else None},
                )
            omer_id = conn.scalar(text("SELECT id FROM localities WHERE name_en = 'Omer'"))
            conn.execute(
                text("INSERT INTO users (name, email, password_hash, language, other_languages, timezone, locality_id,"
                     " contact_by_email, contact_by_sms, contact_by_phone, active, created_at) VALUES ('Miriam',"
                     " 'miriam@example.org', 'x', 'ar', '', 'Asia/Jerusalem', :omer, 1, 0, 0, 1, '2026-01-01 00:00:00')"),
                {"omer": omer_id},
            )
            ids = dict(conn.execute(text("SELECT name_en, id FROM localities")).all())

        upgrade()
        assert import_localities(CSV) == (0, 38)  # every row gets its Russian name, 14 their Arabic one

        localities = _db.session.scalars(select(Locality)).all()
        assert {loc.name_en: loc.id for loc in localities} == ids
        assert all(loc.name_ar and loc.name_ru for loc in localities)
        with _db.engine.connect() as conn:
            assert conn.scalar(text("SELECT locality_id FROM users WHERE name = 'Miriam'")) == omer_id
        omer = _db.session.get(Locality, omer_id)
        assert (omer.name("ar"), omer.name("ru")) == ("عومر", "Омер")

        _db.session.remove()
        downgrade(revision="0005")  # drops the three columns, and nothing else
        with _db.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("localities")}
            assert not columns & {"name_ru", "source_ar", "source_ru"}
            assert conn.scalar(text("SELECT locality_id FROM users WHERE name = 'Miriam'")) == omer_id
            assert conn.scalar(text("SELECT count(*) FROM localities")) == 38
        _db.engine.dispose()


def test_each_reader_sees_the_name_in_her_script():
    omer = _omer()
    assert omer.name("he") == "עומר"
    assert omer.name("ar") == "عومر"
    assert omer.name("ru") == "Омер"
    assert omer.name("en") == "Omer"


def test_an_amharic_reader_sees_the_hebrew_name_and_a_spanish_reader_the_latin_one(app):
    assert _omer().name("am") == "עומר"
    assert _omer().name("es") == "Omer"
    assert [name for _, name in locality_choices("am")] == [name for _, name in locality_choices("he")]
    assert [name for _, name in locality_choices("es")] == [name for _, name in locality_choices("en")]


def test_a_missing_name_falls_back_to_the_latin_one():
    omer = _omer()
    omer.name_ar = omer.name_ru = None
    assert (omer.name("ar"), omer.name("ru"), omer.name("ar_IL")) == ("Omer", "Omer", "Omer")


def test_the_arabic_list_is_in_arabic_alphabetical_order(app):
    names = [name for _, name in locality_choices("ar")]
    assert len(names) == 38
    # "ال" is not skipped: اللقية sorts under ا; أ sorts with ا (in code point order it comes first).
    assert names[:4] == ["اشليم", "اللقية", "أوفاكيم", "بيت كاما"]
    assert names.index("تكوما") < names.index("تل السبع") < names.index("جفاعوت بار")
    assert names[-1] == "يروحام"


def test_the_russian_list_puts_short_i_after_i(app):
    names = [name for _, name in locality_choices("ru")]
    assert names.index("Димона") + 1 == names.index("Йерухам") == names.index("Кирьят-Гат") - 1
    assert names[:3] == ["Арад", "Арара в Негеве", "Ашалим"]


def test_names_in_the_readers_script_come_before_fallback_names():
    omer = _omer()
    latin_only = Locality(name_en="Aroer", name_he="ערוער", kind="", council="", source="")
    beersheba = Locality(name_en="Beersheba", name_he="באר שבע", name_ar="بئر السبع", name_ru="Беэр-Шева",
                         kind="", council="", source="")
    assert [loc.name("ar") for loc in sorted_localities([latin_only, omer, beersheba], "ar")] == [
        "بئر السبع", "عومر", "Aroer"]


def test_arabic_collation_puts_the_hamza_forms_with_alef_and_ignores_harakat():
    words = ["بيت", "إبل", "آمنة", "ابن", "أم"]
    assert sorted(words, key=lambda w: collation_key(w, "ar")) == ["إبل", "ابن", "أم", "آمنة", "بيت"]
    assert collation_key("مَدِينَة", "ar")[1] == collation_key("مدينة", "ar")[1]
    assert collation_key("حورة", "ar")[1] == collation_key("حوره", "ar")[1]  # ة with ه


def test_hebrew_collation_sorts_final_forms_as_their_letter_and_ignores_points():
    assert collation_key("גן", "he")[1] == collation_key("גנ", "he")[1]
    assert collation_key("שָׁלוֹם", "he")[1] == collation_key("שלום", "he")[1]
