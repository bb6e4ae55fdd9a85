"""Leaflet pages through HTTP: reading, printing, files, and staff-only writing with input kept."""
import io
import re
from datetime import UTC, date, datetime

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from groups_app.core.timeutil import set_clock
from groups_app.leaflets import services
from groups_app.leaflets.models import Leaflet, LeafletTranslation
from tests.conftest import add_members, assert_max_queries, login, make_group, make_mother, make_user
from tests.leaflets.test_services import PDF


def _published(staff, slug="good-latch", languages=("en",)):
    leaflet = services.save_leaflet(None, slug, ["breastfeeding"], [], "en", by=staff)
    titles = {"en": "A good latch", "ar": "الالتقام الجيد", "he": "הנקה נכונה"}
    for code in languages:
        services.save_text(leaflet, code, titles[code], f"Text in {code}.\n\n## Sources\n- https://example.org",
                           PDF if code == "en" else None, "publish", by=staff)
    return leaflet


def test_reading_in_her_language_or_another_she_reads(client):
    staff = make_user("staff")
    _published(staff, languages=("en", "ar"))
    login(client, make_mother(language="ar"))
    html = client.get("/leaflets/good-latch").get_data(as_text=True)
    assert "الالتقام الجيد" in html and 'lang="ar" dir="rtl"' in html
    assert "Last reviewed" in html or "2026" in html or "202" in html
    client.post("/logout")
    login(client, make_mother(language="am", other_languages="en"))
    html = client.get("/leaflets/good-latch").get_data(as_text=True)
    assert "A good latch" in html and 'class="notice"' in html  # shown in English, with a notice


def test_every_leaflet_page_says_it_is_not_medical_advice(client):
    _published(make_user("staff"))
    html = client.get("/leaflets/good-latch?lang=en").get_data(as_text=True)
    assert "when-to-call" in html and "101" in html and "38°C" in html


def test_print_views_and_share_link(client):
    leaflet = _published(make_user("staff"), languages=("en", "ar"))
    a5 = client.get("/leaflets/good-latch/ar/print?size=a5")
    assert a5.status_code == 200 and 'dir="rtl"' in a5.get_data(as_text=True) and "print-a5.css" in a5.get_data(as_text=True)
    assert "print-a4.css" in client.get("/leaflets/good-latch/en/print").get_data(as_text=True)
    share = client.get(f"/l/{leaflet.id}/ar")
    assert share.status_code == 302 and "/leaflets/good-latch?lang=ar" in share.location


def test_out_of_date_print_says_so(client):
    staff = make_user("staff")
    leaflet = _published(staff, languages=("en", "ar"))
    services.save_text(leaflet, "en", "A good latch", "Changed text.", None, "publish", by=staff)
    html = client.get("/leaflets/good-latch/ar/print").get_data(as_text=True)
    assert 'class="notice"' in html


def test_pdf_is_an_attachment_with_nosniff(client):
    _published(make_user("staff"))
    response = client.get("/leaflets/good-latch/en.pdf")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/leaflets/good-latch/ar.pdf").status_code == 404


def test_mothers_and_facilitators_cannot_write_or_publish(client, db):
    leaflet = _published(make_user("staff"))
    for role in ("mother", "facilitator", "coordinator"):
        login(client, make_user(role))
        assert client.get("/leaflets/board").status_code == 403
        response = client.post(f"/leaflets/{leaflet.slug}/ar/edit", data={"title": "x", "body": "y", "action": "publish"})
        assert response.status_code == 403
        client.post("/logout")
    assert db.session.scalar(select(func.count(LeafletTranslation.id))) == 1


