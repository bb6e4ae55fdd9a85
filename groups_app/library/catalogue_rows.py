"""The catalogue's book cards and its two fixed drop-downs (language, subject), written in Python.

Written here as the template's loop and `filter_select` macro wrote them, byte for byte (whitespace
included; tests/library/test_catalogue_rows.py compares the two): the Jinja loop cost about 500
calls per card (20 to 40 cards a page), the two macro calls a few hundred more. A card's language
attribute and badge are made once per language code; the drop-downs once per language of the page
and choice."""
from __future__ import annotations

import functools

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..core.i18n import LANGUAGES
from ..core.web import address_parts, select_options


def book_cards(books, lines: dict, level: int, indent: str) -> Markup:
    """One card per book (a Book or a search row: id, title, authors, language), its heading at
    `level`, `lines[book.id]` saying where its copies are; `indent`: the spaces that followed each
    card in the template (its loop's closing tag stood at that depth)."""
    if not books:
        return Markup("")
    before, after = (escape(part) for part in address_parts("library.book", "book_id"))
    cards = []
    for book in books:
        language, badge = _language(book.language)
        authors = f'<p lang="{language}">{escape(book.authors)}</p>' if book.authors else ""
        cards.append(f'\n  <li class="card"><h{level} class="card-title"><a lang="{language}" '
                     f'href="{before}{escape(book.id)}{after}">{escape(book.title)}</a></h{level}>\n'
                     f'    {authors}\n'
                     f'    <p><span class="badge">{badge}</span> {lines.get(book.id, "")}</p></li>\n{indent}')
    return Markup("".join(cards))  # nosec B704  # every value escaped above; lines are Markup made by the view


@functools.lru_cache(maxsize=64)
def _language(code) -> tuple[str, str]:
    """A book's language as its `lang` attribute and its badge (the language's name in itself, or
    the code when the program does not list it), escaped."""
    return str(escape(code)), str(escape(LANGUAGES[code][0] if code in LANGUAGES else code))


def drop_downs(subjects: dict[str, str], language: str | None, subject: str | None, locale: str) -> Markup:
    """The language and subject filters, as two `filter_select` calls wrote them (with the template's
    indentation between them), her choice marked; made once per language of the page and choices
    (a choice that is not in the list marks none, as before, and is kept as none)."""
    language = language if language in LANGUAGES else None
    subject = subject if subject in subjects else None
    return _drop_downs(tuple(subjects.items()), language, subject, locale)


@functools.lru_cache(maxsize=512)  # 6 languages of the page × 7 language choices × 9 subject choices
def _drop_downs(subjects: tuple, language: str | None, subject: str | None, locale: str) -> Markup:
    languages = [(code, name) for code, (name, _dir) in LANGUAGES.items()]
    return Markup(f'{_select("language", _("Language"), _("All languages"), languages, language)}\n'  # nosec B704  # catalog text; select_options escapes
                  f'    {_select("subject", _("Subject"), _("All subjects"), subjects, subject)}')


def _select(name: str, label: str, any_label: str, options, selected) -> str:
    """filter_select's markup; its labels the catalog's text as they are, as the template's _() wrote them."""
    return (f'\n  <div class="field">\n    <label for="{name}">{label}</label>\n'
            f'    <select id="{name}" name="{name}">\n      <option value="">{any_label}</option>\n'
            f'      {select_options(options, selected)}\n    </select>\n  </div>\n')
