"""The catalogue's first page: what she can borrow at her groups' libraries first, then the rest."""
import re

from groups_app.groups.models import Membership
from groups_app.library.services import lists
from tests.conftest import (
    add_members,
    assert_max_queries,
    count_queries,
    login,
    make_book,
    make_copy,
    make_group,
    make_mother,
    make_user,
)

HERS = 'id="hers-heading"'
REST = 'id="rest-heading"'


def _titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a lang="\w+" href="[^"]+">([^<]+)</a>', html)


def _sections(html: str) -> tuple[str, str]:
    """(her groups' section, the rest) of a mother's first page."""
    hers = html.index('id="hers-heading"')
    rest = html.index('id="rest-heading"')
    assert hers < rest
    return html[hers:rest], html[rest:]


def _rahat_and_arad():
    rahat, arad = make_group(name="Rahat mothers", place="Rahat"), make_group(name="Arad mothers", place="Arad")
    mother = make_mother(name="Huda", language="ar", other_languages="he")
    add_members(rahat, mother)
    make_copy(make_book("Breastfeeding in English"), rahat, "RA-1")
    make_copy(make_book("تغذية الرضع وصغار الأطفال", language="ar"), rahat, "RA-2", status="on_loan")
    make_copy(make_book("המדריך הישראלי להנקה", language="he"), rahat, "RA-3")
    make_copy(make_book("Начало жизни", language="ru"), arad, "AR-1")
    make_copy(make_book("Lost in Rahat"), rahat, "RA-4", status="lost")
    make_book("A book no library has")
    return rahat, arad, mother


def test_a_mothers_first_page_starts_with_her_groups_libraries_in_her_languages_first(client):
    _rahat, _arad, mother = _rahat_and_arad()
    login(client, mother)
    html = client.get("/library/").get_data(as_text=True)
    hers, rest = _sections(html)
    # Arabic, then Hebrew (the languages she reads, in her order), then the others.
    assert _titles(hers) == ["تغذية الرضع وصغار الأطفال", "המדריך הישראלי להנקה", "Breastfeeding in English"]
    # The rest: books some other library lends first, then those no library has; a lost copy lends nothing.
    assert _titles(rest) == ["Начало жизни", "A book no library has", "Lost in Rahat"]
    assert _titles(html)[0] == "تغذية الرضع وصغار الأطفال"


def test_her_cards_say_what_she_can_borrow_in_whole_plural_sentences(client, app):
    rahat, arad, mother = _rahat_and_arad()
    mother.language = "en"
    make_copy(make_book("Two on her shelf"), rahat, "RA-5")
    two = make_book("Two on her shelf, again")
    make_copy(two, rahat, "RA-6")
    make_copy(two, rahat, "RA-7")
    make_copy(make_book("Two elsewhere"), arad, "AR-2", status="on_loan")
    elsewhere = make_book("Three elsewhere")
    for n in range(3):
        make_copy(elsewhere, arad, f"AR-3{n}", status="on_loan" if n else "on_shelf")
    login(client, mother)
    html = client.get("/library/").get_data(as_text=True)
    hers, rest = _sections(html)
    assert "At your groups' libraries" in hers and "The rest of the catalogue" in rest
    assert "you cannot borrow them at your meetings" in rest  # clearly marked
    assert "1 copy on the shelf: you can borrow it at your meeting." in hers
    assert "2 copies on the shelf: you can borrow one at your meeting." in hers
    assert "The copy is out: you can place a hold." in hers
    assert "1 copy in the groups' libraries." in rest and "It is out at the moment." in rest
    assert "3 copies in the groups' libraries." in rest and "1 is on the shelf now." in rest
    assert "No library has a copy yet." in rest
    assert "copies: 0" not in html and "on shelf: 0" not in html


def test_a_visitor_and_a_mother_without_groups_see_books_some_library_lends_first(client):
    _rahat_and_arad()
    loner = make_mother(language="en")
    for who in (None, loner):
        if who:
            login(client, who)
        html = client.get("/library/").get_data(as_text=True)
        assert HERS not in html and REST not in html
        titles = _titles(html)
        assert titles[:4] == sorted(titles[:4])  # the four that some library lends, by title
        assert set(titles[4:]) == {"A book no library has", "Lost in Rahat"}


def test_a_mother_on_the_waiting_list_sees_no_section_for_that_group(client, db):
    rahat, _arad, mother = _rahat_and_arad()
    db.session.query(Membership).filter_by(user_id=mother.id).update({"status": "waiting", "position": 1})
    db.session.commit()
    login(client, mother)
    assert HERS not in client.get("/library/").get_data(as_text=True)


def test_searches_keep_working_as_before(client):
    _rahat, _arad, mother = _rahat_and_arad()
    login(client, mother)
    html = client.get("/library/?q=breastfeeding").get_data(as_text=True)
    assert HERS not in html and REST not in html
    assert _titles(html) == ["Breastfeeding in English"]
    assert _titles(client.get("/library/?language=ru").get_data(as_text=True)) == ["Начало жизни"]
    assert _titles(client.get("/library/?q=nothing-like-this").get_data(as_text=True)) == []


def test_the_rest_is_paged_and_later_pages_show_only_the_rest(client):
    rahat, _arad, mother = _rahat_and_arad()
    for n in range(25):
        make_book(f"Other book {n:02d}")
    login(client, mother)
    first = client.get("/library/").get_data(as_text=True)
    assert 'rel="next"' in first
    second = client.get("/library/?page=2").get_data(as_text=True)
    assert HERS not in second and REST in second
    shown = _titles(first.split('id="rest-heading"')[1]) + _titles(second)
    assert len(shown) == len(set(shown)) == 28  # every book once, none of hers among them


def test_the_first_page_runs_a_fixed_number_of_queries(client, db):
    rahat, arad, mother = _rahat_and_arad()
    login(client, mother)
    client.get("/library/")
    with count_queries(db.engine) as few:
        assert client.get("/library/").status_code == 200
    for n in range(lists.AT_HER_LIBRARIES + 5):
        make_copy(make_book(f"Hers {n}", language=["ar", "he", "en"][n % 3]), rahat, f"RH-{n}")
        make_copy(make_book(f"Elsewhere {n}", language="ru"), arad, f"AD-{n}")
        make_book(f"Nowhere {n}")
    with assert_max_queries(db.engine, few()):
        html = client.get("/library/").get_data(as_text=True)
    assert len(_titles(_sections(html)[0])) == lists.AT_HER_LIBRARIES
    assert f"?group={rahat.id}" in html  # the rest of hers through the group filter
    client.post("/logout")
    with count_queries(db.engine) as visitor:
        assert client.get("/library/").status_code == 200
    assert visitor() <= few()


def test_the_catalogue_service_works_without_a_request(app):
    rahat, _arad, mother = _rahat_and_arad()
    staff = make_user("staff")
    page = lists.catalogue(mother)
    assert [g.id for g in page.her_groups] == [rahat.id]
    assert [b.language for b in page.at_her_libraries] == ["ar", "he", "en"]
    assert page.her_counts[page.at_her_libraries[0].id] == (1, 0)
    assert lists.catalogue(staff).at_her_libraries == []
    assert len(lists.catalogue(staff).rest.items) == 6
