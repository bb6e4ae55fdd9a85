"""The account pages through HTTP: what is shown, what is refused, what is kept."""
import json
import re

from sqlalchemy import func, select

from groups_app.accounts.models import User
from groups_app.core.audit import AuditEvent
from groups_app.core.mail import outbox_messages
from tests.conftest import PASSWORD, deliver_mail, login, make_mother, make_user

GOOD = "three small green apples"


def test_register_by_phone_signs_her_in_and_asks_for_the_code_texted_to_her(client, db):
    response = client.post("/register", data={"name": "Huda", "email": "", "phone": "050-765-4321",
                                               "language": "ar", "password": GOOD})
    assert response.status_code == 302 and response.location.endswith("/account/phone")
    page = client.get("/account/phone")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.get_data(as_text=True)  # her language is Arabic
    assert db.session.scalar(select(User.language)) == "ar"
    assert db.session.scalar(select(User.phone_confirmed_at)) is None


def test_register_by_a_landline_signs_her_in_and_shows_the_profile(client, db):
    response = client.post("/register", data={"name": "Huda", "email": "", "phone": "08-623-4567",
                                               "language": "ar", "password": GOOD})
    assert response.status_code == 302 and response.location.endswith("/account/profile")


def _join(client, email: str, name: str = "Huda"):
    return client.post("/register", data={"name": name, "email": email, "phone": "", "language": "ar", "password": GOOD})


def test_register_by_email_answers_the_same_for_a_new_and_a_used_address(app, db):
    make_mother(email="taken@example.org", language="he", name="Noa")
    new_visitor, probing_visitor = app.test_client(), app.test_client()
    new, used = _join(new_visitor, "new@example.org"), _join(probing_visitor, "taken@example.org")
    assert (new.status_code, new.location) == (used.status_code, used.location) == (302, "/register/check-email")
    new_page, used_page = new_visitor.get(new.location), probing_visitor.get(used.location)
    assert new_page.status_code == used_page.status_code == 200
    assert _without_tokens(new_page, "new@example.org") == _without_tokens(used_page, "new@example.org")  # but the CSRF token
    for visitor in (new_visitor, probing_visitor):  # neither is signed in
        assert visitor.get("/account/profile").status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 2  # Noa, and the new one waiting for her link
    deliver_mail()
    mail = {m.to: m for m in outbox_messages(app.config["OUTBOX_DIR"])}
    assert "/register/confirm/" in mail["new@example.org"].body
    told = mail["taken@example.org"]  # the owner is told, in her language, with a way in
    assert "/register/confirm/" not in told.body and "/password/forgot" in told.body
    assert any("\u0590" <= ch <= "\u05ff" for ch in told.body + told.subject)


def test_the_joining_link_asks_her_password_then_signs_her_in(client, app, db):
    _join(client, "huda@example.org")
    deliver_mail()
    body = outbox_messages(app.config["OUTBOX_DIR"])[-1].body
    link = next(line for line in body.splitlines() if "/register/confirm/" in line).strip()
    assert link.startswith(app.config["PUBLIC_URL"] + "/register/confirm/")
    path = link[len(app.config["PUBLIC_URL"]):]
    page = client.get(path)
    assert page.status_code == 200 and "Huda" in page.get_data(as_text=True)
    wrong = client.post(path, data={"password": "not the one she chose"})
    assert wrong.status_code == 400 and 'id="password-error"' in wrong.get_data(as_text=True)
    assert "not the one she chose" not in wrong.get_data(as_text=True)
    done = client.post(path, data={"password": GOOD})
    assert done.status_code == 302 and done.location.endswith("/account/profile")
    assert 'dir="rtl"' in client.get("/account/profile").get_data(as_text=True)
    assert client.get(path).status_code == 404  # used once
    assert client.get("/register/confirm/made-up").status_code == 404


