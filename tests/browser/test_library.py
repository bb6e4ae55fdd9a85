"""The lending library as mothers and a facilitator use it on their phones."""
from sqlalchemy import select

from groups_app.core.notify import Notice
from groups_app.library.services import circulation as c
from tests.browser.test_groups import sign_in, sign_out
from tests.conftest import add_members, make_book, make_copy, make_group, make_user


def test_hold_lend_return_and_the_next_mother_is_told(visitor, db):
    page = visitor.page
    facilitator = make_user("facilitator", name="Olga", email="olga@example.org", language="ru")
    svetlana = make_user("mother", name="Svetlana", email="svetlana@example.org", language="ru")
    irina = make_user("mother", name="Irina", email="irina@example.org", language="ru")
    group = make_group(facilitator, name="Молодые мамы Арада", place="Arad", languages=["ru", "he"])
    add_members(group, svetlana, irina)
    book = make_book("Начало жизни. Ваш ребенок от рождения до года", language="ru", authors="Евгений Комаровский")
    make_book("The Womanly Art of Breastfeeding")
    make_copy(book, group, "AR-1")
    c.checkout("AR-1", group, irina, by=facilitator)  # out with Irina, so Svetlana must wait

    # Svetlana finds the Russian book and places a hold.
    sign_in(visitor, svetlana)
    visitor.choose_language("en")
    visitor.go("/library/")
    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Search").click()
    visitor.check()
    page.get_by_role("link", name="Начало жизни").click()
    visitor.check()
    page.get_by_role("button", name="Place a hold").click()
    visitor.check()
    assert "number 1 in the queue" in page.content()
    assert "Начало жизни" in page.locator("main").inner_text()
    assert "AR-1" not in page.locator("main").inner_text()
    # She cannot see Irina's loan anywhere.
    visitor.go("/library/mine")
    assert "Books I have" in page.content() and "Due on" not in page.content()
    assert visitor.go(f"/library/desk/{group.id}").status == 403
    sign_out(visitor)

    # Olga takes the book back from Irina and lends it on; Svetlana is told.
    sign_in(visitor, facilitator)
    visitor.choose_language("en")
    visitor.go(f"/library/desk/{group.id}")
    page.locator("#in-code").fill("ar-1")
    page.get_by_role("button", name="Take back").click()
    visitor.check()
    assert db.session.scalar(select(Notice).where(Notice.user_id == svetlana.id)) is not None
    assert "set aside" in page.content()
    page.locator("#out-code").fill("AR-1")
    page.locator("#out-mother").select_option(label="Irina")
    page.get_by_role("button", name="Lend", exact=True).click()
    visitor.check()
    assert "set aside for another mother" in page.content()  # refused: it waits for Svetlana
    page.locator("#out-mother").select_option(label="Svetlana")
    page.get_by_role("button", name="Lend", exact=True).click()
    visitor.check()
    assert "Lent to Svetlana" in page.content()
    visitor.screenshot("library-desk-en")
    sign_out(visitor)

    sign_in(visitor, svetlana)
    visitor.go("/")
    assert "Your book is waiting for you" in page.content() or "Ваша книга" in page.content()
    visitor.go("/library/mine")
    assert "Начало жизни" in page.content()


ARABIC_ITEM = ("تغذية الرضع وصغار الأطفال: البطاقات الاستشارية "
               "(The Community Infant & Young Child Feeding Counselling Package)")


