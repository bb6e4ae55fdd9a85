"""The catalogue: ISBNs, importing library/books.csv, adding a book by hand, and search."""
from __future__ import annotations

import csv
import functools
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, case, exists, func, or_, select

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError
from ...core.i18n import LANGUAGES
from ...core.permissions import require_staff
from ...core.sql import bound_page
from ...extensions import db
from ...main import versions
from ...main.models import BOOKS
from ...main.versions import version_columns
from ..models import Book, Copy
from . import search as full_text

SUBJECTS = {
    "breastfeeding": _l("Breastfeeding"),
    "pregnancy": _l("Pregnancy"),
    "birth": _l("Birth"),
    "baby-care": _l("Baby care"),
    "sleep": _l("Sleep"),
    "nutrition": _l("Food and nutrition"),
    "emotions": _l("Feelings"),
    "family": _l("Fathers and family"),
}
CIRCULATING = ("on_shelf", "on_loan", "set_aside")  # a copy a library can lend (not lost or withdrawn)


def normalise_isbn(value: str | None) -> str | None:
    """ISBN-10 or ISBN-13 with its checksum verified, as ISBN-13; None when empty; else DomainError."""
    raw = re.sub(r"[\s-]", "", value or "").upper()
    if not raw:
        return None
    if re.fullmatch(r"\d{9}[\dX]", raw):
        total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(raw))
        if total % 11:
            raise DomainError(_l("This ISBN's check digit is wrong. Please copy it again from the book."), field="isbn")
        core = "978" + raw[:9]
        check = (10 - sum((1 if i % 2 == 0 else 3) * int(ch) for i, ch in enumerate(core)) % 10) % 10
        return core + str(check)
    if re.fullmatch(r"\d{13}", raw):
        if sum((1 if i % 2 == 0 else 3) * int(ch) for i, ch in enumerate(raw)) % 10:
            raise DomainError(_l("This ISBN's check digit is wrong. Please copy it again from the book."), field="isbn")
        return raw
    raise DomainError(_l("An ISBN has 10 or 13 digits (the last of 10 may be X)."), field="isbn")


@dataclass
class BookFields:
    title: str
    authors: str
    language: str
    isbn: str | None = None
    publisher: str = ""
    year: int | None = None
    subjects: list[str] = field(default_factory=list)
    summary: str = ""
    source: str = ""


def _checked(fields: BookFields, book: Book | None = None) -> dict:
    if not fields.title.strip():
        raise DomainError(_l("Please give the book's title."), field="title")
    if fields.language not in LANGUAGES and fields.language not in ("", None):
        raise DomainError(_l("Please choose a language from the list."), field="language")
    if fields.year is not None and not 1800 <= fields.year <= 2100:
        raise DomainError(_l("Please give the year as four digits."), field="year")
    isbn = normalise_isbn(fields.isbn)
    if isbn:
        other = db.session.scalar(select(Book.id).where(Book.isbn == isbn))
        if other and (book is None or other != book.id):
            raise DomainError(_l("A book with this ISBN is already in the catalogue."), field="isbn")
    subjects = [s.strip() for s in fields.subjects if s.strip()]
    return {
        "title": fields.title.strip()[:300], "authors": fields.authors.strip()[:300], "language": fields.language,
        "isbn": isbn, "publisher": (fields.publisher or "").strip()[:200], "year": fields.year,
        "subjects": ",".join(subjects), "summary": (fields.summary or "").strip(), "source": (fields.source or "").strip(),
    }


def save_book(book: Book | None, fields: BookFields, *, by: User) -> Book:
    require_staff(by)
    values = _checked(fields, book)
    if book is None:
        book = Book(**values)
        db.session.add(book)
    else:
        for key, value in values.items():
            setattr(book, key, value)
    db.session.flush()
    audit.record("book.saved", actor=by, target=f"book:{book.id}")
    db.session.commit()
    return book


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


