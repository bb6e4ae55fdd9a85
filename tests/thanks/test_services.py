"""The rules of thanks, called without HTTP: whom she may thank, what she may write, the two keys to the tree."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError, NotAllowed
from groups_app.core.mail import OutgoingMail
from groups_app.core.notify import Notice
from groups_app.core.timeutil import set_clock
from groups_app.thanks.models import Dedication
from groups_app.thanks.services import moderation, reading, writing
from groups_app.thanks.services.mentors import mentors_of
from groups_app.thanks.services.writing import DedicationFields, TooMany, UnknownMentor, write_dedication
from tests.conftest import add_members, make_group, make_user
from tests.thanks.conftest import make_dedication, make_volunteer_case

AMHARIC = "ስለ ሁሉም ነገር እናመሰግናለን። ልጄን ለማጥባት ረዳሽኝ።"


def fields(mentor: str, message: str = AMHARIC, language: str = "am", signature: str = "first_name", **more):
    return DedicationFields(mentor=mentor, message=message, language=language, signature=signature, **more)


# ---- whom she may thank ---------------------------------------------------------------------------

def test_her_mentors_are_her_groups_facilitators_and_her_volunteers(world):
    other_facilitator = make_user("facilitator")
    make_group(other_facilitator, name="Not her group")
    mentors = mentors_of(world.mother)
    assert [(m.kind, m.user.id) for m in mentors] == [("facilitator", world.facilitator.id),
                                                      ("volunteer", world.volunteer_user.id)]
    assert mentors[0].group.id == world.group.id and mentors[1].volunteer_id == world.volunteer.id


def test_a_facilitator_is_never_her_own_mentor(world):
    both = make_user("mother", "facilitator")
    group = make_group(both, world.facilitator, name="She co-leads it")
    add_members(group, both)
    assert [m.user.id for m in mentors_of(both)] == [world.facilitator.id]


def test_a_mother_waiting_for_a_seat_has_no_facilitator_yet(world, db):
    newcomer = make_user("mother")
    from groups_app.groups.models import Membership

    db.session.add(Membership(group_id=world.group.id, user_id=newcomer.id, status="waiting", position=1))
    db.session.commit()
    assert mentors_of(newcomer) == []


# ---- writing ------------------------------------------------------------------------------------

def test_her_words_are_kept_as_written_and_her_volunteer_hears_in_her_own_language(world, db):
    dedication = write_dedication(fields(world.volunteer_key, message=f"  {AMHARIC}\n"), by=world.mother)
    assert dedication.message == AMHARIC and dedication.language == "am" and dedication.direction == "ltr"
    assert dedication.signed_as == "Meseret"
    assert (dedication.mentor_id, dedication.mentor_kind, dedication.volunteer_id) == (
        world.volunteer_user.id, "volunteer", world.volunteer.id)
    assert (dedication.consent, dedication.review, dedication.shown) == ("waiting", "waiting", False)
    notice = db.session.scalar(select(Notice).where(Notice.user_id == world.volunteer_user.id))
    with force_locale("he"):
        assert notice.subject == _("A mother thanks you")
    assert AMHARIC in notice.body and notice.link.endswith("/thanks/mine")
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.to == "yael@example.org"))
    assert mail is not None and AMHARIC in mail.body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "dedication.written"))
    assert event.target == f"dedication:{dedication.id}" and AMHARIC not in str(event.detail)


def test_an_arabic_message_keeps_its_direction_and_an_anonymous_one_has_no_name(world):
    dedication = write_dedication(fields(world.facilitator_key, message="شكراً لك على كل لقاء", language="ar",
                                         signature="anonymous"), by=world.mother)
    assert dedication.direction == "rtl" and dedication.signed_as == ""
    assert dedication.group_id == world.group.id and dedication.mentor_kind == "facilitator"


@pytest.mark.parametrize("message, words", [
    ("", "Please write your message."),
    ("   \n ", "Please write your message."),
    ("x" * 501, "at most 500 characters: it has 501"),
    ("Thanks! see http://example.org", "without web addresses"),
    ("Thanks! see HTTPS://example.org", "without web addresses"),
    ("visit www.example.org", "without web addresses"),
    ("<b>thanks</b>", "without the signs < and >"),
    ("I love you <3", "without the signs < and >"),
])
def test_bad_messages_are_refused_with_a_clear_reason(world, db, message, words):
    with pytest.raises(DomainError) as refused:
        write_dedication(fields(world.volunteer_key, message=message), by=world.mother)
    assert words in str(refused.value.message) and refused.value.field == "message"
    assert refused.value.status == 400
    db.session.rollback()
    assert db.session.scalar(select(func.count(Dedication.id))) == 0


def test_500_characters_are_enough(world):
    assert len(write_dedication(fields(world.volunteer_key, message="ሀ" * 500), by=world.mother).message) == 500


def test_she_cannot_thank_herself(world, db):
    volunteer_mother = make_user("mother", "volunteer", name="Both Roles", email="both@example.org")
    own = make_volunteer_case(world.mother, volunteer_mother)
    with pytest.raises(DomainError) as refused:
        write_dedication(fields(f"v{own.id}"), by=volunteer_mother)
    assert "cannot thank yourself" in str(refused.value.message) and refused.value.status == 400
    with pytest.raises(DomainError) as refused:
        write_dedication(fields(f"g{world.group.id}-{world.mother.id}"), by=world.mother)
    assert "cannot thank yourself" in str(refused.value.message)
    with pytest.raises(DomainError) as refused:
        write_dedication(fields("other", outside_name="Me", outside_email="MESERET@example.org ",
                                outside_language="am"), by=world.mother)
    assert "your own email address" in str(refused.value.message) and refused.value.field == "outside_email"


@pytest.mark.parametrize("key", ["v999999", "g1-999999", "nonsense", "v"])
def test_a_mentor_who_does_not_exist_is_not_found(world, key):
    with pytest.raises(UnknownMentor) as refused:
        write_dedication(fields(key), by=world.mother)
    assert refused.value.status == 404 and refused.value.field == "mentor"


def test_someone_elses_volunteer_is_not_found_either(world):
    other_volunteer = make_volunteer_case(make_user("mother"))
    with pytest.raises(UnknownMentor):
        write_dedication(fields(f"v{other_volunteer.id}"), by=world.mother)


def test_only_mothers_write(world):
    with pytest.raises(NotAllowed):
        write_dedication(fields(world.volunteer_key), by=make_user("staff"))


def test_three_a_day_then_she_is_asked_to_wait(world, app):
    start = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    set_clock(app, start)
    for _n in range(3):
        write_dedication(fields(world.volunteer_key), by=world.mother)
    with pytest.raises(TooMany) as refused:
        write_dedication(fields(world.facilitator_key), by=world.mother)
    assert refused.value.status == 429 and "3 thank-you messages a day" in str(refused.value.message)
    set_clock(app, start + timedelta(days=1, minutes=1))
    write_dedication(fields(world.facilitator_key), by=world.mother)


def test_a_mentor_outside_the_app_is_written_to_in_her_language_and_gets_them_when_she_joins(world, db):
    dedication = write_dedication(fields("other", outside_name="Rivka Mizrahi", outside_email=" Rivka@Example.org",
                                         outside_language="ru"), by=world.mother)
    assert (dedication.mentor_id, dedication.mentor_email, dedication.mentor_kind) == (
        None, "rivka@example.org", "outside")
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.to == "rivka@example.org"))
    with force_locale("ru"):
        assert mail.subject == _("A mother thanks you")
    assert AMHARIC in mail.body and "/register" in mail.body
    rivka = make_user("mother", name="Rivka Mizrahi", email="rivka@example.org")
    assert [d.id for d in reading.received(rivka)] == [dedication.id]  # hers by email already
    assert writing.claim_by_email(rivka) == 1
    db.session.refresh(dedication)
    assert dedication.mentor_id == rivka.id


def test_an_outside_mentor_who_already_has_an_account_is_told_in_the_app(world, db):
    known = make_user("mother", name="Leah", email="leah@example.org", language="es")
    dedication = write_dedication(fields("other", outside_name="Leah", outside_email="leah@example.org",
                                         outside_language="en"), by=world.mother)
    assert dedication.mentor_id == known.id
    assert db.session.scalar(select(Notice).where(Notice.user_id == known.id)) is not None


@pytest.mark.parametrize("more, field", [
    ({"outside_name": "", "outside_email": "a@example.org", "outside_language": "he"}, "outside_name"),
    ({"outside_name": "Rivka <b>", "outside_email": "a@example.org", "outside_language": "he"}, "outside_name"),
    ({"outside_name": "Rivka", "outside_email": "not an address", "outside_language": "he"}, "outside_email"),
    ({"outside_name": "Rivka", "outside_email": "a@example.org", "outside_language": "xx"}, "outside_language"),
])
def test_an_outside_mentor_needs_a_name_an_address_and_a_language(world, more, field):
    with pytest.raises(DomainError) as refused:
        write_dedication(fields("other", **more), by=world.mother)
    assert refused.value.field == field


def test_she_may_take_her_words_back(world, db):
    dedication = write_dedication(fields(world.volunteer_key), by=world.mother)
    with pytest.raises(NotAllowed):
        writing.withdraw(dedication, by=world.volunteer_user)
    writing.withdraw(dedication, by=world.mother)
    assert db.session.scalar(select(func.count(Dedication.id))) == 0


# ---- the two keys to the tree -----------------------------------------------------------------------

def test_shown_only_when_the_mentor_agreed_and_staff_approved(world, db):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    moderation.review(dedication, True, by=world.staff)
    assert reading.shown_ids(reading.Filters()) == []
    moderation.answer(dedication, True, by=world.volunteer_user)
    assert reading.shown_ids(reading.Filters()) == [dedication.id]
    notice = db.session.scalar(select(Notice).where(Notice.user_id == world.mother.id))
    with force_locale("am"):
        assert notice.subject == _("Your thank-you is on the tree")
    moderation.answer(dedication, False, by=world.volunteer_user)  # she changes her mind
    assert reading.shown_ids(reading.Filters()) == []


def test_agreement_alone_shows_nothing(world):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    moderation.answer(dedication, True, by=world.volunteer_user)
    assert reading.shown_ids(reading.Filters()) == []


def test_a_rejected_one_stays_private_and_the_writer_is_told_kindly(world, db):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, consent="agreed")
    moderation.review(dedication, False, by=world.staff)
    assert reading.shown_ids(reading.Filters()) == [] and dedication.review == "rejected"
    notice = db.session.scalar(select(Notice).where(Notice.user_id == world.mother.id))
    with force_locale("am"):
        assert notice.subject == _("About your thank-you message")
    with force_locale("am"):  # told kindly, in her own language
        kindly = _("Thank you for your message to %(mentor)s. It stays with her, and she can read it, but it will "
                   "not be shown on the public tree of thanks. The program keeps some messages off the tree, for "
                   "example to protect someone's privacy.", mentor="Yael")
    assert kindly in notice.body and "Yael" in notice.body
    assert [d.id for d in reading.received(world.volunteer_user)] == [dedication.id]  # still hers to read
    with pytest.raises(DomainError):
        moderation.review(dedication, True, by=world.staff)  # reviewed once


def test_only_her_mentor_answers_and_only_staff_review(world):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    for someone in (world.mother, world.facilitator, world.staff):
        with pytest.raises(NotAllowed):
            moderation.answer(dedication, True, by=someone)
    for someone in (world.mother, world.volunteer_user, world.coordinator):
        with pytest.raises(NotAllowed):
            moderation.review(dedication, True, by=someone)
        with pytest.raises(NotAllowed):
            moderation.review_queue(by=someone)


def test_the_goal_is_the_settings_then_staff_change_it(world, app):
    assert moderation.goal() == 500
    app.config["TREE_GOAL"] = 300
    try:
        assert moderation.goal() == 300
        moderation.set_goal(750, by=world.staff)
        assert moderation.goal() == 750
    finally:
        app.config["TREE_GOAL"] = 500
    for bad in (None, 0, -3, 100_001):
        with pytest.raises(DomainError) as refused:
            moderation.set_goal(bad, by=world.staff)
        assert refused.value.field == "goal"
    with pytest.raises(NotAllowed):
        moderation.set_goal(10, by=world.coordinator)


# ---- reading ---------------------------------------------------------------------------------------

def test_the_tree_filters_by_group_and_year(world, db):
    in_group = make_dedication(world.mother, world.facilitator, group=world.group, consent="agreed", review="approved",
                               created_at=datetime(2025, 12, 31, 22, 30, tzinfo=UTC))  # 1 January 2026 in Israel
    by_visit = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, consent="agreed",
                               review="approved", created_at=datetime(2025, 6, 1, tzinfo=UTC))
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, consent="declined", review="approved")
    assert reading.shown_ids(reading.Filters()) == [in_group.id, by_visit.id]
    assert reading.shown_ids(reading.Filters(group_id=world.group.id)) == [in_group.id]
    assert reading.shown_ids(reading.Filters(year=2026)) == [in_group.id]
    assert reading.shown_ids(reading.Filters(year=2025)) == [by_visit.id]
    groups, years = reading.filter_options()
    assert groups == [(world.group.id, "Rahat mornings")] and years == [2026, 2025]


def test_counts_per_group_and_volunteer_for_coordinators(world):
    make_dedication(world.mother, world.facilitator, group=world.group, consent="agreed", review="approved")
    make_dedication(world.mother, world.facilitator, group=world.group)
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    groups, volunteers = reading.counts(by=world.coordinator)
    assert [(r.name, r.count.written, r.count.shown) for r in groups] == [("Rahat mornings", 2, 1)]
    assert [(r.id, r.name, r.count.written, r.count.shown) for r in volunteers] == [
        (world.volunteer.id, "Yael Cohen", 1, 0)]
    assert reading.volunteer_counts([world.volunteer.id, 999]) == {world.volunteer.id: reading.Count(1, 0),
                                                                  999: reading.Count(0, 0)}
    with pytest.raises(NotAllowed):
        reading.counts(by=world.staff)


def test_her_certificate_holds_what_she_chose_never_a_rejected_one(world):
    first = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    second = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, consent="agreed")
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, review="rejected")
    assert [d.id for d in reading.for_certificate(world.volunteer_user, [])] == [first.id, second.id]
    assert [d.id for d in reading.for_certificate(world.volunteer_user, [second.id])] == [second.id]
    assert reading.for_certificate(world.facilitator, [first.id]) == []


def test_her_data_download_holds_what_she_wrote_and_what_she_received(world):
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, message="Thank you Yael")
    assert reading.export_thanks(world.mother)["thanks_written"][0]["message"] == "Thank you Yael"
    assert reading.export_thanks(world.volunteer_user)["thanks_received"][0]["message"] == "Thank you Yael"


def test_her_words_go_with_her_account_and_the_reviewer_is_forgotten(world, db):
    from groups_app.accounts.services import delete_account
    from tests.conftest import PASSWORD

    to_yael = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    moderation.review(to_yael, True, by=world.staff)
    make_dedication(make_user("mother"), world.facilitator, group=world.group)  # to the facilitator
    delete_account(world.staff, PASSWORD)
    db.session.expire_all()
    assert db.session.get(Dedication, to_yael.id).reviewed_by_id is None
    delete_account(world.mother, PASSWORD)
    delete_account(world.facilitator, PASSWORD)
    assert db.session.scalar(select(func.count(Dedication.id))) == 0


def test_taking_messages_back_does_not_lift_the_daily_limit(world):
    for _n in range(3):
        writing.withdraw(write_dedication(fields(world.volunteer_key), by=world.mother), by=world.mother)
    with pytest.raises(TooMany):
        write_dedication(fields(world.volunteer_key), by=world.mother)
