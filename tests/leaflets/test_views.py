"""Leaflet pages through HTTP: reading, printing, files, and staff-only writing with input kept."""
import io

from sqlalchemy import func, select

from groups_app.leaflets import services
from groups_app.leaflets.models import LeafletTranslation
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
    taken = client.post("/leaflets/new", data={"slug": "good-latch", "source_language": "en"})
    assert taken.status_code == 400 and 'value="good-latch"' in taken.get_data(as_text=True)


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
