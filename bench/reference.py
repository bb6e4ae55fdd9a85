"""A yardstick between the bare app and ours: a well-written Flask-SQLAlchemy list page over the same
bench database. One statement (20 groups by name, two columns), a Jinja template with autoescape,
no session, no sign-in, no menu, no translations. Served and driven like the real app, so the table
can say how much of a page's cost is the list itself and how much is what every page of ours carries
(her session, the page shell in her language, the security headers)."""
from __future__ import annotations

import os

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Group(db.Model):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


def create_app() -> Flask:
    app = Flask(__name__)
    url = os.environ["DATABASE_URL"]
    for plain in ("postgres://", "postgresql://"):  # the driver installed is psycopg 3, as for the app
        url = url.replace(plain, "postgresql+psycopg://", 1) if url.startswith(plain) else url
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)

    @app.get("/")
    def groups():
        rows = db.session.execute(select(Group.id, Group.name).order_by(Group.name, Group.id).limit(20)).all()
        return render_template("reference_list.html", groups=rows)

    return app


app = create_app() if "DATABASE_URL" in os.environ else None
