"""The catalogue: ISBNs, the starter import, search."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import DomainError
from groups_app.library.models import Book
from groups_app.library.services.catalogue import BookFields, import_books, normalise_isbn, save_book, search
from tests.conftest import make_book, make_copy, make_group, make_user

LIBRARY = Path(__file__).resolve().parents[2] / "library"


@pytest.mark.parametrize("raw, isbn13", [
    ("0452266238", "9780452266230"),
    ("978-0-452-28580-4", "9780452285804"),
    ("  9781905177400 ", "9781905177400"),
    ("", None),
])
def test_isbns_are_checked_and_stored_as_isbn13(raw, isbn13):
    assert normalise_isbn(raw) == isbn13


@pytest.mark.parametrize("raw", ["9780452285805", "0452266239", "12345", "97804522858041", "abcdefghij"])
def test_bad_isbns_are_refused(raw):
    with pytest.raises(DomainError):
        normalise_isbn(raw)


def test_isbn_is_unique(app):
    staff = make_user("staff")
    save_book(None, BookFields(title="A", authors="", language="en", isbn="9780452285804", source="x"), by=staff)
    with pytest.raises(DomainError) as error:
        save_book(None, BookFields(title="B", authors="", language="en", isbn="978-0452285804", source="x"), by=staff)
    assert error.value.field == "isbn"


def test_starter_catalogue_imports_once_and_every_row_has_a_source(app, db):
    report = import_books(LIBRARY / "books.csv")
    assert report.errors == [] and report.added >= 30
    again = import_books(LIBRARY / "books.csv")
    assert (again.added, again.updated) == (0, 0)
    assert db.session.scalar(select(func.count(Book.id)).where(Book.source == "")) == 0
    assert {"en", "es", "ru", "he"} <= set(db.session.scalars(select(Book.language)))


def test_a_bad_row_is_reported_with_its_line_and_the_good_rows_kept(app, db, tmp_path):
    path = tmp_path / "books.csv"
    path.write_text(
        "title,authors,language,isbn,publisher,year,subjects,source\n"
        "Good one,Someone,en,9780452285804,,2004,breastfeeding,https://example.org/1\n"
        "Bad ISBN,Someone,en,9780452285805,,,breastfeeding,https://example.org/2\n"
        "No source,Someone,en,,,,breastfeeding,\n"
        "Bad year,Someone,en,,,nineteen,breastfeeding,https://example.org/3\n"
        "Good two,Someone,ru,,,,sleep,https://example.org/4\n", encoding="utf-8")
    report = import_books(path)
    assert [line for line, _ in report.errors] == [3, 4, 5]
    assert report.added == 2
    assert sorted(db.session.scalars(select(Book.title))) == ["Good one", "Good two"]


def test_search_by_words_language_subject_library_and_availability(app):
    group, other = make_group(name="Arad"), make_group(name="Rahat")
    russian = make_book("Начало жизни", language="ru", authors="Евгений Комаровский", subjects="baby-care")
    english = make_book("Bestfeeding", language="en", subjects="breastfeeding")
    make_copy(russian, group, "AR-1", status="on_loan")
    make_copy(english, other, "RH-1")
    assert [b.title for b in search("комаровский").items] == ["Начало жизни"]
    assert [b.title for b in search(language="ru").items] == ["Начало жизни"]
    assert [b.title for b in search(subject="breastfeeding").items] == ["Bestfeeding"]
    assert [b.title for b in search(group_id=group.id).items] == ["Начало жизни"]
    assert [b.title for b in search(available=True).items] == ["Bestfeeding"]
