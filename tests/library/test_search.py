"""Catalogue search by the database's full-text index (FTS5 on SQLite, tsvector on PostgreSQL): words
in every script, the start of a word, title matches first, and whatever she types taken safely."""
import logging.config

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete

from groups_app.library.models import Book
from groups_app.library.services.catalogue import BookFields, save_book, search
from groups_app.library.services.search import fts5_query, tsquery, words
from tests.conftest import count_queries, make_book, make_copy, make_group, make_user


def titles(text, **filters):
    return [b.title for b in search(text, **filters).items]


@pytest.fixture
def shelf(app):
    """A small catalogue in six languages."""
    make_book("הנקה בלילה", language="he", authors="מיכל כהן", summary="מדריך לאמהות")
    make_book("הלידה הטבעית", language="he", authors="רות לוי")
    make_book("الرضاعة الطبيعية", language="ar", authors="سلمى حداد", summary="دليل للأمهات")
    make_book("نوم الطفل", language="ar", authors="ليلى")
    make_book("የጡት ማጥባት መመሪያ", language="am", authors="ሀና ተስፋዬ", summary="ለእናቶች")
    make_book("Начало жизни вашего ребёнка", language="ru", authors="Евгений Комаровский", summary="Кормление и сон")
    make_book("Sueño del bebé", language="es", authors="Ana López")
    make_book("The Womanly Art of Breastfeeding", language="en", authors="La Leche League International",
              summary="Feeding your baby at night", subjects="breastfeeding,sleep")
    make_book("Sleeping Through", language="en", authors="Jo Night", summary="Nights with a newborn")


@pytest.mark.parametrize("typed, found", [
    ("הנקה", ["הנקה בלילה"]),
    ("הנק", ["הנקה בלילה"]),  # the start of a word, as she is still typing on her phone
    ("לידה", ["הלידה הטבעית"]),  # written with "the" in front: הלידה
    ("הַנָּקָה", ["הנקה בלילה"]),  # with vowel points, found without
    ("رضاعة", ["الرضاعة الطبيعية"]),  # written with the article: الرضاعة
    ("الرضا", ["الرضاعة الطبيعية"]),
    ("نَوْم", ["نوم الطفل"]),  # with harakat, found without
    ("ጡት", ["የጡት ማጥባት መመሪያ"]),
    ("ማጥ", ["የጡት ማጥባት መመሪያ"]),
    ("ለእናቶች", ["የጡት ማጥባት መመሪያ"]),  # in the summary
    ("комаровский", ["Начало жизни вашего ребёнка"]),  # another case, in the authors
    ("РЕБЁН", ["Начало жизни вашего ребёнка"]),
    ("корм", ["Начало жизни вашего ребёнка"]),
    ("womanly", ["The Womanly Art of Breastfeeding"]),
    ("breastfeed art", ["The Womanly Art of Breastfeeding"]),  # every word, in any order
    ("lópez", ["Sueño del bebé"]),
    ("sleep", ["Sleeping Through", "The Womanly Art of Breastfeeding"]),  # a subject counts, below a title
])
def test_words_and_beginnings_of_words_are_found_in_every_language(shelf, typed, found):
    assert titles(typed) == found


def test_every_word_must_be_there(shelf):
    assert titles("breastfeeding sleeping") == []
    assert titles("הנקה לידה") == []


def test_a_match_in_the_title_comes_before_one_in_the_authors_or_summary(app):
    make_book("A guide for mothers", language="en", summary="All about night feeds")  # first by title
    make_book("Night feeds", language="en")
    make_book("Another guide", language="en", authors="Mary Night")
    assert titles("night") == ["Night feeds", "Another guide", "A guide for mothers"]


