"""My books and the catalogue read what they show in a fixed, small number of statements, and show
the same thing as the objects they used to read (due day in the group's zone, overdue, hold states)."""
from datetime import UTC, datetime, timedelta

from groups_app.core.timeutil import set_clock, utcnow
from groups_app.library.models import Hold, Loan
from groups_app.library.services import circulation as c
from groups_app.library.services import lists
from tests.conftest import (
    add_members,
    assert_max_queries,
    login,
    make_book,
    make_copy,
    make_group,
    make_mother,
    make_user,
)


def test_my_books_is_her_session_her_loans_and_her_holds(client, db):
    facilitator = make_user("facilitator")
    near, far = make_group(facilitator), make_group(facilitator, name="Hawaii evenings", timezone="Pacific/Honolulu")
    mother, other = make_mother(), make_mother(email="other@example.org")
    add_members(near, mother, other)
    add_members(far, mother)
    login(client, mother)
    client.get("/library/mine")
    with assert_max_queries(db.engine, 3):  # her session, her loans, her holds: with none of either
        assert client.get("/library/mine").status_code == 200
    for n, group in enumerate([near, far, near]):
        make_copy(make_book(f"Lent {n}", language="ru"), group, f"L-{n}")
        c.checkout(f"L-{n}", group, mother, by=facilitator, override=True)
    waiting, paused, ready = (make_book(f"Held {n}") for n in range(3))
    for book, code in ((waiting, "W"), (paused, "P")):
        make_copy(book, near, code)
        c.checkout(code, near, other, by=facilitator)
        c.place_hold(book, near, mother)
    make_copy(ready, near, "R")
    c.place_hold(ready, near, mother)  # on the shelf: set aside for her at once
    c.pause_hold(db.session.get(Hold, next(h.id for h in lists.my_holds(mother) if h.title == "Held 1")), mother, True)
    with assert_max_queries(db.engine, 3):
        html = client.get("/library/mine").get_data(as_text=True)
    for n in range(3):
        assert f'<h3 lang="ru">Lent {n}</h3>' in html
    assert "Held 0" in html and "Held 1" in html and "Held 2" in html
    assert "You are number 1 in the queue." in html and "Paused; you keep place 1 in the queue." in html
    assert "A copy is set aside for you until" in html

    # The same due day and lateness as the Loan objects tell, in each group's own zone.
    loans, seen = {loan.id: loan for loan in c.open_loans(mother)}, set()
    now = utcnow()  # the app's clock, which lent them (not the server's: a run may stop it elsewhere)
    for moment in (now, now + timedelta(days=28, hours=12), datetime(2030, 1, 1, tzinfo=UTC)):
        set_clock(client.application, moment)
        mine = lists.my_loans(mother)
        seen.update(row.overdue for row in mine)
        assert [row.id for row in mine] == sorted(loans, key=lambda i: (loans[i].due_at, i))
        for row in mine:
            assert (row.due_day, row.overdue, row.renewals) == (loans[row.id].due_day, loans[row.id].overdue,
                                                                loans[row.id].renewals)
    set_clock(client.application, None)
    assert seen == {True, False}
    assert db.session.query(Loan).count() == 5


def test_a_catalogue_search_is_her_session_her_groups_and_the_page_with_its_books_and_their_copies(client, db):
    group = make_group()
    for n in range(25):
        make_copy(make_book(f"Book {n}", language=["en", "ru", "ar"][n % 3], subjects="sleep,birth"), group, f"C-{n}")
    login(client, make_mother())
    client.get("/library/?q=book")
    for path in ("/library/?q=book", "/library/?q=book&page=2", "/library/?subject=birth&language=ru",
                 f"/library/?group={group.id}&available=1&q=book"):
        with assert_max_queries(db.engine, 3):
            assert client.get(path).status_code == 200
    with assert_max_queries(db.engine, 4):  # a page past the end: no rows, so its count alone
        html = client.get("/library/?q=book&page=9").get_data(as_text=True)
    assert "No book matches." in html


def test_a_search_page_counts_each_books_copies_as_copy_counts_does_in_its_ranked_order(app, db):
    from groups_app.library.services.catalogue import copy_counts, search

    group, other = make_group(), make_group(name="Rahat evenings", place="Rahat")
    statuses = ["on_shelf", "on_loan", "set_aside", "lost", "withdrawn"]
    for n in range(12):
        book = make_book(f"Sleep {n}" if n % 2 else f"Notes on rest {n}", summary="sleep and feeding")
        for k in range(n % 6):
            make_copy(book, group if k % 2 else other, f"S-{n}-{k}", status=statuses[(n + k) % 5])
    for words in ("sleep", "feeding", ""):
        for per_page in (5, 20):
            page = search(words, page=2 if per_page == 5 else 1, per_page=per_page)
            ids = [row.id for row in page.items]
            assert ids and page.copy_counts == copy_counts(ids), words
            assert page.total == 12
    ranked = [row.title for row in search("sleep", per_page=20).items]
    assert ranked[:6] == sorted(ranked[:6]) and all(t.startswith("Sleep") for t in ranked[:6])  # title words first
