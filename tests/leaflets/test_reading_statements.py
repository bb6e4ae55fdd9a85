"""The reading list and a leaflet's page read plain columns in one statement each (besides her
session), and choose exactly what the objects' rules choose: the version in her languages, the
fallback, the language notice, out of date (a withdrawn source still dates its translations)."""
import pytest

from groups_app.core.i18n import LANGUAGES
from groups_app.leaflets import services
from groups_app.leaflets.models import Leaflet
from tests.conftest import assert_max_queries, login, make_mother, make_user

READERS = [["en"], ["ar"], ["he", "ar"], ["am"], ["ru", "es"], ["es"], ["am", "ru", "en"]]


def _text(leaflet, code, staff, action="publish"):
    services.save_text(leaflet, code, f"Title {leaflet.slug} {code}", f"Text of {leaflet.slug} in {code}.", None,
                       action, by=staff)


@pytest.fixture
def shelf(db):
    """Leaflets in every state a reader meets."""
    staff = make_user("staff")
    made = {}
    for slug, subjects in (("alpha", ["sleep"]), ("bravo", ["breastfeeding"]), ("charlie", ["sleep", "work"]),
                           ("delta", [])):
        made[slug] = services.save_leaflet(None, slug, subjects, [], "en", by=staff)
    alpha, bravo, charlie, delta = made.values()
    for code in ("en", "ar", "he"):
        _text(alpha, code, staff)
    services.withdraw(alpha.translation("he"), by=staff)
    _text(bravo, "en", staff)
    _text(bravo, "am", staff)
    _text(bravo, "en", staff)  # published again: the Amharic is out of date
    _text(bravo, "ar", staff, "draft")
    _text(charlie, "en", staff)
    _text(charlie, "ru", staff)
    _text(charlie, "en", staff)
    services.withdraw(charlie.translation("en"), by=staff)  # withdrawn, but its version 2 still dates the Russian
    _text(delta, "en", staff, "draft")  # nothing to read
    return staff


def test_a_leaflets_page_chooses_what_the_objects_choose(shelf, db):
    for leaflet in db.session.scalars(db.select(Leaflet)).all():
        for languages in READERS:
            for interface in LANGUAGES:
                page = services.reading(leaflet.slug, languages, interface)
                translation, _fallback = services.version_for(leaflet, languages)
                if translation is None:
                    assert page is None
                    continue
                assert (page.id, page.slug) == (leaflet.id, leaflet.slug)
                assert (page.shown.language, page.shown.title, page.shown.body) == (
                    translation.language, translation.published.title, translation.published.body)
                assert page.shown.pdf_file_id == translation.published.pdf_file_id
                assert page.notice == services.language_notice(leaflet, translation, interface)
                assert page.out_of_date == services.is_out_of_date(leaflet, translation)
                assert sorted(v.language for v in page.others) == sorted(
                    x.language for x in leaflet.translations if services.visible(x) and x.id != translation.id)
    assert services.reading("no-such-leaflet", ["en"], "en") is None
    assert services.reading("charlie", ["ru"], "ru").out_of_date
    assert services.reading("charlie", ["en"], "en").shown.language == "ru"  # the English is withdrawn


def test_the_reading_list_chooses_what_the_objects_choose(shelf, db):
    leaflets = db.session.scalars(db.select(Leaflet).order_by(Leaflet.slug)).all()
    for languages in READERS:
        for subject in (None, "sleep", "work", "family"):
            expected = []
            for leaflet in leaflets:
                translation, fallback = services.version_for(leaflet, languages)
                if translation is not None and (subject is None or subject in leaflet.subject_list):
                    expected.append((leaflet.slug, translation.language, translation.published.title, fallback))
            assert [tuple(item) for item in services.browse(languages, subject)] == expected


def test_reading_runs_her_session_and_one_statement(shelf, client, db):
    login(client, make_mother(language="ar"))
    for path in ("/leaflets/", "/leaflets/?subject=sleep", "/leaflets/alpha", "/leaflets/bravo?lang=am",
                 "/leaflets/charlie"):
        client.get(path)
        with assert_max_queries(db.engine, 2):
            assert client.get(path).status_code == 200
    assert client.get("/leaflets/delta").status_code == 404
    client.post("/logout")
    with assert_max_queries(db.engine, 1):  # a visitor: no session
        assert client.get("/leaflets/").status_code == 200
    with assert_max_queries(db.engine, 1):
        assert client.get("/leaflets/alpha").status_code == 200
