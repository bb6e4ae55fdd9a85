"""Leaflet PDFs kept in the database: a new file replaces the old, what a revision keeps stays,
the download is an attachment with an ETag (304 when she has it), the size limit is said on the
form, and the migration moves the files of an existing instance into the table and back."""
import hashlib
import io
import os

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from pypdf import PdfWriter
from sqlalchemy import func, select

from groups_app.core.storage import StoredFile
from groups_app.leaflets import files, services
from groups_app.leaflets.models import LeafletRevision
from tests.conftest import login, make_mother, make_test_app, make_user


def real_pdf(label: str) -> bytes:
    """A small, valid PDF (one blank page), different for each label."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stored_ids(db) -> set[int]:
    return set(db.session.scalars(select(StoredFile.id)))


def _leaflet(staff):
    return services.save_leaflet(None, "good-latch", ["breastfeeding"], [], "en", by=staff)


def test_a_new_draft_pdf_replaces_the_old_one(app, db):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    first = services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("one"), "draft", by=staff).pdf_file_id
    second = services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("two"), "draft", by=staff).pdf_file_id
    assert first != second and _stored_ids(db) == {second}  # nothing referred to the first: it went
    services.save_text(leaflet, "en", "Latch", "Text changed, same file.", None, "draft", by=staff)
    assert _stored_ids(db) == {second}


def test_a_published_revision_keeps_its_file_when_a_new_one_is_saved(app, db):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    published = services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("one"), "publish", by=staff)
    printed = published.published.pdf_file_id
    draft = services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("two"), "draft", by=staff).pdf_file_id
    assert _stored_ids(db) == {printed, draft}  # revision 1 still refers to what was printed
    newer = services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("three"), "publish", by=staff).pdf_file_id
    assert _stored_ids(db) == {printed, newer}  # the draft's file was never published: it went
    revisions = db.session.scalars(select(LeafletRevision).order_by(LeafletRevision.number)).all()
    assert [r.pdf_file_id for r in revisions] == [printed, newer]
    assert files.read_pdf(printed).data == real_pdf("one")


def test_a_withdrawn_version_keeps_its_files_and_its_download_stops(app, db, client):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    english = services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("one"), "publish", by=staff)
    services.withdraw(english, by=staff)
    assert _stored_ids(db) == {english.pdf_file_id}  # it can be published again, file and all
    assert client.get("/leaflets/good-latch/en.pdf").status_code == 404


def test_a_removed_leaflet_leaves_no_file_behind(app, db):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("one"), "publish", by=staff)
    services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("two"), "draft", by=staff)
    other = services.save_leaflet(None, "other", [], [], "en", by=staff)
    kept = services.save_text(other, "en", "Other", "Text.", real_pdf("three"), "publish", by=staff).pdf_file_id
    held = _stored_ids(db) - {kept}
    db.session.delete(leaflet)
    db.session.flush()
    assert files.forget_unused(*held, kept) == 2
    db.session.commit()
    assert _stored_ids(db) == {kept}


def test_a_file_still_referred_to_cannot_be_deleted_by_mistake(app, db):
    staff = make_user("staff")
    english = services.save_text(_leaflet(staff), "en", "Latch", "Text.", real_pdf("one"), "publish", by=staff)
    from groups_app.core import storage

    with pytest.raises(sa.exc.IntegrityError):
        storage.delete(english.pdf_file_id)
        db.session.flush()
    db.session.rollback()
    assert _stored_ids(db) == {english.pdf_file_id}


def _publish_with_pdf(staff, data):
    leaflet = _leaflet(staff)
    services.save_text(leaflet, "en", "A good latch", "Text.\n\n## Sources\n- https://example.org", data, "publish",
                       by=staff)
    return leaflet


def test_the_download_comes_from_the_database_with_an_etag_and_304(client, db):
    data = real_pdf("download")
    _publish_with_pdf(make_user("staff"), data)
    login(client, make_mother())
    response = client.get("/leaflets/good-latch/en.pdf")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=good-latch-en.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    assert etag == f'"{hashlib.sha256(data).hexdigest()}"'
    again = client.get("/leaflets/good-latch/en.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    stale = client.get("/leaflets/good-latch/en.pdf", headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200 and stale.data == data
    client.post("/logout")
    anonymous = client.get("/leaflets/good-latch/en.pdf")
    # Asked again each time (no-cache: a withdrawn version stops at once), answered 304 when unchanged;
    # signed in, the app's rule for personal pages (no-store) holds.
    assert anonymous.headers["Cache-Control"] == "no-cache" and anonymous.headers["ETag"] == etag


def test_no_pdf_no_download(client):
    staff = make_user("staff")
    _publish_with_pdf(staff, None)
    assert client.get("/leaflets/good-latch/en.pdf").status_code == 404
    assert client.get("/leaflets/good-latch/ar.pdf").status_code == 404
    assert client.get("/leaflets/nothing/en.pdf").status_code == 404


def test_a_pdf_above_the_limit_is_refused_on_the_form_and_nothing_she_typed_is_lost(app, client, db):
    staff = make_user("staff")
    _leaflet(staff)
    login(client, staff)
    data = real_pdf("big")
    app.config["FILE_MAX_BYTES"] = len(data) - 1
    try:
        response = client.post("/leaflets/good-latch/en/edit", data={
            "title": "My careful title", "body": "My careful text.", "action": "publish",
            "pdf": (io.BytesIO(data), "leaflet.pdf")})
    finally:
        app.config["FILE_MAX_BYTES"] = 5 * 1024 * 1024
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "the most that can be kept" in html and "My careful title" in html and "My careful text." in html
    assert _stored_ids(db) == set()
    ok = client.post("/leaflets/good-latch/en/edit", data={
        "title": "My careful title", "body": "My careful text.", "action": "publish",
        "pdf": (io.BytesIO(data), "leaflet.pdf")})
    assert ok.status_code == 302 and len(_stored_ids(db)) == 1


def test_only_staff_upload_pdfs(client, db):
    _leaflet(make_user("staff"))
    for role in ("mother", "facilitator", "coordinator"):
        login(client, make_user(role))
        response = client.post("/leaflets/good-latch/en/edit", data={
            "title": "T", "body": "B", "action": "draft", "pdf": (io.BytesIO(real_pdf("x")), "x.pdf")})
        assert response.status_code == 403
        client.post("/logout")
    assert _stored_ids(db) == set()


# ---- the migration: files of an existing instance move into the table, and back ------------------

def _fresh_database(tmp_path):
    """An empty database of the kind the suite runs on: a file for SQLite, a schema of its own on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path / "moved.sqlite"), None
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS file_move CASCADE; CREATE SCHEMA file_move"))
    return url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dfile_move", engine


