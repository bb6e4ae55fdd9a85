"""The shell's menu: made once per roles and language for the features whose links depend on
nothing else, and still right for each person, language and role change."""
from __future__ import annotations

import re

from groups_app.accounts.services import set_access
from groups_app.extensions import db
from tests.conftest import count_queries, login, make_user


def _menu(client, path="/account/profile") -> list[str]:
    html = client.get(path).get_data(as_text=True)
    nav = re.search(r'<ul class="nav-list">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


def test_each_role_sees_its_own_menu_when_menus_are_kept(app, client):
    facilitator, mother = make_user("mother", "facilitator"), make_user("mother")
    login(client, facilitator)
    assert "/planner" in " ".join(_menu(client))
    client.post("/logout")
    login(client, mother)
    links = _menu(client)
    assert "/planner" not in " ".join(links) and "/library/mine" in links
    client.post("/logout")
    assert "/library/mine" not in _menu(client, "/")  # a visitor


def test_a_new_role_shows_in_her_menu_at_once_and_a_removed_one_goes(app, client):
    admin, mother = make_user("admin"), make_user("mother")
    login(client, mother)
    assert not any("/planner" in link for link in _menu(client))
    set_access(mother, {"mother", "facilitator"}, True, by=admin)
    db.session.commit()
    assert any("/planner" in link for link in _menu(client))
    set_access(mother, {"mother"}, True, by=admin)
    db.session.commit()
    assert not any("/planner" in link for link in _menu(client))


def test_the_menu_speaks_the_language_she_switches_to(app, client):
    login(client, make_user("mother", language="en"))
    assert ">My books</a>" in client.get("/account/profile").get_data(as_text=True)
    client.post("/language", data={"lang": "ar", "next": "/account/profile"})
    arabic = client.get("/account/profile").get_data(as_text=True)
    assert ">My books</a>" not in arabic and 'dir="rtl"' in arabic


def test_a_kept_menu_asks_the_database_nothing(app, client):
    login(client, make_user("mother"))
    client.get("/account/password")
    with count_queries(db.engine) as counted:
        client.get("/account/password")
    assert counted() == 1, counted.statements  # her session, account and roles: the menu adds no statement
