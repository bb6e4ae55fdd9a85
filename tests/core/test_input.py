"""Input made safe once (core/input.py): control characters, ids and numbers, dates; and the
failures the fuzzer found, each kept as a plain test."""
from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import func, select

from groups_app.core.input import MAX_ID, bounded_int, clean_text, record_id, record_ids
from groups_app.extensions import db
from groups_app.groups.models import Meeting, MeetingQuestion
from groups_app.library.models import Book, Copy, Hold
from tests.conftest import add_members, login, make_book, make_copy, make_group, make_user

HUGE = "9" * 20  # bigger than SQLite's INTEGER and PostgreSQL's bigint


# ---- one place for control characters ---------------------------------------------------------

@pytest.mark.parametrize("sent, kept", [
    ("a\x00b", "ab"),
    ("bell\x07 escape\x1b[31m delete\x7f c1\x85\x9b", "bell escape[31m delete c1"),
    ("two\r\nlines\rand a cr", "two\nlines\nand a cr"),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("lone \ud800 surrogate", "lone  surrogate"),
    ("שלום مرحبا \u202eRLO\u202c \u200f", "שלום مرحبا \u202eRLO\u202c \u200f"),  # direction marks are text
])
def test_control_characters_are_removed_and_line_ends_made_one(sent, kept):
    assert clean_text(sent) == kept


def test_every_form_and_query_string_value_is_cleaned_whoever_reads_it(app):
    with app.test_request_context("/?q=a%00b&k%01ey=v%1b", method="POST",
                                  data={"note": "one\r\ntwo\x00", "name\x00": "x\x9f"}):
        assert request.args["q"] == "ab" and request.args["key"] == "v"
        assert request.form["note"] == "one\ntwo" and request.form["name"] == "x"
        assert request.values.getlist("q") == ["ab"]


def test_bytes_that_are_not_utf8_never_answer_500(client):
    response = client.post("/login", data=b"identifier=%ff%fe&password=\xff\xfe%ed%a0%80",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    assert client.get("/library/?q=%ff%ed%a0%80").status_code == 200


def test_a_nul_in_a_question_is_dropped_not_refused_by_the_database(client):
    mother = make_user("mother")
    group = make_group(make_user("facilitator"))
    add_members(group, mother)
    meeting = db.session.scalars(select(Meeting).where(Meeting.group_id == group.id)).first()
    login(client, mother)
    response = client.post(f"/meetings/{meeting.id}/questions", data={"text": "Is it\x00 normal?\r\nThanks\x1b"})
    assert response.status_code == 302
    assert db.session.scalar(select(MeetingQuestion.text)) == "Is it normal?\nThanks"


def test_a_single_line_field_is_one_line_and_a_text_area_keeps_its_lines(client):
    login(client, make_user("staff"))
    response = client.post("/library/books/new", data={
        "title": "First\nsecond\tthird", "language": "en", "summary": "Line one\r\nline two",
        "source": "https://example.org"})
    assert response.status_code == 302
    book = db.session.scalars(select(Book)).one()
    assert (book.title, book.summary) == ("First second third", "Line one\nline two")


# ---- ids and numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "", " ", "0", "-1", "1.5", "²", "1e3", HUGE, str(MAX_ID + 1), None])
def test_a_value_that_is_no_id_is_refused(value):
    with pytest.raises(ValueError):
        record_id(value)


def test_ids_and_numbers_within_32_bits_are_read():
    assert record_id(" 42 ") == 42 and record_id(str(MAX_ID)) == MAX_ID and record_id("٤٢") == 42
    assert record_ids(["3", "x", HUGE, "²", "5"]) == [3, 5]
    assert bounded_int("-7") == -7
    with pytest.raises(ValueError):
        bounded_int("-" + HUGE)


@pytest.mark.parametrize("group_id", ["abc", HUGE, "", "²", "-3"])
def test_a_hold_with_a_group_that_is_no_id_asks_her_to_choose_a_group(client, group_id, english_by_default):
    mother = make_user("mother")
    group = make_group(make_user("facilitator"))
    add_members(group, mother)
    book = make_book()
    make_copy(book, group, "B-1", status="on_loan")
    login(client, mother)
    response = client.post(f"/library/books/{book.id}/hold", data={"group_id": group_id})
    assert response.status_code == 400
    assert "Please choose a group." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Hold.id))) == 0


