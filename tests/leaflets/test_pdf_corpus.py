"""Leaflet PDFs against the corpus of bad and good files (tests/leaflets/pdf_corpus/, made by
make_pdf_corpus.py): every bad one refused by the service and by the upload form with its
message and nothing typed lost, every good one accepted (issue 14)."""
import io
from html import unescape
from pathlib import Path

import pytest
from flask_babel import force_locale

from groups_app.core.errors import DomainError
from groups_app.leaflets import pdfcheck, services
from tests.conftest import login, make_user
from tests.leaflets import make_pdf_corpus

CORPUS = Path(__file__).resolve().parent / "pdf_corpus"
BAD = sorted(p.name for p in CORPUS.glob("bad-*.pdf"))
GOOD = sorted(p.name for p in CORPUS.glob("good-*.pdf"))
MESSAGES = {
    "active": pdfcheck.ACTIVE_INSIDE,
    "embedded": pdfcheck.EMBEDDED_INSIDE,
    "html": pdfcheck.HTML_INSIDE,
    "notpdf": pdfcheck.NOT_A_PDF,
    "encrypted": pdfcheck.ENCRYPTED,
    "empty": "The file is empty.",
}
TITLE, BODY = "A good latch, my careful title", "Bring baby to the breast.\n\nMy careful text, kept."


def _expected(name: str) -> str:
    with force_locale("en"):
        return str(MESSAGES[name.removesuffix(".pdf").split("-")[1]])


def _leaflet(staff):
    return services.save_leaflet(None, "good-latch", ["breastfeeding"], [], "en", by=staff)


def _upload(client, name: str):
    return client.post("/leaflets/good-latch/en/edit", content_type="multipart/form-data", data={
        "title": TITLE, "body": BODY, "action": "publish",
        "pdf": (io.BytesIO((CORPUS / name).read_bytes()), name)})


def test_the_corpus_is_what_the_script_makes_and_big_enough():
    made = make_pdf_corpus.build()
    assert sorted(made) == sorted(BAD + GOOD), "run tests/leaflets/make_pdf_corpus.py"
    assert all((CORPUS / name).read_bytes() == data for name, data in made.items()), "run make_pdf_corpus.py"
    assert len(BAD) >= 18 and len(GOOD) >= 3
    assert {name.removesuffix(".pdf").split("-")[1] for name in BAD} == set(MESSAGES)


@pytest.mark.parametrize("name", BAD)
def test_the_service_refuses_each_bad_file_saying_why(app, name):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    with pytest.raises(DomainError) as error, force_locale("en"):
        services.save_text(leaflet, "en", TITLE, BODY, (CORPUS / name).read_bytes(), "publish", by=staff)
    assert error.value.field == "pdf"
    with force_locale("en"):
        assert str(error.value.message) == _expected(name)
    assert leaflet.translation("en") is None  # nothing saved


@pytest.mark.parametrize("name", GOOD)
def test_the_service_accepts_each_good_file(app, client, name):
    staff = make_user("staff")
    leaflet = _leaflet(staff)
    data = (CORPUS / name).read_bytes()
    services.save_text(leaflet, "en", TITLE, BODY, data, "publish", by=staff)
    response = client.get("/leaflets/good-latch/en.pdf")
    assert response.status_code == 200 and response.data == data


def test_every_bad_upload_is_refused_through_the_form_and_every_good_one_taken(app, client, capsys):
    staff = make_user("staff")
    _leaflet(staff)
    login(client, staff)
    accepted = []
    for name in BAD:
        response = _upload(client, name)
        html = response.get_data(as_text=True)
        if response.status_code < 400:
            accepted.append(name)
            continue
        assert response.status_code == 400, name
        assert _expected(name) in unescape(html), name
        assert f'value="{TITLE}"' in html and "My careful text, kept." in html, name  # nothing she typed is lost
    with capsys.disabled():
        print(f"\nFIGURE bad uploads accepted: {len(accepted)} of {len(BAD)}")
    assert accepted == []
    for name in GOOD:
        response = _upload(client, name)
        assert response.status_code == 302, name
        assert client.get("/leaflets/good-latch/en.pdf").data == (CORPUS / name).read_bytes()


def test_only_staff_may_upload(app, client):
    staff = make_user("staff")
    _leaflet(staff)
    login(client, make_user("facilitator"))
    assert _upload(client, GOOD[0]).status_code == 403


def test_a_file_over_five_megabytes_is_refused(app):
    with pytest.raises(DomainError) as error, force_locale("en"):
        pdfcheck.check_pdf((CORPUS / "good-plain.pdf").read_bytes() + b"%" + b"x" * (5 * 1024 * 1024))
    with force_locale("en"):
        assert "larger than 5 MB" in str(error.value.message)
