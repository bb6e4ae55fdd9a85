"""Program figures: small-cell suppression, the figures of a hand-made program, a fixed number of
queries at any size, the CSV and the charts, and who may see them."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from groups_app.core.csvsafe import safe_cell
from groups_app.core.timeutil import set_clock
from groups_app.visits.models import Case
from groups_app.visits.services import figure_queries as q
from groups_app.visits.services.figure_tables import Cell, Figure, Table
from groups_app.visits.services.figures import ProgramFigures, figures_csv, program_figures
from groups_app.visits.services.suppression import HIDDEN, SMALL, Grid, pinned, suppress
from tests.conftest import count_queries, login, make_user
from tests.visits import bulk

NOW = datetime(2026, 5, 15, 9, tzinfo=UTC)  # a Friday; the program's week began on Sunday 10 May
S, H = SMALL, HIDDEN


# ---- suppression, a pure function -----------------------------------------------------------------

def test_a_count_from_1_to_4_is_small_and_0_and_5_are_shown():
    marks = suppress([Grid([[0, 1, 4, 5]], row_totals=False, column_totals=False)])
    assert marks == [[["", S, S, ""]]]


def test_a_lone_small_cell_in_a_row_hides_the_next_smallest_cell():
    assert suppress([Grid([[2, 7, 9, 18]], column_totals=False)]) == [[[S, H, "", ""]]]


def test_when_no_other_cell_can_be_hidden_the_total_is():
    # 1 + x = 6 with x >= 5 would give the 1 away: the total goes too.
    assert suppress([Grid([[1, 5, 6]], column_totals=False)]) == [[[S, H, H]]]
    assert suppress([Grid([[3, 0, 0, 8]], column_totals=False)])[0][0][-1] == H


def test_two_small_cells_that_add_up_to_2_are_protected_like_one():
    # a shown total of 12 with 10 shown would say that both are 1
    assert suppress([Grid([[1, 1, 10, 12]], column_totals=False)]) == [[[S, S, H, ""]]]
    assert suppress([Grid([[2, 3, 10, 15]], column_totals=False)]) == [[[S, S, "", ""]]]


def test_complementary_suppression_runs_through_rows_columns_and_totals():
    grid = Grid([[2, 7, 9],
                 [6, 9, 15],
                 [8, 16, 24]])
    assert suppress([grid]) == [[[S, H, ""],
                                 [H, H, ""],
                                 ["", "", ""]]]


def test_a_small_total_is_small_and_tells_nothing_about_its_cells():
    assert suppress([Grid([[3, 0, 3], [5, 5, 10], [8, 5, 13]])])[0][0] == [S, "", S]


def test_a_number_published_twice_is_hidden_in_both_places():
    by_place = Grid([[2, 7, 9], [6, 9, 15], [8, 16, 24]])
    by_language = Grid([[8, 16, 24], [8, 16, 24]])  # one language: its row is the totals row
    links = [[(0, 2, c), (1, 1, c)] for c in range(3)] + [[(0, 2, c), (1, 0, c)] for c in range(3)]
    marks = suppress([by_place, by_language], links)
    assert marks[1] == [["", "", ""], ["", "", ""]]
    hidden_total = suppress([Grid([[1, 5, 6]], column_totals=False), Grid([[6, 6]], column_totals=False)],
                            [[(0, 0, 2), (1, 0, 0)]])
    assert hidden_total[1][0] == [H, H]  # hidden as the other table's total, then its own row's pair


def test_a_hidden_total_that_its_shown_cells_add_up_to_is_given_away_and_is_protected():
    # one place only: its row is the total; hidden in the other table, so hidden here too
    marks = suppress([Grid([[6], [6]], row_totals=False), Grid([[5, 1, 6]], column_totals=False)],
                     [[(0, 1, 0), (1, 0, 2)]])
    assert marks[0] == [[H], [H]]


def test_pinned_reasons_about_bounds():
    inf = float("inf")
    assert pinned([(1, 4)], (3, 3))  # alone: the rest of the total
    assert not pinned([(1, 4), (1, 4)], (5, 5))
    assert pinned([(1, 4), (5, inf)], (6, 6))  # 1 + 5
    assert not pinned([(1, 4), (5, inf)], (12, 12))
    assert pinned([], (-1, inf))  # a hidden total whose cells are all shown
    # 3 shown, a "<5" and a hidden total of 5 or more: the "<5" is 2 to 4, the total 5 to 7
    assert not pinned([(1, 4)], (5 - 3, inf))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=5), min_size=1, max_size=5).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
def test_no_line_gives_a_small_count_away(cells):
    rows = [row + [sum(row)] for row in cells]
    values = rows + [[sum(column) for column in zip(*rows, strict=True)]]
    marks = suppress([Grid(values)])[0]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            assert (marks[r][c] == S) == (0 < value < 5)
            assert not (value == 0 and marks[r][c])
    lines = [[(r, c) for c in range(len(values[0]))] for r in range(len(values))]
    lines += [[(r, c) for r in range(len(values))] for c in range(len(values[0]))]
    for line in lines:
        *inner, total = line
        if marks[total[0]][total[1]]:
            assert any(marks[r][c] for r, c in inner), (values, marks, line)  # else it adds up
            continue
        hidden = [(1, 4) if marks[r][c] == S else (5, float("inf")) for r, c in inner if marks[r][c]]
        if hidden:
            rest = values[total[0]][total[1]] - sum(values[r][c] for r, c in inner if not marks[r][c])
            assert not pinned(hidden, (rest, rest)), (values, marks, line)


# ---- a hand-made program with known answers -------------------------------------------------------

@pytest.fixture
def program(app, db):
    """Beersheba: 12 cases (one mother twice), Rahat: 2; visits, closings, referrals and 8 volunteers."""
    set_clock(app, NOW)
    places = bulk.locality_ids("Beersheba", "Rahat")
    b, r = places["Beersheba"], places["Rahat"]
    trained = {i: date(2024, 6, 1) for i in range(5)} | {5: date(2025, 6, 1), 6: None}
    v = bulk.add_volunteers([
        {"user": {"locality_id": b}}, {"user": {"locality_id": b}}, {"active": False, "user": {"locality_id": b}},
        {"user": {"locality_id": b}}, {"user": {"locality_id": b}}, {"user": {"locality_id": b, "language": "ru"}},
        {"user": {"locality_id": r, "language": "ar"}}, {"screening": "pending", "user": {"locality_id": b}},
    ], trained_on=trained)
    born = date(2025, 2, 1)
    early = date(2025, 3, 1)
    later = date(2026, 3, 5)  # more than a year after `early`: V1 and V2 return
    rows = [  # B1 .. B6 matched in 2025, B7 .. B11 in 2026
        dict(mother_age=18, first_baby=True, volunteer_id=v[0], matched_on=early, closed_on=date(2026, 2, 1),
             close_reason="first_birthday"),
        dict(mother_age=18, first_baby=True, volunteer_id=v[1], matched_on=early, closed_on=date(2025, 6, 1),
             close_reason="moved_away"),
        dict(mother_age=19, first_baby=True, volunteer_id=v[2], matched_on=early, closed_on=date(2025, 9, 1),
             close_reason="no_contact"),
        dict(mother_age=30, first_baby=False, volunteer_id=v[3], matched_on=early, closed_on=date(2026, 2, 1),
             close_reason="first_birthday"),
        dict(mother_age=30, first_baby=False, volunteer_id=v[3], matched_on=early, closed_on=date(2026, 3, 1),
             close_reason="no_contact"),  # after the first birthday: not early
        dict(mother_age=None, first_baby=None, volunteer_id=v[3], matched_on=early),
        dict(mother_age=20, first_baby=True, volunteer_id=v[0], matched_on=later),
        dict(mother_age=25, first_baby=False, volunteer_id=v[1], matched_on=later),
        dict(mother_age=25, first_baby=False, volunteer_id=v[4], matched_on=later),
        dict(mother_age=25, first_baby=False, volunteer_id=v[4], matched_on=later),
        dict(mother_age=25, first_baby=False, volunteer_id=v[5], matched_on=later),
    ]
    ids = bulk.add_cases([{"locality_id": b, "languages": "he", "baby_birth_date": born, **row} for row in rows])
    first_mother = db.session.scalar(select(Case.mother_id).where(Case.id == ids[0]))
    ids += bulk.add_cases([  # B12: B1's mother again, with her second baby
        {"locality_id": b, "languages": "he", "baby_birth_date": born, "mother_id": first_mother, "mother_age": 25,
         "first_baby": False, "volunteer_id": v[5], "matched_on": later},
        {"locality_id": r, "languages": "ar,he", "baby_birth_date": date(2025, 12, 1), "mother_age": 19,
         "first_baby": True, "volunteer_id": v[5], "matched_on": date(2026, 1, 10)},
        {"locality_id": r, "languages": "ar,he", "baby_birth_date": date(2025, 12, 1), "mother_age": None,
         "first_baby": None, "volunteer_id": v[5], "matched_on": date(2026, 1, 10)},
        {"locality_id": b, "languages": "he", "baby_birth_date": date(2026, 4, 1)},  # waiting: not served
    ])
    visits = [(0, date(2025, 4, 1), 10), (1, date(2025, 4, 2), 4), (2, date(2025, 4, 3), 6),
              (12, date(2026, 3, 1), 3), (13, date(2026, 2, 22), 1)]
    visits += [(i, date(2026, 5, 11), 2) for i in range(6, 12)]
    bulk.add_visits([{"case_id": ids[i], "visited_on": day} for i, day, n in visits for _ in range(n)])
    referred = [("nurse", b, datetime(2025, 3, 3, 9, tzinfo=UTC))] * 5 + [("self", r, datetime(2025, 7, 3, 9, tzinfo=UTC))] * 2
    referred += [("nurse", b, datetime(2026, 4, 2, 9, tzinfo=UTC)), ("hospital", b, datetime(2026, 4, 3, 9, tzinfo=UTC)),
                 ("hospital", r, datetime(2026, 4, 30, 22, 30, tzinfo=UTC))]  # 1 May in Israel
    bulk.add_referrals([{"source": s, "locality_id": p, "languages": "ar" if p == r else "he", "created_at": at}
                        for s, p, at in referred])
    db.session.commit()
    return {"beersheba": str(b), "rahat": str(r)}


def _scope(year=None, locality_id=None, language=None):
    return q.Scope(year, locality_id, language, date(2026, 5, 15))


def test_mothers_served_to_date_and_per_year_count_each_mother_once(program):
    served = q.mothers_served(_scope())
    assert served["all"][(None, None)] == (13,)  # 14 cases, one mother twice
    assert served["all"][(None, "2025")] == (6,) and served["all"][(None, "2026")] == (8,)
    assert served["loc"][(program["beersheba"], None)] == (11,)
    assert served["lang"][("ar", None)] == (2,)  # "ar,he": counted under her first language
    assert q.mothers_served(_scope(year=2025))["all"][(None, None)] == (6,)
    assert q.mothers_served(_scope(language="ar"))["all"][(None, None)] == (2,)
    assert q.mothers_served(_scope(language="he"))["all"][(None, None)] == (13,)  # Rahat's mothers speak Hebrew too


def test_ages_first_babies_and_visits_of_the_cases(program):
    cases = q.cases(_scope())
    # cases, under 21, 21 or older, age not recorded, first baby, not, not recorded, visits
    assert cases["all"][(None, None)] == (14, 5, 7, 2, 5, 7, 2, 36)
    assert cases["loc"][(program["rahat"], None)] == (2, 1, 0, 1, 1, 0, 1, 4)
    medians = q.median_visits(_scope())
    assert medians["all"][None] == 2.0  # 0 0 0 1 2 2 [2 2] 2 2 3 4 6 10
    assert medians["loc"][program["rahat"]] == 2.0  # 1 and 3


def test_referrals_by_source_in_the_programs_year(program):
    referred = q.referrals(_scope())
    assert referred["all"][(None, "nurse")] == (6,) and referred["all"][(None, None)] == (10,)
    assert q.referrals(_scope(year=2025))["all"][(None, None)] == (7,)
    assert q.referrals(_scope(locality_id=int(program["rahat"])))["all"][(None, "hospital")] == (1,)


def test_volunteers_trained_active_and_returning(program):
    found = q.volunteers(_scope())
    # trained, active, first mother over a year ago, returning
    assert found["all"][(None, None)] == (6, 5, 4, 2)
    assert q.volunteers(_scope(year=2025))["all"][(None, None)][0] == 1
    assert found["lang"][("ru", None)] == (1, 1, 0, 0)


def test_cases_closed_early_and_why(program):
    closed = q.closed(_scope())
    assert closed["all"][(None, None)] == (5,)
    assert closed["all"][(None, q.AT_END)] == (3,)  # two at the first birthday, one after it
    assert closed["all"][(None, "moved_away")] == (1,) and closed["all"][(None, "no_contact")] == (1,)
    assert q.closed(_scope(year=2025))["all"][(None, None)] == (2,)


def test_trends_per_month_and_week(program):
    months = [date(2025, m, 1) for m in range(6, 13)] + [date(2026, m, 1) for m in range(1, 7)]
    weeks = [date(2026, 2, 22) + (date(2026, 3, 1) - date(2026, 2, 22)) * n for n in range(13)]
    assert q.referrals_per_month(_scope(), months) == [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1]
    assert q.active_cases_per_month(_scope(), months) == [6, 5, 5, 5, 4, 4, 4, 6, 6, 10, 9, 9]
    assert q.visits_per_week(_scope(), weeks) == [1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12]


def test_the_figures_as_published_hide_small_counts_and_what_would_give_them_away(program, app):
    coordinator = make_user("coordinator")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        report = program_figures(by=coordinator)
    headline = dict(report.headline)
    assert headline["Mothers served to date"] == Cell(13)
    assert headline["Referrals"] == Cell(10)
    assert headline["Visits per case (average)"].text() == "2.6"
    assert headline["Volunteers active now"] == Cell(5)
    assert headline["Returning volunteers"].mark == HIDDEN  # 2 of 4: from small counts
    served = report.figures["served"].tables[0]
    assert served.columns == ["2025", "2026", "All years"]
    rows = {label: [c.text() for c in cells] for label, cells in served.rows}
    assert rows["Rahat"] == ["0", "<5", "<5"]
    assert rows["Beersheba"] == ["6", "*", "*"]  # 8 - 6 in 2026, or 13 - 11 to date, would give Rahat's 2 away
    ages = {label: [c.text() for c in cells] for label, cells in report.figures["age"].tables[0].rows}
    assert ages["Beersheba"][-1] == "*"  # a share from a hidden count is hidden too
    trend = report.trends["active"]
    assert [c.text() for c in trend.cells] == ["6", "5", "5", "5", "<5", "<5", "<5", "6", "6", "10", "9", "9"]
    assert report.trends["referrals"].total.text() == "5"


def test_rahat_alone(program, app):
    coordinator = make_user("coordinator")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        report = program_figures(locality_id=int(program["rahat"]), by=coordinator)
    assert dict(report.headline)["Mothers served to date"].mark == SMALL
    assert all(c.mark or c.value == 0 for c in report.figures["served"].tables[0].total)


# ---- a fixed number of queries ----------------------------------------------------------------------

FIGURE_QUERIES = 11


def test_the_figures_take_the_same_few_queries_for_a_small_program_and_a_large_one(app, db, client):
    set_clock(app, NOW)
    coordinator = make_user("coordinator", language="en")
    login(client, coordinator)

    def counted():
        coordinator.role_names  # noqa: B018  (loaded before counting, as a request has it)
        with app.test_request_context(), count_queries(db.engine) as service:
            program_figures(by=coordinator)
        with count_queries(db.engine) as page:
            assert client.get("/visits/figures").status_code == 200
        return service(), page()

    bulk.generate_program(40, 400, today=NOW.date(), seed=3)
    small = counted()
    bulk.generate_program(2000, 40000, today=NOW.date(), seed=4)
    assert db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) >= 2040
    large = counted()
    assert small == large
    assert small[0] == FIGURE_QUERIES


# ---- the page, the CSV, the charts -------------------------------------------------------------------

class _Tables(HTMLParser):
    """Each <table>'s caption (or its labelling heading) and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.text, self.row, self.in_cell = {}, [], None, False
        self.caption = None

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.text = []
        if tag == "tr":
            self.row = []
        if tag in ("td", "th"):
            self.text, self.in_cell = [], True

    def handle_endtag(self, tag):
        if tag == "caption":
            self.caption = "".join(self.text).strip()
            self.tables[self.caption] = []
        if tag in ("td", "th") and self.row is not None:
            self.row.append("".join(self.text).strip())
            self.in_cell = False
        if tag == "tr" and self.caption:
            self.tables[self.caption].append(self.row)
        if tag == "table":
            self.caption = None

    def handle_data(self, data):
        self.text.append(data)


