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
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


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


def test_a_good_pdf_is_stored_under_a_name_the_server_chose(app):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    english = services.save_text(leaflet, "en", "Latch", "Text.", PDF, "publish", by=staff)
    assert english.published.pdf_name.endswith(".pdf") and len(english.published.pdf_name) == 36
    assert files.pdf_path(english.published.pdf_name).read_bytes() == PDF
    assert files.pdf_path("../secret.pdf") is None


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
    board = services.board()
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
