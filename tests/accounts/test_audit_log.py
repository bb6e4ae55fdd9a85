"""The audit log in words: a sentence for every action, names and links, filters, paging, access."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from groups_app.accounts.audit_filters import people_matching
from groups_app.accounts.audit_log import KINDS, all_kinds, by_day, describe, names_for
from groups_app.accounts.auth import SignInRefused, authenticate
from groups_app.core import audit
from groups_app.core.audit import AuditEvent
from groups_app.groups import audit_names as groups_names
from groups_app.groups.models import Topic, TopicText
from groups_app.leaflets import audit_names as leaflets_names
from groups_app.leaflets.models import Leaflet, LeafletTranslation
from groups_app.library import audit_names as library_names
from tests.conftest import (
    PASSWORD,
    assert_max_queries,
    count_queries,
    login,
    make_book,
    make_copy,
    make_group,
    make_mother,
    make_user,
    past_meeting,
)

SOURCE = Path(__file__).resolve().parents[2] / "groups_app"
# Actions whose name the code builds (f"leaflet.{action}"): what each can become.
BUILT_NAMES = {"leaflet.{action}": {"leaflet.draft", "leaflet.review", "leaflet.publish"}}


def plain(markup) -> str:
    return re.sub(r"<[^>]+>", "", str(markup)).replace("&#39;", "'").replace("&amp;", "&")


def add_event(action: str, actor=None, target: str | None = None, detail: dict | None = None,
              at: datetime | None = None, address: str | None = None, path: str | None = None) -> AuditEvent:
    from groups_app.extensions import db

    event = AuditEvent(action=action, actor_id=actor.id if actor else None, target=target, detail=detail,
                       address=address, path=path)
    if at is not None:
        event.at = at
    db.session.add(event)
    db.session.commit()
    return event


def recorded_actions() -> set[str]:
    """Every action name the code passes to audit.record / record_now, read from the source."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for call in re.findall(r"(?:audit\.record|record_now)\(\s*((?:f?\"[^\"]+\"(?:\s+if\s+[^\n]+?\s+else\s+)?)+)",
                               path.read_text(encoding="utf-8")):
            for name in re.findall(r"\"([a-z_]+\.[a-z_{}]+)\"", call):
                if "{" in name:
                    assert name in BUILT_NAMES, f"{path}: {name} is built at run time: list what it can become"
                    found |= BUILT_NAMES[name]
                else:
                    found.add(name)
    return found


# ---- sentences ------------------------------------------------------------------------------

def test_every_action_the_code_records_has_a_sentence(app):
    recorded = recorded_actions()
    assert len(recorded) > 30  # the search itself works
    assert recorded - set(all_kinds()) == set(), "add a sentence: accounts/audit_log.py KINDS, or the feature's audit_kinds"


@pytest.fixture
def world(db):
    """One of each thing the log talks about."""
    admin = make_user("admin", name="Dana Admin")
    mira = make_mother(name="Mira Cohen")
    facilitator = make_user("facilitator", name="Amal Abu-Rabia")
    group = make_group(facilitator, name="Rahat mornings")
    meeting = past_meeting(group, days_ago=3)
    book = make_book(title="Baby's first year")
    copy = make_copy(book, group, "RA-7")
    topic = Topic(slug="latch", texts=[TopicText(language="en", title="Positioning and latch")])
    leaflet = Leaflet(slug="jaundice", source_language="en",
                      translations=[LeafletTranslation(language="en", title="Jaundice in newborns", body="..."),
                                    LeafletTranslation(language="ar", title="اليرقان عند المواليد", body="...")])
    db.session.add_all([topic, leaflet])
    db.session.commit()
    return dict(admin=admin, mira=mira, facilitator=facilitator, group=group, meeting=meeting, book=book,
                copy=copy, topic=topic, leaflet=leaflet)


def sentence_cases(w):
    admin, mira, fac = w["admin"], w["mira"], w["facilitator"]
    group, meeting, book = w["group"], w["meeting"], w["book"]
    g, m, b, me = f"group:{group.id}", f"meeting:{meeting.id}", f"book:{book.id}", f"user:{mira.id}"
    day = meeting.start.astimezone(ZoneInfo("Asia/Jerusalem")).date()
    when = f"{day:%B} {day.day}, {day.year}"  # English "long" date
    return [
        ("login.succeeded", mira, None, None, "Mira Cohen signed in."),
        ("login.failed", mira, None, {"address": "10.0.0.9"}, "A sign-in to the account of Mira Cohen failed."),
        ("login.failed", None, None, {"address": "10.0.0.9"},
         "A sign-in failed: no account has that email address or phone number."),
        ("login.throttled", None, None, {"address": "10.0.0.9"}, "A sign-in was refused after too many failed tries."),
        ("login.under_attack", None, me, {"failures": 10, "addresses": 3},
         "Many sign-ins to the account of Mira Cohen failed; they were told by a notice."),
        ("password.changed", mira, me, None, "Mira Cohen changed their password."),
        ("password.reset_requested", mira, None, None, "Mira Cohen asked for a link to reset their password."),
        ("password.reset_requested", None, None, None,
         "Someone asked for a password reset link for an email address or phone number with no account."),
        ("password.reset", mira, me, None, "Mira Cohen set a new password with a reset link."),
        ("account.registered", mira, me, None, "Mira Cohen created an account."),
        ("account.register_existing", None, me, None,
         "Someone tried to join with the email address of Mira Cohen; they were told by email."),
        ("account.confirmed", mira, me, None, "Mira Cohen opened the link sent to their email address and finished joining."),
        ("mail.retried", admin, "mail:7", None, "Dana Admin sent again a message that could not be sent."),
        ("profile.updated", mira, me, {"fields": ["name"]}, "Mira Cohen changed their profile."),
        ("account.phone_code_sent", mira, me, None,
         "Mira Cohen asked for a code by text message to confirm their phone number."),
        ("account.phone_confirmed", mira, me, None, "Mira Cohen confirmed their phone number with the code texted to it."),
        ("role.granted", admin, me, {"role": "facilitator"}, "Dana Admin gave Mira Cohen the role Facilitator."),
        ("role.removed", admin, me, {"role": "mother"}, "Dana Admin took the role Mother from Mira Cohen."),
        ("account.enabled", admin, me, None, "Dana Admin enabled the account of Mira Cohen."),
        ("account.disabled", admin, me, None, "Dana Admin disabled the account of Mira Cohen."),
        ("account.deleted", None, "user:99999", None, "Someone deleted their own account."),
        ("access.denied", mira, None, {"reason": "forbidden"}, "Mira Cohen was refused the page /admin/audit."),
        ("group.created", admin, g, None, "Dana Admin created the group Rahat mornings."),
        ("group.updated", admin, g, None, "Dana Admin changed the details of Rahat mornings."),
        ("group.schedule_changed", fac, g, {"from": "2026-03-31"},
         "Amal Abu-Rabia changed the schedule of Rahat mornings from March 31, 2026."),
        ("group.joined", mira, g, None, "Mira Cohen joined Rahat mornings."),
        ("group.waitlisted", mira, g, None, "Mira Cohen joined the waiting list of Rahat mornings."),
        ("group.left", mira, g, {"user": mira.id}, "Mira Cohen left Rahat mornings."),
        ("group.left", fac, g, {"user": mira.id}, "Amal Abu-Rabia removed Mira Cohen from Rahat mornings."),
        ("group.member_added", fac, g, {"user": mira.id}, "Amal Abu-Rabia added Mira Cohen to Rahat mornings."),
        ("guest.became_member", fac, g, {"guest": 4, "user": mira.id},
         "Amal Abu-Rabia made Mira Cohen, a guest, a member of Rahat mornings."),
        ("topic.saved", admin, "topic:latch", None, "Dana Admin saved the topic Positioning and latch."),
        ("meeting.added", fac, m, None, f"Amal Abu-Rabia added a meeting of Rahat mornings on {when}."),
        ("meeting.moved", fac, m, None, f"Amal Abu-Rabia moved a meeting of Rahat mornings; it is now on {when}."),
        ("meeting.cancelled", fac, m, None, f"Amal Abu-Rabia cancelled the meeting of Rahat mornings on {when}."),
        ("meeting.restored", fac, m, None,
         f"Amal Abu-Rabia undid the cancellation of the meeting of Rahat mornings on {when}."),
        ("meeting.planned", fac, m, None, f"Amal Abu-Rabia planned the meeting of Rahat mornings on {when}."),
        ("attendance.taken", fac, m, {"added": [mira.id], "removed": [], "guests_added": 0},
         f"Amal Abu-Rabia took attendance at the meeting of Rahat mornings on {when}."),
        ("attendance.changed", fac, m, {"added": [], "removed": [mira.id], "guests_added": 0},
         f"Amal Abu-Rabia changed the attendance of the meeting of Rahat mornings on {when}."),
        ("library.rules", fac, g, {"loan_days": 21}, "Amal Abu-Rabia changed the library rules of Rahat mornings."),
        ("book.saved", admin, b, None, "Dana Admin saved the book Baby's first year."),
        ("copy.added", fac, "copy:RA-7", None, "Amal Abu-Rabia added copy RA-7 of Baby's first year."),
        ("hold.placed", mira, b, {"group": group.id}, "Mira Cohen asked to borrow Baby's first year at Rahat mornings."),
        ("loan.out", fac, "copy:RA-7", {"user": mira.id, "override": False},
         "Amal Abu-Rabia lent Baby's first year (copy RA-7) to Mira Cohen."),
        ("loan.out", fac, "copy:RA-7", {"user": mira.id, "override": True},
         "Amal Abu-Rabia lent Baby's first year (copy RA-7) to Mira Cohen beyond the library's limits."),
        ("loan.returned", fac, "copy:RA-7", None, "Amal Abu-Rabia took back copy RA-7 of Baby's first year."),
        ("copy.damaged", fac, "copy:RA-7", None, "Amal Abu-Rabia set aside copy RA-7 of Baby's first year as damaged."),
        ("copy.lost", fac, "copy:RA-7", None, "Amal Abu-Rabia marked copy RA-7 of Baby's first year as lost."),
        ("leaflet.saved", admin, "leaflet:jaundice", None,
         "Dana Admin saved the settings of the leaflet Jaundice in newborns."),
        ("leaflet.draft", admin, "leaflet:jaundice:ar", None,
         "Dana Admin saved a draft of اليرقان عند المواليد in Arabic."),
        ("leaflet.review", admin, "leaflet:jaundice:en", None, "Dana Admin sent Jaundice in newborns in English for review."),
        ("leaflet.publish", admin, "leaflet:jaundice:en", None, "Dana Admin published Jaundice in newborns in English."),
        ("leaflet.withdrawn", admin, "leaflet:jaundice:en", None, "Dana Admin withdrew Jaundice in newborns in English."),
    ]


def test_each_known_action_reads_as_a_sentence_with_names(app, world):
    cases = sentence_cases(world)
    covered = set(KINDS) | set(groups_names.KINDS) | set(library_names.KINDS) | set(leaflets_names.KINDS)
    assert {case[0] for case in cases} == covered, "every kind needs a case here"
    events = [add_event(action, actor, target, detail, path="/admin/audit" if action == "access.denied" else None)
              for action, actor, target, detail, _ in cases]
    with app.test_request_context(), force_locale("en"):
        names = names_for(events)
        wrong = [(event.action, plain(describe(event, names)), expected)
                 for event, (*_, expected) in zip(events, cases, strict=True) if plain(describe(event, names)) != expected]
    assert wrong == []


def test_names_link_to_the_person_the_group_the_meeting_and_the_book(app, world):
    mira, fac, group, meeting, book = world["mira"], world["facilitator"], world["group"], world["meeting"], world["book"]
    taken = add_event("attendance.taken", fac, f"meeting:{meeting.id}")
    lent = add_event("loan.out", fac, "copy:RA-7", {"user": mira.id, "override": False})
    with app.test_request_context(), force_locale("en"):
        html = str(describe(taken)) + str(describe(lent))
    assert f'href="/admin/users/{fac.id}"' in html and f'href="/admin/users/{mira.id}"' in html
    assert f'href="/groups/{group.id}"' in html and f'href="/meetings/{meeting.id}"' in html
    assert f'href="/library/books/{book.id}"' in html


def test_names_are_escaped(app, db):
    sly = make_mother(name="<script>alert(1)</script>")
    event = add_event("login.succeeded", sly)
    with app.test_request_context():
        html = str(describe(event))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_unknown_action_falls_back_to_a_plain_sentence(app, db):
    mira = make_mother(name="Mira Cohen")
    event = add_event("ghost.haunted", mira, "case:4", {"note": "never shown", "minutes": 30})
    with app.test_request_context(), force_locale("en"):
        text = plain(describe(event))
    assert text == "Mira Cohen did something the log has no words for yet (ghost.haunted)."
    assert "never shown" not in text and "30" not in text


def test_a_deleted_actor_or_thing_still_reads(app, db):
    admin = make_user("admin", name="Dana Admin")
    gone = add_event("group.updated", None, "group:424242")
    lent = add_event("loan.out", admin, "copy:XX-1", {"user": 515151, "override": False})
    with app.test_request_context(), force_locale("en"):
        names = names_for([gone, lent])
        assert plain(describe(gone, names)) == "someone whose account was deleted changed the details of (not recorded)."
        assert plain(describe(lent, names)) == (
            "Dana Admin lent (not recorded) (copy XX-1) to someone whose account was deleted.")


def test_days_and_times_are_on_the_programs_calendar(app, db):
    mira = make_mother(name="Mira Cohen")
    add_event("login.succeeded", mira, at=datetime(2026, 3, 30, 23, 30, tzinfo=UTC))  # 02:30 on the 31st in Israel
    with app.test_request_context(), force_locale("en"):
        days = by_day(list(db.session.scalars(select(AuditEvent))))
    assert days[0].label == "Tuesday, March 31, 2026"
    assert days[0].lines[0].time == "2:30\u202fAM"
    with app.test_request_context(), force_locale("he"):
        days = by_day(list(db.session.scalars(select(AuditEvent))))
    assert "31 במרץ 2026" in days[0].label and days[0].lines[0].time == "2:30"


# ---- whose events ---------------------------------------------------------------------------

def test_a_persons_events_are_hers_and_those_about_her(app, db):
    admin, mira, other = make_user("admin"), make_mother(name="Mira Cohen"), make_mother(name="Salma Nasser")
    hers = [add_event("login.succeeded", mira).id,
            add_event("role.granted", admin, f"user:{mira.id}", {"role": "facilitator"}).id,
            add_event("loan.out", admin, "copy:A-1", {"user": mira.id, "override": False}).id]
    add_event("login.succeeded", other)
    add_event("loan.out", admin, "copy:A-2", {"user": other.id, "override": False})
    add_event("login.throttled", None, None, {"address": "10.0.0.1"})
    add_event("visit.logged", admin, None, {"user": "not a number"})  # breaks neither the query nor the page
    shown = audit.recent_events(person_id=mira.id).items
    assert sorted(e.id for e in shown) == sorted(hers)


def test_failed_sign_ins_of_one_person(app, db):
    mira, salma = make_mother(name="Mira Cohen", email="mira@example.org"), make_mother(email="salma@example.org")
    for identifier, address in [("mira@example.org", "10.0.0.1"), ("MIRA@example.org ", "10.0.0.2"),
                                ("salma@example.org", "10.0.0.3"), ("nobody@example.org", "10.0.0.4")]:
        with pytest.raises(SignInRefused):
            authenticate(identifier, "not her password", address)
    authenticate("mira@example.org", PASSWORD, "10.0.0.5")
    failures = audit.recent_events(person_id=mira.id, actions=["login.failed"]).items
    assert [e.detail["address"] for e in failures] == ["10.0.0.2", "10.0.0.1"]
    assert [e.detail["address"] for e in audit.recent_events(person_id=salma.id).items] == ["10.0.0.3"]


def test_the_person_is_found_by_email_phone_or_whole_name_before_parts_of_names(app, db):
    ann = make_mother(name="Ann", email="ann@example.org", phone="+972501234567")
    joann = make_mother(name="Joann", email="joann@example.org")
    assert people_matching("ann@example.org") == [ann]
    assert people_matching("050-123 4567") == [ann]
    assert people_matching("ann") == [ann]  # her whole name, though Joann contains it
    assert set(people_matching("an")) == {ann, joann}


# ---- the page ---------------------------------------------------------------------------------

def test_only_admins_read_the_audit_log(client, db):
    assert client.get("/admin/audit").status_code == 302  # to sign in
    for role in ("mother", "facilitator", "coordinator", "staff", "volunteer"):
        login(client, make_user(role))
        assert client.get("/admin/audit").status_code == 403, role
        client.post("/logout")


def test_the_page_shows_sentences_not_codes(client, db):
    admin, mira = make_user("admin", name="Dana Admin"), make_mother(name="Mira Cohen")
    add_event("loan.out", admin, "copy:A-1", {"user": mira.id, "override": False}, address="10.1.2.3")
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Dana Admin</bdi></a> lent" in page and "Mira Cohen" in page and "10.1.2.3" in page
    assert "loan.out {" not in page and "&#34;override&#34;" not in page and "override" not in page


def test_filter_by_person_and_kind(client, db):
    admin = make_user("admin", name="Dana Admin")
    mira, salma = make_mother(name="Mira Cohen", email="mira@example.org"), make_mother(name="Salma Nasser")
    add_event("login.failed", mira, detail={"address": "10.0.0.1"})
    add_event("login.failed", mira, detail={"address": "10.0.0.2"})
    add_event("login.failed", salma, detail={"address": "10.0.0.3"})
    add_event("login.succeeded", mira)
    login(client, admin)
    page = client.get("/admin/audit?who=Mira+Cohen&kind=login.failed").get_data(as_text=True)
    assert page.count('data-action="login.failed"') == 2 and 'data-action="login.succeeded"' not in page
    assert "Salma" not in page and "10.0.0.3" not in page
    assert "2 events" in page and f'href="/admin/users/{mira.id}"' in page
    assert '<option selected value="login.failed">Failed sign-in</option>' in page  # the form keeps her choice


def test_several_people_match_and_she_chooses_one(client, db):
    admin = make_user("admin")
    mira, miriam = make_mother(name="Mira Cohen", email="mira@example.org"), make_mother(name="Miriam Levi", phone="+972521112233")
    add_event("login.failed", miriam)
    login(client, admin)
    page = client.get("/admin/audit?who=mir&kind=login.failed").get_data(as_text=True)
    assert "Several people match" in page and "data-action" not in page
    assert "/admin/audit?who=mira@example.org&amp;kind=login.failed" in page
    assert "/admin/audit?who=052-111-2233&amp;kind=login.failed" in page
    chosen = client.get("/admin/audit?who=052-111-2233&kind=login.failed").get_data(as_text=True)
    assert chosen.count('data-action="login.failed"') == 1 and "Miriam Levi" in chosen
    nobody = client.get("/admin/audit?who=zzz")
    assert nobody.status_code == 200 and "Nobody has this name" in nobody.get_data(as_text=True)
    assert "data-action" not in nobody.get_data(as_text=True)
    assert mira  # (she only makes the name ambiguous)


def test_filter_by_days_on_the_programs_calendar(client, app, db):
    admin, mira = make_user("admin"), make_mother(name="Mira Cohen")
    add_event("login.failed", mira, at=datetime(2026, 3, 30, 21, 30, tzinfo=UTC))  # 31 March, 00:30 in Israel
    add_event("login.failed", mira, at=datetime(2026, 3, 31, 20, 59, tzinfo=UTC))  # 31 March, 23:59
    add_event("login.failed", mira, at=datetime(2026, 3, 31, 21, 1, tzinfo=UTC))  # 1 April
    add_event("login.failed", mira, at=datetime(2026, 3, 30, 20, 59, tzinfo=UTC))  # 30 March
    login(client, admin)
    page = client.get("/admin/audit?kind=login.failed&since=2026-03-31&until=2026-03-31").get_data(as_text=True)
    assert page.count('data-action="login.failed"') == 2 and "Tuesday, March 31, 2026" in page
    assert "Wednesday" not in page and "Monday" not in page


def test_bad_filters_are_reported_and_left_out(client, db):
    admin, mira = make_user("admin"), make_mother(name="Mira Cohen")
    add_event("login.failed", mira)
    add_event("login.succeeded", mira)
    login(client, admin)
    response = client.get("/admin/audit?kind=drop+table&since=31/03/2026&page=x")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Some filters were not understood" in page
    assert "Not a valid choice." in page and "Please give the date as year-month-day" in page
    assert 'value="31/03/2026"' in page  # what was typed stays in the field
    assert page.count("data-action=") == 2 + 1  # every event (and the admin's own sign-in)
    backwards = client.get("/admin/audit?since=2026-04-02&until=2026-04-01")
    assert backwards.status_code == 400 and "The last day is before the first day." in backwards.get_data(as_text=True)


def test_paging_keeps_the_filters(client, db):
    admin, mira = make_user("admin"), make_mother(name="Mira Cohen", email="mira@example.org")
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(55):
        add_event("login.failed", mira, at=start + timedelta(minutes=n))
    login(client, admin)
    first = client.get("/admin/audit?who=mira%40example.org&kind=login.failed").get_data(as_text=True)
    assert first.count('data-action="login.failed"') == 50 and "55 events" in first
    assert "/admin/audit?page=2&amp;who=mira@example.org&amp;kind=login.failed" in first
    second = client.get("/admin/audit?page=2&who=mira%40example.org&kind=login.failed").get_data(as_text=True)
    assert second.count('data-action="login.failed"') == 5
    beyond = client.get("/admin/audit?page=9&who=mira%40example.org&kind=login.failed")
    assert beyond.status_code == 200


def _many_events(count: int):
    from groups_app.extensions import db

    admin = make_user("admin", name=f"Admin {count}")
    fac = make_user("facilitator")
    db.session.add_all([Topic(slug=f"topic-{count}", texts=[TopicText(language="en", title="Sleep")]),
                        Leaflet(slug=f"leaflet-{count}", translations=[
                            LeafletTranslation(language="en", title="Sleep", body="...")])])
    db.session.commit()
    for n in range(count):
        mother = make_mother()
        group = make_group(fac, name=f"Group {n}", by=admin)
        meeting = past_meeting(group)
        book = make_book(title=f"Book {n}")
        make_copy(book, group, f"C-{count}-{n}")
        add_event("role.granted", admin, f"user:{mother.id}", {"role": "facilitator"})
        add_event("attendance.taken", fac, f"meeting:{meeting.id}")
        add_event("loan.out", fac, f"copy:C-{count}-{n}", {"user": mother.id, "override": False})
        add_event("hold.placed", mother, f"book:{book.id}", {"group": group.id})
        add_event("leaflet.publish", admin, f"leaflet:leaflet-{count}:en")
        add_event("topic.saved", admin, f"topic:topic-{count}")
    return admin


def test_the_page_loads_its_names_in_a_fixed_number_of_queries(client, app, db):
    from groups_app.extensions import db as _db

    admin = _many_events(1)
    login(client, admin)
    with count_queries(_db.engine) as few:
        assert client.get("/admin/audit").status_code == 200
    more = _many_events(8)  # 8 x 7 events: a full page of 50
    login(client, more)
    with assert_max_queries(_db.engine, few()):
        page = client.get("/admin/audit").get_data(as_text=True)
    assert page.count("data-action=") == 50 and "(not recorded)" not in page
    assert few() <= 18
