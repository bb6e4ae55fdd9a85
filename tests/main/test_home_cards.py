"""The cards of "Your work" on her home page: those that depend only on her roles are made once per
roles and language (main.home.her_work_cards) and are what a fresh rendering writes; a card with a
count, and the sections, are made on every request."""
from __future__ import annotations

import re

from flask import template_rendered

from groups_app.accounts.models import UserRole
from groups_app.extensions import db as _db
from tests.conftest import login, make_user


def _cards(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<ul class="cards">')[1].split("</main>")[0] if '<ul class="cards">' in html else ""


def _rendered(app, client, path="/"):
    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        response = client.get(path)
    finally:
        template_rendered.disconnect(record, app)
    return response, names


def test_each_role_and_language_gets_its_own_cards_made_once(app, client, db):
    app.extensions.pop("groups_app.work_cards", None)  # the app outlives a test: start with nothing kept
    coordinator = make_user("coordinator")
    login(client, coordinator)
    first, names = _rendered(app, client)
    assert "groups/_home_cards.html" in names and "texts/_home_cards.html" in names
    again, names = _rendered(app, client)
    assert not [n for n in names if n.endswith("_home_cards.html") and not n.startswith(("thanks/", "visits/"))]
    assert _cards(again) == _cards(first)
    assert "Program overview" in _cards(first) and "Text messages" in _cards(first) and "The topic bank" not in _cards(first)
    coordinator.language = "he"
    _db.session.commit()
    hebrew = _cards(client.get("/"))
    assert hebrew != _cards(first) and "Program overview" not in hebrew and 'href="/coordinator/"' in hebrew
    coordinator.roles.append(UserRole(role="staff"))  # a new role: her cards change at once
    coordinator.language = "en"
    _db.session.commit()
    both = _cards(client.get("/"))
    assert "The topic bank" in both and "Program overview" in both


def test_kept_cards_are_what_a_fresh_app_writes(app, client, db):
    staff = make_user("staff")
    login(client, staff)
    client.get("/")
    kept = _cards(client.get("/"))
    app.extensions.pop("groups_app.work_cards")
    assert _cards(client.get("/")) == kept
    assert "0 messages wait for review." in re.sub(r"\s+", " ", kept)


def test_a_mother_has_no_cards_and_an_admin_has_hers(app, client, db):
    login(client, make_user("mother"))
    assert _cards(client.get("/")) == ""
    client.post("/logout")
    login(client, make_user("admin"))
    assert "People and roles" in _cards(client.get("/"))