def import_books(path: Path) -> ImportReport:
    """Add or update books from a CSV; a bad row is reported with its line and the rest kept.

    A row is the same book as one in the catalogue when the ISBN matches, or, without an ISBN,
    when title, language and authors match. Commits.
    """
    report = ImportReport()
    if not path.exists():
        return report
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num
            try:
                year = int(row["year"]) if (row.get("year") or "").strip() else None
                fields = BookFields(
                    title=row["title"] or "", authors=(row.get("authors") or "").replace("; ", ", "),
                    language=(row.get("language") or "").strip(), isbn=row.get("isbn"),
                    publisher=row.get("publisher") or "", year=year,
                    subjects=[s.strip() for s in (row.get("subjects") or "").split(";")],
                    summary=row.get("summary") or "", source=row.get("source") or "")
                if not fields.source.strip():
                    raise DomainError(_l("Every book needs the source where it was seen."))
                isbn = normalise_isbn(fields.isbn)
                if isbn:
                    book = db.session.scalar(select(Book).where(Book.isbn == isbn))
                else:
                    book = db.session.scalar(select(Book).where(
                        Book.isbn.is_(None), Book.title == fields.title.strip(), Book.language == fields.language,
                        Book.authors == fields.authors.strip()))
                with db.session.begin_nested():
                    values = _checked(fields, book)
                    if book is None:
                        db.session.add(Book(**values))
                        report.added += 1
                    elif any(getattr(book, k) != v for k, v in values.items()):
                        for key, value in values.items():
                            setattr(book, key, value)
                        report.updated += 1
                    else:
                        report.unchanged += 1
            except (DomainError, ValueError, KeyError) as error:
                report.errors.append((line, str(getattr(error, "message", error))))
    db.session.commit()
    return report


# ---- search ------------------------------------------------------------------------------------

KEPT = "library.rankings"  # app.extensions: (books' version, {search: its books' ids, best first})
KEPT_SEARCHES = 128  # searches a process keeps ranked; past that the store starts again


def search(words: str = "", language: str | None = None, subject: str | None = None, group_id: int | None = None,
           available: bool = False, page: int = 1, per_page: int = 20, group_name: str | None = None):
    """Books with all her words (or words starting with them) in title, authors, summary or subjects,
    found by the full-text index and best first (title words count most), with filters; one page
    at a time. Without words, by title. Each item is a BookRow (what a result shows), not a Book;
    `copy_counts` holds each book's (copies, on the shelf) in every library, as `copy_counts()`
    counts them. `group_name`: at the library of a group whose name contains it;
    when nothing matches, `no_group_named` tells whether no group's name does.

    A search by words whose filters depend on the books alone (language, subject) is ranked once
    per version of the books (migration 0026) and kept by the process: the next page, or the same
    search again, reads only its page's books, with their copies counted afresh."""
    dialect = db.session.get_bind().dialect.name
    wanted = full_text.query_text(words, dialect)
    named = full_text.group_name_pattern(group_name)
    page_statement, count_statement = _search_statements(dialect, wanted is not None, bool(language), bool(subject),
                                                         bool(group_id), available, named is not None)
    values = {"wanted": wanted, "language": language, "group_id": group_id, "group_name": named}
    if subject:
        values |= {"subject": subject, "first": f"{subject},%", "last": f"%,{subject}", "inner": f"%,{subject},%"}
    keep = wanted is not None and not (group_id or available or named)  # copies change with every loan
    return _SearchPage(page=page, per_page=per_page, error_out=False, page_statement=page_statement,
                       count_statement=count_statement, values={k: v for k, v in values.items() if v is not None},
                       kept_as=(dialect, wanted, language, subject) if keep else None)


def _filtered(language: bool, subject: bool, group: bool, available: bool, group_name: bool):
    """The ids of the books that pass the filters, their values as parameters."""
    books, copies = Book.__table__, Copy.__table__
    query = select(books.c.id)
    if language:
        query = query.where(books.c.language == bindparam("language"))
    if subject:  # listed_in's test, with the subject as parameters
        query = query.where(or_(books.c.subjects == bindparam("subject"), books.c.subjects.like(bindparam("first")),
                                books.c.subjects.like(bindparam("last")), books.c.subjects.like(bindparam("inner"))))
    if group or group_name:  # from the group's copies to their books: a test per book (EXISTS) read the
        # group's copies again for each of the 5,000 books (21 ms on SQLite at program scale; this, 0.2 ms)
        lendable = select(copies.c.book_id)
        if group:
            lendable = lendable.where(copies.c.group_id == bindparam("group_id"))
        if group_name:
            lendable = lendable.where(copies.c.group_id.in_(full_text.named_groups()))
        if available:
            lendable = lendable.where(copies.c.status == "on_shelf")
        query = query.where(books.c.id.in_(lendable))
    elif available:
        query = query.where(exists(select(copies.c.id).where(copies.c.book_id == books.c.id,
                                                             copies.c.status == "on_shelf")))
    return query