@pytest.mark.parametrize("group_id", ["abc", HUGE])
def test_a_copy_for_a_group_that_is_no_id_is_refused_with_a_reason(client, group_id, english_by_default):
    facilitator = make_user("facilitator")
    make_group(facilitator)
    book = make_book()
    login(client, facilitator)
    response = client.post(f"/library/books/{book.id}/copies", data={"group_id": group_id, "code": "NEW-1"})
    assert response.status_code == 400
    assert "Please choose a group." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Copy.id))) == 0


def test_an_admin_form_posted_empty_unticks_everything_instead_of_failing(client):
    person = make_user("facilitator", "mother")
    admin = make_user("admin")
    login(client, admin)
    assert client.post(f"/admin/users/{person.id}", data={}).status_code == 302
    db.session.refresh(person)
    assert person.role_names == set() and not person.active
    assert client.post(f"/admin/users/{admin.id}", data={}).status_code == 400  # not her own admin role
    db.session.refresh(admin)
    assert admin.role_names == {"admin"} and admin.active


def test_a_number_too_big_for_the_database_is_a_form_error(client, english_by_default):
    login(client, make_user("staff"))
    response = client.post("/library/books/new", data={"title": "A book", "language": "en", "year": HUGE,
                                                        "source": "https://example.org"})
    assert response.status_code == 400
    assert "Not a valid integer value." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Book.id))) == 0


@pytest.mark.parametrize("day, message", [
    ("2026-02-30", "Please give the date as year-month-day, for example 2026-03-31."),
    ("99999-01-01", "Please give the date as year-month-day, for example 2026-03-31."),
    ("0001-01-01", "This date is too far in the past or in the future."),
    ("9999-12-31", "This date is too far in the past or in the future."),
])
def test_impossible_dates_are_refused_with_a_clear_message(client, day, message, english_by_default):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    login(client, facilitator)
    response = client.post(f"/groups/{group.id}/meetings/new", data={"day": day, "start_time": "10:00",
                                                                     "duration_minutes": "90"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_choice_that_is_no_id_is_not_a_valid_choice(client, english_by_default):
    coordinator = make_user("coordinator")
    login(client, coordinator)
    response = client.post("/groups/new", data={"name": "G", "locality_id": HUGE, "languages": "he"})
    assert response.status_code == 400
    assert "Not a valid choice." in response.get_data(as_text=True)


# ---- addresses -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    f"/library/books/{HUGE}", "/library/books/2147483648", f"/groups/{HUGE}", f"/meetings/{HUGE}",
    f"/admin/users/{HUGE}", f"/visits/cases/{HUGE}",
])
def test_an_id_too_big_for_the_database_in_an_address_is_not_found(client, path):
    login(client, make_user("admin", "coordinator"))
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (404, 405)


def test_a_control_character_in_an_address_is_not_found(client):
    login(client, make_user("staff"))
    assert client.get("/leaflets/a%00b").status_code == 404
    assert client.post("/password/reset/to%00ken", data={"password": "x"}).status_code == 404


@pytest.mark.parametrize("query", [
    f"/library/?page={HUGE}", f"/library/?group={HUGE}", "/library/?group=²", f"/groups/?locality={HUGE}",
    f"/groups/?weekday={HUGE}", "/library/?page=-5", "/thanks/?year=99999", f"/thanks/?group={HUGE}",
])
def test_numbers_in_a_query_string_that_no_row_has_are_ignored(client, query):
    assert client.get(query).status_code == 200


@pytest.mark.parametrize("query", [
    f"/coordinator/attendance?month=1-01&locality={HUGE}", "/coordinator/attendance?month=99999-01",
    f"/visits/cases?locality_id={HUGE}&volunteer_id={HUGE}", "/visits/figures?year=²&locality=²",
    f"/visits/volunteers?locality={HUGE}",
])
def test_a_coordinators_filters_with_numbers_no_row_has_are_ignored(client, query):
    login(client, make_user("coordinator"))
    assert client.get(query).status_code == 200


def test_a_next_address_with_a_line_break_is_not_followed(client):
    """Found by the fuzzer: a line break in `next` ended the Location header (a 500 from werkzeug)."""
    response = client.post("/language", data={"lang": "en", "next": "/groups/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302
    assert "Set-Cookie" not in response.location and "\n" not in response.location
    assert client.post("/language", data={"lang": "en", "next": "/groups/"}).location.endswith("/groups/")