def test_the_csv_hides_what_the_page_hides(program, client):
    login(client, make_user("coordinator", language="en"))
    page = client.get("/visits/figures")
    parser = _Tables()
    parser.feed(page.get_data(as_text=True))
    response = client.get("/visits/figures.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    sections, current = {}, None
    for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))):
        if len(row) == 1 and row[0] in parser.tables:
            current = sections.setdefault(row[0], [])
        elif not row:
            current = None
        elif current is not None:
            current.append(row)
    assert len(sections) == 16
    small_cells = 0
    for caption, csv_rows in sections.items():
        page_rows = parser.tables[caption]
        assert len(page_rows) == len(csv_rows), caption
        for page_row, csv_row in zip(page_rows, csv_rows, strict=True):
            for shown, written in zip(page_row, csv_row, strict=True):
                assert (shown in ("<5", "*")) == (written in ("<5", "*")), (caption, page_row, csv_row)
                small_cells += shown == "<5"
    assert small_cells > 10
    assert "<5" in page.get_data(as_text=True).replace("&lt;", "<")


def test_csv_cells_that_look_like_formulas_are_written_as_text():
    assert [safe_cell(v) for v in ("=1+1", "+972", "-5", "@SUM(A1)", "\tx", "\rx", "<5", "12", None)] == [
        "'=1+1", "'+972", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "<5", "12", ""]
    table = Table("t", "=caption", "Locality", ["=HYPERLINK(\"http://x\")"], [("@evil", [Cell(7)])], [Cell(7)])
    report = ProgramFigures(None, None, None, [], [], {"t": Figure("t", "T", "", [table])}, [], {})
    written = figures_csv(report, "-filters").decode("utf-8-sig")
    assert "'=caption" in written and "'@evil" in written and "'-filters" in written
    assert "\n=" not in written and ",=" not in written


