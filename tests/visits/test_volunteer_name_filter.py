"""The coordinator's list of cases filtered by part of the volunteer's name (not a drop-down of every
volunteer); links by volunteer id keep working; a fixed number of statements whatever the number of
volunteers; only coordinators open the list."""
from __future__ import annotations

import re

import pytest

from groups_app.visits.services import case_list
from tests.conftest import count_queries, login, make_user
from tests.visits.conftest import make_case, make_volunteer


def _mothers(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def _case_of(volunteer_name: str, mother_name: str | None = None):
    volunteer = make_volunteer(name=volunteer_name, max_cases=3)
    make_case(make_user("mother", name=mother_name or f"Mother of {volunteer_name}"), volunteer=volunteer)
    return volunteer


@pytest.mark.parametrize("who", ["mother", "volunteer", "staff", "facilitator", "admin"])
def test_only_coordinators_open_the_list_filtered_or_not(client, who):
    _case_of("Yael Cohen")
    login(client, make_user(who))
    for path in ("/visits/cases", "/visits/cases?volunteer_name=yael", "/visits/cases?volunteer_id=1"):
        answer = client.get(path)
        assert answer.status_code == 403 and "Yael" not in answer.get_data(as_text=True)


def test_a_visitor_is_sent_to_sign_in(client):
    answer = client.get("/visits/cases?volunteer_name=yael")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_typing_part_of_a_volunteers_name_finds_her_cases_in_every_script_and_case(client, coordinator):
    names = {"Yael Cohen": "COHEN", "מרים לוי": "לוי", "فاطمة الهزيل": "الهزيل", "Анна Петрова": "петров",
             "Ольга Смирнова": "ОЛЬГА", "ትዕግስት አበበ": "አበበ"}
    for name in names:
        _case_of(name)
    login(client, coordinator)
    for name, typed in names.items():
        html = client.get("/visits/cases", query_string={"volunteer_name": typed}).get_data(as_text=True)
        assert _mothers(html) == [f"Mother of {name}"], typed
        assert f'value="{typed}"' in html  # what she typed stays in the field
        assert "1 case" in html


def test_her_percent_and_underscore_are_matched_as_themselves(client, coordinator):
    for name in ("Dana 50% Levi", "Dana 500 Levi", "Rut a_b", "Rut axb"):
        _case_of(name)
    login(client, coordinator)

    def found(typed):
        return _mothers(client.get("/visits/cases", query_string={"volunteer_name": typed}).get_data(as_text=True))

    assert found("50%") == ["Mother of Dana 50% Levi"]
    assert found("a_b") == ["Mother of Rut a_b"]
    assert found("%") == ["Mother of Dana 50% Levi"] and found("/") == []
    assert case_list.name_pattern(" 50% ") == "%50/%%" and case_list.name_pattern("  ") is None


def test_no_volunteer_named_so_says_so_and_keeps_her_text(client, coordinator):
    _case_of("Yael Cohen")
    login(client, coordinator)
    answer = client.get("/visits/cases", query_string={"volunteer_name": "Shira <i>"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and _mothers(html) == [] and "0 cases" in html
    assert "No volunteer’s name contains “Shira &lt;i&gt;”." in html.replace("&#39;", "’").replace("'", "’")
    assert 'value="Shira &lt;i&gt;"' in html and "<i>" not in html
    # a volunteer so named, but none of her cases is closed: the usual words
    html = client.get("/visits/cases?volunteer_name=yael&status=closed").get_data(as_text=True)
    assert "No case matches." in html and "No volunteer" not in html


def test_the_list_offers_no_drop_down_of_volunteers(client, coordinator):
    _case_of("Yael Cohen")
    make_volunteer(name="Idle Volunteer")
    login(client, coordinator)
    html = client.get("/visits/cases").get_data(as_text=True)
    assert 'name="volunteer_id"' not in html and "Idle Volunteer" not in html
    assert '<input id="volunteer_name" name="volunteer_name" type="search"' in html


def test_a_link_by_volunteer_id_still_filters_says_whose_cases_and_offers_everyones(client, coordinator):
    yael = _case_of("Yael Cohen")
    _case_of("Miriam Levi")
    idle = make_volunteer(name="Idle Volunteer")
    make_case(make_user("mother", name="Waiting Mother"))
    login(client, coordinator)
    html = client.get(f"/visits/cases?volunteer_id={yael.id}&status=active").get_data(as_text=True)
    assert _mothers(html) == ["Mother of Yael Cohen"]
    assert '<p class="chosen-filter">Volunteer: Yael Cohen' in html
    assert f'<input type="hidden" name="volunteer_id" value="{yael.id}">' in html  # changing a filter keeps her
    back = re.search(r'<p class="chosen-filter">.*?<a href="([^"]+)">Show the cases of every volunteer</a>', html,
                     re.S).group(1).replace("&amp;", "&")
    assert "volunteer_id" not in back and "status=active" in back
    assert sorted(_mothers(client.get(back).get_data(as_text=True))) == ["Mother of Miriam Levi", "Mother of Yael Cohen"]
    # a volunteer without cases is still named (the count carries her name), and an unknown number is said so
    html = client.get(f"/visits/cases?volunteer_id={idle.id}").get_data(as_text=True)
    assert "Volunteer: Idle Volunteer" in html and "No case matches." in html
    html = client.get("/visits/cases?volunteer_id=999999").get_data(as_text=True)
    assert "No volunteer has number 999999." in html and _mothers(html) == []


def test_the_pager_carries_the_volunteers_name(client, coordinator, monkeypatch):
    monkeypatch.setattr(case_list, "PER_PAGE", 2)
    volunteer = make_volunteer(name="Yael Cohen", max_cases=5)
    for n in range(3):
        make_case(make_user("mother", name=f"Mother {n}"), volunteer=volunteer)
    _case_of("Miriam Levi")
    login(client, coordinator)
    html = client.get("/visits/cases?volunteer_name=yael").get_data(as_text=True)
    following = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "volunteer_name=yael" in following
    second = client.get(following).get_data(as_text=True)
    assert len(_mothers(second)) == 1 and "3 cases" in second and "Miriam" not in second


def test_the_service_filters_by_name_and_says_when_nobody_is_so_named(app):
    _case_of("Yael Cohen")
    _case_of("Miriam Levi")
    page, _progress = case_list.cases_page(case_list.CaseFilters(volunteer_name="LEVI"))
    assert [row.mother_name for row in page.items] == ["Mother of Miriam Levi"] and not page.no_volunteer_named
    page, _progress = case_list.cases_page(case_list.CaseFilters(volunteer_name="Shira"))
    assert page.items == [] and page.total == 0 and page.no_volunteer_named


def test_the_list_runs_as_many_statements_for_many_volunteers_as_for_few(client, db, coordinator):
    yael = _case_of("Yael Cohen")
    idle = make_volunteer(name="Idle Volunteer")
    login(client, coordinator)
    paths = ("/visits/cases", "/visits/cases?volunteer_name=yael", f"/visits/cases?volunteer_id={yael.id}",
             f"/visits/cases?volunteer_id={idle.id}", "/visits/cases?volunteer_name=nobody",
             "/visits/cases?volunteer_name=yael&page=7")

    def statements():
        counts = {}
        for path in paths:
            client.get(path)
            with count_queries(db.engine) as counted:
                assert client.get(path).status_code == 200
            counts[path] = counted()
        return counts

    few = statements()
    for n in range(25):
        _case_of(f"Volunteer {n:02d}")
    assert statements() == few
    # her session, the page with its total and the localities' version (their names kept for it):
    # two fewer than with the drop-down of every volunteer and the localities read (4); a page without
    # rows counts apart, the volunteer's name or "nobody so named" and the localities' version with it
    assert [few[path] for path in paths] == [2, 2, 2, 3, 3, 3]


def test_her_page_links_to_her_cases_in_the_list(client, coordinator):
    """The way to `?volunteer_id=`: from a volunteer's page (coordinators only), a link to her cases."""
    yael = _case_of("Yael Cohen")
    _case_of("Miriam Levi")
    login(client, coordinator)
    page = client.get(f"/visits/volunteers/{yael.id}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Her cases in the list of cases</a>', page).group(1).replace("&amp;", "&")
    assert _mothers(client.get(link).get_data(as_text=True)) == ["Mother of Yael Cohen"]