def test_bad_input_keeps_what_staff_typed(client):
    staff = make_user("staff")
    _published(staff)
    login(client, staff)
    typed = "My careful text <script>alert(1)</script>"
    response = client.post("/leaflets/good-latch/en/edit", data={"title": "Kept title", "body": typed, "action": "publish"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kept title" in html and "My careful text &lt;script&gt;" in html and "HTML" in html
    no_title = client.post("/leaflets/good-latch/en/edit", data={"title": "", "body": "Body kept", "action": "publish"})
    assert no_title.status_code == 400 and "Body kept" in no_title.get_data(as_text=True)
    fake = client.post("/leaflets/good-latch/en/edit", content_type="multipart/form-data", data={
        "title": "T", "body": "B", "action": "publish",
        "pdf": (io.BytesIO(b"<html>fake</html>"), "leaflet.pdf")})
    assert fake.status_code == 400 and "not a PDF" in fake.get_data(as_text=True)
    sneaky = client.post("/leaflets/good-latch/en/edit", content_type="multipart/form-data", data={
        "title": "T", "body": "B", "action": "publish", "pdf": (io.BytesIO(PDF), "../../x.pdf")})
    assert sneaky.status_code == 400
    taken = client.post("/leaflets/new", data={"title": "Latch again", "slug": "good-latch", "source_language": "en"})
    assert taken.status_code == 400 and 'value="good-latch"' in taken.get_data(as_text=True)
    assert "already has this short name" in taken.get_data(as_text=True)
    assert 'value="Latch again"' in taken.get_data(as_text=True)


def test_board_shows_out_of_date_and_runs_few_queries(client, db):
    staff = make_user("staff")
    leaflet = _published(staff, languages=("en", "ar"))
    services.save_text(leaflet, "en", "A good latch", "New text.", None, "publish", by=staff)
    login(client, staff)
    client.get("/leaflets/board")
    with assert_max_queries(db.engine, 8):
        html = client.get("/leaflets/board").get_data(as_text=True)
    assert "state-out_of_date" in html
    for n in range(10):
        _published(staff, slug=f"leaflet-{n}", languages=("en", "ar", "he"))
    with assert_max_queries(db.engine, 8):
        assert client.get("/leaflets/board").status_code == 200


def test_meeting_page_lists_the_leaflets_of_its_topic(client, db):
    from groups_app.groups.models import Topic, TopicText
    from groups_app.groups.services.meetings import set_plan, upcoming

    staff, facilitator = make_user("staff"), make_user("facilitator")
    topic = Topic(slug="latch-and-positioning", texts=[TopicText(language="en", title="Latch")])
    db.session.add(topic)
    db.session.commit()
    leaflet = _published(staff)
    services.save_leaflet(leaflet, leaflet.slug, ["breastfeeding"], [topic.id], "en", by=staff)
    group = make_group(facilitator)
    add_members(group, make_mother())
    meeting = upcoming([group.id])[group.id][0]
    set_plan(meeting, topic.id, "", by=facilitator)
    login(client, facilitator)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "A good latch" in html and "/leaflets/good-latch/en/print" in html


# ---- issue 10 ------------------------------------------------------------------------------------

PEER_NOTE = "This is information from mother to mother, not medical advice. In an emergency, call MDA 101."
SOURCES = ("## Sources\n- WHO, breastfeeding: https://www.who.int/health-topics/breastfeeding#tab=tab_1\n"
           "- NHS: https://developer.api.nhs.uk/widgets/condition/?condition=%2Fconditions%2Fpregnancy-and-baby%2F")
TITLES = {"en": "A good latch", "ar": "الالتقام الجيد", "he": "הנקה נכונה"}


def _leaflet_in(staff, languages=("en",), note=True, slug="good-latch"):
    leaflet = services.save_leaflet(None, slug, ["breastfeeding"], [], "en", by=staff)
    for code in languages:
        body = f"Text in {code}.\n\n" + (f"{PEER_NOTE}\n\n" if note else "") + SOURCES
        services.save_text(leaflet, code, TITLES[code], body, None, "publish", by=staff)
    return leaflet


def _notices(html: str) -> list[str]:
    return re.findall(r'<p class="notice" role="note">(.*?)</p>', html, re.S)


@pytest.mark.parametrize("note", [True, False])
def test_a_leaflet_page_says_once_that_it_is_not_medical_advice(client, note):
    _leaflet_in(make_user("staff"), note=note)
    login(client, make_mother(language="en"))
    for path in ("/leaflets/good-latch", "/leaflets/good-latch/en/print"):
        html = client.get(path).get_data(as_text=True)
        assert html.count("not medical advice") == 1, (path, note)
        assert "101" in html and "when-to-call" in html  # the box with its urgent signs is always there
    assert "not medical advice" in client.get("/leaflets/").get_data(as_text=True)  # other pages keep the footer


def test_sources_show_the_sites_name_and_link_the_full_address(client):
    _leaflet_in(make_user("staff"), languages=("en", "ar"))
    for path in ("/leaflets/good-latch?lang=en", "/leaflets/good-latch/ar/print", "/leaflets/good-latch/en/print?size=a5"):
        html = client.get(path).get_data(as_text=True)
        assert '<a href="https://www.who.int/health-topics/breastfeeding#tab=tab_1">who.int</a>' in html, path
        assert ">developer.api.nhs.uk</a>" in html, path
        assert ">https://www.who.int" not in html and "widgets/condition/?condition=%2Fconditions<" not in html


@pytest.mark.parametrize("interface, reads, shown, name", [
    ("he", "ar", "ar", "ערבית"),      # Hebrew interface, leaflet only in Arabic (and English)
    ("ar", "he", "he", "العبرية"),    # Arabic interface, leaflet in Hebrew
    ("am", "en", "en", "እንግሊዝኛ"),   # Amharic interface, leaflet in English
])
def test_a_leaflet_in_another_language_than_the_interface_says_so(client, interface, reads, shown, name):
    staff = make_user("staff")
    _leaflet_in(staff, languages=tuple(dict.fromkeys(("en", shown))))
    login(client, make_mother(language=interface, other_languages=reads))
    html = client.get("/leaflets/good-latch").get_data(as_text=True)
    notices = _notices(html)
    assert len(notices) == 1 and name in notices[0]
    assert f'<html lang="{interface}"' in html
    direction = "rtl" if shown in ("he", "ar") else "ltr"
    assert f'<article class="leaflet" lang="{shown}" dir="{direction}">' in html
    assert TITLES[shown] in html


def test_choosing_another_language_than_the_interface_says_so_and_links_back(client):
    _leaflet_in(make_user("staff"), languages=("en", "ar", "he"))
    login(client, make_mother(language="he"))
    assert _notices(client.get("/leaflets/good-latch").get_data(as_text=True)) == []
    html = client.get("/leaflets/good-latch?lang=ar").get_data(as_text=True)  # as the index and share links do
    notices = _notices(html)
    assert len(notices) == 1 and "ערבית" in notices[0]
    assert 'href="/leaflets/good-latch?lang=he"' in notices[0] and "עברית" in notices[0]
    assert '<article class="leaflet" lang="ar" dir="rtl">' in html
    client.post("/logout")
    login(client, make_mother(language="en"))
    html = client.get("/leaflets/good-latch?lang=ar").get_data(as_text=True)
    assert "Arabic" in _notices(html)[0] and '<article class="leaflet" lang="ar" dir="rtl">' in html


def test_a_visitor_in_arabic_reading_the_english_version_is_told(client):
    _leaflet_in(make_user("staff"), languages=("en",))
    html = client.get("/leaflets/good-latch", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "الإنجليزية" in _notices(html)[0]
    assert '<article class="leaflet" lang="en" dir="ltr">' in html


def test_print_is_all_in_the_leaflets_language(client, app):
    set_clock(app, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # already 1 April in Israel
    _leaflet_in(make_user("staff"), languages=("en", "ar"), note=False)
    login(client, make_mother(language="en"))
    html = client.get("/leaflets/good-latch/ar/print").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "هذه معلومات من أم إلى أم" in html and "not medical advice" not in html  # the box in Arabic too
    assert format_date(date(2026, 4, 1), "long", locale="ar") in html


@pytest.mark.parametrize("language", ["he", "ar", "en"])
def test_last_reviewed_and_history_dates_are_in_the_readers_locale(client, app, language):
    set_clock(app, datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # already 1 April in Israel
    staff = make_user("staff", language=language)
    _leaflet_in(staff, languages=("en",))
    login(client, staff)
    html = client.get("/leaflets/good-latch?lang=en").get_data(as_text=True)
    assert format_date(date(2026, 4, 1), "long", locale=language) in html
    assert "2026-04-01" not in html and "2026-03-31" not in html
    history = client.get("/leaflets/good-latch/en/history").get_data(as_text=True)
    assert format_date(date(2026, 4, 1), "short", locale=language) in history


def test_the_board_lists_titles_not_short_names_and_counts_in_words(client, db):
    staff = make_user("staff", language="he")
    leaflet = _leaflet_in(staff, languages=("en",))
    services.save_text(leaflet, "he", "הנקה נכונה", "טקסט.", None, "draft", by=staff)
    services.save_leaflet(None, "", [], [], "en", by=staff, title="Safe sleep")
    login(client, staff)
    html = client.get("/leaflets/board").get_data(as_text=True)
    assert 'lang="he" dir="rtl">הנקה נכונה</a>' in html  # her language first
    assert 'lang="en" dir="ltr">Safe sleep</a>' in html  # else the source's title
    assert ">good-latch<" not in html and ">safe-sleep<" not in html
    staff.language = "en"
    db.session.commit()
    html = client.get("/leaflets/board").get_data(as_text=True)
    assert ">2 leaflets<" in html and ">1 leaflet<" in html and ">0 leaflets<" in html
    assert html.index(">A good latch<") < html.index(">Safe sleep<")


def test_a_new_leaflet_needs_no_short_name_and_shows_as_a_draft(client, db):
    staff = make_user("staff", language="he")
    login(client, staff)
    form = client.get("/leaflets/new").get_data(as_text=True)
    assert '<option selected value="he">' in form or 'value="he" selected' in form
    response = client.post("/leaflets/new", data={"title": "הנקה בלילה", "slug": "", "source_language": "he",
                                                  "subjects": ["sleep"]})
    leaflet = db.session.scalar(select(Leaflet))
    assert response.status_code == 302 and leaflet.slug == f"leaflet-{leaflet.id}"
    assert response.location.endswith(f"/leaflets/leaflet-{leaflet.id}/he/edit")
    edit = client.get(response.location).get_data(as_text=True)
    assert 'value="הנקה בלילה"' in edit and "state-draft" in edit
    board = client.get("/leaflets/board").get_data(as_text=True)
    assert "state-draft" in board and "הנקה בלילה" in board
    response = client.post("/leaflets/new", data={"title": "Night feeds", "source_language": "en"})
    assert response.location.endswith("/leaflets/night-feeds/en/edit")
    # In settings she can still choose the short name; left empty it stays.
    settings = client.get(f"/leaflets/leaflet-{leaflet.id}/settings").get_data(as_text=True)
    assert 'name="title"' not in settings and "הנקה בלילה" in settings
    client.post(f"/leaflets/leaflet-{leaflet.id}/settings", data={"slug": "", "source_language": "he"})
    assert db.session.get(Leaflet, leaflet.id).slug == f"leaflet-{leaflet.id}"
    client.post(f"/leaflets/leaflet-{leaflet.id}/settings", data={"slug": "night-feeds-he", "source_language": "he"})
    db.session.expire_all()
    assert db.session.get(Leaflet, leaflet.id).slug == "night-feeds-he"


def test_a_new_leaflet_without_a_title_is_refused_keeping_what_she_typed(client, db):
    login(client, make_user("staff"))
    response = client.post("/leaflets/new", data={"title": " ", "slug": "my-leaflet", "source_language": "ar",
                                                  "subjects": ["sleep"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="my-leaflet"' in html and 'checked id="subjects-3"' in html
    bad = client.post("/leaflets/new", data={"title": "Kept", "slug": "Not a slug!", "source_language": "en"})
    assert bad.status_code == 400 and 'value="Kept"' in bad.get_data(as_text=True)
    assert "Latin letters" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0


@pytest.mark.parametrize("role", ["mother", "facilitator", "coordinator", "volunteer"])
def test_only_staff_create_leaflets_or_see_their_settings(client, db, role):
    leaflet = _leaflet_in(make_user("staff"))
    login(client, make_user(role))
    assert client.get("/leaflets/new").status_code == 403
    assert client.post("/leaflets/new", data={"title": "Mine", "source_language": "en"}).status_code == 403
    assert client.get(f"/leaflets/{leaflet.slug}/settings").status_code == 403
    assert client.get(f"/leaflets/{leaflet.slug}/en/history").status_code == 403
    assert db.session.scalar(select(func.count(Leaflet.id))) == 1
    client.post("/logout")
    assert client.get("/leaflets/new").status_code in (302, 401)


def test_the_list_names_the_language_a_leaflet_is_shown_in_in_her_interface_language(client):
    _leaflet_in(make_user("staff"), languages=("en", "ar"))
    login(client, make_mother(language="he", other_languages="ar"))
    html = client.get("/leaflets/").get_data(as_text=True)
    assert '<li class="card" lang="ar" dir="rtl">' in html
    assert re.search(r'<p class="help" lang="he" dir="rtl">[^<]*ערבית', html)
