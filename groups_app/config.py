"""Settings read from environment variables, with safe defaults for development."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _prepared(database_url: str) -> dict:
    """PostgreSQL: psycopg prepares a statement a connection has run five times (planned once, see
    core/read_only_end.py); DB_PREPARED_STATEMENTS=0 turns that off (PgBouncer in transaction mode
    before 1.21 cannot carry prepared statements from one transaction to the next)."""
    if database_url.startswith("postgresql") and not _bool("DB_PREPARED_STATEMENTS", True):
        return {"connect_args": {"prepare_threshold": None}}
    return {}


def _pool(database_url: str) -> dict:
    """PostgreSQL: the pool hands out the connection returned last (LIFO), not the one idle longest.
    After a burst has opened several, a quiet worker keeps using one: its statements reach psycopg's
    threshold and stay prepared (in turn, each of five connections would need five runs of a
    statement before any was prepared), and the others stay idle for the server's idle timeout."""
    return {"pool_use_lifo": True} if database_url.startswith("postgresql") else {}


def engine_options(database_url: str) -> dict:
    """The engine's options for this database (create_app makes them again for a URI it is given)."""
    return {"pool_pre_ping": True, **_pool(database_url), **_prepared(database_url)}


MIN_SECRET_BYTES = 32
DEVELOPMENT_URL = "http://localhost:5000"


def _public_url(value: str | None, production: bool) -> str:
    """The address people use to reach the app, from which every link in a message is built:
    never the Host a request claims, which anyone can forge."""
    value = (value or "").strip().rstrip("/")
    if not value:
        if production:
            raise ConfigError(
                "PUBLIC_URL is not set. In production set PUBLIC_URL to the address people use, "
                "for example https://groups.example.org: links in mail are built from it."
            )
        return DEVELOPMENT_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL must be an http or https address such as https://groups.example.org, not {value!r}.")
    return value