def test_the_charts_are_svg_images_without_script_or_outside_addresses(program, client):
    login(client, make_user("coordinator", language="ar"))
    for name in ("referrals", "active", "visits"):
        response = client.get(f"/visits/figures/chart.svg?chart={name}")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        svg = response.get_data(as_text=True)
        assert "<script" not in svg and "style=\"" not in svg and "<!--" not in svg
        assert set(re.findall(r"https?://[^\s\"'<>)]*", svg)) == {"http://www.w3.org/2000/svg"}
        root = ElementTree.fromstring(svg)
        namespace = "{http://www.w3.org/2000/svg}"
        assert root.find(f"{namespace}title").text and root.find(f"{namespace}desc").text
        style = root.find(f"{namespace}defs/{namespace}style").text
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]
        assert "unsafe" not in response.headers["Content-Security-Policy"]
        drawn = [d.text for d in root.iter(f"{namespace}desc") if d.get("class") == "value"]
        assert not {"1", "2", "3", "4"} & set(drawn)  # "<5" is not drawn either
    assert "مايو" in client.get("/visits/figures/chart.svg?chart=active").get_data(as_text=True)  # May, in Arabic
    assert client.get("/visits/figures/chart.svg?chart=nope").status_code == 404
    rahat = ElementTree.fromstring(client.get(f"/visits/figures/chart.svg?chart=referrals&locality={program['rahat']}")
                                   .get_data(as_text=True))
    drawn = [d.text for d in rahat.iter("{http://www.w3.org/2000/svg}desc") if d.get("class") == "value"]
    assert drawn == ["0"] * 10  # July's 2 and May's 1 are not drawn at all


