"""Small SQL building blocks shared by features."""
from __future__ import annotations

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, or_


def listed_in(column, code: str):
    """True where a comma-separated column (such as "he,ar") holds `code` as one of its items."""
    return or_(column == code, column.like(f"{code},%"), column.like(f"%,{code}"), column.like(f"%,{code},%"))


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
