"""Her messages on her home page: each with its page linked when it has one, marked read by her only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from groups_app.core.notify import Notice, notify
from tests.conftest import login, make_user


def test_a_message_with_a_page_links_to_it_and_one_without_does_not(app, client, db):
    her = make_user("mother", language="en")
    notify(her, _l("A mother thanks you"), "accounts/email/welcome.txt", link="https://mothers.example.org/thanks/mine",
           email=False)
    notify(her, _l("Welcome to Mother to Mother"), "accounts/email/welcome.txt", email=False)
    db.session.commit()
    login(client, her)
    html = client.get("/").get_data(as_text=True)
    assert '<h3><a href="https://mothers.example.org/thanks/mine">A mother thanks you</a></h3>' in html
    assert "<h3>Welcome to Mother to Mother</h3>" in html


def test_she_marks_her_message_read_and_nobody_else_can(app, client, db):
    her, other = make_user("mother", language="en"), make_user("mother", language="en")
    notice = notify(her, _l("Welcome to Mother to Mother"), "accounts/email/welcome.txt", email=False)
    db.session.commit()
    login(client, other)
    assert client.post(f"/notices/{notice.id}/read").status_code in (403, 404)
    assert db.session.get(Notice, notice.id).read_at is None
    client.post("/logout")
    login(client, her)
    assert client.post(f"/notices/{notice.id}/read").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).read_at is not None
    assert "Welcome to Mother to Mother" not in client.get("/").get_data(as_text=True)
