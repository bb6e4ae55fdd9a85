"""What the library's pages show: the catalogue's first page, a book's copies and where she may
hold it, her holds, a desk's lists."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select

from ...accounts.models import User
from ...core.timeutil import aware, utcnow, zone
from ...extensions import db
from ...groups.models import Group, GroupFacilitator, Membership
from ...groups.services.follow_up import led_groups
from ..models import Book, Copy, Hold, Loan
from .catalogue import CIRCULATING, browse, copy_counts
from .circulation import borrower_groups

ACTIVE_HOLD = ("waiting", "paused", "ready")
AT_HER_LIBRARIES = 40  # at most this many on the first page; the group filter shows them all


class GroupChoice(NamedTuple):
    """A group in the catalogue's group filter."""
    id: int
    name: str
    borrows: bool  # an open group she is a member of: she may borrow at its library (borrower_groups' rule)


@dataclass
class Catalogue:
    """The catalogue without search terms. For a member of groups: first the books her groups'
    libraries can lend (her languages first), then the rest, paged; for anyone else: books some
    library can lend first, paged."""
    rest: object  # a Flask-SQLAlchemy Pagination of rows (id, title, authors, language): browse's
    counts: dict[int, tuple[int, int]]  # (copies, on the shelf) in every library, for `rest`
    her_groups: list = field(default_factory=list)  # Group or GroupChoice: each with its id and name
    at_her_libraries: list = field(default_factory=list)  # rows as `rest`'s, on the first page only
    her_counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # at her groups' libraries
    more_at_her_libraries: bool = False


def catalogue(user, page: int = 1, groups: list | None = None) -> Catalogue:
    """In a fixed number of queries, whatever the number of books. `groups`: the groups she borrows
    from when the caller has them already (`filter_groups`' that `borrows`), else read here."""
    if groups is None:
        groups = borrower_groups(user) if getattr(user, "is_authenticated", False) else []
    group_ids = [g.id for g in groups]
    rest = browse(page, leave_out_groups=group_ids)
    result = Catalogue(rest=rest, counts=copy_counts([b.id for b in rest.items]), her_groups=groups)
    if groups and rest.page == 1:
        languages = user.read_languages
        ranks = {code: n for n, code in enumerate(languages)}  # a code listed twice ranks by its last place
        values = {"groups": group_ids, "else_rank": len(languages)}
        for n, (code, rank) in enumerate(ranks.items()):
            values |= {f"language_{n}": code, f"rank_{n}": rank}
        books = db.session.execute(_at_her_libraries_statement(len(ranks)), values).all()
        result.at_her_libraries = books[:AT_HER_LIBRARIES]
        result.more_at_her_libraries = len(books) > AT_HER_LIBRARIES
        result.her_counts = {b.id: (b.copies, int(b.on_shelf or 0)) for b in result.at_her_libraries}
    return result


@functools.cache
def _at_her_libraries_statement(languages: int):
    """Built once per process for each number of her languages: the books her groups' libraries can
    lend (her languages first, then by title), at most one more than are shown, each with its copies
    and those on the shelf there (copy_counts' figures), from those copies in one statement."""
    books, copies = Book.__table__, Copy.__table__
    hers = case(*[(books.c.language == bindparam(f"language_{n}"), bindparam(f"rank_{n}", type_=Integer))
                  for n in range(languages)], else_=bindparam("else_rank", type_=Integer))
    return (select(books.c.id, books.c.title, books.c.authors, books.c.language,
                   func.count(copies.c.id).label("copies"),
                   func.sum(func.cast(copies.c.status == "on_shelf", Integer)).label("on_shelf"))
            .select_from(books).join(copies, copies.c.book_id == books.c.id)
            .where(copies.c.status.in_(CIRCULATING), copies.c.group_id.in_(bindparam("groups", expanding=True)))
            .group_by(books.c.id, books.c.title, books.c.authors, books.c.language)
            .order_by(hers, books.c.title, books.c.id).limit(AT_HER_LIBRARIES + 1))


def filter_groups(user, linked: int | None = None) -> list[GroupChoice]:
    """The catalogue's group filter: her groups (each open group she is a member of or facilitates:
    staff, who may look at every library, get theirs too, and find another by typing its name), and
    `linked`, whatever group an address names (an old link, "Every book at the library of ..."), so
    that she sees what filters the list. By name, in one statement, whatever the number of groups
    in the program; none, and no statement, for a visitor without a link."""
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    if user_id is None and linked is None:
        return []
    rows = db.session.execute(_filter_groups_statement(), {"user_id": user_id, "linked": linked})
    return [GroupChoice(row.id, row.name, bool(row.borrows)) for row in rows]


