"""A second yardstick: the same list page as bench/reference.py, but signed in, in the textbook way
of this stack, so that the table can say what any signed-in page of Flask, Flask-Login,
Flask-Babel and Flask-WTF costs here before it does anything of its own.

What it carries, each done the way the libraries' own documentation shows:
- Flask's signed cookie session with Flask-Login's user id in it; the user loader reads her account
  with her roles in one statement (a joined load), as the menu needs them;
- her language from her account (Flask-Babel's locale selector) and our real catalogs, about 20
  strings a page through `_()`;
- a page shell: a brand link, five menu links made with url_for, a sign-out form with Flask-WTF's
  CSRF token, the language switch's six buttons, a footnote;
- the list: 20 groups by name, one statement.
It has no server-side session row, no session expiry or last-seen, no permission checks, no
security headers, no static-file hashing and no flashed messages: ours has each of those on every
page. `/sign-in/<email>` signs anyone in without a password: this app is served by `make bench`
only, on 127.0.0.1, over a throw-away database."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort, redirect, render_template
from flask_babel import Babel
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, joinedload, mapped_column, relationship

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = {"he": ("עברית", "rtl"), "ar": ("العربية", "rtl"), "ru": ("Русский", "ltr"),
             "am": ("አማርኛ", "ltr"), "es": ("Español", "ltr"), "en": ("English", "ltr")}


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5))
    roles: Mapped[list[UserRole]] = relationship(lazy="raise")

    def has_role(self, role: str) -> bool:
        return any(r.role == role for r in self.roles)


class UserRole(db.Model):
    __tablename__ = "user_roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))


class Group(db.Model):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.scalar(select(User).options(joinedload(User.roles)).where(User.id == int(user_id)))


def pick_locale() -> str:
    return current_user.language if current_user.is_authenticated else "he"


def create_app() -> Flask:
    app = Flask(__name__)
    url = os.environ["DATABASE_URL"]
    for plain in ("postgres://", "postgresql://"):  # the driver installed is psycopg 3, as for the app
        url = url.replace(plain, "postgresql+psycopg://", 1) if url.startswith(plain) else url
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only"),
                      BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"))
    db.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=pick_locale)
    csrf.init_app(app)

    @app.context_processor
    def shell():
        locale = pick_locale()
        return {"locale": locale, "direction": LANGUAGES[locale][1], "languages": LANGUAGES}

    @app.get("/sign-in/<email>")
    def sign_in(email: str):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            abort(404)
        login_user(user)
        return redirect("/groups/")

    @app.get("/groups/")
    def groups():
        if not current_user.is_authenticated:
            abort(401)
        rows = db.session.execute(select(Group.id, Group.name).order_by(Group.name, Group.id).limit(20)).all()
        return render_template("reference_signed_in.html", groups=rows)

    for rule, endpoint in (("/", "home"), ("/library/", "library"), ("/leaflets/", "leaflets"),
                           ("/account/", "profile"), ("/language", "language")):
        app.add_url_rule(rule, endpoint, groups, methods=["GET", "POST"])
    app.add_url_rule("/logout", "logout", groups, methods=["POST"])
    return app


app = create_app() if "DATABASE_URL" in os.environ else None
