"""Every route declares who may use it, and each declaration holds for each role."""
import re

import pytest

from groups_app.core.permissions import ROLES, Rule
from tests.conftest import login, make_user

# Flask's own static route serves the stylesheet and icons to everyone.
UNDECLARED_OK = {"static"}

PERSONAS = ("anonymous", *ROLES)


def test_every_route_declares_who_may_use_it(app):
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNDECLARED_OK
        and not isinstance(getattr(app.view_functions[rule.endpoint], "access_rule", None), Rule)
    ]
    assert missing == []


def _sample_url(app, rule, ids):
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        elif rule._converters[name].__class__.__name__ == "IntegerConverter":
            values[name] = ids.get("any_id", 1)
        else:
            values[name] = "sample"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_route_matrix(app, persona):
    """For each role: allowed routes answer (not 403, not a login redirect); the others refuse."""
    client = app.test_client()
    someone = make_user("mother")
    ids = {"user_id": someone.id, "any_id": someone.id}
    if persona != "anonymous":
        login(client, make_user(persona))
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_OK:
            continue
        access: Rule = app.view_functions[rule.endpoint].access_rule
        method = "GET" if "GET" in rule.methods else "POST"
        if rule.endpoint == "accounts.logout" or (method == "POST" and access.anonymous):
            continue  # would end the persona's session or change data for everyone; tested on its own
        url = _sample_url(app, rule, ids)
        response = client.open(url, method=method)
        user = None if persona == "anonymous" else _FakeUser(persona)
        allowed = access.allows(user or _FakeUser(None))
        assert response.status_code < 500, (persona, url, response.status_code)
        to_login = response.status_code == 302 and "/login" in response.location
        if allowed:
            assert response.status_code != 403 and not to_login, (persona, url, response.status_code)
        elif persona == "anonymous":
            assert to_login, (persona, url, response.status_code)
        else:
            assert response.status_code == 403, (persona, url, response.status_code)
        checked += 1
    assert checked >= 10


class _FakeUser:
    def __init__(self, role):
        self.is_authenticated = role is not None
        self.role_names = frozenset([role]) if role else frozenset()


def test_coordinator_page_is_refused_to_a_mother_and_open_to_a_coordinator(client):
    login(client, make_user("mother"))
    assert client.get("/coordinator/").status_code == 403
    client.post("/logout")
    login(client, make_user("coordinator"))
    assert client.get("/coordinator/").status_code == 200


@pytest.mark.parametrize("path", ["/account/profile", "/account/data.json", "/admin/users", "/coordinator/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert re.search(r"/login\?next=", response.location)


@pytest.mark.parametrize("role", ["mother", "facilitator", "volunteer", "coordinator", "staff"])
def test_only_admins_manage_roles(client, role):
    target = make_user("mother")
    login(client, make_user(role))
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{target.id}", data={"roles": ["admin"], "active": "y"}).status_code == 403
    assert target.role_names == {"mother"}
