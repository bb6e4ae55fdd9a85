"""Referrals: the public form's rules (honeypot, rate limit, phones, dates), eligibility, nearby
groups, the coordinator's inbox, notes and acceptance, the service area, and who may see them."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from groups_app.accounts.models import User
from groups_app.core import audit
from groups_app.core.audit import AuditEvent
from groups_app.core.errors import Conflict, DomainError, NotAllowed
from groups_app.core.mail import OutgoingMail
from groups_app.core.notify import Notice
from groups_app.core.timeutil import set_clock
from groups_app.visits.audit_names import KINDS
from groups_app.visits.models import Case, Referral, ServiceLocality
from groups_app.visits.services import area as area_service
from groups_app.visits.services import referrals as service
from groups_app.visits.services.area import eligibility
from groups_app.visits.services.referrals import ReferralFields, TooManyReferrals
from tests.conftest import assert_max_queries, locality, login, make_group, make_user, today

ADDRESS = "203.0.113.7"


def fields(**overrides) -> ReferralFields:
    values = dict(mother_name="Salma Abu-Kaf", phone="050-123 4567", locality_id=locality("Rahat").id,
                  languages=["ar", "he"], source="nurse", consent=True,
                  baby_birth_date=today() - timedelta(days=40), due_date=None, mother_age=19, first_baby=True,
                  referrer_name="Nurse Rina", referrer_contact="rina@example.org")
    values.update(overrides)
    return ReferralFields(**values)


def refer(address: str = ADDRESS, **overrides) -> Referral:
    return service.receive(fields(**overrides), address=address)


def serve(*names: str) -> None:
    area_service.set_area([locality(n).id for n in names], by=make_user("staff"))


def form_data(**overrides) -> dict:
    data = {"mother_name": "Salma Abu-Kaf", "phone": "050-123 4567", "locality_id": str(locality("Rahat").id),
            "languages": ["ar"], "baby_birth_date": (today() - timedelta(days=40)).isoformat(), "due_date": "",
            "mother_age": "19", "first_baby": "yes", "source": "nurse", "referrer_name": "Nurse Rina",
            "referrer_contact": "", "consent": "y", "website": ""}
    data.update(overrides)
    return data


def events(action: str) -> list[AuditEvent]:
    from groups_app.extensions import db

    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def count(model) -> int:
    from groups_app.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


# ---- eligibility ------------------------------------------------------------------------------------

ON = date(2026, 3, 11)
AREA = {1, 2}


@pytest.mark.parametrize("born, due, place, area, reasons", [
    (date(2025, 4, 11), None, 1, AREA, ()),  # 11 months old
    (date(2025, 3, 12), None, 1, AREA, ()),  # her first birthday is tomorrow
    (date(2025, 3, 11), None, 1, AREA, ("baby_too_old",)),  # a year old today
    (date(2024, 1, 5), None, 1, AREA, ("baby_too_old",)),
    (None, date(2026, 6, 1), 1, AREA, ()),  # pregnant
    (None, date(2025, 12, 1), 1, AREA, ()),  # due date passed: the baby is about 3 months old
    (None, date(2025, 1, 1), 1, AREA, ("baby_too_old",)),
    (date(2024, 1, 5), date(2026, 6, 1), 1, AREA, ()),  # an older baby, and pregnant again
    (None, None, 1, AREA, ("no_date",)),
    (date(2025, 12, 1), None, 3, AREA, ("outside_area",)),
    (date(2025, 12, 1), None, None, AREA, ("outside_area",)),
    (date(2024, 1, 5), None, 3, AREA, ("baby_too_old", "outside_area")),
    (date(2025, 12, 1), None, 3, set(), ()),  # no service area set: not held against her
])
def test_eligibility(born, due, place, area, reasons):
    result = eligibility(baby_birth_date=born, due_date=due, locality_id=place, area=area, on=ON)
    assert result.reasons == reasons
    assert result.eligible is (reasons == ())
    assert result.area_configured is bool(area)
    assert len(result.explanations) == len(reasons)


def test_an_empty_service_area_is_reported_as_not_configured():
    result = eligibility(baby_birth_date=ON, due_date=None, locality_id=5, area=set(), on=ON)
    assert result.eligible and not result.area_configured


def test_eligibility_counts_the_days_on_the_programs_calendar(app, db):
    serve("Rahat")
    set_clock(app, datetime(2026, 3, 10, 23, 30, tzinfo=UTC))  # already 11 March in Israel
    a_year_today = refer(baby_birth_date=date(2025, 3, 11))
    a_day_younger = refer(baby_birth_date=date(2025, 3, 12))
    assert area_service.check(a_year_today).reasons == ("baby_too_old",)
    assert area_service.check(a_day_younger).eligible
    assert a_year_today.eligibility == "baby_too_old" and a_day_younger.eligibility == ""


def test_the_stored_reason_is_the_first_one(app, db):
    serve("Beersheba")
    referral = refer(locality_id=locality("Arad").id)
    assert referral.eligibility == "outside_area"


# ---- the public form's rules ----------------------------------------------------------------------

def test_a_referral_is_saved_with_her_phone_as_e164_and_audited_without_personal_details(app, db):
    referral = refer()
    assert referral.phone == "+972501234567"
    assert referral.status == "new" and referral.languages == "ar,he" and referral.consent
    assert len(referral.address_hash) == 64 and ADDRESS not in referral.address_hash
    [event] = events("referral.received")
    assert event.target == f"referral:{referral.id}" and event.actor_id is None
    text = json.dumps(event.detail)
    for personal in ("Salma", "050", "972", "Rina", "rina@"):
        assert personal not in text


def test_a_filled_in_honeypot_saves_nothing_but_writes_an_audit_event(app, db):
    assert service.receive(fields(), address=ADDRESS, honeypot="http://spam.example") is None
    assert count(Referral) == 0
    assert len(events("referral.ignored")) == 1


def test_more_than_the_hourly_limit_from_one_address_is_refused(app, db):
    app.config["REFERRALS_PER_HOUR"] = 2
    try:
        set_clock(app, datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
        refer(), refer()
        with pytest.raises(TooManyReferrals) as refused:
            refer()
        assert refused.value.status == 429
        assert count(Referral) == 2 and len(events("referral.throttled")) == 1
        refer(address="198.51.100.1")  # another address is counted apart
        set_clock(app, datetime(2026, 3, 1, 9, 1, tzinfo=UTC))  # an hour later
        refer()
        assert count(Referral) == 4
    finally:
        app.config["REFERRALS_PER_HOUR"] = 5


@pytest.mark.parametrize("overrides, field", [
    ({"phone": "12"}, "phone"),
    ({"phone": "050-CALL-ME"}, "phone"),
    ({"phone": ""}, "phone"),
    ({"mother_name": "  "}, "mother_name"),
    ({"languages": []}, "languages"),
    ({"languages": ["xx"]}, "languages"),
    ({"locality_id": None}, "locality_id"),
    ({"locality_id": 999999}, "locality_id"),
    ({"baby_birth_date": None, "due_date": None}, "baby_birth_date"),
    ({"baby_birth_date": "tomorrow"}, "baby_birth_date"),
    ({"baby_birth_date": None, "due_date": "yesterday"}, "due_date"),
    ({"baby_birth_date": None, "due_date": "eleven months"}, "due_date"),
    ({"mother_age": 8}, "mother_age"),
    ({"source": "radio"}, "source"),
    ({"consent": False}, "consent"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(app, db, overrides, field):
    days = {"tomorrow": today() + timedelta(days=1), "yesterday": today() - timedelta(days=1),
            "eleven months": area_service.add_months(today(), 11)}
    overrides = {k: days.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    with pytest.raises(DomainError) as refused:
        refer(**overrides)
    assert refused.value.field == field and refused.value.status == 400
    assert count(Referral) == 0 and events("referral.received") == []


def test_a_due_date_ten_months_ahead_is_accepted(app, db):
    assert refer(baby_birth_date=None, due_date=area_service.add_months(today(), 10)).due_date


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert area_service.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert area_service.add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert area_service.add_months(date(2026, 5, 15), 10) == date(2027, 3, 15)


# ---- nearby groups ----------------------------------------------------------------------------------

def test_nearby_groups_in_her_languages_first_then_by_distance(app, db):
    coordinator = make_user("coordinator")
    near_hebrew = make_group(name="Tel Sheva Hebrew", place="Tel Sheva", languages=["he"], by=coordinator)
    far_arabic = make_group(name="Rahat Arabic", place="Rahat", languages=["ar"], by=coordinator)
    nearer_arabic = make_group(name="Omer Arabic", place="Omer", languages=["ar", "he"], by=coordinator)
    make_group(name="Closed", place="Beersheba", languages=["ar"], open=False, by=coordinator)
    make_group(name="Archived", place="Beersheba", languages=["ar"], by=coordinator).archived = True
    db.session.commit()
    nowhere = make_group(name="Giv'ot Bar group", place="Giv'ot Bar", languages=["ar"], by=coordinator)
    beersheba = locality("Beersheba")
    with assert_max_queries(db.engine, 1):
        found = area_service.nearest_groups(beersheba, ["ar"])
    assert [n.group.id for n in found] == [nearer_arabic.id, far_arabic.id, nowhere.id]
    assert found[0].km == pytest.approx(5.7, abs=1) and found[2].km is None
    assert [n.shares_language for n in found] == [True, True, True]
    assert area_service.nearest_groups(locality("Tel Sheva"), ["ru"], limit=1)[0].group.id == near_hebrew.id


# ---- the coordinator's actions --------------------------------------------------------------------

def test_accepting_creates_her_account_and_opens_a_case_without_emailing_anyone(app, db, coordinator):
    serve("Rahat")
    referral = refer(baby_birth_date=None, due_date=today() + timedelta(days=30))
    case = service.accept(referral, by=coordinator)
    mother = db.session.get(User, case.mother_id)
    assert mother.phone == "+972501234567" and mother.email is None and mother.name == "Salma Abu-Kaf"
    assert mother.role_names == {"mother"} and mother.language == "ar" and mother.other_languages == "he"
    assert not mother.contact_by_email
    assert (case.status, case.opened_on, case.referral_id) == ("waiting", today(), referral.id)
    assert (case.locality_id, case.languages, case.source) == (locality("Rahat").id, "ar,he", "nurse")
    assert (case.mother_age, case.first_baby, case.due_date, case.baby_birth_date) == (19, True, referral.due_date, None)
    assert referral.status == "accepted" and referral.mother_id == mother.id
    assert count(Notice) == 0 and count(OutgoingMail) == 0  # nobody is told or mailed
    [event] = events("referral.accepted")
    assert event.detail == {"mother": mother.id, "case": case.id, "new_account": True, "override": False}


def test_accepting_links_the_account_that_has_her_phone_number(app, db, coordinator):
    existing = make_user("mother", phone="+972501234567", email=None, language="he")
    referral = refer(phone="+972 50-123-4567")
    case = service.accept(referral, by=coordinator)
    assert case.mother_id == existing.id and count(User) == 2  # her and the coordinator
    assert events("referral.accepted")[0].detail["new_account"] is False


def test_an_ineligible_referral_is_accepted_only_with_an_override_and_a_reason(app, db, coordinator):
    serve("Beersheba")
    referral = refer()  # Rahat: outside the area
    with pytest.raises(Conflict) as refused:
        service.accept(referral, by=coordinator)
    assert refused.value.field == "override" and refused.value.status == 409
    with pytest.raises(DomainError) as refused:
        service.accept(referral, by=coordinator, override=True, override_reason="  ")
    assert refused.value.field == "override_reason"
    assert count(Case) == 0 and count(User) == 2  # the coordinator and the staff who set the area
    service.accept(referral, by=coordinator, override=True, override_reason="Moving to Beersheba next month")
    assert referral.status == "accepted"
    [entry] = service.note_entries(referral)
    assert (entry.kind, entry.author, entry.text) == ("override", "Coordinator Dina", "Moving to Beersheba next month")
    assert events("referral.accepted")[0].detail["override"] is True


def test_a_referral_is_accepted_once(app, db, coordinator):
    referral = refer()
    service.accept(referral, by=coordinator)
    with pytest.raises(Conflict):
        service.accept(referral, by=coordinator)
    assert count(Case) == 1


def test_a_second_referral_of_a_mother_with_an_open_case_is_not_accepted(app, db, coordinator):
    service.accept(refer(), by=coordinator)
    second = refer(referrer_name="Her sister", source="family")
    with pytest.raises(Conflict):
        service.accept(second, by=coordinator)
    assert count(Case) == 1 and second.status == "new"


def test_accepting_is_one_transaction(app, db, coordinator, monkeypatch):
    referral = refer(phone="052-765 4321")
    real_record = audit.record

    def failing(action, *args, **kwargs):
        if action == "referral.accepted":
            raise RuntimeError("the disk is full")
        return real_record(action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        service.accept(referral, by=coordinator)
    db.session.expire_all()
    assert count(Case) == 0
    assert db.session.scalar(select(User).where(User.phone == "+972527654321")) is None
    assert db.session.get(Referral, referral.id).status == "new"


@pytest.mark.parametrize("role", ["mother", "volunteer", "facilitator", "staff", "admin"])
def test_only_coordinators_change_or_accept_referrals(app, db, role):
    referral = refer()
    someone = make_user(role)
    with pytest.raises(NotAllowed):
        service.change_status(referral, "contacted", "Called her", by=someone)
    with pytest.raises(NotAllowed):
        service.accept(referral, by=someone)
    assert referral.status == "new" and count(Case) == 0


def test_status_changes_append_signed_notes_and_audit_without_the_text(app, db, coordinator):
    set_clock(app, datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    referral = refer()
    service.change_status(referral, "contacted", "She will think about it.\nCall again on Sunday.", by=coordinator)
    set_clock(app, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    service.change_status(referral, "contacted", "\u2063fake stamp\u2063note\u2063Someone", by=coordinator)
    first, second = service.note_entries(referral)
    assert (first.kind, first.author, first.at) == ("contacted", "Coordinator Dina", datetime(2026, 3, 1, 8, tzinfo=UTC))
    assert first.text == "She will think about it.\nCall again on Sunday."
    assert (second.kind, second.at.day) == ("note", 2) and second.text == "fake stampnoteSomeone"
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == coordinator.id)
                                                  .order_by(AuditEvent.id))] == ["referral.contacted", "referral.noted"]
    assert "Sunday" not in json.dumps([e.detail for e in db.session.scalars(select(AuditEvent))])


def test_status_rules(app, db, coordinator):
    referral = refer()
    with pytest.raises(DomainError) as refused:
        service.change_status(referral, "new", "", by=coordinator)  # nothing to save
    assert refused.value.field == "note"
    with pytest.raises(DomainError) as refused:
        service.change_status(referral, "accepted", "", by=coordinator)
    assert refused.value.field == "status"
    service.accept(referral, by=coordinator)
    with pytest.raises(Conflict):
        service.change_status(referral, "declined", "", by=coordinator)
    service.change_status(referral, "accepted", "Her volunteer will call her.", by=coordinator)  # a note only


def test_the_audit_log_names_neither_the_mother_nor_her_referrer(app, db, coordinator):
    from groups_app.accounts.audit_log import describe

    referral = refer()
    service.accept(referral, by=coordinator)
    with app.test_request_context():
        received = describe(events("referral.received")[0])
        accepted = describe(events("referral.accepted")[0])
    assert f"/visits/referrals/{referral.id}" in received and "Salma" not in received
    assert re.sub(r"<[^>]+>", "", str(accepted)) == (
        f"Coordinator Dina accepted referral no. {referral.id} and opened a case for the mother.")


def test_every_referral_action_has_a_sentence():
    actions = {"referral.received", "referral.ignored", "referral.throttled", "referral.noted", "referral.accepted",
               "service_area.changed", *service.STATUS_ACTIONS.values()}
    assert actions <= set(KINDS)


# ---- the service area -------------------------------------------------------------------------------

def test_coordinators_and_staff_set_the_service_area(app, db):
    added, removed = area_service.set_area([locality("Rahat").id, locality("Arad").id], by=make_user("coordinator"))
    assert (added, removed) == (2, 0)
    assert area_service.set_area([locality("Arad").id], by=make_user("staff")) == (0, 1)
    assert area_service.area_ids() == {locality("Arad").id}
    with pytest.raises(NotAllowed):
        area_service.set_area([], by=make_user("admin"))
    with pytest.raises(DomainError):
        area_service.set_area([999999], by=make_user("staff"))
    assert len(events("service_area.changed")) == 2 and count(ServiceLocality) == 1


# ---- pages ------------------------------------------------------------------------------------------

def test_the_form_is_open_to_anyone_with_her_language_preselected_and_a_hidden_trap(client, db):
    client.post("/language", data={"lang": "ru"})
    html = client.get("/refer").get_data(as_text=True)
    assert re.search(r'<input checked id="languages-\d" name="languages" type="checkbox" value="ru">', html)
    assert re.search(r'class="referral-trap" aria-hidden="true"', html)
    assert re.search(r'<input[^>]*id="website"[^>]*tabindex="-1"', html)


def test_sending_the_form_leads_to_the_thank_you_page_which_says_nothing_of_eligibility(client, db):
    serve("Beersheba")  # she is outside it: the referrer is not told
    response = client.post("/refer", data=form_data(), environ_base={"REMOTE_ADDR": ADDRESS})
    assert response.status_code == 302 and response.location.endswith("/refer/thanks")
    assert count(Referral) == 1
    html = client.get(response.location).get_data(as_text=True)
    assert "What happens next" in html and "eligib" not in html.lower() and "service area" not in html


def test_a_refused_form_keeps_what_she_typed(client, db):
    response = client.post("/refer", data=form_data(phone="050-12", referrer_name="Nurse Rina Levi"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and count(Referral) == 0
    assert 'id="phone-error"' in html and 'value="050-12"' in html and 'value="Nurse Rina Levi"' in html
    assert 'value="Salma Abu-Kaf"' in html


def test_a_future_birth_date_is_refused_on_the_form(client, db):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client.post("/refer", data=form_data(baby_birth_date=tomorrow))
    assert response.status_code == 400 and 'id="baby_birth_date-error"' in response.get_data(as_text=True)


def test_the_rate_limit_answers_429_and_keeps_the_form(app, client, db):
    app.config["REFERRALS_PER_HOUR"] = 1
    try:
        assert client.post("/refer", data=form_data(), environ_base={"REMOTE_ADDR": ADDRESS}).status_code == 302
        response = client.post("/refer", data=form_data(mother_name="Second Mother"),
                               environ_base={"REMOTE_ADDR": ADDRESS})
        html = response.get_data(as_text=True)
        assert response.status_code == 429 and "Too many referrals" in html and 'value="Second Mother"' in html
        assert count(Referral) == 1
    finally:
        app.config["REFERRALS_PER_HOUR"] = 5


def test_a_bot_filling_the_trap_is_thanked_and_nothing_is_saved(client, db):
    response = client.post("/refer", data=form_data(website="http://spam.example"))
    assert response.status_code == 302 and response.location.endswith("/refer/thanks")
    assert count(Referral) == 0 and len(events("referral.ignored")) == 1


def test_the_form_in_arabic_is_right_to_left_and_submits(client, db):
    client.post("/language", data={"lang": "ar"})
    html = client.get("/refer").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert re.search(r'<input checked id="languages-\d" name="languages" type="checkbox" value="ar">', html)
    assert client.post("/refer", data=form_data()).status_code == 302
    thanks = client.get("/refer/thanks").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in thanks


@pytest.mark.parametrize("role", ["mother", "volunteer", "staff", "facilitator", "admin"])
def test_only_coordinators_see_the_inbox_and_referrals(app, client, db, role):
    referral = refer()
    login(client, make_user(role))
    assert client.get("/visits/referrals").status_code == 403
    assert client.get(f"/visits/referrals/{referral.id}").status_code == 403
    assert client.post(f"/visits/referrals/{referral.id}", data={"status": "declined"}).status_code == 403
    assert client.post(f"/visits/referrals/{referral.id}/accept").status_code == 403
    assert referral.status == "new" and count(Case) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    referral = refer()
    for path in ("/visits/referrals", f"/visits/referrals/{referral.id}", "/visits/area"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location
    assert "/login" in client.post(f"/visits/referrals/{referral.id}/accept").location


def test_the_inbox_filters_by_status_with_counts_in_a_fixed_number_of_queries(app, client, db, coordinator):
    for n in range(3):
        refer(address=f"198.51.100.{n}", mother_name=f"Mother {n}")
    service.change_status(refer(mother_name="Called Mother"), "contacted", "", by=coordinator)
    login(client, coordinator)
    with assert_max_queries(db.engine, 7):
        html = client.get("/visits/referrals").get_data(as_text=True)
    assert "All: 4 referrals" in html and "3 new referrals" in html and "1 contacted" in html
    for n in range(12):
        refer(address=f"192.0.2.{n}", mother_name=f"More {n}")
    with assert_max_queries(db.engine, 7):
        client.get("/visits/referrals")
    html = client.get("/visits/referrals?status=contacted").get_data(as_text=True)
    assert "Called Mother" in html and "Mother 0" not in html
    assert client.get("/visits/referrals?status=nonsense").status_code == 200


def test_the_inbox_pages(app, client, db, coordinator):
    for n in range(30):
        refer(address=f"192.0.2.{n}", mother_name=f"Mother {n:02d}")
    login(client, coordinator)
    first = client.get("/visits/referrals").get_data(as_text=True)
    second = client.get("/visits/referrals?page=2").get_data(as_text=True)
    assert "Mother 29" in first and "Mother 00" not in first and "Mother 00" in second
    assert 'rel="next"' in first


def test_the_referral_page_explains_eligibility_and_suggests_groups(app, client, db, coordinator):
    serve("Beersheba")
    group = make_group(name="Rahat Arabic mornings", place="Rahat", languages=["ar"])
    referral = refer(locality_id=locality("Tel Sheva").id)
    login(client, coordinator)
    html = client.get(f"/visits/referrals/{referral.id}").get_data(as_text=True)
    assert "outside the program" in html and f'/groups/{group.id}"' in html and "Rahat Arabic mornings" in html
    assert "050-123-4567" in html and "Nurse (family health clinic)" in html
    assert 'name="override"' in html


def test_the_referral_page_says_when_the_service_area_is_not_set(client, db, coordinator):
    referral = refer()
    login(client, coordinator)
    html = client.get(f"/visits/referrals/{referral.id}").get_data(as_text=True)
    assert "The service area is not set yet" in html and 'name="override"' not in html


def test_a_status_change_with_a_note_from_the_page(client, db, coordinator):
    referral = refer()
    login(client, coordinator)
    response = client.post(f"/visits/referrals/{referral.id}", data={"status": "contacted", "note": "Left a message."})
    assert response.status_code == 302
    html = client.get(f"/visits/referrals/{referral.id}").get_data(as_text=True)
    assert "Left a message." in html and "Coordinator Dina" in html
    refused = client.post(f"/visits/referrals/{referral.id}", data={"status": "contacted", "note": ""})
    assert refused.status_code == 400


def test_accepting_from_the_page_and_refusing_an_ineligible_one_without_override(client, db, coordinator):
    serve("Beersheba")
    outside = refer()
    inside = refer(locality_id=locality("Beersheba").id, phone="052-765 4321")
    login(client, coordinator)
    response = client.post(f"/visits/referrals/{outside.id}/accept", data={"override_reason": "She asked twice"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="override-error"' in html and "She asked twice" in html
    assert count(Case) == 0
    response = client.post(f"/visits/referrals/{inside.id}/accept")
    assert response.status_code == 302 and count(Case) == 1
    html = client.get(f"/visits/referrals/{inside.id}").get_data(as_text=True)
    assert "her case is open" in html
    assert client.post(f"/visits/referrals/{inside.id}/accept").status_code == 409
    assert client.get("/visits/referrals/999999").status_code == 404


@pytest.mark.parametrize("role, status", [("coordinator", 200), ("staff", 200), ("mother", 403), ("admin", 403),
                                          ("volunteer", 403), ("facilitator", 403)])
def test_the_service_area_page_is_for_coordinators_and_staff(client, db, role, status):
    login(client, make_user(role))
    response = client.get("/visits/area")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert html.count('name="localities"') == 38
        response = client.post("/visits/area", data={"localities": [str(locality("Rahat").id)]})
        assert response.status_code == 302 and area_service.area_ids() == {locality("Rahat").id}
