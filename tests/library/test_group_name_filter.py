"""The catalogue's group filter: her own groups in the drop-down, any other group by typing part of its
name; old links by group id keep working; a fixed number of statements whatever the program's size."""
import re

from groups_app.groups.models import Group
from groups_app.library.services import lists
from groups_app.library.services.catalogue import search
from groups_app.library.services.search import group_name_pattern
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


def _titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a lang="\w+" href="[^"]+">([^<]+)</a>', html)


def _options(html: str) -> list[tuple[str, str, bool]]:
    """The group drop-down's options: (value, text, selected)."""
    select = html.split('<select id="group" name="group">')[1].split("</select>")[0]
    return [(value, text, bool(chosen)) for value, chosen, text in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)]


def _library(name: str, place: str = "Beersheba", *facilitators, title: str | None = None) -> Group:
    group = make_group(*facilitators, name=name, place=place)
    make_copy(make_book(title or f"A book at {name}"), group, f"C-{group.id}")
    return group


def test_a_mothers_drop_down_lists_her_groups_only(client):
    hers, other = _library("Rahat mornings", "Rahat"), _library("Arad evenings", "Arad")
    mother = make_mother()
    add_members(hers, mother)
    login(client, mother)
    for path in ("/library/", "/library/?q=book"):
        options = _options(client.get(path).get_data(as_text=True))
        assert options == [("", "Any group", False), (str(hers.id), "Rahat mornings", False)]
    assert str(other.id) not in [value for value, _text, _chosen in options]


def test_staff_see_the_groups_they_run_in_the_drop_down_not_every_group(client):
    coordinator = make_user("coordinator", "facilitator")
    runs = _library("Dimona Tuesdays", "Dimona", coordinator)
    _library("Rahat mornings", "Rahat")
    login(client, coordinator)
    assert _options(client.get("/library/?q=book").get_data(as_text=True))[1:] == [(str(runs.id), "Dimona Tuesdays", False)]


