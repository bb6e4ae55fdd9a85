"""The page shell every feature shares: error pages, and what every template may use."""
from __future__ import annotations

import functools
from datetime import date

from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal
from flask import Flask, current_app, render_template, request, url_for
from flask_babel import format_date, format_number, get_locale
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape

from ..extensions import db
from . import permissions
from .extension_points import nav_links
from .i18n import LANGUAGES, direction
from .mail import public_url
from .qr import qr_svg


def menu_links(user) -> list:
    """The menu for her (or a visitor), from every feature's contribution, by weight.

    A contribution marked `same_for_a_role` is made once per language, roles and script root and
    kept for the life of the process (at most a few hundred small lists): on every page it cost ten
    addresses built and ten strings translated. The others (a menu that asks the database) run on
    every request."""
    made = current_app.extensions.setdefault("groups_app.menu", {})
    roles = user.role_names if user.is_authenticated else None
    links: list = []
    for contribution in nav_links.contributions():
        if getattr(contribution, "same_for_a_role", False):
            key = (contribution, str(get_locale()), request.script_root, roles)
            if key not in made:
                made[key] = tuple(contribution(user))
            links.extend(made[key])
        else:
            links.extend(contribution(user) or ())
    return sorted(links, key=lambda link: link.weight)


_MARK = 987654321  # a value no row has: where it stands in an address, each row's value goes


def address_parts(endpoint: str, name: str, **values) -> tuple[str, str]:
    """url_for(endpoint, name=…, **values) as the text before and after `name`'s value, so that a
    list links each of its rows by writing the value between them: url_for costs about 30 calls, and
    a page links dozens of rows. For values that stand in an address as they are (ids, codes)."""
    before, after = url_for(endpoint, **values, **{name: _MARK}).split(str(_MARK), 1)
    return before, after


def address_for(endpoint: str, name: str, **values):
    """`address_parts` as a function of the value: address_for("groups.plan", "meeting_id")(12)."""
    before, after = address_parts(endpoint, name, **values)
    return lambda value: f"{before}{value}{after}"


def listformat(items) -> Markup:
    """A list as the reader's language writes one ("a, b and c", "أ وب وج"); items are escaped."""
    items = [str(escape(item)) for item in items]
    if not items:
        return Markup("")
    return Markup(format_list(items, locale=str(get_locale() or "he")))  # nosec B704  # each item escaped above; the CLDR list pattern adds no markup


def language_names(codes) -> Markup:
    """Language names, each in its own language and marked as such, as a list in the reader's language."""
    return _language_names(tuple(codes or ()), str(get_locale() or "he"))


@functools.lru_cache(maxsize=1024)  # a list of cases shows 25 mothers' languages, from a few dozen combinations
def _language_names(codes: tuple[str, ...], locale: str) -> Markup:
    spans = [Markup('<span lang="{0}" dir="{1}">{2}</span>').format(code, direction(code), LANGUAGES[code][0])
             for code in codes if code in LANGUAGES]
    if not spans:
        return Markup("")
    return Markup(format_list([str(span) for span in spans], locale=locale))  # nosec B704  # spans made by Markup.format, which escapes


def select_options(options, selected) -> Markup:
    """The <option>s of a filter's drop-down, the one whose value is `selected` marked: written here,
    not in a Jinja loop, because a filter can list every group of the program (300 in the benchmark)
    and the loop cost a dozen calls per option. Values and texts are escaped."""
    chosen = None if selected is None else str(selected)
    html = "".join(f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(text)}</option>'
                   for value, text in options)
    return Markup(html)  # nosec B704  # every value and text escaped above


def numberformat(value) -> str:
    """Flask-Babel's `numberformat` filter, with a whole number written once per language (a report
    page shows a hundred counts, each a walk through Babel's number patterns); others as before."""
    if type(value) is int:
        return count_text(value, str(get_locale() or "he"))
    return format_number(value)


@functools.lru_cache(maxsize=4096)
def count_text(number: int, locale: str) -> str:
    """A whole number as `locale` writes it (what the `numberformat` filter writes), made once per
    number and language: for pages that write their rows' counts in Python."""
    return format_decimal(number, locale=locale)


@functools.lru_cache(maxsize=64)
def kept_select_options(options: tuple, selected) -> Markup:
    """`select_options` kept per list and choice, for long lists of plain (value, text) pairs read
    from the database (every group, every volunteer): the same rows give the same HTML, and a row
    added or renamed is another key. Not for lazy labels, whose text depends on the language."""
    return select_options(options, selected)


def dateformat(value=None, format: str | None = None) -> str:
    """Flask-Babel's `dateformat` filter, with a calendar date (no clock, so no time zone to shift it
    into) written once per format and language: a case page shows 30 of them, each costing Babel a
    look through its locale data. A moment, or nothing (today), goes to Flask-Babel as before."""
    if type(value) is date:
        return _date_text(value, format or "medium", str(get_locale() or "he"))
    return format_date(value, format)


@functools.lru_cache(maxsize=4096)
def _date_text(day: date, format: str, locale: str) -> str:
    return babel_format_date(day, format, locale=locale)


def monthformat(value) -> str:
    """A month and its year in the reader's language: "December 2026", "ديسمبر 2026"."""
    return format_skeleton("yMMMM", value, locale=str(get_locale() or "he"))


def clock(value) -> str:
    """A time of day (a `time`, no date or zone) in the reader's way: 17:00, 5:00 PM."""
    return format_time(value, "short", locale=str(get_locale() or "he"))


def register_error_pages(app: Flask) -> None:
    def page(code: int):
        def handler(error):
            return render_template(f"errors/{code}.html"), code

        return handler

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, page(code))
    app.register_error_handler(CSRFError, page(400))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()  # whatever failed is not half written, and the page can still query
        return render_template("errors/500.html"), 500


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(dateformat, "dateformat")  # in place of Flask-Babel's, which it calls for moments
    app.add_template_filter(numberformat, "numberformat")  # likewise, for numbers that are not whole
    app.add_template_filter(listformat, "listformat")
    app.add_template_filter(language_names, "language_names")
    app.add_template_filter(clock, "clock")
    app.add_template_filter(monthformat, "monthformat")
    # Paper that leads back to the app: a QR code to the program's public address (never the request's Host).
    app.add_template_global(select_options, "select_options")
    app.add_template_global(address_parts, "address_parts")
    app.add_template_global(qr_svg, "qr_svg")
    app.add_template_global(public_url, "public_url")

    @app.context_processor
    def inject():
        locale = str(get_locale() or "he")
        return {
            "current_locale": locale,
            "text_direction": direction(locale),
            "languages": LANGUAGES,
            "language_options": [(code, name) for code, (name, _dir) in LANGUAGES.items()],
            "can": permissions,
            "menu_links": menu_links,
        }
