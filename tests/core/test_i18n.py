"""Six languages: locale choice, direction, complete catalogs, translated error pages."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from groups_app.core.i18n import LANGUAGES
from tests.conftest import login, make_mother

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("lang, direction", [("he", "rtl"), ("ar", "rtl"), ("ru", "ltr"), ("am", "ltr"), ("es", "ltr"), ("en", "ltr")])
def test_page_direction_follows_the_language(client, lang, direction):
    client.post("/language", data={"lang": lang})
    html = client.get("/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_default_language_is_hebrew(client):
    assert '<html lang="he" dir="rtl">' in client.get("/").get_data(as_text=True)


def test_accept_language_is_used_when_nothing_was_chosen(client):
    html = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert 'lang="ru"' in html


def test_switcher_choice_beats_accept_language_and_preference_beats_both(client):
    client.post("/language", data={"lang": "es"})
    assert 'lang="es"' in client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    login(client, make_mother(language="am"))
    assert 'lang="am"' in client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def _template_ids():
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def _singular(message_id):
    return message_id[0] if isinstance(message_id, tuple) else message_id


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_catalog_is_complete_with_no_fuzzy_entries(lang):
    catalog = _catalog(lang)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []
    expected = _template_ids()
    assert expected - {m.id for m in catalog if m.id} == set()


def test_template_holds_every_string_in_the_code():
    """The .pot is up to date: extracting again finds nothing new (run `make translations`)."""
    from babel.messages.extract import extract_from_dir

    method_map = [("groups_app/**.py", "python"), ("groups_app/**/templates/**.html", "jinja2"),
                  ("groups_app/**/templates/**.txt", "jinja2")]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                                                     "lazy_gettext": None, "lazy_ngettext": (1, 2),
                                                     "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    ):
        found.add(message if isinstance(message, str) else message[0])
    assert found - {_singular(i) for i in _template_ids()} == set()


@pytest.mark.parametrize("lang", ["he", "ar", "ru", "am", "es"])
def test_error_pages_are_translated(client, lang):
    client.post("/language", data={"lang": lang})
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "Page not found" not in html
    login(client, make_mother(language=lang))
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "This page is not open to you" not in response.get_data(as_text=True)


def test_server_error_page_is_translated_and_rolls_back(app, client, monkeypatch):
    from groups_app.main import services

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "program_overview", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        login(client, make_mother(language="ar"))
        from sqlalchemy import select

        from groups_app.accounts.models import User
        from groups_app.extensions import db

        user = db.session.scalar(select(User))
        user.roles[0].role = "coordinator"
        db.session.commit()
        response = client.get("/coordinator/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert 'dir="rtl"' in html and "Something went wrong on our side" not in html


def test_a_field_without_help_or_error_points_to_no_description(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in html and 'aria-describedby=""' not in html