def test_a_mothers_library_page_starts_with_what_she_can_borrow(visitor, app, db):
    from babel.dates import format_date
    from flask_babel import force_locale, gettext

    page = visitor.page
    amal = make_user("facilitator", name="Amal", email="amal@example.org", language="ar")
    huda = make_user("mother", name="Huda", email="huda@example.org", language="ar", other_languages="he")
    rahat = make_group(amal, name="حلقة الرضاعة في رهط", place="Rahat", languages=["ar"])
    arad = make_group(amal, name="Молодые мамы Арада", place="Arad", languages=["ru", "he"])
    add_members(rahat, huda)
    make_copy(make_book("The Womanly Art of Breastfeeding"), rahat, "RA-001")  # sorts first by title
    make_copy(make_book("המדריך הישראלי להנקה", language="he", authors="עינת טלמון"), rahat, "RA-002")
    make_copy(make_book(ARABIC_ITEM, language="ar", authors=""), rahat, "RA-003")
    make_copy(make_book("Начало жизни", language="ru", authors="Евгений Комаровский"), arad, "AR-001")
    make_book("Bésame mucho", language="es", authors="Carlos González")
    loan = c.checkout("RA-001", rahat, huda, by=amal)
    with force_locale("ar"):
        library, my_books = gettext("Library"), gettext("My books")

    sign_in(visitor, huda)
    assert visitor.html_dir == "rtl"
    page.locator("nav").get_by_role("link", name=library, exact=True).click()
    visitor.check()
    first = page.locator("main .card-title").first
    assert first.inner_text() == ARABIC_ITEM
    assert first.get_attribute("lang") is None and first.locator("a").get_attribute("lang") == "ar"
    hers = page.locator("section.library-hers")
    assert hers.locator(".card-title").all_inner_texts() == [ARABIC_ITEM, "המדריך הישראלי להנקה",
                                                             "The Womanly Art of Breastfeeding"]
    rest = page.locator("section.library-elsewhere")
    assert rest.locator(".card-title").all_inner_texts() == ["Начало жизни", "Bésame mucho"]
    visitor.screenshot("library-mother-ar")

    page.locator("nav").get_by_role("link", name=my_books, exact=True).click()
    visitor.check()
    assert "The Womanly Art of Breastfeeding" in page.locator("main").inner_text()
    assert format_date(loan.due_day, "full", locale="ar") in page.locator("main").inner_text()
    assert loan.due_day.isoformat() not in page.content()
    visitor.screenshot("library-mine-ar")

    visitor.choose_language("en")  # her own choice, kept in her profile
    assert format_date(loan.due_day, "full", locale="en") in page.locator("main").inner_text()
    visitor.screenshot("library-mine-en")
    page.locator("nav").get_by_role("link", name="Library", exact=True).click()
    visitor.check()
    assert "At your groups' libraries" in page.locator("main").inner_text()
    assert "The rest of the catalogue" in page.locator("main").inner_text()
    visitor.screenshot("library-mother-en")


def test_a_mother_pages_through_a_search_and_sees_a_book_staff_add_at_her_next_search(visitor, app, db):
    """The search's ranking is kept between pages (migration 0026); a book added through the staff form
    is found at her next search, on the right page."""
    from flask_babel import force_locale, gettext

    page = visitor.page
    for n in range(25):
        make_book(f"الرضاعة الطبيعية {n + 1:02d}" if n % 2 else f"دليل الأمهات {n + 1:02d}", language="ar",
                  authors="", summary="عن الرضاعة" if not n % 2 else "")
    huda = make_user("mother", name="Huda", email="huda@example.org", language="ar")
    staff = make_user("staff", name="Dana", email="dana@example.org", language="en")
    with force_locale("ar"):
        library, search, next_page = gettext("Library"), gettext("Search"), gettext("Next page")

    def search_from_the_menu() -> list[str]:
        page.locator("nav").get_by_role("link", name=library, exact=True).click()
        visitor.check()
        page.locator("#q").fill("رضاعة")
        page.get_by_role("button", name=search, exact=True).click()
        visitor.check()
        return page.locator("main .card-title").all_inner_texts()

    sign_in(visitor, huda)
    first = search_from_the_menu()
    assert len(first) == 20 and first[0].startswith("الرضاعة الطبيعية")  # title words rank first
    visitor.screenshot("library-search-ar")
    page.get_by_role("link", name=next_page).click()
    visitor.check()
    second = page.locator("main .card-title").all_inner_texts()
    assert len(second) == 5 and not set(second) & set(first)
    visitor.screenshot("library-search-page-2-ar")
    sign_out(visitor)

    sign_in(visitor, staff)
    page.locator("nav").get_by_role("link", name="Library", exact=True).click()
    page.get_by_role("link", name="Add a book").click()
    visitor.check()
    page.get_by_label("Book title").fill("الرضاعة من الألف إلى الياء")
    page.get_by_label("Language").select_option("ar")
    page.get_by_label("Where the book and its ISBN were seen (a link)").fill("https://example.org/seen-here")
    page.locator("main form button[type=submit]").click()
    visitor.check()
    sign_out(visitor)

    sign_in(visitor, huda)
    again = search_from_the_menu()
    assert "الرضاعة من الألف إلى الياء" in again and len(again) == 20
    page.get_by_role("link", name=next_page).click()
    visitor.check()
    assert len(page.locator("main .card-title").all_inner_texts()) == 6
