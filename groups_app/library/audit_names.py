"""What the audit log calls the library's books and copies, and where it links them."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from ..accounts.audit_log import Subject
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
