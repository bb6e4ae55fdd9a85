"""The demo's group libraries hold real starter books in their groups' languages."""
import csv
import re
from pathlib import Path

from markupsafe import escape
from sqlalchemy import select

from groups_app.accounts.models import User
from groups_app.demo import DEMO_PASSWORD, load_demo
from groups_app.groups.models import Group
from groups_app.library.models import Copy
from groups_app.library.services.catalogue import import_books
from tests.conftest import login

BOOKS_CSV = Path(__file__).resolve().parents[2] / "library" / "books.csv"


def _starter_titles(language: str | None = None) -> set[str]:
    with BOOKS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {row["title"] for row in csv.DictReader(handle) if language in (None, row["language"])}


def _shelves(db) -> dict[str, list[Copy]]:
    shelves = {}
    for group in db.session.scalars(select(Group)).unique():
        shelves[group.locality.name_en] = list(db.session.scalars(select(Copy).where(Copy.group_id == group.id).order_by(Copy.id)))
    return shelves


def test_each_demo_library_holds_books_in_its_groups_languages(app, db):
    assert import_books(BOOKS_CSV).errors == []
    load_demo(production=False)
    shelves = _shelves(db)
    titles = {place: {copy.book.title for copy in copies} for place, copies in shelves.items()}
    assert _starter_titles("ar") <= titles["Rahat"]  # the Arabic counselling cards
    assert _starter_titles("am") <= titles["Dimona"]  # the Amharic breastfeeding booklet
    assert _starter_titles("ru") <= titles["Arad"]  # the Russian books
    for group in db.session.scalars(select(Group)).unique():
        copies = shelves[group.locality.name_en]
        assert copies, group.locality.name_en
        assert {c.book.language for c in copies} <= set(group.language_list), group.locality.name_en
        assert {c.book.title for c in copies} <= _starter_titles()  # only real books from the starter list
        assert copies[0].book.language == group.language_list[0]  # its first language first


def test_the_demo_mother_of_rahat_sees_the_arabic_item_first(app, db, client):
    import_books(BOOKS_CSV)
    load_demo(production=False)
    huda = db.session.scalar(select(User).where(User.email == "mother.ar@demo.example.org"))
    login(client, huda, password=DEMO_PASSWORD)
    html = client.get("/library/").get_data(as_text=True)
    [arabic] = _starter_titles("ar")
    hers = html[html.index('id="hers-heading"'):html.index('id="rest-heading"')]
    assert re.findall(r'class="card-title"><a lang="(\w+)" href="[^"]+">([^<]+)</a>', hers)[0] == ("ar", escape(arabic))
