"""Library pages through HTTP: permissions, bad input, and queries that do not grow."""
from sqlalchemy import func, select

from groups_app.library.models import Book, Loan
from groups_app.library.services import circulation as c
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


def test_search_page_runs_a_fixed_number_of_queries(client, db):
    group = make_group()
    make_copy(make_book("Book 0"), group, "C-0")
    client.get("/library/")
    with assert_max_queries(db.engine, 6):
        assert client.get("/library/?q=book").status_code == 200
    for n in range(1, 30):
        make_copy(make_book(f"Book {n}", language=["en", "ru", "ar"][n % 3]), group, f"C-{n}")
    with assert_max_queries(db.engine, 6):
        html = client.get("/library/?q=book").get_data(as_text=True)
    assert "Book 1" in html and 'rel="next"' in html  # paged


def test_loans_pages_run_a_fixed_number_of_queries(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother()
    add_members(group, mother)
    login(client, facilitator)

    def lend(n):
        book = make_book(f"Book {n}")
        make_copy(book, group, f"L-{n}")
        c.checkout(f"L-{n}", group, mother, by=facilitator, override=True)

    lend(0)
    desk = f"/library/desk/{group.id}"
    client.get(desk)
    with count_once(db) as first:
        assert client.get(desk).status_code == 200
    for n in range(1, 8):
        lend(n)
    with assert_max_queries(db.engine, first()):
        assert client.get(desk).status_code == 200
    client.post("/logout")
    login(client, mother)
    with count_once(db) as mine_first:
        assert client.get("/library/mine").status_code == 200
    lend(9)
    with assert_max_queries(db.engine, mine_first()):
        assert client.get("/library/mine").status_code == 200


def count_once(db):
    from tests.conftest import count_queries

    return count_queries(db.engine)


def test_a_mother_cannot_see_or_touch_another_mothers_loans(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    a, b = make_mother(name="Aviva"), make_mother(name="Bracha")
    add_members(group, a, b)
    book = make_book("Secret title")
    make_copy(book, group, "S-1")
    loan = c.checkout("S-1", group, a, by=facilitator)
    login(client, b)
    assert "Secret title" not in client.get("/library/mine").get_data(as_text=True)
    assert client.post(f"/library/loans/{loan.id}/renew").status_code == 403
    assert client.get(f"/library/desk/{group.id}").status_code == 403
    assert db.session.get(Loan, loan.id).renewals == 0


def test_facilitator_desk_lends_and_takes_back_with_clear_errors(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother(name="Svetlana")
    add_members(group, mother)
    make_copy(make_book(), group, "AR-7")
    login(client, facilitator)
    ok = client.post(f"/library/desk/{group.id}", data={"action": "checkout", "out-code": "ar-7", "out-mother": mother.id})
    assert ok.status_code == 302
    again = client.post(f"/library/desk/{group.id}", data={"action": "checkout", "out-code": "AR-7", "out-mother": mother.id})
    assert again.status_code == 409 and 'value="AR-7"' in again.get_data(as_text=True)
    unknown = client.post(f"/library/desk/{group.id}", data={"action": "checkin", "in-code": "ZZ-1"})
    assert unknown.status_code == 400
    back = client.post(f"/library/desk/{group.id}", data={"action": "checkin", "in-code": "AR-7"})
    assert back.status_code == 302
    assert client.post(f"/library/desk/{group.id}", data={"action": "checkin", "in-code": "AR-7"}).status_code == 409


def test_only_staff_add_books_and_bad_isbn_keeps_input(client, db):
    login(client, make_user("facilitator"))
    assert client.get("/library/books/new").status_code == 403
    client.post("/logout")
    login(client, make_user("staff"))
    bad = client.post("/library/books/new", data={"title": "Кормление", "language": "ru", "isbn": "9780452285805",
                                                   "source": "https://example.org"})
    assert bad.status_code == 400 and 'value="Кормление"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Book.id))) == 0
    good = client.post("/library/books/new", data={"title": "Кормление", "language": "ru", "isbn": "0-452-26623-8",
                                                    "source": "https://example.org"})
    assert good.status_code == 302
    assert db.session.scalar(select(Book.isbn)) == "9780452266230"


def test_library_reports_are_for_coordinators(client):
    login(client, make_user("mother"))
    assert client.get("/library/reports").status_code == 403
    client.post("/logout")
    login(client, make_user("coordinator"))
    assert client.get("/library/reports").status_code == 200


def test_due_dates_appear_in_her_calendar_feed(client, db):
    from groups_app.groups.calendar import feed_for

    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother()
    add_members(group, mother)
    make_copy(make_book("Bestfeeding"), group, "D-1")
    c.checkout("D-1", group, mother, by=facilitator)
    body = client.get(f"/calendar/{feed_for(mother).token}.ics").get_data(as_text=True)
    assert "Bestfeeding" in body and "@groups-app" in body


def test_library_reports_count_loans_titles_and_losses(app, db):
    from datetime import date

    from groups_app.library.services import reports

    facilitator = make_user("facilitator")
    group = make_group(facilitator, name="Dimona")
    mother = make_mother()
    add_members(group, mother)
    book = make_book("Начало жизни", language="ru")
    make_copy(book, group, "R-1")
    make_copy(book, group, "R-2")
    c.checkout("R-1", group, mother, by=facilitator)
    c.checkin("R-1", group, by=facilitator)
    c.checkout("R-1", group, mother, by=facilitator)
    c.mark_lost("R-2", group, by=facilitator)
    assert [n for _, _, n in reports.loans_per_month(date(2000, 1, 1))] == [2]
    assert [(b.title, n) for b, n in reports.most_borrowed()] == [("Начало жизни", 2)]
    assert reports.titles_by_language() == {"ru": 1}
    assert reports.copies_lost() == [("Dimona", 1)]


def test_facilitator_sets_her_librarys_rules_and_they_apply(client, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother()
    add_members(group, mother)
    make_copy(make_book(), group, "RU-1")
    login(client, facilitator)
    bad = client.post(f"/library/desk/{group.id}", data={"action": "rules", "rules-loan_days": "500",
                                                           "rules-max_loans": "3", "rules-hold_days": "7"})
    assert bad.status_code == 400 and 'value="500"' in bad.get_data(as_text=True)
    ok = client.post(f"/library/desk/{group.id}", data={"action": "rules", "rules-loan_days": "14",
                                                         "rules-max_loans": "2", "rules-hold_days": "5"})
    assert ok.status_code == 302
    loan = c.checkout("RU-1", group, mother, by=facilitator)
    assert (loan.due - c.aware(loan.out_at)).days == 14
