"""Every thanks route, for every role: the declared rule holds (as the app-wide matrix checks)."""
from __future__ import annotations

import pytest

from groups_app.core.permissions import ROLES
from tests.conftest import login, make_user

PERSONAS = ("anonymous", *ROLES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_thanks_route_answers_as_declared(app, persona):
    client = app.test_client()
    user = make_user(persona) if persona != "anonymous" else None
    if user is not None:
        login(client, user)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("thanks."):
            continue
        access = app.view_functions[rule.endpoint].access_rule
        method = "GET" if "GET" in rule.methods else "POST"
        url = rule.build({"dedication_id": 999999}, append_unknown=False)[1]
        response = client.open(url, method=method)
        assert response.status_code < 500, (persona, url)
        to_login = response.status_code == 302 and "/login" in (response.location or "")
        allowed = user is not None and access.allows(user) or access.anonymous
        if allowed and access.owner:  # nothing of hers exists: not found
            assert response.status_code == 404, (persona, url, response.status_code)
        elif allowed:
            assert response.status_code != 403 and not to_login, (persona, url, response.status_code)
        elif persona == "anonymous":
            assert to_login, (persona, url)
        else:
            assert response.status_code == 403, (persona, url, response.status_code)
        checked += 1
    assert checked == 10
