"""What the audit log calls the library's books and copies, and where it links them."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.audit_log import Kind, Subject
from ..extensions import db
from ..groups.models import Group
from .models import Book, Copy


def names(refs: dict[str, set[str]]) -> dict:
    """One query for the books, one for the copies (with their books and groups)."""
    found: dict = {}
    if book_ids := {int(key) for key in refs.get("book", ()) if key.isdigit()}:
        for book_id, title in db.session.execute(select(Book.id, Book.title).where(Book.id.in_(book_ids))):
            found[("book", str(book_id))] = {"book": Subject(title, url_for("library.book", book_id=book_id))}
    if codes := refs.get("copy"):
        rows = db.session.execute(
            select(Copy.code, Book.id, Book.title, Group.id, Group.name)
            .join(Book, Copy.book_id == Book.id).join(Group, Copy.group_id == Group.id).where(Copy.code.in_(codes))
        )
        for code, book_id, title, group_id, group_name in rows:
            found[("copy", code)] = {
                "copy": Subject(code),
                "book": Subject(title, url_for("library.book", book_id=book_id)),
                "group": Subject(group_name, url_for("groups.group_page", group_id=group_id)),
            }
    return found


def _overridden(event, values) -> bool:
    """Lent beyond the library's limits."""
    return bool((event.detail or {}).get("override"))


AREA = ("library", _l("Library"))
# The actions this feature records (audit.record("...", ...)), each with its label in the log's
# filter and its sentence.
KINDS: dict[str, Kind] = {
    "library.rules": Kind("library", _l("Library rules changed"), _l("%(actor)s changed the library rules of %(group)s.")),
    "book.saved": Kind("library", _l("Book saved"), _l("%(actor)s saved the book %(book)s.")),
    "copy.added": Kind("library", _l("Copy added"), _l("%(actor)s added copy %(copy)s of %(book)s.")),
    "hold.placed": Kind("library", _l("Hold placed"), _l("%(actor)s asked to borrow %(book)s at %(group)s.")),
    "loan.out": Kind("library", _l("Book lent"), _l("%(actor)s lent %(book)s (copy %(copy)s) to %(person)s."),
                     _l("%(actor)s lent %(book)s (copy %(copy)s) to %(person)s beyond the library's limits."),
                     _overridden),
    "loan.returned": Kind("library", _l("Book returned"), _l("%(actor)s took back copy %(copy)s of %(book)s.")),
    "copy.damaged": Kind("library", _l("Copy set aside as damaged"),
                         _l("%(actor)s set aside copy %(copy)s of %(book)s as damaged.")),
    "copy.lost": Kind("library", _l("Copy lost"), _l("%(actor)s marked copy %(copy)s of %(book)s as lost.")),
}


def kinds():
    return AREA[0], AREA[1], KINDS
