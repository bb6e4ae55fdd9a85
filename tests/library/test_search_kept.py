"""A catalogue search is ranked once per version of the books (migration 0026) and kept by the process:
the next page, or the same search again, reads only its page's books, and every change to what a
search finds or how it orders it (a book added, removed, or its title, authors, summary, subjects or
language changed, whichever way it was written) shows at the next search. Copies are read afresh."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, insert, select, update

from groups_app.library.models import Book, Copy
from groups_app.library.services import catalogue
from groups_app.library.services.catalogue import BookFields, import_books, save_book, search
from groups_app.main.models import BOOKS, DataVersion
from tests.conftest import count_queries, login, make_book, make_copy, make_group, make_user

RANKING = re.compile(r"\bbm25\(|\bts_rank\(")


@pytest.fixture
def shelf(app, db):
    """Thirty books with "milk": in a title, in authors, in a summary; many tied."""
    app.extensions.pop(catalogue.KEPT, None)  # as a process that just started
    group = make_group()
    for n in range(30):
        where = n % 4
        book = make_book(f"Milk {n:02d}" if where == 0 else f"Book {n:02d}", language=["en", "ru"][n % 2],
                         authors="Ann Milk" if where == 1 else "Someone",
                         summary={2: "About milk and sleep", 3: "Milk at night"}.get(where, "About sleep"),
                         subjects="breastfeeding" if where == 3 else "sleep")
        make_copy(book, group, f"C-{n}")
    make_book("Nothing to do with it", summary="Sleep")
    return group


def _found(text: str = "milk", **filters) -> tuple[list[str], int, bool]:
    """The titles on the page, the total, and whether the search ranked the books."""
    with count_queries(catalogue.db.engine) as counted:
        page = search(text, **filters)
        titles = [book.title for book in page.items]
        total = page.total
    return titles, total, any(RANKING.search(statement) for statement in counted.statements)


def _not_kept(text: str = "milk", **filters) -> tuple[list[str], int]:
    """The same page from the statement that ranks and cuts to the page every time (as before 0026)."""
    dialect = catalogue.db.session.get_bind().dialect.name
    language, subject, per_page, number = filters.get("language"), filters.get("subject"), filters.get("per_page", 20), filters.get("page", 1)
    statement, _ = catalogue._search_statements(dialect, True, bool(language), bool(subject), False, False, False)
    values = {"wanted": catalogue.full_text.query_text(text, dialect), "limit": per_page, "offset": (number - 1) * per_page}
    if language:
        values["language"] = language
    if subject:
        values |= {"subject": subject, "first": f"{subject},%", "last": f"%,{subject}", "inner": f"%,{subject},%"}
    rows = catalogue.db.session.execute(statement, values).all()
    return [row.title for row in rows], rows[0].total if rows else 0


def test_a_search_is_ranked_once_and_every_page_matches_ranking_every_time(shelf, db):
    first = _found()
    assert first[1] == 30 and first[2] is True
    assert _found() == (first[0], 30, False)  # the same search again: not ranked again
    for filters in ({"per_page": 7, "page": 1}, {"per_page": 7, "page": 3}, {"per_page": 7, "page": 5},
                    {"language": "ru"}, {"language": "ru", "per_page": 4, "page": 2}, {"subject": "breastfeeding"}):
        expected = _not_kept(**filters)
        titles, total, _ = _found(**filters)
        assert (titles, total) == expected, filters
        assert _found(**filters) == (titles, total, False), filters
    assert _found(per_page=7, page=6)[:2] == ([], 30)  # past the end: empty, the total still right


def test_a_kept_search_ranks_nothing_and_shows_copies_as_they_are_now(shelf, db, client):
    login(client, make_user("mother"))
    client.get("/library/?q=milk")
    with count_queries(db.engine) as first:
        client.get("/library/?q=milk")
    book = db.session.scalar(select(Book).where(Book.title == "Milk 00"))
    copy = db.session.scalar(select(Copy).where(Copy.book_id == book.id))
    copy.status = "on_loan"  # a loan: not a change to what a search finds
    db.session.commit()
    with count_queries(db.engine) as again:
        html = client.get("/library/?q=milk").get_data(as_text=True)
    assert not any(RANKING.search(s) for s in first.statements + again.statements)
    assert again() == first()
    card = html.split("Milk 00", 1)[1].split("Milk", 1)[0]
    assert "It is out at the moment." in card and "on the shelf now" not in card


def test_every_change_to_what_a_search_finds_shows_at_the_next_search(shelf, db, app, tmp_path):
    staff = make_user("staff")
    seen = _found()[:2]

    def changed(what: str) -> tuple[list[str], int]:
        titles, total, ranked = _found()
        assert ranked, f"not ranked again after: {what}"
        assert (titles, total) == _not_kept(), what
        assert (titles, total) != seen, f"the same results after: {what}"
        assert _found()[2] is False, f"ranked again with nothing changed after: {what}"
        return titles, total

    added = save_book(None, BookFields(title="Milk A new one", authors="", language="en", isbn=None, publisher="",
                                       year=None, subjects=[], summary="", source="a test"), by=staff)
    seen = changed("a book added by hand")
    assert seen[1] == 31 and "Milk A new one" in seen[0]
    book = db.session.scalar(select(Book).where(Book.title == "Book 02"))
    book.summary = "About sleep"  # through the ORM: it no longer has the word
    db.session.commit()
    seen = changed("a summary changed through the ORM")
    assert seen[1] == 30
    db.session.execute(update(Book).where(Book.title == "Book 01").values(title="Milk 01"))  # a Core update
    db.session.commit()
    seen = changed("a title changed by a Core update")
    assert "Milk 01" in seen[0]
    by_subject = _found(subject="breastfeeding")[:2]
    db.session.execute(update(Book).where(Book.title == "Book 03").values(subjects="sleep"))  # a filter's value
    db.session.commit()
    assert _found(subject="breastfeeding")[:2] == _not_kept(subject="breastfeeding") != by_subject
    db.session.execute(update(Book).where(Book.title == "Book 05").values(authors="Someone"))
    db.session.commit()
    seen = changed("authors changed")
    db.session.execute(insert(Book), [{"title": "Milk Aa bulk", "language": "en", "authors": "", "subjects": "",
                                       "summary": "", "source": "a test"}])
    db.session.commit()
    seen = changed("a book added by a bulk insert")
    db.session.execute(delete(Book).where(Book.id == added.id))
    db.session.commit()
    seen = changed("a book removed")
    newer = tmp_path / "books.csv"
    newer.write_text("title,authors,language,isbn,publisher,year,subjects,summary,source\n"
                     "Milk Ab imported,,en,,,,,,a test\n", encoding="utf-8")
    assert import_books(newer).added == 1
    seen = changed("a book imported")
    ru = _found(language="ru")[:2]
    db.session.execute(update(Book).where(Book.title == "Milk 04").values(language="ru"))  # a filter's value
    db.session.commit()
    assert _found(language="ru")[:2] != ru and _found(language="ru")[:2] == _not_kept(language="ru")


def test_what_no_search_reads_and_a_change_rolled_back_rank_nothing_again(shelf, db):
    before = _found()[:2]
    version = db.session.scalar(select(DataVersion.n).where(DataVersion.name == BOOKS))
    assert version is not None
    db.session.execute(update(Book).where(Book.title.like("Milk%"))
                       .values(isbn=None, publisher="A publisher", year=2020, source="another source"))
    db.session.commit()
    db.session.execute(update(Book).where(Book.title == "Milk 00").values(title="Rolled back"))
    db.session.rollback()
    assert db.session.scalar(select(DataVersion.n).where(DataVersion.name == BOOKS)) == version
    assert _found() == (*before, False)


def test_changes_in_the_transaction_of_the_search_are_seen_each_time(shelf, db):
    before = _found()[:2]
    db.session.execute(update(Book).where(Book.title == "Milk 00").values(title="Book 00"))  # not committed
    titles, total, ranked = _found()
    assert ranked and total == 29 and "Milk 00" not in titles
    # PostgreSQL changes the version once per transaction, so what this one ranked is not kept
    # (SQLite's row triggers change it again at each change, so it may be)
    db.session.execute(update(Book).where(Book.title == "Milk 04").values(title="Book 04"))  # and again
    titles, total, _ = _found()
    assert total == 28 and "Milk 04" not in titles and (titles, total) == _not_kept()
    db.session.rollback()
    assert _found()[:2] == before


def test_searches_by_copies_are_ranked_every_time(shelf, db):
    _found(group_id=shelf.id)
    assert _found(group_id=shelf.id)[2] is True
    assert _found(available=True)[2] is True