def test_the_page_shows_charts_as_images_with_the_numbers_beside_them(program, client):
    login(client, make_user("coordinator", language="he"))
    html = client.get("/visits/figures?year=2026").get_data(as_text=True)
    assert html.count('<img src="/visits/figures/chart.svg?chart=') == 3
    assert "<svg" not in html and "style=" not in html and "<script>" not in html
    assert "chart=active&amp;year=2026" in html
    assert "מאי 2026" in html  # the months in the reader's language
    assert client.get("/visits/figures?year=nonsense&locality=x&language=xx").status_code == 200


@pytest.mark.parametrize("role", ["mother", "volunteer", "staff", "facilitator", "admin"])
def test_only_coordinators_see_the_figures(client, role):
    login(client, make_user(role))
    for path in ("/visits/figures", "/visits/figures.csv", "/visits/figures/chart.svg?chart=visits"):
        assert client.get(path).status_code == 403, (role, path)


def test_a_visitor_is_sent_to_sign_in(client):
    for path in ("/visits/figures", "/visits/figures.csv", "/visits/figures/chart.svg"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_the_service_refuses_anyone_but_a_coordinator(app):
    from groups_app.core.errors import NotAllowed

    with app.test_request_context(), pytest.raises(NotAllowed):
        program_figures(by=make_user("admin"))