def _trusted_hosts(value: str | None, public_url: str, production: bool) -> list[str]:
    """The host names requests may name; any other Host (or X-Forwarded-Host) is answered 400."""
    if value and value.strip():
        return [host.strip().lower() for host in value.split(",") if host.strip()]
    hosts = [urlsplit(public_url).hostname]
    if not production:
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(hosts))


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping for create_app()."""
    env = os.environ.get("GROUPS_APP_ENV", "development")
    production = env == "production"
    secret = os.environ.get("SECRET_KEY")
    if production and not secret:
        raise ConfigError(
            "SECRET_KEY is not set. In production set SECRET_KEY to a long random value, "
            "for example: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if production and len(secret.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"SECRET_KEY is too short ({len(secret.encode())} bytes). In production it must be at least "
            f"{MIN_SECRET_BYTES} bytes of random text, for example: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    public_url = _public_url(os.environ.get("PUBLIC_URL"), production)
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "groups_app.sqlite")
    )
    # Heroku-style URLs name the old driver; SQLAlchemy 2 with psycopg 3 wants this one.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    https = _bool("HTTPS", production)
    return {
        "ENV_NAME": env,
        "PRODUCTION": production,
        "SECRET_KEY": secret or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Each pooled connection is tested before use (a restarted database closed them all), and a
        # request that cannot connect waits and connects again this many times (core/db_retry.py).
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "DB_RETRIES": _int("DB_RETRIES", 2),
        # Where `flask backup` writes its archives when not told (--to): keep it off the web root.
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", str(Path(instance_path) / "backups")),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "TRUST_PROXY": _int("TRUST_PROXY", 0),
        "PUBLIC_URL": public_url,
        "TRUSTED_HOSTS": _trusted_hosts(os.environ.get("TRUSTED_HOSTS"), public_url, production),
        # Sessions: an idle timeout and an absolute lifetime, in minutes.
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 120),
        "REMEMBERED_IDLE_MINUTES": _int("REMEMBERED_IDLE_MINUTES", 14 * 24 * 60),
        "SESSION_ABSOLUTE_MINUTES": _int("SESSION_ABSOLUTE_MINUTES", 30 * 24 * 60),
        "REMEMBER_COOKIE_DURATION": timedelta(minutes=_int("SESSION_ABSOLUTE_MINUTES", 30 * 24 * 60)),
        # Sign-in throttling (slowed down, never locked; see accounts/auth.py): failures allowed in
        # the window on one account from one address, and from one address on all accounts; an
        # account with LOGIN_UNDER_ATTACK_FAILURES failures in the window from all addresses is under
        # attack (she is told): each address that failed on it then gets this many tries a minute.
        "LOGIN_WINDOW_MINUTES": _int("LOGIN_WINDOW_MINUTES", 15),
        "LOGIN_MAX_FAILURES_ACCOUNT": _int("LOGIN_MAX_FAILURES_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_ADDRESS": _int("LOGIN_MAX_FAILURES_ADDRESS", 20),
        "LOGIN_UNDER_ATTACK_FAILURES": _int("LOGIN_UNDER_ATTACK_FAILURES", 10),
        "LOGIN_UNDER_ATTACK_TRIES_PER_MINUTE": _int("LOGIN_UNDER_ATTACK_TRIES_PER_MINUTE", 1),
        "PASSWORD_RESET_MINUTES": _int("PASSWORD_RESET_MINUTES", 60),
        # Mail: queued in the database (mail_outbox), sent by `flask mail send` through SMTP when
        # MAIL_SERVER is set, otherwise written to files in instance/outbox.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "groups-app@localhost"),
        "OUTBOX_DIR": os.environ.get("OUTBOX_DIR", str(Path(instance_path) / "outbox")),
        # The mail outbox: tries per message before it is marked failed, and the worker's pause.
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "MAIL_POLL_SECONDS": _int("MAIL_POLL_SECONDS", 10),
        # How long the link that finishes an email registration works.
        "CONFIRM_EMAIL_DAYS": _int("CONFIRM_EMAIL_DAYS", 3),
        # The day-before meeting reminder (`flask groups remind-tomorrow`) goes out once the
        # program's clock (DEFAULT_TIMEZONE) has passed this time, HH:MM.
        "TEXT_REMINDER_TIME": os.environ.get("TEXT_REMINDER_TIME", "18:00"),
        "BABEL_DEFAULT_LOCALE": "he",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Asia/Jerusalem"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        # Leaflet PDFs may be 5 MB; a little more is let through so that the form can say so.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Files (leaflet PDFs) are kept in the database, where every app server sees them: at most this many bytes each.
        "FILE_MAX_BYTES": _int("FILE_MAX_BYTES", 5 * 1024 * 1024),
        "LIBRARY_DIR": os.environ.get("LIBRARY_DIR", str(PROJECT_ROOT / "library")),
        # Calendar feeds each worker keeps, by version, to answer an unchanged feed without writing it again (bytes).
        "CALENDAR_FEED_CACHE_BYTES": _int("CALENDAR_FEED_CACHE_BYTES", 8 * 1024 * 1024),
        # Home visits: how soon a supervisor must acknowledge a concern before every coordinator
        # is alerted; referrals accepted from one address per hour; how long closed cases keep names.
        "CONCERN_ACK_HOURS": _int("CONCERN_ACK_HOURS", 24),
        "REFERRALS_PER_HOUR": _int("REFERRALS_PER_HOUR", 5),
        "CASE_RETENTION_YEARS": _int("CASE_RETENTION_YEARS", 7),
        # Thanks: the leaves the tree hopes for until staff set their own number on its page.
        "TREE_GOAL": _int("TREE_GOAL", 500),
        "THANKS_PER_DAY": _int("THANKS_PER_DAY", 3),  # dedications one mother may send in 24 hours
        # Text messages: queued in text_outbox, sent by `flask texts send` through TEXT_GATEWAY ("folder":
        # files in OUTBOX_DIR; "http": Twilio's Messages API at TEXT_API_URL with TEXT_ACCOUNT_SID and
        # TEXT_API_KEY, from TEXT_SENDER, a number or a Messaging Service SID). Only to mobiles in
        # TEXT_COUNTRIES; nothing leaves in TEXT_QUIET_HOURS (program zone) unless urgent. The inbound
        # webhook checks X-Twilio-Signature with TEXT_WEBHOOK_SECRET (Twilio signs with the auth token).
        "TEXT_GATEWAY": os.environ.get("TEXT_GATEWAY", "folder"),
        "TEXT_API_URL": os.environ.get("TEXT_API_URL", "https://api.twilio.com"),
        "TEXT_ACCOUNT_SID": os.environ.get("TEXT_ACCOUNT_SID", ""),
        "TEXT_API_KEY": os.environ.get("TEXT_API_KEY", ""),
        "TEXT_SENDER": os.environ.get("TEXT_SENDER", ""),
        "TEXT_WEBHOOK_SECRET": os.environ.get("TEXT_WEBHOOK_SECRET") or os.environ.get("TEXT_API_KEY", ""),
        "TEXT_COUNTRIES": os.environ.get("TEXT_COUNTRIES", "IL"),
        "TEXT_QUIET_HOURS": os.environ.get("TEXT_QUIET_HOURS", "21:00-08:00"),
        "TEXT_MAX_ATTEMPTS": _int("TEXT_MAX_ATTEMPTS", 6),
        "TEXT_POLL_SECONDS": _int("TEXT_POLL_SECONDS", 10),
        "TEXT_TIMEOUT_SECONDS": float(os.environ.get("TEXT_TIMEOUT_SECONDS") or 10),
    }
