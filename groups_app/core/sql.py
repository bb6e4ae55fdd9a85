"""Small SQL building blocks shared by features."""
from __future__ import annotations

import unicodedata

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import JSON, Integer, bindparam, func, or_


def listed_in(column, code: str):
    """True where a comma-separated column (such as "he,ar") holds `code` as one of its items."""
    return or_(column == code, column.like(f"{code},%"), column.like(f"%,{code}"), column.like(f"%,{code},%"))


def listed_in_bound(column, name: str):
    """`listed_in` with the code a bound parameter, for a statement built once per process: its
    values come from `listed_in_values(name, code)`."""
    return or_(column == bindparam(name), column.like(bindparam(f"{name}_first")),
               column.like(bindparam(f"{name}_last")), column.like(bindparam(f"{name}_inside")))


def listed_in_values(name: str, code: str) -> dict[str, str]:
    return {name: code, f"{name}_first": f"{code},%", f"{name}_last": f"%,{code}", f"{name}_inside": f"%,{code},%"}


# A row per item as a JSON array of arrays, so that a page's one statement carries a short list beside
# its main row (json_agg / json_group_array). Neither database promises the order of an aggregate's
# input: carry a key in each item and sort in Python.
_JSON_ARRAY_OF_ARRAYS = {"postgresql": ("json_agg", "json_build_array"), "sqlite": ("json_group_array", "json_array")}


def json_rows(dialect: str, *columns):
    """The aggregate of `columns` as a JSON array of arrays (None or [] when no row: read with `or ()`).
    Dates arrive as ISO strings, in both databases."""
    aggregate, row = _JSON_ARRAY_OF_ARRAYS[dialect]
    return getattr(func, aggregate)(getattr(func, row)(*columns), type_=JSON)


LIKE_ESCAPE = "/"  # not a backslash, which PostgreSQL and SQLite read differently inside a literal


def contains_pattern(text: str | None, longest: int) -> str | None:
    """What she typed as a LIKE pattern for "contains it", to compare with `lower(column)` (Python's
    lower on SQLite, see core's connection setup; PostgreSQL's in its UTF-8 locale): lower case, NFC,
    her % and _ (and the escape character) matched as themselves, cut at the column's `longest`
    (longer text can match nothing); None when she typed nothing."""
    text = unicodedata.normalize("NFC", (text or "").strip())[:longest].lower()
    if not text:
        return None
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return f"%{text}%"


def contains(column, name: str):
    """True where `column`, lower-cased, contains the bound pattern `name` (from `contains_pattern`)."""
    return func.lower(column).like(bindparam(name), escape=LIKE_ESCAPE)


def page_window():
    """The bound `limit` and `offset` of a paged statement built once per process, written into the
    statement's text when it runs (SQLAlchemy's literal_execute), not sent as parameters.

    PostgreSQL plans a prepared statement once for all values (a generic plan) only while that plan
    costs no more than the plans it makes for each run's values; a LIMIT and OFFSET it cannot see it
    guesses at a tenth of the rows. For the group directory and the coordinator's cases list that
    guess cost more for good, so every run was planned again (0.2 and 0.5 ms a request, against 0.01
    for a generic plan). With the numbers in the text, the two plans cost the same and the generic one
    is kept. Each page number is then a statement of its own, prepared after its fifth run as any
    other; the first page is the one read most."""
    return (bindparam("limit", type_=Integer, literal_execute=True),
            bindparam("offset", type_=Integer, literal_execute=True))


def _rows_connection():
    """The session's connection, for plain Core rows (the ORM's result layer costs calls per row),
    after writing what the session holds, as the session's own execute would (autoflush)."""
    from ..extensions import db

    session = db.session()
    session.flush()
    return session.connection()


class BoundPage(Pagination):
    """A page read by statements built once per process: `statements` is (the page, with bound
    parameters `limit` and `offset`; its total), run with `params`. With `counted`, the page's
    statement carries the total as its last column (one statement instead of two; a count of its
    own as a scalar subquery, since a window count makes the database carry every matching row to
    count it), and the total's statement runs only for a page past the end. `item`, if given, makes
    each row the page's item."""

    def _query_items(self) -> list:
        page, _total = self._query_args["statements"]
        rows = _rows_connection().execute(page, {**self._query_args["params"], "limit": self.per_page,
                                                 "offset": self._query_offset}).all()
        self._counted = None
        if self._query_args.get("counted"):
            self._counted = rows[0][-1] if rows else None
            rows = [row[:-1] for row in rows]
        item = self._query_args.get("item")
        return [item(row) for row in rows] if item else rows

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        _page, total = self._query_args["statements"]
        return _rows_connection().execute(total, self._query_args["params"]).scalar_one()


def bound_page(statements, params: dict, page: int, per_page: int, counted: bool = False, item=None) -> BoundPage:
    return BoundPage(statements=statements, params=params, page=page, per_page=per_page, error_out=False,
                     counted=counted, item=item)


class _CountedPagination(SelectPagination):
    """A page whose total comes with its rows (a window count), so one statement instead of two;
    the separate count runs only for a page past the end, which has no rows to carry it."""

    def _query_items(self) -> list:
        query, session = self._query_args["select"], self._query_args["session"]
        rows = session.execute(
            query.add_columns(func.count().over()).limit(self.per_page).offset(self._query_offset)
        ).unique().all()
        self._counted = rows[0][-1] if rows else None
        if self._query_args.get("rows"):
            return [tuple(row[:-1]) for row in rows]
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._counted if self._counted is not None else super()._query_count()


def paginate(query, page: int, per_page: int, rows: bool = False):
    """Like `db.paginate`, in one statement; with `rows`, each item is the whole row (a group and
    the figures selected beside it), not only its first column."""
    from ..extensions import db

    return _CountedPagination(select=query, session=db.session(), page=page, per_page=per_page, error_out=False,
                              rows=rows)