def test_admin_sees_who_has_not_finished_joining(client, db):
    _join(client, "huda@example.org")
    login(client, make_user("admin"))
    html = client.get("/admin/users").get_data(as_text=True)
    assert html.count("has not opened the joining link yet") == 1


def test_register_with_a_bad_password_keeps_what_she_typed(client, db):
    response = client.post("/register", data={"name": "Huda Alkrenawi", "email": "huda@example.org",
                                               "phone": "050-765-4321", "language": "ar", "password": "123"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Huda Alkrenawi"' in html and 'value="huda@example.org"' in html and 'value="050-765-4321"' in html
    assert 'aria-invalid="true"' in html and 'id="password-error"' in html
    assert db.session.scalar(select(func.count(User.id))) == 0


def _without_tokens(response, identifier: str) -> str:
    """The page with what may differ by chance taken out: the CSRF token and what she typed."""
    html = response.get_data(as_text=True).replace(identifier, "X")
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"|(value=")[^"]*("[^>]*name="csrf_token")', r"\1\2TOKEN\3", html)


def test_login_page_does_not_tell_which_accounts_exist(client, app):
    app.config["WTF_CSRF_ENABLED"] = True  # the pages then carry tokens that differ by chance
    make_mother(email="noa@example.org")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    wrong = client.post("/login", data={"identifier": "noa@example.org", "password": "nope nope", "csrf_token": token})
    unknown = client.post("/login", data={"identifier": "ghost@example.org", "password": "nope nope",
                                          "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    assert _without_tokens(wrong, "noa@example.org") == _without_tokens(unknown, "ghost@example.org")
    assert "nope nope" not in wrong.get_data(as_text=True)


def test_throttled_login_says_so_with_429(client, app):
    make_mother(email="noa@example.org")
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        client.post("/login", data={"identifier": "noa@example.org", "password": "nope nope"})
    response = client.post("/login", data={"identifier": "noa@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "15" in response.get_data(as_text=True)


def test_login_redirects_only_within_the_site(client):
    mother = make_mother()
    response = client.post("/login?next=https://evil.example/x", data={"identifier": mother.email, "password": PASSWORD})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/account/profile", data={"identifier": mother.email, "password": PASSWORD})
    assert response.location == "/account/profile"


def test_session_cookie_replayed_after_logout_is_refused(client):
    mother = make_mother()
    login(client, mother)
    stolen = client.get_cookie("session").value
    assert client.get("/account/profile").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/login" in response.location


def test_login_starts_a_new_session(client):
    mother = make_mother()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, mother)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_me_survives_closing_the_browser(client, app):
    mother = make_mother()
    login(client, mother, remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    client.delete_cookie("session")
    assert client.get("/account/profile").status_code == 200


def test_password_change_signs_out_other_devices(app):
    mother = make_mother()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, mother)
    login(laptop, mother)
    response = phone.post("/account/password", data={"current_password": PASSWORD, "password": "a fresh long passphrase"})
    assert response.status_code == 302
    assert phone.get("/account/profile").status_code == 200
    assert laptop.get("/account/profile").status_code == 302


def test_admin_disabling_an_account_ends_its_session(app):
    admin, mother = make_user("admin"), make_mother()
    her, admins = app.test_client(), app.test_client()
    login(her, mother)
    login(admins, admin)
    response = admins.post(f"/admin/users/{mother.id}", data={"roles": ["mother"]})  # active unticked
    assert response.status_code == 302
    assert her.get("/account/profile").status_code == 302


def test_forgot_and_reset_password_through_the_pages(client, app):
    make_mother(email="noa@example.org")
    response = client.post("/password/forgot", data={"identifier": "noa@example.org"})
    assert response.status_code == 302
    same = client.post("/password/forgot", data={"identifier": "ghost@example.org"})
    assert same.status_code == 302  # no difference for an unknown address
    deliver_mail()
    body = outbox_messages(app.config["OUTBOX_DIR"])[0].body
    link = next(line for line in body.splitlines() if "/password/reset/" in line).strip()
    path = link[link.index("/password/reset/"):]
    assert client.get(path).status_code == 200
    assert client.post(path, data={"password": "x"}).status_code == 400
    assert client.post(path, data={"password": "my newest passphrase"}).status_code == 302
    assert client.get(path).status_code == 404  # used once
    client.post("/login", data={"identifier": "noa@example.org", "password": "my newest passphrase"})
    assert client.get("/account/profile").status_code == 200


def test_profile_saves_and_a_bad_date_keeps_her_input(client, db):
    mother = make_mother(name="Noa")
    login(client, mother)
    response = client.post("/account/profile", data={"name": "Noa Mizrahi", "language": "en", "due_date": "31/03/2027",
                                                      "other_languages": ["he"], "first_time_mother": "yes"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Noa Mizrahi"' in html and 'value="31/03/2027"' in html
    assert db.session.get(User, mother.id).name == "Noa"
    response = client.post("/account/profile", data={"name": "Noa Mizrahi", "language": "en", "due_date": "2027-03-31",
                                                      "other_languages": ["he"], "first_time_mother": "yes",
                                                      "notices_by": "home"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, mother.id)
    assert (saved.name, saved.due_date.isoformat(), saved.first_time_mother) == ("Noa Mizrahi", "2027-03-31", True)


def test_data_download_is_hers_only_and_not_cached(client):
    mother = make_mother(email="noa@example.org")
    make_mother(email="other@example.org")
    login(client, mother)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "noa@example.org"
    assert "other@example.org" not in response.get_data(as_text=True)


def test_delete_account_through_the_page(client, db):
    mother = make_mother()
    login(client, mother)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400  # box not ticked
    assert client.post("/account/delete", data={"password": "wrong", "confirm": "y"}).status_code == 400
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert client.get("/account/profile").status_code == 302


def test_admin_grants_a_role_from_the_page(client, db):
    admin, person = make_user("admin"), make_mother(name="Amal")
    login(client, admin)
    page = client.get("/admin/users?q=ama")
    assert "Amal" in page.get_data(as_text=True)
    response = client.post(f"/admin/users/{person.id}", data={"roles": ["mother", "facilitator"], "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).role_names == {"mother", "facilitator"}
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "role.granted" in log


def test_admin_cannot_demote_herself_through_the_page(client, db):
    admin = make_user("admin")
    login(client, admin)
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["mother"], "active": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_names == {"admin"}


def test_unknown_user_page_is_404(client):
    login(client, make_user("admin"))
    assert client.get("/admin/users/999999").status_code == 404


def test_denials_are_written_to_the_audit_log(client, db):
    mother = make_mother()
    login(client, mother)
    assert client.get("/admin/audit").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert event.actor_id == mother.id and event.path == "/admin/audit"


def test_audit_log_never_holds_a_password(client, db):
    mother = make_mother(email="noa@example.org")
    client.post("/login", data={"identifier": "noa@example.org", "password": "secret guess 123"})
    login(client, mother)
    client.post("/account/password", data={"current_password": PASSWORD, "password": "another long phrase"})
    for event in db.session.scalars(select(AuditEvent)):
        text = repr((event.action, event.target, event.detail, event.path))
        assert "secret guess" not in text and PASSWORD not in text and "another long phrase" not in text


def test_language_switcher_sets_the_language_and_refuses_unknown_ones(client):
    response = client.post("/language", data={"lang": "ar", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert 'lang="ar" dir="rtl"' in client.get("/login").get_data(as_text=True)
    assert client.post("/language", data={"lang": "xx"}).status_code == 400


def test_signed_in_users_language_is_her_preference(client, db):
    mother = make_mother(language="ru")
    login(client, mother)
    assert 'lang="ru" dir="ltr"' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "he"})
    db.session.expire_all()
    assert db.session.get(User, mother.id).language == "he"
    assert 'lang="he" dir="rtl"' in client.get("/").get_data(as_text=True)