def test_the_migration_moves_the_files_on_disk_into_the_database_and_back(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))  # make_test_app sets it: leave it as it was
    url, admin_engine = _fresh_database(tmp_path)
    app = make_test_app(url, str(tmp_path / "instance"))
    folder = tmp_path / "instance" / "leaflet-files"
    folder.mkdir(parents=True)
    printed, draft = real_pdf("printed"), real_pdf("draft")
    (folder / ("a" * 32 + ".pdf")).write_bytes(printed)
    (folder / ("b" * 32 + ".pdf")).write_bytes(draft)
    try:
        with app.app_context():
            from groups_app.extensions import db

            upgrade(revision="0010")
            with db.engine.begin() as c:
                c.execute(sa.text("INSERT INTO leaflets (id, slug, subjects, source_language, created_at) "
                                  "VALUES (1, 'latch', '', 'en', CURRENT_TIMESTAMP)"))
                c.execute(sa.text(
                    "INSERT INTO leaflet_translations (id, leaflet_id, language, title, body, state, pdf_name, "
                    "updated_at) VALUES (1, 1, 'en', 'T', 'B', 'published', :draft, CURRENT_TIMESTAMP), "
                    "(2, 1, 'ar', 'T', 'B', 'draft', :missing, CURRENT_TIMESTAMP)"),
                    {"draft": "b" * 32 + ".pdf", "missing": "c" * 32 + ".pdf"})
                c.execute(sa.text(
                    "INSERT INTO leaflet_revisions (id, translation_id, number, title, body, pdf_name, published_at) "
                    "VALUES (1, 1, 1, 'T', 'B', :printed, CURRENT_TIMESTAMP), (2, 1, 2, 'T', 'B', :draft, "
                    "CURRENT_TIMESTAMP)"), {"printed": "a" * 32 + ".pdf", "draft": "b" * 32 + ".pdf"})
                c.execute(sa.text("UPDATE leaflet_translations SET published_revision_id = 2 WHERE id = 1"))

            upgrade(revision="0011")
            with db.engine.connect() as c:
                stored = {row.id: row for row in c.execute(sa.text("SELECT id, sha256, size, data FROM stored_files"))}
                assert sorted(bytes(r.data) for r in stored.values()) == sorted([printed, draft])
                by_data = {bytes(r.data): r.id for r in stored.values()}
                assert all(r.sha256 == hashlib.sha256(bytes(r.data)).hexdigest() and r.size == len(r.data)
                           for r in stored.values())
                translations = dict(c.execute(sa.text("SELECT id, pdf_file_id FROM leaflet_translations")).all())
                revisions = dict(c.execute(sa.text("SELECT id, pdf_file_id FROM leaflet_revisions")).all())
                columns = {col["name"] for col in sa.inspect(c).get_columns("leaflet_revisions")}
            # One row per file, shared by the working copy and the revision that published it;
            # a name whose file was missing has no file (its download was a 404 already).
            assert translations == {1: by_data[draft], 2: None}
            assert revisions == {1: by_data[printed], 2: by_data[draft]}
            assert "pdf_name" not in columns

            downgrade(revision="0010")
            with db.engine.connect() as c:
                names = dict(c.execute(sa.text("SELECT id, pdf_name FROM leaflet_revisions")).all())
                working = dict(c.execute(sa.text("SELECT id, pdf_name FROM leaflet_translations")).all())
                tables = sa.inspect(c).get_table_names()
            assert (folder / names[1]).read_bytes() == printed and (folder / names[2]).read_bytes() == draft
            assert working == {1: names[2], 2: None} and "stored_files" not in tables
            db.engine.dispose()
    finally:
        if admin_engine is not None:
            with admin_engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA IF EXISTS file_move CASCADE"))
            admin_engine.dispose()


def test_stored_files_are_counted_once_per_upload(app, db):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    services.save_text(leaflet, "en", "Latch", "Text.", real_pdf("one"), "publish", by=staff)
    assert db.session.scalar(select(func.count(StoredFile.id))) == 1
