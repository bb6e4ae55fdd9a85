"""What the library's pages say: clean titles, and dates and numbers in the reader's own locale."""
import re

import pytest
from babel.dates import format_date

from groups_app.library.services import circulation as c
from tests.conftest import add_members, login, make_book, make_copy, make_group, make_mother, make_user


def _title(html: str) -> str:
    [title] = re.findall(r"<title>(.*?)</title>", html, re.S)
    return title


def test_no_library_page_has_markup_in_its_title(app, client):
    everyone = make_user("mother", "facilitator", "staff", "coordinator", "admin", name="Dana")
    group = make_group(everyone, name="Arad mothers", place="Arad")
    add_members(group, everyone)
    book = make_book("Начало жизни", language="ru")
    make_copy(book, group, "AR-1")
    login(client, everyone)
    pages = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("library.") and "GET" in rule.methods:
            pages.add(rule.rule.replace("<int:book_id>", str(book.id)).replace("<int:group_id>", str(group.id)))
    assert {"/library/", f"/library/desk/{group.id}", "/library/mine", "/library/reports"} <= pages
    assert all("<" not in page for page in pages), pages  # every placeholder filled
    refused = client.post(f"/library/desk/{group.id}", data={"action": "rules", "rules-loan_days": "500",
                                                              "rules-max_loans": "3", "rules-hold_days": "7"})
    assert refused.status_code == 400
    for page, response in [(p, client.get(p)) for p in sorted(pages)] + [("desk, refused", refused)]:
        assert response.status_code in (200, 400), page
        title = _title(response.get_data(as_text=True))
        assert "<" not in title and "&lt;" not in title and "form" not in title, (page, title)
        assert len(title) < 120, (page, title)
    desk = client.get(f"/library/desk/{group.id}").get_data(as_text=True)
    assert _title(desk).startswith("Library desk: Arad mothers")
    assert desk.count('name="rules-loan_days"') == 1  # the rules form is in the page, once


@pytest.mark.parametrize("language", ["ar", "he", "ru", "en"])
def test_renewed_flash_gives_the_new_due_date_in_her_language(client, db, language):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother = make_mother(language=language)
    add_members(group, mother)
    make_copy(make_book(), group, "RN-1")
    loan = c.checkout("RN-1", group, mother, by=facilitator)
    login(client, mother)
    response = client.post(f"/library/loans/{loan.id}/renew", follow_redirects=True)
    html = response.get_data(as_text=True)
    db.session.refresh(loan)
    assert loan.renewals == 1
    assert format_date(loan.due_day, "full", locale=language) in html
    assert loan.due_day.isoformat() not in html


def test_lent_flash_gives_the_due_date_in_the_facilitators_language(client):
    facilitator = make_user("facilitator", language="he")
    group = make_group(facilitator)
    mother = make_mother(name="Svetlana")
    add_members(group, mother)
    make_copy(make_book(), group, "LN-1")
    login(client, facilitator)
    response = client.post(f"/library/desk/{group.id}", data={"action": "checkout", "out-code": "LN-1",
                                                               "out-mother": mother.id}, follow_redirects=True)
    html = response.get_data(as_text=True)
    [loan] = c.open_loans(mother)
    assert format_date(loan.due_day, "full", locale="he") in html and "Svetlana" in html
    assert loan.due_day.isoformat() not in html


def test_my_books_shows_due_dates_and_places_in_her_locale(client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mother, other = make_mother(language="ar"), make_mother()
    add_members(group, mother, other)
    make_copy(make_book("Out with me"), group, "MB-1")
    waited = make_book("Waiting for it")
    make_copy(waited, group, "MB-2")
    loan = c.checkout("MB-1", group, mother, by=facilitator)
    c.checkout("MB-2", group, other, by=facilitator)
    c.place_hold(waited, group, mother)
    login(client, mother)
    html = client.get("/library/mine").get_data(as_text=True)
    assert format_date(loan.due_day, "full", locale="ar") in html
    assert loan.due_day.isoformat() not in html and "Waiting for it" in html


def test_a_books_subjects_are_a_list_in_the_readers_language(client):
    book = make_book("Bésame mucho", language="es", subjects="baby-care,emotions,family")
    client.post("/language", data={"lang": "en"})
    html = client.get(f"/library/books/{book.id}").get_data(as_text=True)
    assert "Baby care, Feelings, and Fathers and family" in html
