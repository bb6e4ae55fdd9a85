"""Privacy: old closed cases lose their names and words; the counts for the figures stay."""
from __future__ import annotations

from datetime import UTC, date, datetime

from groups_app.core.audit import AuditEvent
from groups_app.core.timeutil import set_clock
from groups_app.extensions import db as _db
from groups_app.visits.models import Case, Concern, Referral, VisitLog
from tests.conftest import make_user
from tests.visits.conftest import make_case, make_volunteer


def _closed_case(closed_on: date, tag: str) -> Case:
    referral = Referral(mother_name=f"Mother {tag}", phone="+972501234567", languages="he", source="nurse",
                        referrer_name="Nurse Rivka", referrer_contact="rivka@example.org", consent=True,
                        status="accepted", notes="Referral note")
    _db.session.add(referral)
    _db.session.commit()
    volunteer = make_volunteer()
    case = make_case(make_user("mother", name=f"Mother {tag}"), volunteer=volunteer, referral=referral,
                     matched_on=date(2017, 1, 10), baby_birth_date=date(2016, 12, 1), status="closed",
                     closed_on=closed_on, close_reason="moved_away", close_note=f"Close note {tag}",
                     notes=f"Case note {tag}")
    _db.session.add(VisitLog(case_id=case.id, volunteer_id=volunteer.id, visited_on=date(2017, 2, 1), minutes=75,
                             mood=2, notes=f"Visit note {tag}", form_token=f"token-{tag}"))
    _db.session.add(Concern(case_id=case.id, raised_by_id=volunteer.user_id, about="mother", what=f"Worry {tag}",
                            handled_how=f"Handled {tag}"))
    _db.session.commit()
    return case


def test_anonymise_clears_old_closed_cases_and_keeps_the_counts(app, db):
    set_clock(app, datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    old = _closed_case(date(2019, 4, 30), "old")  # more than 7 years ago
    recent = _closed_case(date(2019, 5, 2), "recent")
    active = make_case(volunteer=make_volunteer(), notes="Active note")

    result = app.test_cli_runner().invoke(args=["visits", "anonymise"])
    assert result.exit_code == 0 and result.output.startswith("1 closed cases anonymised")
    _db.session.expire_all()

    old = _db.session.get(Case, old.id)
    assert (old.notes, old.close_note, old.mother_id) == ("", "", None) and old.anonymised_at is not None
    assert (old.close_reason, old.closed_on, old.matched_on, old.source) == ("moved_away", date(2019, 4, 30),
                                                                              date(2017, 1, 10), "nurse")
    [visit] = VisitLog.query.filter_by(case_id=old.id).all()
    assert (visit.notes, visit.minutes, visit.mood, visit.visited_on) == ("", 75, 2, date(2017, 2, 1))
    [concern] = Concern.query.filter_by(case_id=old.id).all()
    assert (concern.what, concern.handled_how, concern.about) == ("", "", "mother")
    referral = _db.session.get(Referral, old.referral_id)
    assert (referral.mother_name, referral.phone, referral.referrer_contact, referral.notes) == ("", "", "", "")
    assert referral.source == "nurse"

    recent = _db.session.get(Case, recent.id)
    assert recent.notes == "Case note recent" and recent.mother_id is not None and recent.anonymised_at is None
    assert _db.session.get(Case, active.id).notes == "Active note"
    [event] = AuditEvent.query.filter_by(action="cases.anonymised").all()
    assert event.detail == {"cases": 1, "years": 7}
    assert "old" not in str(event.detail)

    again = app.test_cli_runner().invoke(args=["visits", "anonymise"])
    assert again.output.startswith("0 closed cases")


def test_anonymise_takes_the_years_from_the_option_or_the_settings(app, db):
    set_clock(app, datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    _closed_case(date(2023, 1, 1), "three years")
    assert app.test_cli_runner().invoke(args=["visits", "anonymise"]).output.startswith("0 ")
    app.config["CASE_RETENTION_YEARS"] = 2
    try:
        assert app.test_cli_runner().invoke(args=["visits", "anonymise"]).output.startswith("1 ")
    finally:
        app.config["CASE_RETENTION_YEARS"] = 7
    _closed_case(date(2025, 1, 1), "last year")
    assert app.test_cli_runner().invoke(args=["visits", "anonymise", "--years", "1"]).output.startswith("1 ")


def test_an_anonymised_case_still_opens_for_a_coordinator(client, db):
    from groups_app.visits.services.privacy import anonymise_old_cases
    from tests.conftest import login

    case = _closed_case(date(2015, 1, 1), "ancient")
    anonymise_old_cases()
    login(client, make_user("coordinator"))
    page = client.get(f"/visits/cases/{case.id}").get_data(as_text=True)
    assert "An anonymised case" in page and "ancient" not in page


def test_her_data_download_says_she_has_a_case_and_who_visits_her_but_not_the_notes(client, db):
    import json

    from groups_app.visits.models import VisitLog
    from tests.conftest import login, make_user

    mother = make_user("mother", name="Salma Abu-Kaf", language="en")
    volunteer = make_volunteer(name="Amal Haddad")
    case = make_case(mother, volunteer=volunteer, notes="Private working note")
    db.session.add(VisitLog(case_id=case.id, volunteer_id=volunteer.id, visited_on=case.matched_on, minutes=60,
                            mood=4, notes="What they talked about", form_token="export-test"))
    db.session.commit()
    login(client, mother)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    [mine] = data["home_visits"]
    assert mine["volunteer"] == "Amal" and mine["status"] == case.status
    assert mine["visits"] == [case.matched_on.isoformat()] and mine["next_visit_at"] is None
    text = json.dumps(data, ensure_ascii=False)
    assert "Private working note" not in text and "What they talked about" not in text and "Haddad" not in text
