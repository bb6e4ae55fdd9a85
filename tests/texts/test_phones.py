"""Which numbers can receive texts: mobiles only, in TEXT_COUNTRIES (Israel by default).
Numbers are phonenumbers' own examples, never someone's real phone."""
from groups_app.core.phones import can_receive_texts
from tests.texts.conftest import GB_MOBILE, IL_LANDLINE, IL_MOBILE


def test_an_israeli_mobile_can_receive_texts_in_any_spelling(app):
    assert can_receive_texts(IL_MOBILE)
    assert can_receive_texts("050-234-5678")
    assert can_receive_texts("00972 50 234 5678")


def test_a_landline_cannot(app):
    assert IL_LANDLINE.startswith("+9722")
    assert not can_receive_texts(IL_LANDLINE)
    assert not can_receive_texts("08-6234567")  # a Negev landline, as written on a form


def test_a_foreign_mobile_cannot_with_the_default_countries(app):
    assert not can_receive_texts(GB_MOBILE)
    assert can_receive_texts(GB_MOBILE, countries="IL,GB")
    assert can_receive_texts(GB_MOBILE, countries="*")


def test_the_setting_decides_the_countries(app, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_COUNTRIES", "GB")
    assert can_receive_texts(GB_MOBILE)
    assert not can_receive_texts(IL_MOBILE)


def test_nothing_or_a_number_the_tables_do_not_know_cannot(app):
    assert not can_receive_texts(None)
    assert not can_receive_texts("")
    assert not can_receive_texts("not a number")
    assert not can_receive_texts("+972501234567")  # in no allocated mobile range the library knows
