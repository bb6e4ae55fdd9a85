"""Filters she types into instead of drop-downs of everything, on a phone: a mother finds another
group's library by part of its name, a coordinator the cases of a volunteer by part of hers; links
and forms only from her home page, axe on every page, screenshots in English and Arabic."""
from __future__ import annotations

from tests.browser.test_groups import sign_in
from tests.conftest import add_members, make_book, make_copy, make_group, make_user
from tests.visits.conftest import make_case, make_volunteer


def _titles(page) -> list[str]:
    return page.locator("main .card-title a").all_inner_texts()


def test_a_mother_finds_another_groups_library_by_typing_part_of_its_name(visitor, db):
    page = visitor.page
    rahat = make_group(name="Rahat mothers", place="Rahat", languages=["ar", "he"])
    arad = make_group(name="Молодые мамы Арада", place="Arad", languages=["ru", "he"])
    dimona = make_group(name="Dimona Tuesdays", place="Dimona")
    make_copy(make_book("تغذية الرضع وصغار الأطفال", language="ar"), rahat, "RA-1")
    make_copy(make_book("Начало жизни", language="ru"), arad, "AR-1")
    make_copy(make_book("The Womanly Art of Breastfeeding"), dimona, "DI-1")
    huda = make_user("mother", name="Huda", email="huda@example.org", language="en")
    add_members(rahat, huda)

    sign_in(visitor, huda)
    page.get_by_role("link", name="Library", exact=True).first.click()
    visitor.check()
    # The drop-down holds her own group only, not every group of the program.
    assert page.get_by_label("Group library").locator("option").all_inner_texts() == ["Any group", "Rahat mothers"]
    page.get_by_label("Another group's name").fill("мамы")
    page.get_by_role("button", name="Search").click()
    visitor.check()
    assert _titles(page) == ["Начало жизни"]
    assert page.get_by_label("Another group's name").input_value() == "мамы"
    visitor.screenshot("name-filter-catalogue-en")

    # A name no group has: she is told so, and her text is still there to correct.
    page.get_by_label("Another group's name").fill("Ofakim")
    page.get_by_role("button", name="Search").click()
    visitor.check()
    assert _titles(page) == [] and "No group's name contains “Ofakim”." in page.locator("main").inner_text()
    assert page.get_by_label("Another group's name").input_value() == "Ofakim"
    visitor.screenshot("name-filter-catalogue-nothing-en")

    page.get_by_label("Another group's name").fill("dimona")
    page.get_by_role("button", name="Search").click()
    visitor.check()
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl" and _titles(page) == ["The Womanly Art of Breastfeeding"]
    assert page.locator("#group_name").input_value() == "dimona"
    visitor.screenshot("name-filter-catalogue-ar")


def test_a_coordinator_finds_a_volunteers_cases_by_typing_part_of_her_name(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", name="Dina Coordinator", language="en")
    amal = make_volunteer(name="Amal Haddad", language="en", max_cases=3)
    bracha = make_volunteer(name="Bracha Levi", language="he")
    make_case(make_user("mother", name="Mariam Abu Rabia", language="ar"), volunteer=amal, languages=("ar",),
              locality_name="Rahat")
    make_case(make_user("mother", name="Noa Peretz", language="he"), volunteer=bracha)
    make_case(make_user("mother", name="Waiting Mother", language="he"))

    sign_in(visitor, coordinator)
    page.get_by_role("link", name="Cases", exact=True).click()
    visitor.check()
    assert page.locator("select#volunteer_id").count() == 0  # no drop-down of every volunteer
    page.get_by_label("Volunteer's name").fill("haddad")
    page.get_by_role("button", name="Show cases").click()
    visitor.check()
    assert _titles(page) == ["Mariam Abu Rabia"] and "1 case" in page.locator("main").inner_text()
    assert page.get_by_label("Volunteer's name").input_value() == "haddad"
    visitor.screenshot("name-filter-cases-en")

    page.get_by_label("Volunteer's name").fill("Shira")
    page.get_by_role("button", name="Show cases").click()
    visitor.check()
    assert "No volunteer's name contains “Shira”." in page.locator("main").inner_text()

    page.get_by_label("Volunteer's name").fill("LEVI")
    page.get_by_role("button", name="Show cases").click()
    visitor.check()
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl" and _titles(page) == ["Noa Peretz"]
    assert page.locator("#volunteer_name").input_value() == "LEVI"
    visitor.screenshot("name-filter-cases-ar")
