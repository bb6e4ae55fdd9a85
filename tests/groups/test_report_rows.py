"""The attendance report's rows, written in Python, are what the template's loop wrote, byte for
byte in three languages; its CSV is what the csv module writes for the same figures, a round at a time."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from groups_app.core.csvsafe import safe_row
from groups_app.core.timeutil import set_clock
from groups_app.groups.services import attendance_report
from groups_app.groups.services.attendance import take_attendance
from groups_app.groups.services.attendance_report import GroupMonth, ReportRow
from groups_app.groups.views.report_views import table_rows
from tests.conftest import add_members, count_queries, make_group, make_mother, make_user, past_meeting, today

# The table's body as groups/report.html wrote it before its rows were written in Python.
OLD_BODY = """    <tbody>
    {% for row in report %}
      <tr><th scope="row"><a href="{{ url_for('groups.group_page', group_id=row.group.id) }}">{{ row.group.name }}</a><br><small>{{ row.group.locality.name() }}</small></th>
        <td>{{ row.meetings|numberformat }}</td><td>{{ row.attendances|numberformat }}</td><td>{{ row.distinct|numberformat }}</td>
        <td>{{ row.first_time|numberformat }}</td><td>{{ row.pregnant|numberformat }}</td><td>{{ row.breastfeeding|numberformat }}</td>
        <td>{{ row.regulars|numberformat }}</td></tr>
    {% else %}
      <tr><td colspan="8">{{ _("No groups match.") }}</td></tr>
    {% endfor %}
    </tbody>"""
NEW_BODY = """    <tbody>
    {% if rows %}{# each group's row, written by report_views.table_rows #}{{ rows }}{% else %}
      <tr><td colspan="8">{{ _("No groups match.") }}</td></tr>
    {% endif %}
    </tbody>"""
LANGUAGES = ("en", "he", "ar")


def _as_rows(entries: list[GroupMonth]) -> list[ReportRow]:
    return [ReportRow(e.group.id, e.group.name, e.group.locality.name(), e.meetings, e.attendances, e.distinct,
                      e.first_time, e.pregnant, e.breastfeeding, e.regulars) for e in entries]


def _both(app, entries: list[GroupMonth], rows: list[ReportRow] | None = None) -> tuple[str, str]:
    old = app.jinja_env.from_string(OLD_BODY).render(report=entries)
    new = app.jinja_env.from_string(NEW_BODY).render(rows=table_rows(_as_rows(entries) if rows is None else rows))
    return old, new


def _groups_with_awkward_names():
    return [make_group(name='Rahat <mornings> & "friends"', place="Rahat"),
            make_group(name="=HYPERLINK(\"http://x\"), 'Arad'\nevenings", place="Arad"),
            make_group(name="קבוצת בוקר, דימונה", place="Dimona")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_rows_are_written_as_the_templates_loop_wrote_them(app, language):
    groups = _groups_with_awkward_names()
    entries = [GroupMonth(groups[0], 4, 1234, 56789, 1_000_000, 0, 7, 12),
               GroupMonth(groups[1]), GroupMonth(groups[2], 5, 40, 21, 3, 8, 10, 9)]
    with app.test_request_context(), force_locale(language):
        old, new = _both(app, entries)
        assert new == old
        assert "&lt;mornings&gt; &amp; &#34;friends&#34;" in new
        empty_old, empty_new = _both(app, [])
        assert empty_new == empty_old and "<td colspan" in empty_new


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_rows_hold_the_same_figures_and_html_as_the_objects(app, language):
    set_clock(app, datetime(2026, 11, 20, 10, 0, tzinfo=UTC))  # meetings 2, 9 and 16 days ago fall in this month
    facilitator = make_user("facilitator")
    groups = [make_group(facilitator, name=f"Group {n}", place=place) for n, place in enumerate(("Rahat", "Arad", "Ofakim"))]
    for n, group in enumerate(groups):
        mothers = [make_mother(due_date=today().replace(year=today().year + 1)) for _ in range(n + 2)]
        add_members(group, *mothers)
        for days in (2, 9, 16):
            take_attendance(past_meeting(group, days_ago=days), {m.id for m in mothers[: n + 1]}, [], by=facilitator)
    month = today().replace(day=1)
    with app.test_request_context(), force_locale(language):
        entries = attendance_report.attendance_report(month)
        page = attendance_report.report_page(month)
        assert page.items == _as_rows(entries)
        assert any(row.attendances for row in page.items)
        old, new = _both(app, entries, page.items)
        assert new == old


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_csv_is_what_the_csv_module_writes_for_the_same_figures(app, db, language):
    _groups_with_awkward_names()
    make_group(name="-1 group", place="Rahat")
    make_group(name="Archived").archived = True
    db.session.commit()
    month = today().replace(day=1)
    with app.test_request_context(), force_locale(language):
        entries = attendance_report.attendance_report(month)
        with count_queries(db.engine) as counted:
            chunks = list(attendance_report.csv_chunks(month, chunk=3))
        expected = io.StringIO()
        writer = csv.writer(expected)
        writer.writerow(safe_row([str(c) for c in attendance_report.CSV_COLUMNS]))
        for e in entries:
            writer.writerow(safe_row([e.group.name, e.group.locality.name(), e.meetings, e.attendances, e.distinct,
                                      e.first_time, e.pregnant, e.breastfeeding, e.regulars]))
    assert b"".join(chunks) == b"\xef\xbb\xbf" + expected.getvalue().encode("utf-8")
    assert len(chunks) == 3  # the heading, then three groups and one
    assert counted() == 1 + 2 * 2  # the groups, then per round of three their figures
    body = b"".join(chunks).decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'-1 group" in body and "Archived" not in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_locality_filter_is_what_filter_select_wrote(app, client, language):
    from groups_app.core.places import locality_choices
    from tests.conftest import locality, login

    login(client, make_user("coordinator", language=language))
    chosen = locality("Arad").id
    html = client.get(f"/coordinator/attendance?locality={chosen}").get_data(as_text=True)
    with app.test_request_context(), force_locale(language):
        old = app.jinja_env.from_string(
            '{% from "_macros.html" import filter_select %}'
            '    {{ filter_select("locality", _("Locality"), _("All localities"), localities, locality) }}\n'
        ).render(localities=locality_choices(), locality=chosen)
    assert old in html
    assert f'<option value="{chosen}" selected>' in old


def test_the_pages_groups_are_those_the_filters_chose_before(app, db):
    from tests.conftest import locality

    for n, (place, languages) in enumerate([("Rahat", ["ar"]), ("Rahat", ["he", "ar"]), ("Arad", ["ru", "he"]),
                                            ("Arad", ["he", "ar", "ru"]), ("Dimona", ["am"])] * 6):
        make_group(name=f"Group {n:02d}", place=place, languages=languages)
    make_group(name="Group 99", place="Rahat", languages=["ar"]).archived = True
    db.session.commit()
    month = today().replace(day=1)
    with app.test_request_context(), force_locale("he"):
        for place in (None, "Rahat", "Arad"):
            for language in (None, "ar", "he", "ru", "am", "es"):
                where = locality(place).id if place else None
                expected = [g.id for g in db.session.scalars(attendance_report.groups_query(where, language)).unique()]
                pages = [attendance_report.report_page(month, where, language, page, per_page=4) for page in (1, 2, 9)]
                assert [row.id for page in pages[:2] for row in page.items] == expected[:8]
                assert all(page.total == len(expected) for page in pages)
                assert pages[2].items == [] and pages[2].pages == -(-len(expected) // 4)
