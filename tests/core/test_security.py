"""Security defaults: CSRF, headers, cookies, caching, GET never changes anything."""
import pytest

from tests.conftest import PASSWORD, login, make_mother


def test_post_without_csrf_token_is_refused_with_400(app, client):
    mother = make_mother()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"identifier": mother.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account/profile").status_code == 302  # not signed in


def test_post_with_csrf_token_is_accepted(app, client):
    mother = make_mother()
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"identifier": mother.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_security_headers_on_every_page(client):
    response = client.get("/")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    login(client, make_mother())
    for path in ("/", "/account/profile", "/login", "/register"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_personal_pages_are_not_cached(client):
    login(client, make_mother())
    for path in ("/", "/account/profile", "/account/data.json"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, app):
    response = login(client, make_mother(), remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember


def test_cookies_are_secure_when_served_over_https(monkeypatch, tmp_path):
    from groups_app import create_app

    monkeypatch.setenv("HTTPS", "1")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_no_get_route_changes_anything(app):
    """Routes that change things accept POST; the GET side of a form only shows the form."""
    get_only_changes = {"accounts.logout", "accounts.set_language"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in get_only_changes:
            assert "GET" not in rule.methods, rule.rule


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from groups_app import create_app
    from groups_app.config import ConfigError

    monkeypatch.setenv("GROUPS_APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    from groups_app.config import from_environment

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/db")
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@localhost/db"
