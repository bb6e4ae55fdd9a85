"""The catalogue's cards and its language and subject drop-downs, written in library/catalogue_rows.py,
say byte for byte what the template's loop and the `filter_select` macro wrote (the template code of
before is kept here), in English, Hebrew and Arabic, for books and for search rows; and the page
shows them in the same five statements or fewer."""
from flask import render_template_string
from flask_babel import refresh

from groups_app.core.i18n import in_her_language
from groups_app.library import views
from groups_app.library.catalogue_rows import book_cards, drop_downs
from groups_app.library.models import Book
from groups_app.library.services.catalogue import SUBJECTS, copy_counts, search
from tests.conftest import (
    add_members,
    assert_max_queries,
    login,
    make_book,
    make_copy,
    make_group,
    make_mother,
    make_user,
)

# The template's loop before the cards were written in Python (library/catalogue.html), as it was;
# `indent` stands for the spaces before the loop's `{% else %}`, which each card was followed by.
OLD_CARDS = """\
{% set book_url = address_parts('library.book', 'book_id') %}{% for book in books %}
  <li class="card"><h{{ level }} class="card-title"><a lang="{{ book.language }}" href="{{ book_url[0] }}{{ book.id }}{{ book_url[1] }}">{{ book.title }}</a></h{{ level }}>
    {% if book.authors %}<p lang="{{ book.language }}">{{ book.authors }}</p>{% endif %}
    <p><span class="badge">{{ languages[book.language][0] if book.language in languages else book.language }}</span> {{ lines[book.id] }}</p></li>
{{ indent }}{% endfor %}"""

# The two drop-downs as the template called the macro, with the line break and indentation between them.
OLD_DROP_DOWNS = """\
{% from "_macros.html" import filter_select %}\
{{ filter_select("language", _("Language"), _("All languages"), language_options, args.get("language")) }}
    {{ filter_select("subject", _("Subject"), _("All subjects"), subjects.items(), args.get("subject")) }}"""

ODD_TITLE = """Tom & Jerry <b>"Feeding"</b> 'at night'"""
ODD_AUTHORS = """O'Brien & <Sons> "Ltd\""""


def _books():
    group = make_group(name="Rahat mothers", place="Rahat")
    books = [make_book(ODD_TITLE, authors=ODD_AUTHORS),
             make_book("המדריך הישראלי להנקה", language="he", authors=""),
             make_book("تغذية الرضع وصغار الأطفال", language="ar", authors="منظمة الصحة العالمية"),
             make_book("A book in Yiddish", language="yi", authors=""),  # a language the program does not list
             make_book("Лёгкий сон & <ночь>", language="ru", authors="Комаровский")]
    make_copy(books[0], group, "R-1")
    make_copy(books[1], group, "R-2", status="on_loan")
    make_copy(books[2], group, "R-3")
    make_copy(books[2], group, "R-4")
    return group, books


def _in(app, language: str):
    context = app.test_request_context("/library/", headers={"Accept-Language": language})
    context.push()
    refresh()
    return context


def test_the_cards_are_what_the_template_loop_wrote_in_three_languages(app, db):
    _group, books = _books()
    for language in ("en", "he", "ar"):
        context = _in(app, language)
        try:
            counts = copy_counts([b.id for b in books[1:]])  # the first book has no line: the loop wrote none
            lines = views._lines(counts, views._everywhere)
            rows = search("").items  # search rows (id, title, authors, language), not Books
            assert {type(row) for row in rows} != {Book} and len(rows) == len(books)
            for items in (books, rows, []):
                for level, indent in ((2, "    "), (3, "    "), (3, "        ")):
                    old = render_template_string(OLD_CARDS, books=items, lines=lines, level=level, indent=indent)
                    new = book_cards(items, lines, level, indent)
                    assert str(new) == old
            html = str(book_cards(books, lines, 2, "    "))
            assert "Tom &amp; Jerry &lt;b&gt;&#34;Feeding&#34;&lt;/b&gt; &#39;at night&#39;" in html
            assert "O&#39;Brien &amp; &lt;Sons&gt; &#34;Ltd&#34;" in html
            assert html.count('<p lang="') == 3  # books without authors have no authors' line
            assert '<span class="badge">yi</span>' in html and '<span class="badge">עברית</span>' in html
            assert ("copies in the groups' libraries" in html) == (language == "en")  # in her language
        finally:
            context.pop()


def test_the_drop_downs_are_what_filter_select_wrote(app, db):
    for language in ("en", "he", "ar"):
        context = _in(app, language)
        try:
            subjects = in_her_language(SUBJECTS)
            for chosen in ({}, {"language": "ar"}, {"subject": "sleep"}, {"language": "he", "subject": "birth"},
                           {"language": "xx", "subject": '<b>"'}, {"language": "", "subject": ""}):
                old = render_template_string(OLD_DROP_DOWNS, args=chosen, subjects=subjects)
                new = drop_downs(subjects, chosen.get("language"), chosen.get("subject"), language)
                assert str(new) == old, chosen
            assert ('<option value="">All languages</option>' in old) == (language == "en")
        finally:
            context.pop()


def _cards_on_page(app, html: str, books, language: str, level: int) -> None:
    """The page holds the cards the old loop wrote, where it wrote them."""
    context = _in(app, language)
    try:
        lines = views._lines(copy_counts([b.id for b in books]), views._everywhere)
        old = render_template_string(OLD_CARDS, books=books, lines=lines, level=level, indent="    ")
    finally:
        context.pop()
    assert '<ul class="cards">\n    \n    ' + old + "\n  </ul>" in html


def test_the_page_shows_the_cards_as_before_for_a_mother_a_visitor_and_a_coordinator(app, db, client):
    group, books = _books()
    mother, coordinator = make_mother(language="he"), make_user("coordinator", "staff", language="ar")
    add_members(group, mother)
    by_title = sorted(books, key=lambda b: (b.title, b.id))
    client.get("/library/", headers={"Accept-Language": "en"})
    html = client.get("/library/?q=Jerry", headers={"Accept-Language": "en"}).get_data(as_text=True)
    _cards_on_page(app, html, books[:1], "en", 2)
    html = client.get("/library/?q=Yiddish&language=yi", headers={"Accept-Language": "en"}).get_data(as_text=True)
    _cards_on_page(app, html, [books[3]], "en", 2)  # a language the program does not list: no filter, its code
    assert '<option value="yi"' not in html and " selected>" not in html
    login(client, mother)
    client.get("/library/")
    with assert_max_queries(db.engine, 5):
        html = client.get("/library/?q=Jerry&language=en").get_data(as_text=True)
    _cards_on_page(app, html, books[:1], "he", 2)  # in her language, whatever her browser says
    assert '<option value="en" selected>' in html and 'href="/library/books/new"' not in html
    html = client.get("/library/?q=זזזזז").get_data(as_text=True)
    assert '<ul class="cards">\n    \n    \n      <li>' in html  # the empty result, as before
    staff = app.test_client()
    login(staff, coordinator)
    html = staff.get("/library/?available=1").get_data(as_text=True)
    _cards_on_page(app, html, [b for b in by_title if b in (books[0], books[2])], "ar", 2)
    assert 'href="/library/books/new"' in html  # staff are offered to add a book, as before


def test_bad_filter_values_mark_nothing_and_keep_what_she_typed(client, db):
    html = client.get("/library/?q=%3Cb%3E&language=xx&subject=%3Cb%3E&group=abc",
                      headers={"Accept-Language": "en"})
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert " selected>" not in text and 'value="&lt;b&gt;"' in text and "No book matches." in text