def _with_copy_counts(query):
    """`query` (from books) with each book's circulating copies and copies on the shelf."""
    books, copies = Book.__table__, Copy.__table__
    counted = select(func.count(copies.c.id)).where(copies.c.book_id == books.c.id)
    return query.add_columns(counted.where(copies.c.status.in_(CIRCULATING)).scalar_subquery().label("copies"),
                             counted.where(copies.c.status == "on_shelf").scalar_subquery().label("on_shelf"))


@functools.cache
def _search_statements(dialect: str, words: bool, language: bool, subject: bool, group: bool, available: bool,
                       group_name: bool = False):
    """The page in one statement, and the count alone for a page past the end: built once per process
    for each combination of filters, her words and the filters' values as parameters (building and
    keying a select is ~120 Python calls). Inside, the matching ids are ranked and counted (a window
    count) and cut to the page: ids and rank only, for a count beside whole rows made the database
    carry every match's row, summary and all, through the sort (650 of the 5,000 books for one
    Hebrew word). Outside, only the page's books are read, with their copies counted, in the same
    order (rank, title, id)."""
    books = Book.__table__
    query = _filtered(language, subject, group, available, group_name)
    if words:
        query = full_text.ranked(query, dialect, bindparam("wanted"), keep_rank=True)
    else:
        query = query.order_by(books.c.title, books.c.id)
    matches = (query.add_columns(func.count().over().label("total"))
               .limit(bindparam("limit")).offset(bindparam("offset")).subquery("matches"))
    page = (_with_copy_counts(select(books.c.id, books.c.title, books.c.authors, books.c.language, matches.c.total))
            .join(matches, matches.c.id == books.c.id)
            .order_by(*((matches.c.rank,) if words else ()), books.c.title, books.c.id))
    count = select(func.count()).select_from(query.order_by(None).subquery())
    if group_name:  # an empty page says whether no group's name contains her text, in the same statement
        count = count.add_columns(full_text.some_group_named())
    return page, count


@functools.cache
def _ranking_statement(dialect: str, language: bool, subject: bool):
    """Every match's id, best first (the order of `_search_statements`' pages: rank, title, id), with
    the books' version beside each (migration 0026): what a process keeps of a search."""
    query = full_text.ranked(_filtered(language, subject, False, False, False), dialect, bindparam("wanted"))
    return query.add_columns(*version_columns(BOOKS, dialect == "postgresql"))


@functools.cache
def _books_statement(dialect: str):
    """A page of kept ids' books as a result shows them, with the books' version beside each row."""
    books = Book.__table__
    return (_with_copy_counts(select(books.c.id, books.c.title, books.c.authors, books.c.language))
            .add_columns(*version_columns(BOOKS, dialect == "postgresql"))
            .where(books.c.id.in_(bindparam("ids", expanding=True))))


def _kept_ranking(kept_as: tuple) -> tuple[int, array] | None:
    """The ids this process keeps for a search, best first, and the books' version they were ranked
    under; None when it keeps none."""
    kept = versions.kept_now(KEPT)
    ranked = kept[1].get(kept_as) if kept else None
    return None if ranked is None else (kept[0], ranked)


class _SearchPage(Pagination):
    """A page from `_search_statements`: the total comes with the rows; the separate count runs only
    for a page past the end, which has no rows to carry it. A search kept by its ranking
    (`kept_as`) reads only the page's books while the books' version holds."""

    def _query_items(self) -> list:
        args = self._query_args
        self.no_group_named = False
        if args["kept_as"] is not None:
            return self._kept_items(args["kept_as"])
        rows = db.session.execute(args["page_statement"],
                                  args["values"] | {"limit": self.per_page, "offset": self._query_offset}).all()
        self._counted = rows[0].total if rows else None
        return self._items(rows)

    def _kept_items(self, kept_as: tuple) -> list:
        window = slice(self._query_offset, self._query_offset + self.per_page)
        kept = _kept_ranking(kept_as)
        if kept is not None and kept[1][window]:
            version, ranked = kept
            rows = self._books(ranked[window])
            if rows and versions.carried_by(rows) == version:
                self._counted = len(ranked)
                return self._items(rows)
        # Not kept, or the books changed since: rank them all, keep that, then read the page's books
        dialect = kept_as[0]
        ranking = db.session.execute(_ranking_statement(dialect, bool(kept_as[2]), bool(kept_as[3])),
                                     self._query_args["values"]).all()
        ranked = array("q", (row.id for row in ranking))
        store = versions.kept_for(KEPT, versions.carried_by(ranking), at_most=KEPT_SEARCHES)
        if store is not None:
            store[kept_as] = ranked
        self._counted = len(ranked)
        return self._items(self._books(ranked[window]) if ranked[window] else [])

    def _books(self, ids: array) -> list:
        """The books of these ids in their order."""
        rows = db.session.execute(_books_statement(self._query_args["kept_as"][0]), {"ids": list(ids)}).all()
        place = {book_id: at for at, book_id in enumerate(ids)}
        return sorted(rows, key=lambda row: place[row.id])

    def _items(self, rows) -> list:
        self.copy_counts = {row.id: (row.copies, row.on_shelf) for row in rows}
        return [BookRow(row.id, row.title, row.authors, row.language) for row in rows]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        row = db.session.execute(self._query_args["count_statement"], self._query_args["values"]).one()
        self.no_group_named = len(row) > 1 and not row[1]
        return row[0]