def test_a_visitor_has_no_groups_in_the_drop_down_and_the_page_asks_nothing_about_groups(client, db):
    _library("Rahat mornings", "Rahat")
    client.get("/library/?q=book")
    with count_queries(db.engine) as counted:
        html = client.get("/library/?q=book", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _options(html) == [("", "Any group", False)]  # a visitor's language is her browser's
    assert not [s for s in counted.statements if "group_facilitators" in s or "memberships" in s]


def test_an_old_link_to_another_groups_library_still_filters_and_shows_that_group_chosen(client):
    hers, other = _library("Rahat mornings", "Rahat"), _library("Arad evenings", "Arad")
    mother = make_mother()
    add_members(hers, mother)
    login(client, mother)
    html = client.get(f"/library/?group={other.id}").get_data(as_text=True)
    assert _titles(html) == ["A book at Arad evenings"]
    assert (str(other.id), "Arad evenings", True) in _options(html)
    assert (str(hers.id), "Rahat mornings", False) in _options(html)
    client.post("/logout")  # a visitor's old link too
    html = client.get(f"/library/?group={other.id}").get_data(as_text=True)
    assert _titles(html) == ["A book at Arad evenings"] and _options(html)[1:] == [(str(other.id), "Arad evenings", True)]


def test_the_rest_of_her_libraries_link_still_leads_to_that_library(client):
    hers = _library("Rahat mornings", "Rahat")
    for n in range(lists.AT_HER_LIBRARIES + 1):
        make_copy(make_book(f"Hers {n:02d}"), hers, f"RH-{n}")
    mother = make_mother()
    add_members(hers, mother)
    login(client, mother)
    front = client.get("/library/").get_data(as_text=True)
    assert f'href="/library/?group={hers.id}"' in front
    html = client.get(f"/library/?group={hers.id}").get_data(as_text=True)
    assert (str(hers.id), "Rahat mornings", True) in _options(html) and len(_titles(html)) == 20


def test_typing_part_of_a_groups_name_finds_its_library_in_every_script_and_case(client):
    names = {"Rahat Mornings": "rahat", "קבוצת אמהות דימונה": "אמהות", "أمهات رهط": "رهط",
             "Мамы Арада": "мамы арада", "Мамы Беэр-Шевы": "БЕЭР", "የእናቶች ቡድን": "እናቶች"}
    for name in names:
        _library(name, title=f"Book of {name}")
    login(client, make_mother())
    for name, typed in names.items():
        html = client.get("/library/", query_string={"group_name": typed}).get_data(as_text=True)
        assert _titles(html) == [f"Book of {name}"], typed
        assert f'value="{typed}"' in html  # what she typed stays in the field
    both = client.get("/library/", query_string={"group_name": "мамы"}).get_data(as_text=True)
    assert sorted(_titles(both)) == ["Book of Мамы Арада", "Book of Мамы Беэр-Шевы"]


def test_her_percent_and_underscore_are_matched_as_themselves(client):
    _library("50% discount club", title="Half")
    _library("500 mothers", title="Five hundred")
    _library("a_b group", title="Underscore")
    _library("axb group", title="Any letter")
    login(client, make_mother())

    def found(typed):
        return _titles(client.get("/library/", query_string={"group_name": typed}).get_data(as_text=True))

    assert found("50%") == ["Half"]
    assert found("a_b") == ["Underscore"]
    assert found("%") == ["Half"] and found("_") == ["Underscore"] and found("/") == []
    assert group_name_pattern("  50%  ") == "%50/%%" and group_name_pattern("   ") is None


def test_no_group_named_so_says_so_and_keeps_her_text(client):
    _library("Rahat mornings", "Rahat")
    login(client, make_mother())
    answer = client.get("/library/", query_string={"group_name": "Ofakim <b>", "q": "book"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and _titles(html) == []
    assert "No group’s name contains “Ofakim &lt;b&gt;”." in html.replace("&#39;", "’").replace("'", "’")
    assert 'value="Ofakim &lt;b&gt;"' in html and "<b>" not in html
    # a group that is named so but lends nothing that matches: the usual words
    html = client.get("/library/", query_string={"group_name": "rahat", "q": "nothing-like-this"}).get_data(as_text=True)
    assert "No book matches." in html and "No group" not in html


def test_an_archived_group_is_not_found_by_its_name(client, db):
    group = _library("Old Rahat group", "Rahat")
    group.archived = True
    db.session.commit()
    login(client, make_mother())
    html = client.get("/library/?group_name=old+rahat").get_data(as_text=True)
    assert _titles(html) == [] and "No group" in html


def test_the_pager_carries_the_group_name_and_the_other_filters(client):
    group = _library("Rahat mornings", "Rahat")
    for n in range(25):
        make_copy(make_book(f"Book {n:02d}", language="ar"), group, f"RB-{n}")
    login(client, make_mother())
    html = client.get("/library/?group_name=rahat&language=ar").get_data(as_text=True)
    following = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "group_name=rahat" in following and "language=ar" in following
    assert len(_titles(client.get(following).get_data(as_text=True))) == 5


def test_the_search_service_filters_by_a_groups_name_without_a_request(app):
    _library("Rahat mornings", "Rahat", title="At Rahat")
    _library("Arad evenings", "Arad", title="At Arad")
    assert [row.title for row in search(group_name="RAHAT").items] == ["At Rahat"]
    none = search(group_name="Ofakim")
    assert none.items == [] and none.total == 0 and none.no_group_named
    assert not search(words="nothing-like-this", group_name="Arad").no_group_named


def _program(groups: int):
    """`groups` groups, each with a book; a mother in two of them and a facilitator of one."""
    mother, facilitator = make_mother(), make_user("facilitator")
    made = [_library(f"Group {n:03d}", "Beersheba", *([facilitator] if n == 1 else [])) for n in range(groups)]
    add_members(made[0], mother)
    add_members(made[1], mother)
    return mother, facilitator, made


def test_the_catalogue_runs_as_many_statements_for_a_program_of_many_groups_as_for_few(app, db, client):
    mother, facilitator, made = _program(3)

    def statements(who):
        counts = {}
        login(client, who)
        for path in ("/library/", "/library/?q=book", "/library/?group_name=group+0", f"/library/?group={made[2].id}",
                     "/library/?group_name=nobody&q=book"):
            client.get(path)
            with count_queries(db.engine) as counted:
                assert client.get(path).status_code == 200
            counts[path] = counted()
        client.post("/logout")
        return counts

    few = {who: statements(who) for who in (mother, facilitator)}
    for n in range(3, 30):
        _library(f"Group {n:03d}", "Beersheba")
    many = {who: statements(who) for who in (mother, facilitator)}
    assert many == few
    # a search: her session, her groups, the page (its ranked ids, their books and copies, in one statement;
    # it was 5 with the ids, the books and the copies apart); her first page one fewer than with the drop-down
    # of every group (8): her groups are read once, for both its uses; then two fewer (7 -> 5): the page's
    # total comes with its rows, her groups' books with their copies; an empty page adds its count (4)
    assert few[mother]["/library/?q=book"] == few[mother]["/library/?group_name=group+0"] == 3
    assert few[mother]["/library/"] == 5 and few[mother]["/library/?group_name=nobody&q=book"] == 4
    login(client, mother)
    with assert_max_queries(db.engine, 3):
        html = client.get("/library/?q=book").get_data(as_text=True)
    assert len(_options(html)) == 3 and "Group 029" not in html


def test_on_the_shelf_means_on_the_shelf_at_the_groups_named_or_chosen(client):
    rahat, arad = _library("Rahat mornings", "Rahat", title="Rahat own"), _library("Arad evenings", "Arad")
    shared = make_book("Shared book")
    make_copy(shared, rahat, "R-OUT", status="on_loan")
    make_copy(shared, arad, "A-IN")  # on the shelf, but at Arad
    login(client, make_mother())
    for path in ("/library/?group_name=rahat", f"/library/?group={rahat.id}"):
        assert sorted(_titles(client.get(path).get_data(as_text=True))) == ["Rahat own", "Shared book"]
        assert _titles(client.get(path + "&available=1").get_data(as_text=True)) == ["Rahat own"]
    assert sorted(_titles(client.get("/library/?group_name=arad&available=1").get_data(as_text=True))) == [
        "A book at Arad evenings", "Shared book"]


def test_the_groups_she_borrows_from_follow_the_circulation_rule(app, db):
    """filter_groups' `borrows` repeats borrower_groups' rule in its own statement: an open group she is
    a member of (not on its waiting list, not one she only leads, not an archived one)."""
    from groups_app.groups.models import Membership
    from groups_app.library.services.circulation import borrower_groups

    facilitator = make_user("facilitator")
    member, waiting, archived, led = (make_group(facilitator, name=f"Group {n}") for n in ("A", "B", "C", "D"))
    mother = make_mother()
    add_members(member, mother)
    add_members(archived, mother)
    db.session.add(Membership(group_id=waiting.id, user_id=mother.id, status="waiting", position=1))
    archived.archived = True
    db.session.commit()
    for who in (mother, facilitator):
        choices = lists.filter_groups(who, linked=led.id)
        assert {c.id for c in choices if c.borrows} == {g.id for g in borrower_groups(who)}
    assert {c.id for c in lists.filter_groups(mother) if c.borrows} == {member.id}
