"""The schedule as dates, without a database."""
from datetime import date, time

from groups_app.groups.schedule import occurrences, to_utc


def test_weekly_on_tuesdays():
    days = occurrences("weekly", 1, date(2026, 11, 23), date(2026, 11, 23), date(2026, 12, 15))
    assert days == [date(2026, 11, 24), date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]


def test_every_two_weeks_keeps_its_rhythm_from_the_anchor():
    days = occurrences("biweekly", 6, date(2026, 11, 1), date(2026, 11, 20), date(2026, 12, 31))
    assert days == [date(2026, 11, 29), date(2026, 12, 13), date(2026, 12, 27)]


def test_monthly_keeps_the_ordinal_weekday():
    # 2026-11-10 is the second Tuesday of November
    days = occurrences("monthly", 1, date(2026, 11, 10), date(2026, 11, 1), date(2027, 2, 28))
    assert days == [date(2026, 11, 10), date(2026, 12, 8), date(2027, 1, 12), date(2027, 2, 9)]


def test_monthly_fifth_weekday_becomes_the_fourth():
    days = occurrences("monthly", 3, date(2026, 10, 29), date(2026, 10, 1), date(2026, 12, 31))
    assert days == [date(2026, 11, 26), date(2026, 12, 24)]  # the 29th is a 5th Thursday: from then on the 4th


def test_local_time_becomes_utc_across_daylight_saving():
    summer = to_utc(date(2026, 7, 7), time(10, 0), "Asia/Jerusalem")
    winter = to_utc(date(2026, 12, 8), time(10, 0), "Asia/Jerusalem")
    assert (summer.hour, winter.hour) == (7, 8)
