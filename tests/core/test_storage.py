"""Files kept in the database: saved with their hash and size, read back, refused above the limit, deleted."""
import hashlib

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from groups_app.core import storage
from groups_app.core.storage import FileTooLarge, StoredFile


def test_saved_bytes_come_back_with_hash_size_and_type(app, db):
    data = b"%PDF-1.4 some bytes \x00\xff"
    file_id = storage.save(data, "application/pdf")
    db.session.commit()
    db.session.expunge_all()
    stored = storage.read(file_id)
    assert stored.data == data and stored.size == len(data) and stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.created_at is not None
    assert storage.read(None) is None and storage.read(file_id + 100) is None


def test_the_bytes_are_not_loaded_until_read(app, db):
    file_id = storage.save(b"x" * 1000, "application/pdf")
    db.session.commit()
    db.session.expunge_all()
    stored = storage.read(file_id)
    assert "data" not in stored.__dict__  # a 304 answer needs only the hash
    assert stored.data == b"x" * 1000


def test_a_file_above_the_limit_is_refused_with_a_message_in_her_language(app, db):
    app.config["FILE_MAX_BYTES"] = 2 * 1024 * 1024
    try:
        storage.save(b"x" * (2 * 1024 * 1024), "application/pdf")  # exactly the limit: kept
        with force_locale("en"), pytest.raises(FileTooLarge) as refused:
            storage.save(b"x" * (2 * 1024 * 1024 + 1), "application/pdf", field="pdf")
        assert refused.value.field == "pdf" and refused.value.status == 413
        assert "larger than 2 MB, the most" in refused.value.message
        with force_locale("ar"), pytest.raises(FileTooLarge) as in_arabic:
            storage.check_size(b"x" * (3 * 1024 * 1024))
        assert any("\u0600" <= letter <= "\u06ff" for letter in in_arabic.value.message)  # in Arabic
    finally:
        app.config["FILE_MAX_BYTES"] = storage.DEFAULT_MAX_BYTES
    db.session.rollback()


def test_the_default_limit_is_five_megabytes(app):
    assert app.config["FILE_MAX_BYTES"] == 5 * 1024 * 1024 == storage.max_bytes()


def test_delete_removes_only_the_files_named(app, db):
    kept, gone = storage.save(b"a", "text/plain"), storage.save(b"b", "text/plain")
    assert storage.delete(gone, None) == 1
    assert storage.delete() == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(StoredFile.id))) == 1 and storage.read(kept) is not None
