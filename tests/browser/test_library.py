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