@functools.cache
def _filter_groups_statement():
    """Built once per process: her id and the linked group's are parameters (None matches nothing)."""
    groups, members, leaders = Group.__table__, Membership.__table__, GroupFacilitator.__table__
    member_of = select(members.c.group_id).where(members.c.user_id == bindparam("user_id"),
                                                 members.c.status == "member")
    leads = select(leaders.c.group_id).where(leaders.c.user_id == bindparam("user_id"))
    borrows = and_(groups.c.archived.is_(False), groups.c.id.in_(member_of))
    hers = and_(groups.c.archived.is_(False), or_(groups.c.id.in_(member_of), groups.c.id.in_(leads)))
    return (select(groups.c.id, groups.c.name, borrows.label("borrows"))
            .where(or_(hers, groups.c.id == bindparam("linked"))).order_by(groups.c.name, groups.c.id))


@dataclass
class BookPage:
    copies: list[Copy]
    hold_groups: list[Group]  # her groups whose library has a copy: where she may queue
    copy_groups: list[Group]  # the libraries she runs, where she may add a copy
    can_edit: bool


def book_page(book: Book, user) -> BookPage:
    copies = list(db.session.scalars(select(Copy).where(Copy.book_id == book.id).order_by(Copy.group_id, Copy.code)))
    if not getattr(user, "is_authenticated", False):
        return BookPage(copies, [], [], False)
    with_copies = {c.group_id for c in copies if c.status in CIRCULATING}
    hold_groups = [g for g in borrower_groups(user) if g.id in with_copies]
    if user.has_role("coordinator", "admin"):
        runs = db.session.scalars(select(Group).where(Group.archived.is_(False)).order_by(Group.name)).unique().all()
    else:
        runs = led_groups(user)  # hers only, in one query: not every group of the program
    return BookPage(copies, hold_groups, list(runs), user.has_role("staff"))


class MyLoan(NamedTuple):
    id: int
    title: str
    language: str
    due_day: date  # on her group's calendar, as Loan.due_day
    overdue: bool  # as Loan.overdue
    renewals: int


def my_loans(user: User) -> list[MyLoan]:
    """The books she has, soonest due first: what *My books* shows of each, in one statement."""
    rows = db.session.execute(_my_loans_statement(), {"user_id": user.id}).all()
    now = utcnow()
    loans = []
    for row in rows:
        where = zone(row.timezone)
        due_day = aware(row.due_at).astimezone(where).date()
        loans.append(MyLoan(row.id, row.title, row.language, due_day, due_day < now.astimezone(where).date(),
                            row.renewals))
    return loans


@functools.cache
def _my_loans_statement():
    """Built once per process: her open loans with their book's title and language and the group's zone."""
    loans, copies, books, groups = Loan.__table__, Copy.__table__, Book.__table__, Group.__table__
    return (select(loans.c.id, loans.c.due_at, loans.c.renewals, books.c.title, books.c.language, groups.c.timezone)
            .select_from(loans).join(copies, copies.c.id == loans.c.copy_id).join(books, books.c.id == copies.c.book_id)
            .join(groups, groups.c.id == copies.c.group_id)
            .where(loans.c.user_id == bindparam("user_id"), loans.c.returned_at.is_(None))
            .order_by(loans.c.due_at, loans.c.id))


def my_holds(user: User) -> list:
    """Her holds that wait, are paused or are ready, oldest first: each hold's id, status, position and
    `ready_until`, with its book's title and language (rows, not objects), in one statement."""
    return db.session.execute(_my_holds_statement(), {"user_id": user.id}).all()


@functools.cache
def _my_holds_statement():
    holds, books = Hold.__table__, Book.__table__
    return (select(holds.c.id, holds.c.status, holds.c.position, holds.c.ready_until, books.c.title, books.c.language)
            .select_from(holds).join(books, books.c.id == holds.c.book_id)
            .where(holds.c.user_id == bindparam("user_id"), holds.c.status.in_(ACTIVE_HOLD))
            .order_by(holds.c.created_at, holds.c.id))


def desk_loans(group: Group) -> list[Loan]:
    return list(db.session.scalars(select(Loan).join(Copy, Copy.id == Loan.copy_id).where(
        Copy.group_id == group.id, Loan.returned_at.is_(None)).order_by(Loan.due_at)))


def desk_holds(group: Group) -> list[Hold]:
    return list(db.session.scalars(select(Hold).where(Hold.group_id == group.id, Hold.status.in_(ACTIVE_HOLD))
                                   .order_by(Hold.book_id, Hold.status.desc(), Hold.position)))
