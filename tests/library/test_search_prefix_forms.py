"""Each search index holds each Hebrew, Arabic and Amharic word also without its prefix (PostgreSQL's
since migration 0020, SQLite's since 0024), so the query asks for the bare word alone: it must find
exactly the books that asking for every prefixed form found on the index of migration 0013."""
import importlib.util
import logging.config
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from groups_app.library.services import search as full_text
from groups_app.library.services.catalogue import BookFields, save_book, search
from tests.conftest import make_book, make_user

MIGRATIONS = Path(__file__).parents[2] / "migrations" / "versions"


def migration(name: str):
    spec = importlib.util.spec_from_file_location(name, MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def former_forms(word: str) -> list[str]:
    """The forms the search asked for before the indexes held the bare ones: the word, and the word
    behind each prefix of its script."""
    for prefixes, first, last in full_text.SCRIPTS:
        if first <= ord(word[0]) <= last:
            return [word] + [prefix + word for prefix in prefixes]
    return [word]


def former_tsquery(typed):
    """tsquery() as it was before migration 0020: every word OR every prefixed form of it."""
    parts = [" | ".join("'" + form.replace("'", "''") + "':*" for form in former_forms(word))
             for word in full_text.words(typed)]
    return " & ".join(f"({part})" for part in parts) or None


def former_fts5_query(typed):
    """fts5_query() as it was before migration 0024."""
    parts = [" OR ".join(f'"{form}"*' for form in former_forms(word)) for word in full_text.words(typed)]
    return " AND ".join(f"({part})" for part in parts) or None


def titles(typed):
    return [row.title for row in search(typed).items]


def test_the_migrations_keep_the_same_prefixes_and_forms_as_the_search():
    """The migrations have their own copies (they must not import app code that changes later): the same."""
    for copy in (migration("0020_search_prefix_forms"), migration("0024_sqlite_search_forms")):
        assert copy.HEBREW_PREFIXES == full_text._HEBREW_PREFIXES
        assert copy.ARABIC_PREFIXES == full_text._ARABIC_PREFIXES
        assert copy.AMHARIC_PREFIXES == full_text._AMHARIC_PREFIXES
        assert copy.SCRIPTS == full_text.SCRIPTS
    sqlite_copy = migration("0024_sqlite_search_forms")
    for fields in BOOKS:
        for field in fields:
            assert sqlite_copy.search_forms(field) == full_text.bare_forms(field), field
    for typed in TYPED + [None, ""]:
        assert sqlite_copy.search_forms(typed) == full_text.bare_forms(typed), typed


def test_a_prefixed_word_is_indexed_also_bare_and_only_before_a_letter_of_its_script():
    assert full_text.bare_forms("החלב של אמא") == "החלב של אמא חלב ל"
    assert full_text.bare_forms("והחלב") == "והחלב החלב חלב"
    assert full_text.bare_forms("الحليب والرضاعة") == "الحليب والرضاعة حليب رضاعة الرضاعة"
    assert full_text.bare_forms("ה12 הmilk ב ال2024 የጡት") == "ה12 הmilk ב ال2024 የጡት ጡት"
    assert full_text.bare_forms("Milk and sleep") == "Milk and sleep"


def test_both_databases_ask_for_the_bare_word_alone():
    assert full_text.tsquery("החלב חל") == "('החלב':*) & ('חל':*)"
    assert full_text.tsquery("حليب ጡት") == "('حليب':*) & ('ጡት':*)"
    assert full_text.fts5_query("החלב חל") == '"החלב"* AND "חל"*'
    assert full_text.fts5_query('ጡት "x') == '"ጡት"* AND "x"*'


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
    ids = {make_book(title, language="he", authors=authors, summary=summary, subjects=subjects).id
           for title, authors, summary, subjects in BOOKS}
    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        vector_0013 = migration("0020_search_prefix_forms").VECTOR_0013  # the index as it was, beside today's
    else:  # 0013's index beside today's: the same FTS5 table over the fields as they are, without the forms
        db.session.execute(text("CREATE VIRTUAL TABLE temp.fts_0013 USING fts5(title, authors, summary, subjects, "
                                "tokenize='unicode61 remove_diacritics 2')"))
        db.session.execute(text("INSERT INTO temp.fts_0013(rowid, title, authors, summary, subjects) "
                                "SELECT id, title, authors, summary, subjects FROM books"))

    def found(before: bool, typed):
        query = (former_tsquery if before else full_text.tsquery)(typed) if postgresql else \
            (former_fts5_query if before else full_text.fts5_query)(typed)
        if query is None:
            return None
        if postgresql:
            vector = vector_0013 if before else "books.search_vector"
            statement = f"SELECT id FROM books WHERE ({vector}) @@ to_tsquery('simple', :q)"
        else:
            statement = f"SELECT rowid FROM {'temp.fts_0013' if before else 'books_fts'} WHERE {'fts_0013' if before else 'books_fts'} MATCH :q"
        return set(db.session.scalars(text(statement), {"q": query}))

    differ, matched = [], 0
    for typed in TYPED:
        before, after = found(True, typed), found(False, typed)
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
    downgrade(revision="0019" if db.engine.dialect.name == "postgresql" else "0023")
    try:
        make_book("ולידה בבית", language="he")  # added while the index has no forms without prefixes
    finally:
        db.session.remove()
        upgrade()
    assert titles("رضاعة") == ["الحليب والرضاعة"] and titles("לידה") == ["ולידה בבית"]
    assert titles("حليب") == ["الحليب والرضاعة"] and titles("בית") == ["ולידה בבית"]
