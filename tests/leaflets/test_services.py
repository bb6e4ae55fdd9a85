"""Leaflets: writing, publishing, translations going out of date, reading, files, import."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import DomainError
from groups_app.leaflets import files, markdown, services
from groups_app.leaflets.importer import import_leaflets
from groups_app.leaflets.models import Leaflet, LeafletRevision
from tests.conftest import make_user

LIBRARY = Path(__file__).resolve().parents[2] / "library"
PDF = (Path(__file__).resolve().parent / "pdf_corpus" / "good-plain.pdf").read_bytes()  # a real one: pdfcheck parses it


def _leaflet(staff, slug="good-latch"):
    return services.save_leaflet(None, slug, ["breastfeeding"], [], "en", by=staff)


def test_publish_keeps_every_version_and_marks_translations_out_of_date(app, db):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    services.save_text(leaflet, "en", "A good latch", "Bring baby to the breast.", None, "publish", by=staff)
    arabic = services.save_text(leaflet, "ar", "الالتقام الجيد", "قرّبي الطفل من الثدي.", None, "publish", by=staff)
    assert services.status(leaflet, arabic) == "published"
    assert arabic.published.source_number == 1
    services.save_text(leaflet, "en", "A good latch", "Bring baby to the breast, not the breast to baby.", None,
                       "publish", by=staff)
    assert services.status(leaflet, arabic) == "out_of_date"
    assert db.session.scalar(select(func.count(LeafletRevision.id))) == 3
    services.save_text(leaflet, "ar", "الالتقام الجيد", "قرّبي الطفل من الثدي، لا الثدي من الطفل.", None, "publish",
                       by=staff)
    assert services.status(leaflet, arabic) == "published" and arabic.published.number == 2


def test_draft_and_review_do_not_change_what_readers_see(app):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    english = services.save_text(leaflet, "en", "A good latch", "Version one.", None, "publish", by=staff)
    services.save_text(leaflet, "en", "A good latch", "Version two, not yet reviewed.", None, "review", by=staff)
    assert services.status(leaflet, english) == "in_review"
    assert english.published.body == "Version one."
    translation, fallback = services.version_for(leaflet, ["en"])
    assert translation.published.body == "Version one." and not fallback


def test_only_staff_publish(app):
    staff, mother = make_user("staff"), make_user("mother")
    leaflet = _leaflet(staff)
    with pytest.raises(DomainError) as error:
        services.save_text(leaflet, "en", "Title", "Body", None, "publish", by=mother)
    assert error.value.status == 403


@pytest.mark.parametrize("body, message", [
    ("Hello <script>alert(1)</script>", "HTML"),
    ("<p>raw paragraph</p>", "HTML"),
    ("A [link](javascript:alert(1))", "https://"),
    ("An image ![x](data:text/html;base64,AAA)", "https://"),
])
def test_unsafe_markdown_is_refused(app, body, message):
    with pytest.raises(DomainError) as error:
        markdown.problems(body)
    assert message in str(error.value.message)


def test_rendering_never_lets_html_through():
    html = str(markdown.render("# Title\n\n- one\n- two\n\nText with <b>tag</b> and [a link](https://example.org)."))
    assert "<h1>Title</h1>" in html and "<li>one</li>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html and 'href="https://example.org"' in html


def test_publishing_without_a_title_or_before_the_source_is_refused(app, db):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    with pytest.raises(DomainError) as error:
        services.save_text(leaflet, "en", " ", "Body", None, "publish", by=staff)
    assert error.value.field == "title"
    with pytest.raises(DomainError):
        services.save_text(leaflet, "ar", "عنوان", "نص", None, "draft", by=staff)  # no published source yet


def test_slug_already_taken(app):
    staff = make_user("staff")
    _leaflet(staff)
    with pytest.raises(DomainError) as error:
        _leaflet(staff)
    assert error.value.field == "slug"


@pytest.mark.parametrize("data", [
    b"",
    b"<html><body>not a pdf</body></html>",
    PDF.replace(b"trailer", b"<script>alert(1)</script> trailer"),  # a PDF/HTML polyglot
    b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024),
    b"%PDF-1.4 but cut short",
])
def test_bad_pdfs_are_refused(data):
    with pytest.raises(DomainError):
        files.check_pdf(data)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "leaflet\x00.pdf", "a/b.pdf", "..\\x.pdf"])
def test_file_names_with_paths_or_nulls_are_refused(name):
    with pytest.raises(DomainError):
        files.check_name(name)


def test_a_good_pdf_is_kept_in_the_database_by_id(app):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    from tests.leaflets.test_stored_pdfs import real_pdf

    data = real_pdf("kept")
    english = services.save_text(leaflet, "en", "Latch", "Text.", data, "publish", by=staff)
    stored = files.read_pdf(english.published.pdf_file_id)
    assert stored.data == data and stored.content_type == "application/pdf" and stored.size == len(data)
    assert files.read_pdf(None) is None and files.read_pdf(english.published.pdf_file_id + 1) is None


def test_reader_gets_another_language_she_reads_with_a_fallback_flag(app):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    services.save_text(leaflet, "en", "A good latch", "Text.", None, "publish", by=staff)
    services.save_text(leaflet, "he", "הנקה נכונה", "טקסט.", None, "publish", by=staff)
    translation, fallback = services.version_for(leaflet, ["am", "he"])
    assert (translation.language, fallback) == ("he", True)
    translation, fallback = services.version_for(leaflet, ["he"])
    assert (translation.language, fallback) == ("he", False)


def test_withdrawn_versions_are_hidden(app):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    hebrew = services.save_text(leaflet, "en", "A good latch", "Text.", None, "publish", by=staff)
    services.withdraw(hebrew, by=staff)
    assert services.version_for(leaflet, ["en"]) == (None, False)


def test_board_counts_each_state_per_language(app):
    staff = make_user("staff")
    one, two = _leaflet(staff, "one"), _leaflet(staff, "two")
    services.save_text(one, "en", "One", "Text.", None, "publish", by=staff)
    services.save_text(one, "ar", "واحد", "نص.", None, "review", by=staff)
    services.save_text(two, "en", "Two", "Text.", None, "draft", by=staff)
    board = services.board(["en"])
    assert [r.cells["ar"] for r in board.rows] == ["in_review", "missing"]
    assert board.counts["en"]["published"] == 1 and board.counts["en"]["draft"] == 1
    assert board.counts["ru"]["missing"] == 2


def test_starter_leaflets_import_and_update(app, db, tmp_path):
    report = import_leaflets(LIBRARY / "leaflets")
    assert report.problems == [] and report.added >= 8 * 3
    assert db.session.scalar(select(func.count(Leaflet.id))) >= 8
    for leaflet in db.session.scalars(select(Leaflet)):
        assert {"he", "ar", "en"} <= {t.language for t in leaflet.translations}
        assert all(services.status(leaflet, t) == "published" for t in leaflet.translations)
    again = import_leaflets(LIBRARY / "leaflets")
    assert (again.added, again.updated) == (0, 0)
    # A changed source file publishes a new revision and puts the translations out of date.
    copy = tmp_path / "leaflets" / "good-latch"
    copy.mkdir(parents=True)
    english = (LIBRARY / "leaflets" / "good-latch" / "en.md").read_text(encoding="utf-8")
    (copy / "en.md").write_text(english.replace("The first feeds", "The very first feeds"), encoding="utf-8")
    changed = import_leaflets(tmp_path / "leaflets")
    assert changed.updated == 1
    leaflet = services.get_leaflet("good-latch")
    assert services.status(leaflet, leaflet.translation("ar")) == "out_of_date"


def test_every_starter_leaflet_ends_with_its_sources():
    for path in (LIBRARY / "leaflets").glob("*/*.md"):
        text = path.read_text(encoding="utf-8")
        last_heading = [line for line in text.splitlines() if line.startswith("## ")][-1]
        after = text.split(last_heading, 1)[1]
        assert "https://" in after or "http://" in after, path


@pytest.mark.parametrize("role", ["mother", "facilitator", "coordinator", "volunteer"])
def test_leaflets_are_written_published_and_withdrawn_only_by_staff(app, db, role):
    staff, other = make_user("staff"), make_user(role)
    with pytest.raises(DomainError) as error:
        services.save_leaflet(None, "by-someone-else", ["breastfeeding"], [], "en", by=other)
    assert error.value.status == 403
    leaflet = _leaflet(staff)
    english = services.save_text(leaflet, "en", "A good latch", "Bring baby to the breast.", None, "publish", by=staff)
    for call in (lambda: services.save_text(leaflet, "en", "Changed", "Changed.", None, "publish", by=other),
                 lambda: services.withdraw(english, by=other)):
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.status == 403
        db.session.rollback()
    db.session.refresh(english)
    assert english.title == "A good latch" and english.state == "published"
    assert db.session.scalar(select(func.count(Leaflet.id))) == 1


# ---- issue 10: titles instead of short names, drafts, languages, sources ------------------------

@pytest.mark.parametrize("title, slug", [
    ("Night feeds", "night-feeds"),
    ("  Night   feeds!  ", "night-feeds"),
    ("Lactancia: ¿cómo empezar?", "lactancia-como-empezar"),
    ("Going back to work: expressing, storing and giving your milk while you are away from your baby",
     "going-back-to-work-expressing-storing-and-giving-your-milk"),
    ("הנקה נכונה", None),
    ("الرضاعة الليلية", None),
    ("Ночные кормления", None),
    ("የሌሊት ጡት ማጥባት", None),
    ("הנקה NHS", None),  # mixed scripts: no half-transliterated name
    ("2024", None),
])
def test_a_short_name_is_made_only_from_a_latin_title(title, slug):
    made = services.slug_from_title(title)
    assert made == slug
    assert made is None or (len(made) <= 60 and services.SLUG.match(made))


def test_a_new_leaflet_gets_its_short_name_from_its_title_and_starts_as_a_draft(app, db):
    staff = make_user("staff")
    night = services.save_leaflet(None, "", ["sleep"], [], "en", by=staff, title="Night feeds")
    again = services.save_leaflet(None, None, ["sleep"], [], "en", by=staff, title="Night Feeds")
    hebrew = services.save_leaflet(None, "", [], [], "he", by=staff, title="הנקה בלילה")
    assert (night.slug, again.slug) == ("night-feeds", "night-feeds-2")
    assert hebrew.slug == f"leaflet-{hebrew.id}"
    source = hebrew.translation("he")
    assert (source.title, source.body, source.state) == ("הנקה בלילה", "", "draft")
    assert services.status(hebrew, source) == "draft"
    assert [t.language for t in hebrew.translations] == ["he"]


def test_staff_can_still_choose_or_change_the_short_name(app, db):
    staff = make_user("staff")
    leaflet = services.save_leaflet(None, "nights", [], [], "he", by=staff, title="לילות")
    assert leaflet.slug == "nights"
    services.save_leaflet(leaflet, "", [], [], "he", by=staff)  # left empty: kept
    assert leaflet.slug == "nights"
    services.save_leaflet(leaflet, "night-feeds", [], [], "he", by=staff)
    assert services.get_leaflet("night-feeds") is leaflet
    other = services.save_leaflet(None, "", [], [], "he", by=staff, title="אחר")
    with pytest.raises(DomainError) as error:
        services.save_leaflet(other, "night-feeds", [], [], "he", by=staff)
    assert error.value.field == "slug"
    with pytest.raises(DomainError) as error:
        services.save_leaflet(None, "Night Feeds!", [], [], "en", by=staff, title="Night feeds")
    assert error.value.field == "slug"


def test_a_new_leaflet_needs_a_title_or_a_short_name(app, db):
    with pytest.raises(DomainError) as error:
        services.save_leaflet(None, " ", [], [], "en", by=make_user("staff"), title=" ")
    assert error.value.field == "title"
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0


def test_a_generated_short_name_never_takes_one_already_used(app, db):
    staff = make_user("staff")
    first = services.save_leaflet(None, "", [], [], "he", by=staff, title="ראשון")
    services.save_leaflet(None, f"leaflet-{first.id + 1}", [], [], "en", by=staff)  # typed by hand
    second = services.save_leaflet(None, "", [], [], "ar", by=staff, title="الثاني")
    assert second.slug == f"leaflet-{second.id}"
    assert len({first.slug, second.slug, f"leaflet-{first.id + 1}"}) == 3


def test_the_board_lists_titles_in_the_readers_language_or_the_source(app):
    staff = make_user("staff")
    latch, sleep = _leaflet(staff, "good-latch"), _leaflet(staff, "safe-sleep")
    services.save_text(latch, "en", "A good latch", "Text.", None, "publish", by=staff)
    services.save_text(latch, "he", "הנקה נכונה", "טקסט.", None, "draft", by=staff)
    services.save_text(sleep, "en", "Safe sleep", "Text.", None, "publish", by=staff)
    untitled = _leaflet(staff, "no-text-yet")
    rows = {row.leaflet.slug: row for row in services.board(["he", "ar"]).rows}
    assert (rows["good-latch"].title, rows["good-latch"].title_language) == ("הנקה נכונה", "he")
    assert (rows["safe-sleep"].title, rows["safe-sleep"].title_language) == ("Safe sleep", "en")
    assert (rows[untitled.slug].title, rows[untitled.slug].title_language) == ("no-text-yet", None)
    assert rows["good-latch"].cells["he"] == "draft"
    assert [row.title for row in services.board(["en"]).rows] == ["A good latch", "no-text-yet", "Safe sleep"]


@pytest.mark.parametrize("interface, shown, has_hers, notice", [
    ("he", "ar", False, "not_in_hers"),
    ("he", "ar", True, "chosen"),
    ("ar", "he", False, "not_in_hers"),
    ("am", "en", False, "not_in_hers"),
    ("en", "en", True, None),
    ("ar", "ar", True, None),
])
def test_a_reader_is_told_when_the_leaflet_is_not_in_her_interface_language(app, interface, shown, has_hers,
                                                                             notice):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    services.save_text(leaflet, "en", "A good latch", "Text.", None, "publish", by=staff)
    for code in {shown, interface if has_hers else shown} - {"en"}:
        services.save_text(leaflet, code, f"Title {code}", "Text.", None, "publish", by=staff)
    assert services.language_notice(leaflet, leaflet.translation(shown), interface) == notice


def test_a_web_address_in_the_text_shows_only_the_sites_name():
    html = str(markdown.render(
        "## Sources\n"
        "- WHO, breastfeeding: https://www.who.int/health-topics/breastfeeding#tab=tab_1.\n"
        "- <https://www.cdc.gov/hearher/maternal-warning-signs/index.html>\n"
        "- [https://www.nhs.uk/baby/](https://www.nhs.uk/baby/)\n"
        "- [Kol Zchut](https://www.kolzchut.org.il/en/Breastfeeding_Instruction)\n"
        "- (see https://en.wikipedia.org/wiki/Latch_(breastfeeding))\n"))
    assert '<a href="https://www.who.int/health-topics/breastfeeding#tab=tab_1">who.int</a>.' in html
    assert '<a href="https://www.cdc.gov/hearher/maternal-warning-signs/index.html">cdc.gov</a>' in html
    assert '<a href="https://www.nhs.uk/baby/">nhs.uk</a>' in html
    assert '>Kol Zchut</a>' in html  # words the author chose stay
    assert '<a href="https://en.wikipedia.org/wiki/Latch_(breastfeeding)">en.wikipedia.org</a>)' in html
    assert ">https://" not in html and ">www." not in html


def test_addresses_that_are_not_web_links_stay_text():
    html = str(markdown.render("Write to mail@example.org or see javascript:alert(1) and `https://in.code/`"))
    assert "<a " not in html


@pytest.mark.parametrize("text, has_note", [
    ("Text.\n\nThis is information from mother to mother, not medical advice. In an emergency, call MDA 101.\n\n"
     "## Sources\n- https://example.org", True),
    ("نص.\n\nهذه معلومات من أم إلى أم. في حالة الطوارئ اتصلي بنجمة داود الحمراء ١٠١.\n\n## المصادر\n- https://example.org",
     True),
    ("Text.\n\nIn an emergency, call MDA 101.", True),
    ("Text.\n\n## Sources\n- https://example.org", False),
    ("Call 101 at once.\n\nMore text.\n\n## Sources\n- https://example.org", False),
    ("Text.\n\nCall 1010 for something else.\n\n## Sources\n- https://example.org", False),
])
def test_a_leaflet_that_ends_with_its_own_peer_note_is_recognised(text, has_note):
    assert markdown.has_peer_note(text) is has_note


@pytest.mark.parametrize("path", sorted((LIBRARY / "leaflets").glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_starter_leaflet_carries_its_own_peer_note(path):
    from groups_app.leaflets.importer import parse

    assert markdown.has_peer_note(parse(path)[1])
