"""PostgreSQL's search vector holds each Hebrew, Arabic and Amharic word also without its prefix
(migration 0020), so the query asks for the bare word alone: it must find exactly the books that
asking for every prefixed form found on the index of migration 0013."""
import importlib.util
import logging.config
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from groups_app.library.services import search as full_text
from groups_app.library.services.catalogue import BookFields, save_book, search
from tests.conftest import make_book, make_user

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0020_search_prefix_forms.py"


def migration():
    spec = importlib.util.spec_from_file_location("search_prefix_forms", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the prefix forms are in PostgreSQL's index only; SQLite asks for every form")


def former_tsquery(typed):
    """tsquery() as it was before migration 0020: every word OR every prefixed form of it."""
    parts = [" | ".join("'" + form.replace("'", "''") + "':*" for form in full_text._forms(word))
             for word in full_text.words(typed)]
    return " & ".join(f"({part})" for part in parts) or None


def titles(typed):
    return [row.title for row in search(typed).items]


def test_the_migration_keeps_the_same_prefixes_as_the_search():
    """The migration has its own copy (it must not import app code that changes later): the same."""
    copy = migration()
    assert copy.HEBREW_PREFIXES == full_text._HEBREW_PREFIXES
    assert copy.ARABIC_PREFIXES == full_text._ARABIC_PREFIXES
    assert copy.AMHARIC_PREFIXES == full_text._AMHARIC_PREFIXES
    for prefixes, first, last in copy.SCRIPTS:  # and _forms reads a word's script from the same ranges
        assert full_text._forms(chr(first) + "x")[1:] == [p + chr(first) + "x" for p in prefixes]
        assert full_text._forms(chr(last) + "x")[1:] == [p + chr(last) + "x" for p in prefixes]
    for outside in (0x058F, 0x0700, 0x11FF, 0x1380):
        assert full_text._forms(chr(outside) + "x") == [chr(outside) + "x"]


def test_postgresql_asks_for_the_bare_word_alone():
    assert full_text.tsquery("החלב חל") == "('החלב':*) & ('חל':*)"
    assert full_text.tsquery("حليب ጡት") == "('حليب':*) & ('ጡት':*)"
    assert full_text.fts5_query("ጡት").count(" OR ") == len(full_text._AMHARIC_PREFIXES)  # SQLite: every form


BOOKS = [  # title, authors, summary, subjects: words with and without prefixes, in every field
    ("החלב של אמא", "רות לוי", "וחלב בלילה, שהחלב הלבן", "breastfeeding"),
    ("חלבון ובהריון", "מיכל כהן-לוי", "הנקה-לילה לכל הלילות", "pregnancy,baby-care"),
    ("הלידה הטבעית", "", "ילדים ולידה; ה12 ספרים, בה, ו, ה", "birth"),
    ("הַנָּקָה בלילה", "שלי", "מדריך לאמהות והמשפחה", ""),
    ("הmilk והחלבmilk", "O'Brien", "12ה ה-12 الחלב", ""),
    ("الحليب والرضاعة", "سلمى حداد", "بالطفل للأمهات وليلة لل ال", "breastfeeding"),
    ("نوم الطفل", "ليلى", "فالنوم كالحليب ال2024 الmilk", "sleep"),
    ("የጡት ማጥባት መመሪያ", "ሀና ተስፋዬ", "ለእናቶች እንደእናት ስለልጅ ከቤት በቤት የ", ""),
    ("Молоко и сон", "Евгений Комаровский", "в ночь кормление ребёнка", "sleep"),
    ("O'Brien's night-feeds", "La Leche League", "Milk 12 at night; baby care", "baby-care"),
]
TYPED = [
    # Hebrew: bare, prefixed, doubly prefixed, still typing, a prefix alone, with points
    "חלב", "החלב", "וחלב", "שהחלב", "החל", "חל", "ח", "ה", "ו", "ב", "בה", "של", "לידה", "הלידה", "ולידה", "ילה",
    "לילה", "בלילה", "לילות", "נקה", "הנקה", "הַנָּקָה", "הריון", "בהריון", "משפחה", "המשפחה", "אמהות", "לוי", "כהן",
    "ה12", "12ה", "ספרים", "milk", "חלבmilk",
    # Arabic
    "حليب", "الحليب", "كالحليب", "رضا", "الرضاعة", "والرضاعة", "طفل", "بالطفل", "الطفل", "أمهات", "للأمهات", "ليلة",
    "وليلة", "نوم", "فالنوم", "ال", "لل", "و", "ل", "2024", "ليل",
    # Amharic
    "ጡት", "የጡት", "ማጥ", "እናቶች", "ለእናቶች", "እናት", "እንደእናት", "ልጅ", "ስለልጅ", "ቤት", "በቤት", "ከቤት", "የ",
    # Russian, English, and whatever else she types
    "молоко", "мол", "в", "ребён", "night", "nigh", "feeds", "o'brien", "brien", "night-feeds", "baby care", "12",
    "milk night", "חלב לילה", "חלב milk", "حليب طفل", '"חלב"', "'החלב", "חלב:*", "(חלב) | !", "ח'לב", "🤱 חלב",
    "NEAR(חלב", "ה ה", "   ",
]


def test_the_bare_word_finds_exactly_what_every_prefixed_form_found(app, db):
    postgresql_only(db)
    ids = {make_book(title, language="he", authors=authors, summary=summary, subjects=subjects).id
           for title, authors, summary, subjects in BOOKS}
    vector_0013 = migration().VECTOR_0013  # the index as it was, computed here beside today's

    def found(vector, query):
        if query is None:
            return None
        return set(db.session.scalars(text(f"SELECT id FROM books WHERE ({vector}) @@ to_tsquery('simple', :q)"),
                                      {"q": query}))

    differ, matched = [], 0
    for typed in TYPED:
        before = found(vector_0013, former_tsquery(typed))
        after = found("books.search_vector", full_text.tsquery(typed))
        if before != after:
            differ.append((typed, before, after))
        matched += bool(before)
        if after is not None:  # and the search itself, page and all
            assert {row.id for row in search(typed, per_page=100).items} == after, typed
    assert differ == []
    assert len(ids) == len(BOOKS) and matched >= len(TYPED) * 2 // 3  # most words find something
    assert {"החלב של אמא", "الحليب والرضاعة", "የጡት ማጥባት መመሪያ"} <= {*titles("חלב"), *titles("حليب"), *titles("ጡት")}


def test_a_changed_title_is_found_under_its_new_words(app, db):
    staff = make_user("staff")
    book = save_book(None, BookFields(title="החלב של אמא", authors="", language="he", source="x"), by=staff)
    assert titles("חלב") == ["החלב של אמא"] and titles("הלידה") == []
    save_book(book, BookFields(title="הלידה בבית", authors="", language="he", source="x"), by=staff)
    assert titles("חלב") == [] and titles("החלב") == []
    assert titles("לידה") == titles("הלידה") == titles("בית") == titles("בבית") == ["הלידה בבית"]


def test_the_migration_adds_the_forms_of_the_books_already_there(app, db, monkeypatch):
    monkeypatch.setattr(logging.config, "fileConfig", lambda *args, **kwargs: None)  # env.py's logging reset
    make_book("الحليب والرضاعة", language="ar")
    db.session.remove()
    downgrade(revision="0019")
    try:
        make_book("ולידה בבית", language="he")  # added while the index has no forms without prefixes
    finally:
        db.session.remove()
        upgrade()
    assert titles("رضاعة") == ["الحليب والرضاعة"] and titles("לידה") == ["ולידה בבית"]
    assert titles("حليب") == ["الحليب والرضاعة"] and titles("בית") == ["ולידה בבית"]
