"""The group directory, a group's page and the program overview, written from plain values: a
coordinator finds them through links, in English and in Arabic, on a phone, with axe on each."""
from sqlalchemy import select

from groups_app.core.places import Locality
from tests.browser.test_groups import sign_in
from tests.conftest import add_members, make_group, make_mother, make_user


def test_directory_group_page_and_overview_in_english_and_arabic(visitor, db):
    coordinator = make_user("coordinator", email="overview@example.org", language="en")
    leader = make_user("facilitator", name="Amal Nasser")
    rahat = db.session.scalar(select(Locality).where(Locality.name_en == "Rahat"))
    group = make_group(leader, name="Rahat mornings", place="Rahat", languages=["ar", "he"], capacity=4)
    add_members(group, *[make_mother(language="ar", locality_id=rahat.id) for _ in range(3)])
    make_group(name="Beersheba evenings", languages=["he", "ru", "am"], open=False)
    page = visitor.page
    sign_in(visitor, coordinator)
    for lang in ("en", "ar"):
        if lang != "en":
            visitor.choose_language(lang)
        page.locator('a[href="/groups/"]').first.click()
        visitor.check()
        assert page.locator(".card").count() == 2
        visitor.screenshot(f"directory-{lang}")
        page.locator(f'.card-title a[href="/groups/{group.id}"]').click()
        visitor.check()
        assert "Amal Nasser" in page.locator("dl.details").inner_text()
        visitor.screenshot(f"group-page-{lang}")
        page.locator('a[href="/coordinator/"]').first.click()
        visitor.check()
        figures = page.locator("main").inner_text()
        assert (rahat.name_ar if lang == "ar" else "Rahat") in figures
        visitor.screenshot(f"overview-{lang}")
