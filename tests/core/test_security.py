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


# ---- production settings, trusted hosts and links in mail -------------------------------------

def _production(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("GROUPS_APP_ENV", "production")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://groups.example.org")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_production_refuses_a_secret_key_shorter_than_32_bytes(monkeypatch, tmp_path):
    from groups_app.config import ConfigError, from_environment

    _production(monkeypatch, tmp_path, SECRET_KEY="k" * 31)
    with pytest.raises(ConfigError, match="SECRET_KEY is too short .31 bytes.*at least 32 bytes"):
        from_environment(str(tmp_path))
    _production(monkeypatch, tmp_path, SECRET_KEY="ש" * 16)  # 32 bytes, in 16 letters
    assert from_environment(str(tmp_path))["SECRET_KEY"] == "ש" * 16


def test_production_requires_a_public_url_and_trusts_only_its_host(monkeypatch, tmp_path):
    from groups_app.config import ConfigError, from_environment

    _production(monkeypatch, tmp_path, PUBLIC_URL=None)
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        from_environment(str(tmp_path))
    _production(monkeypatch, tmp_path, PUBLIC_URL="groups.example.org")
    with pytest.raises(ConfigError, match="PUBLIC_URL must be an http or https address"):
        from_environment(str(tmp_path))
    _production(monkeypatch, tmp_path, PUBLIC_URL="https://groups.example.org/")
    config = from_environment(str(tmp_path))
    assert config["PUBLIC_URL"] == "https://groups.example.org"
    assert config["TRUSTED_HOSTS"] == ["groups.example.org"]
    _production(monkeypatch, tmp_path, TRUSTED_HOSTS="groups.example.org, www.groups.example.org")
    assert from_environment(str(tmp_path))["TRUSTED_HOSTS"] == ["groups.example.org", "www.groups.example.org"]


def test_development_defaults_serve_localhost(monkeypatch, tmp_path):
    from groups_app.config import from_environment

    for name in ("GROUPS_APP_ENV", "PUBLIC_URL", "TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    config = from_environment(str(tmp_path))
    assert config["PUBLIC_URL"] == "http://localhost:5000"
    assert config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]


def test_an_unknown_host_is_refused_with_400(client):
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200  # the port does not matter
    assert client.get("/", headers={"Host": "127.0.0.1"}).status_code == 200


def test_reset_links_never_honour_a_forged_host(app, db, client, tmp_path, monkeypatch, capsys):
    from groups_app.core.mail import outbox_messages
    from tests.conftest import deliver_mail, make_test_app

    make_mother(email="noa@example.org")
    ask = {"identifier": "noa@example.org"}
    proxied = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / "proxied"), TRUST_PROXY=1)
    forged = {"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "http"}
    # Refused outright: a forged Host, and a forged X-Forwarded-Host behind a trusted proxy.
    assert client.post("/password/forgot", data=ask, headers={"Host": "attacker.example"}).status_code == 400
    assert proxied.test_client().post("/password/forgot", data=ask, headers=forged).status_code == 400
    # Even where the attacker's host were let through (TRUSTED_HOSTS set wrongly), the link is PUBLIC_URL's.
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost", "attacker.example"])
    monkeypatch.setitem(proxied.config, "TRUSTED_HOSTS", ["localhost", "attacker.example"])
    assert client.post("/password/forgot", data=ask, headers={"Host": "attacker.example"}).status_code == 302
    assert proxied.test_client().post("/password/forgot", data=ask, headers=forged).status_code == 302
    assert client.post("/password/forgot", data=ask).status_code == 302
    deliver_mail()
    links = [line.strip() for m in outbox_messages() for line in m.body.splitlines() if "/password/reset/" in line]
    assert len(links) == 3
    honouring = sum("attacker.example" in link for link in links)
    with capsys.disabled():
        print(f"\nFIGURE reset links honouring a forged Host: {honouring}")
    assert honouring == 0
    assert all(link.startswith(app.config["PUBLIC_URL"] + "/password/reset/") for link in links)
