"""The library's front page read as rows (lists.catalogue, catalogue.browse) gives the same books, in
the same order, with the same totals, paging and copy figures as the ORM queries it replaced (kept
here as they were), for a mother, a visitor and a coordinator, on several pages."""
from flask_login import AnonymousUserMixin
from sqlalchemy import case, exists, select

from groups_app.extensions import db as _db
from groups_app.library.models import Book, Copy
from groups_app.library.services import lists
from groups_app.library.services.catalogue import CIRCULATING, copy_counts
from tests.conftest import add_members, assert_max_queries, make_book, make_copy, make_group, make_mother, make_user


def _old_has_copy(group_ids=None):
    copies = select(Copy.id).where(Copy.book_id == Book.id, Copy.status.in_(CIRCULATING))
    if group_ids is not None:
        copies = copies.where(Copy.group_id.in_(group_ids))
    return exists(copies)


def _old_browse(page, leave_out_groups):
    query = select(Book).order_by(case((_old_has_copy(), 0), else_=1), Book.title, Book.id)
    if leave_out_groups:
        query = query.where(~_old_has_copy(leave_out_groups))
    return _db.paginate(query, page=page, per_page=20, error_out=False)


def _old_hers(user, group_ids):
    languages = user.read_languages
    hers = case({code: n for n, code in enumerate(languages)}, value=Book.language, else_=len(languages))
    books = list(_db.session.scalars(select(Book).where(_old_has_copy(group_ids)).order_by(hers, Book.title, Book.id)
                                     .limit(lists.AT_HER_LIBRARIES + 1)))
    shown = books[:lists.AT_HER_LIBRARIES]
    return [b.id for b in shown], len(books) > lists.AT_HER_LIBRARIES, copy_counts([b.id for b in shown], group_ids)


def _program():
    """Her two open groups, an archived group of hers, another group; books lendable at each, at
    several, nowhere (lost or withdrawn copies, or none), in several languages, some titles alike."""
    mine, also_mine = make_group(name="Rahat mothers", place="Rahat"), make_group(name="Lakiya", place="Lakiya")
    archived, other = make_group(name="Old group", place="Arad"), make_group(name="Arad", place="Arad")
    archived.archived = True  # she is still a member: its library is not hers any more
    mother = make_mother(language="ar", other_languages="he,ru")
    add_members(mine, mother)
    add_members(also_mine, mother)
    add_members(archived, mother)
    languages = ["en", "ar", "he", "ru", "am", "es"]
    statuses = ["on_shelf", "on_loan", "set_aside", "lost", "withdrawn"]
    for n in range(130):
        title = f"Book {n % 37:02d}"  # the same title for several books: ordered by id among them
        book = make_book(title, language=languages[n % len(languages)], authors="" if n % 7 == 0 else f"Author {n}")
        where = [mine, also_mine, archived, other, None][n % 5]
        if where is not None:
            make_copy(book, where, f"C-{n}", status=statuses[n % 4 if n % 3 else n % 5])
        if n % 11 == 0:
            make_copy(book, other, f"D-{n}", status="on_shelf")
        if n % 13 == 0:
            make_copy(book, mine, f"E-{n}", status="lost")
    return mother, [mine.id, also_mine.id]


def _compare(user, group_ids, pages):
    for page in pages:
        new, old = lists.catalogue(user, page), _old_browse(page, group_ids)
        assert [b.id for b in new.rest.items] == [b.id for b in old.items], page
        assert (new.rest.total, new.rest.pages, new.rest.page, new.rest.has_next, new.rest.has_prev) == (
            old.total, old.pages, old.page, old.has_next, old.has_prev), page
        assert new.counts == copy_counts([b.id for b in old.items])
        assert [(b.title, b.authors, b.language) for b in new.rest.items] == [
            (b.title, b.authors, b.language) for b in old.items]
        if group_ids and page == 1:
            ids, more, counts = _old_hers(user, group_ids)
            assert [b.id for b in new.at_her_libraries] == ids
            assert new.more_at_her_libraries == more
            assert new.her_counts == counts
        else:
            assert new.at_her_libraries == [] and new.her_counts == {}


def test_a_mother_sees_the_same_books_pages_and_totals(app):
    mother, group_ids = _program()
    _compare(mother, group_ids, [1, 2, 3, 4, 5, 6, 99])
    assert [g.id for g in lists.catalogue(mother).her_groups] == sorted(group_ids, reverse=True)  # by name


def test_her_languages_first_and_whether_there_are_more(app):
    mother, group_ids = _program()
    mine = make_group(name="Tel Sheva", place="Tel Sheva")
    add_members(mine, mother)
    for n in range(45):
        make_copy(make_book(f"More {n}", language=["ru", "he", "en", "ar"][n % 4]), mine, f"M-{n}")
    group_ids.append(mine.id)
    _compare(mother, group_ids, [1, 2, 7])
    page = lists.catalogue(mother)
    assert page.more_at_her_libraries and len(page.at_her_libraries) == lists.AT_HER_LIBRARIES
    assert [b.language for b in page.at_her_libraries][:1] == ["ar"]  # hers first
    mother.other_languages = "ru,he,ru"  # a language listed twice ranks by its last place, as before
    _compare(mother, group_ids, [1])


def test_a_visitor_and_a_coordinator_see_the_whole_catalogue(app):
    _program()
    _compare(AnonymousUserMixin(), [], [1, 2, 3, 7, 8])
    _compare(make_user("coordinator"), [], [1, 3, 7, 8])


def test_no_books_at_all(app):
    mother = make_mother()
    group = make_group()
    add_members(group, mother)
    _compare(mother, [group.id], [1, 2])
    _compare(AnonymousUserMixin(), [], [1])


def test_the_first_page_reads_fewer_statements(app, db):
    mother, _group_ids = _program()
    lists.catalogue(mother)
    # her groups, the page with its total, its copies, hers with their copies (was six: the total and
    # her copies apart)
    with assert_max_queries(db.engine, 4):
        first = lists.catalogue(mother)
    assert first.rest.items and first.at_her_libraries
    with assert_max_queries(db.engine, 3):  # a page past the end: the empty page, then its count
        past = lists.catalogue(mother, 99)
    assert past.rest.items == [] and past.rest.total == first.rest.total