@pytest.mark.parametrize("typed, found", [
    ('"', None), ("'", None), ("*", None), ("--", None), ("   ", None), ("\x00", None), ("\\", None), ("٪", None),
    ('"night', ["Night feeds"]), ("night'", ["Night feeds"]), ("o'brien", ["O'Brien on sleep"]),
    ("night-feeds", ["Night feeds"]), ("-night", ["Night feeds"]), ("night -", ["Night feeds"]),
    ("night*", ["Night feeds"]), ("night:*", ["Night feeds"]), ("^night", ["Night feeds"]),
    ("((night", ["Night feeds"]), ("night)", ["Night feeds"]), ("night\\", ["Night feeds"]),
    ("night & | ! feeds", ["Night feeds"]), ("🤱 night", ["Night feeds"]), ("sleep: o'brien", ["O'Brien on sleep"]),
    # operators and column names are words like any other: no book has "near", "title", "drop"...
    ("NEAR(night feeds)", []), ("night NEAR feeds", []), ("title:night", []), ("{title}: night", []),
    ("night AND", []), ("OR", []), ("NOT night", []), ("night; DROP TABLE books; --", []),
])
def test_odd_input_is_read_as_words_and_never_as_query_syntax(app, typed, found):
    make_book("Night feeds", language="en")
    make_book("O'Brien on sleep", language="en")
    if found is None:  # nothing she can search for: the catalogue by title, as with an empty box
        assert words(typed) == [] and titles(typed) == ["Night feeds", "O'Brien on sleep"]
    else:
        assert titles(typed) == found


def test_queries_quote_every_word(app):
    assert fts5_query('say "NEAR" x:y') == '"say"* AND "near"* AND "x"* AND "y"*'
    assert tsquery("it's") == "('it':*) & ('s':*)"
    assert fts5_query("!!") is None and tsquery("") is None
    assert len(words("one two three four five six seven eight")) == 6


def test_the_index_follows_books_added_changed_and_removed(app, db):
    staff = make_user("staff")
    book = save_book(None, BookFields(title="Colostrum", authors="", language="en", source="x"), by=staff)
    assert titles("colostrum") == ["Colostrum"]
    save_book(book, BookFields(title="First milk", authors="", language="en", source="x"), by=staff)
    assert titles("colostrum") == [] and titles("first milk") == ["First milk"]
    db.session.execute(delete(Book).where(Book.id == book.id))
    db.session.commit()
    assert titles("milk") == []


def test_the_migration_indexes_the_books_already_there(app, db, monkeypatch):
    monkeypatch.setattr(logging.config, "fileConfig", lambda *args, **kwargs: None)  # env.py's logging reset
    make_book("Kangaroo care", language="en", subjects="baby-care")
    db.session.remove()
    downgrade(revision="0012")
    try:
        make_book("Skin to skin", language="en")  # added while there is no index
    finally:
        db.session.remove()
        upgrade()
    assert titles("kangaroo") == ["Kangaroo care"] and titles("skin") == ["Skin to skin"]
    assert titles("baby care") == ["Kangaroo care"]


def test_words_go_with_the_filters(shelf, db):
    group = make_group(name="Arad")
    baby = db.session.query(Book).filter_by(title="Sleeping Through").one()
    make_copy(baby, group, "AR-1", status="on_loan")
    assert titles("sleep", language="en", group_id=group.id) == ["Sleeping Through"]
    assert titles("sleep", available=True) == []
    assert titles("sleep", subject="breastfeeding") == ["The Womanly Art of Breastfeeding"]


def test_the_search_page_runs_as_many_statements_for_many_matches_as_for_few(app, db, client):
    def statements(path):
        client.get(path)
        with count_queries(db.engine) as counted:
            assert client.get(path).status_code == 200
        return counted()

    make_book("Night one", language="en")
    few = statements("/library/?q=night")
    for n in range(45):
        make_book(f"Night {n:02d}", language="en", summary="night " * (n % 4))
    assert statements("/library/?q=night") == few <= 4


def test_the_search_page_answers_odd_input_and_shows_what_she_typed(app, client, shelf):
    for typed in ('"night', "NEAR(", "x:y", "-", "title:*"):
        answer = client.get("/library/", query_string={"q": typed})
        assert answer.status_code == 200, typed
    page = client.get("/library/", query_string={"q": 'רضاعة "'}).get_data(as_text=True)
    assert "&#34;" in page or "&quot;" in page  # what she typed stays in the box, escaped
    page = client.get("/library/", query_string={"q": "رضاعة"}).get_data(as_text=True)
    assert "الرضاعة الطبيعية" in page
