"""CSV injection: every CSV the app writes shows a cell that starts like a formula as text."""
import csv
import io

import pytest

from groups_app.core.csvsafe import safe_cell, safe_row
from tests.conftest import login, make_group, make_user

EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("value", [EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_starting_like_a_formula_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value, shown", [("Rahat mornings", "Rahat mornings"), ("רהט - בוקר", "רהט - בוקר"),
                                          (None, ""), (12, 12), (-3, -3), (2.5, 2.5), (True, "True")])
def test_other_cells_are_left_as_they_are(value, shown):
    assert safe_cell(value) == shown


def test_a_row_is_made_safe_cell_by_cell():
    assert safe_row([EVIL, 4, "ok"]) == ["'" + EVIL, 4, "ok"]


def test_the_attendance_csv_shows_a_formula_named_group_as_text(app, client):
    make_group(name=EVIL, place="Rahat")
    login(client, make_user("coordinator"))
    response = client.get("/coordinator/attendance.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
