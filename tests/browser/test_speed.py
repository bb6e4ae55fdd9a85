"""The pages the benchmark made lighter, walked as a person would: the directory and the attendance
report a page at a time, and the language switcher, which gives a visitor no cookie until she uses it."""
from __future__ import annotations

from tests.browser.test_groups import sign_in
from tests.conftest import make_group, make_user


def test_a_visitor_pages_through_the_directory_and_gets_a_cookie_only_when_she_picks_a_language(visitor, db):
    for n in range(23):
        make_group(name=f"Group {n:02d}")
    page = visitor.page
    visitor.go("/groups/")
    assert page.context.cookies() == []  # reading needs no session
    assert page.locator(".cards .card").count() == 20
    visitor.screenshot("directory-paged-en")
    visitor.choose_language("ar")  # a form with no token: it works, and only now is there a cookie
    assert visitor.html_dir == "rtl" and [c["name"] for c in page.context.cookies()] == ["session"]
    page.locator('.pager a[rel="next"]').click()
    visitor.check()
    assert page.locator(".cards .card").count() == 3
    visitor.screenshot("directory-paged-ar")


def test_a_coordinator_reads_the_attendance_report_a_page_at_a_time(visitor, db):
    coordinator = make_user("coordinator", language="en")
    for n in range(27):
        make_group(name=f"Group {n:02d}", by=coordinator)
    page = visitor.page
    sign_in(visitor, coordinator)
    page.get_by_role("link", name="Attendance by group").click()
    visitor.check()
    assert page.locator("tbody tr").count() == 25
    visitor.screenshot("report-paged-en")
    page.locator('.pager a[rel="next"]').click()
    visitor.check()
    assert page.locator("tbody tr").count() == 2
    visitor.choose_language("he")
    assert visitor.html_dir == "rtl" and page.locator("tbody tr").count() == 2
    visitor.screenshot("report-paged-he")
