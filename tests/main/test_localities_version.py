"""The lists with a locality filter (the group directory, the attendance report, the list of cases)
keep the localities' names per version of the localities (migration 0025): a second visit does not
read them, and every change to a name a filter shows, whichever way it was written (the import of a
new file, the ORM, a Core update, a row added or removed), shows at the next visit."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from groups_app.core.places import KEPT, Locality, import_localities
from groups_app.main.models import LOCALITIES, DataVersion
from tests.conftest import count_queries, locality, login, make_group, make_user
from tests.visits.conftest import make_case

PAGES = {"directory": "/groups/", "report": "/coordinator/attendance", "cases": "/visits/cases"}
FILTER = {"directory": 'name="locality"', "report": 'name="locality"', "cases": 'name="locality_id"'}


@pytest.fixture
def lists(app, db):
    coordinator = make_user("coordinator", "facilitator", language="en")
    make_group(coordinator, place="Rahat")
    make_case(make_user("mother", locality_id=locality("Rahat").id))
    client = app.test_client()
    login(client, coordinator)
    for path in PAGES.values():
        assert client.get(path).status_code == 200  # her session's once-a-minute touch is not the pages'
    kept = {row.id: row for row in db.session.execute(select(Locality.__table__))}
    yield client
    # places are kept from test to test: each test's changes undone, added rows removed
    db.session.rollback()
    db.session.execute(delete(Locality).where(Locality.id.not_in(kept)))
    for row in kept.values():
        db.session.execute(update(Locality).where(Locality.id == row.id).values(**row._mapping))
    db.session.commit()


def _visit(client, db, page: str) -> tuple[list[str], bool, int]:
    """The page's locality filter as she reads it, whether the visit read the localities, and its statements."""
    with count_queries(db.engine) as counted:
        answer = client.get(PAGES[page])
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    listed = html.split(FILTER[page], 1)[1].split("</select>", 1)[0]
    names = re.findall(r'<option value="\d+"[^>]*>([^<\n]*)', listed)
    read = any(re.search(r"FROM localities ORDER BY", statement) for statement in counted.statements)
    return names, read, counted()


@pytest.mark.parametrize("page", PAGES)
def test_a_second_visit_reads_no_locality_and_shows_the_same_filter(app, db, lists, page):
    app.extensions.pop(KEPT, None)  # as a process that just started
    first, read, statements = _visit(lists, db, page)
    assert read and "Rahat" in first and len(first) == 38
    again, read_again, statements_again = _visit(lists, db, page)
    assert again == first and not read_again
    assert statements_again == statements - 1


def test_every_change_to_a_name_a_filter_shows_shows_at_once_on_every_list(app, db, lists, tmp_path):
    seen = {page: _visit(lists, db, page)[0] for page in PAGES}

    def changed(what: str) -> dict[str, list[str]]:
        now = {}
        for page in PAGES:
            names, read, _ = _visit(lists, db, page)
            assert names != seen[page], f"the {page} filter stayed the same after: {what}"
            now[page] = seen[page] = names
            assert _visit(lists, db, page)[1] is False, f"the {page} read them again with nothing changed after: {what}"
        return now

    newer = tmp_path / "localities.csv"
    newer.write_text((Path(app.config["LIBRARY_DIR"]) / "localities.csv").read_text(encoding="utf-8-sig")
                     + "Aaa imported place,אאא,,,village,a test,,,a test,,\n", encoding="utf-8")
    assert import_localities(newer) == (1, 0)
    assert changed("a new file imported")["cases"][0] == "Aaa imported place"
    rahat = locality("Rahat")
    rahat.name_en = "Rahat (city)"  # the ORM
    db.session.commit()
    assert "Rahat (city)" in changed("a name changed through the ORM")["directory"]
    db.session.execute(update(Locality).where(Locality.id == rahat.id).values(name_en="Rahat town"))  # Core
    db.session.commit()
    assert "Rahat town" in changed("a name changed by a Core update")["report"]
    db.session.execute(insert(Locality), [{"name_en": "Aab test place", "name_he": "אאב", "kind": "village",
                                           "council": "a test", "source": "a test"}])
    db.session.commit()
    assert "Aab test place" in changed("a locality added")["directory"]
    db.session.execute(delete(Locality).where(Locality.name_en == "Aab test place"))
    db.session.commit()
    assert "Aab test place" not in changed("a locality removed")["report"]


def test_what_no_filter_shows_and_a_change_rolled_back_do_not_read_them_again(app, db, lists):
    before = {page: _visit(lists, db, page)[0] for page in PAGES}
    version = db.session.scalar(select(DataVersion.n).where(DataVersion.name == LOCALITIES))
    assert version is not None
    rahat = locality("Rahat")
    db.session.execute(update(Locality).where(Locality.id == rahat.id)
                       .values(kind="city (test)", council="a test", lat=31.0, lon=34.0, source="a test"))
    db.session.commit()
    db.session.execute(update(Locality).where(Locality.id == rahat.id).values(name_en="Rolled back"))
    db.session.rollback()
    assert db.session.scalar(select(DataVersion.n).where(DataVersion.name == LOCALITIES)) == version
    for page in PAGES:
        after, read, _ = _visit(lists, db, page)
        assert after == before[page] and not read