def browse(page: int = 1, per_page: int = 20, *, leave_out_groups: list[int] | None = None):
    """The whole catalogue, one page at a time: books some library can lend first, then the others,
    by title. Books that the libraries of `leave_out_groups` can lend are left out (she sees them
    apart). Each item is a BookRow (id, title, authors, language: what a card shows),
    not a Book; the total comes with the rows, a separate count only for a page past the end."""
    dialect = db.session.get_bind().dialect.name
    page_statement, count_statement = _browse_statements(dialect, bool(leave_out_groups))
    values = {"groups": list(leave_out_groups)} if leave_out_groups else {}
    return bound_page((page_statement, count_statement), values, page, per_page, counted=True,
                      item=lambda row: BookRow(*row))


@functools.cache
def _browse_statements(dialect: str, leave_out: bool):
    """Built once per process (her groups' ids an expanding parameter). Her groups' lendable books are
    read from their copies once (by the group_id index), not tested per book; the total is a column
    computed once (a scalar subquery), not the whole ordered list counted again (5.2 ms on SQLite at
    program scale, 5,000 books) nor a window count (which made SQLite carry every row through the sort).
    Whether some library can lend a book, for the order: on SQLite an EXISTS per book by copies'
    book_id index (3.2 ms at program scale, where reading every copy into a set costs 4.8 ms); on
    PostgreSQL the set, hashed once."""
    books, copies = Book.__table__, Copy.__table__
    lendable = select(copies.c.book_id).where(copies.c.status.in_(CIRCULATING))
    query = select(books.c.id, books.c.title, books.c.authors, books.c.language)
    if leave_out:
        query = query.where(books.c.id.not_in(lendable.where(copies.c.group_id.in_(bindparam("groups", expanding=True)))))
    count = select(func.count()).select_from(query.subquery())
    if dialect == "sqlite":
        some_library = exists(lendable.where(copies.c.book_id == books.c.id))
    else:
        some_library = books.c.id.in_(lendable)
    page = (query.add_columns(count.scalar_subquery())
            .order_by(case((some_library, 0), else_=1), books.c.title, books.c.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))
    return page, count


class BookRow(NamedTuple):
    """A book as a card shows it."""
    id: int
    title: str
    authors: str | None
    language: str


def copy_counts(book_ids: list[int], group_ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """(copies, on the shelf) per book, in all libraries or in these groups' libraries, in one query."""
    values = {"books": book_ids} if group_ids is None else {"books": book_ids, "groups": group_ids}
    rows = db.session.execute(_copy_counts_statement(group_ids is not None), values).all() if book_ids else []
    return {book_id: (0, 0) for book_id in book_ids} | {b: (n, int(s or 0)) for b, n, s in rows}


@functools.cache
def _copy_counts_statement(in_groups: bool):
    """Built once per process: the books' (and groups') ids are parameters."""
    copies = Copy.__table__
    query = (select(copies.c.book_id, func.count(copies.c.id),
                    func.sum(func.cast(copies.c.status == "on_shelf", db.Integer)))
             .where(copies.c.book_id.in_(bindparam("books", expanding=True)), copies.c.status.in_(CIRCULATING))
             .group_by(copies.c.book_id))
    return query.where(copies.c.group_id.in_(bindparam("groups", expanding=True))) if in_groups else query
