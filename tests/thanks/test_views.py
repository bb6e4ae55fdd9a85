"""The pages of thanks: who may see and do what, bad input kept in the form, the tree and the certificate."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from groups_app.accounts.audit_log import all_kinds, describe, names_for
from groups_app.core.audit import AuditEvent
from groups_app.extensions import db as _db
from groups_app.thanks.models import Dedication
from tests.conftest import assert_max_queries, count_queries, login, make_user
from tests.thanks.conftest import make_dedication

AMHARIC = "ስለ ሁሉም ነገር እናመሰግናለን።"
ISO_DATE = re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b")




def _english(user):
    """She reads the pages in English here (their wording is what is checked); what she writes
    keeps its own language."""
    user.language = "en"
    _db.session.commit()
    return user

def mother_reads_english(request):
    """The pages' English wording is checked here; what she writes keeps its own language."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        world.mother.language = "en"
        _db.session.commit()

def text_of(response) -> str:
    return response.get_data(as_text=True)


def post_thanks(client, mentor: str, message: str = AMHARIC, **more):
    data = {"mentor": mentor, "message": message, "language": "am", "signature": "first_name",
            "outside_language": "he", **more}
    return client.post("/thanks/write", data=data)


def count(model=Dedication) -> int:
    return _db.session.scalar(select(func.count(model.id)))


# ---- who may use which page -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/thanks/write", "/thanks/mine", "/thanks/review", "/thanks/settings",
                                  "/thanks/counts", "/thanks/certificate"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location


def test_the_tree_is_open_to_everyone(client, app):
    response = client.get("/thanks/")
    assert response.status_code == 200 and 'role="img"' in text_of(response)


@pytest.mark.parametrize("role, path", [("staff", "/thanks/write"), ("coordinator", "/thanks/review"),
                                        ("mother", "/thanks/review"), ("mother", "/thanks/settings"),
                                        ("staff", "/thanks/counts"), ("volunteer", "/thanks/counts")])
def test_pages_of_other_roles_are_refused(client, role, path):
    login(client, make_user(role))
    assert client.get(path).status_code == 403


def test_answering_or_taking_back_someone_elses_message_is_not_found(client, world):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    login(client, world.facilitator)
    assert client.post(f"/thanks/{dedication.id}/answer", data={"answer": "agree"}).status_code == 404
    assert client.post(f"/thanks/{dedication.id}/withdraw").status_code == 404
    assert client.post("/thanks/999999/answer", data={"answer": "agree"}).status_code == 404
    _db.session.refresh(dedication)
    assert dedication.consent == "waiting"


def test_mothers_cannot_review(client, world):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    login(client, world.volunteer_user)
    assert client.post(f"/thanks/{dedication.id}/review", data={"decision": "approve"}).status_code == 403


# ---- writing ------------------------------------------------------------------------------------------

def test_the_form_offers_her_mentors_and_someone_outside(client, world):
    login(client, _english(world.mother))
    html = text_of(client.get("/thanks/write"))
    assert "Amal Abu-Rabia, your facilitator in Rahat mornings" in html
    assert "Yael Cohen, your home-visit volunteer" in html
    assert 'value="other"' in html and 'dir="auto"' in html
    assert "With my first name, Meseret" in html


def test_a_good_message_is_sent_and_she_sees_it_on_her_page(client, world):
    login(client, _english(world.mother))
    response = post_thanks(client, world.volunteer_key)
    assert response.status_code == 302 and response.location.endswith("/thanks/mine")
    html = text_of(client.get("/thanks/mine"))
    assert f'<blockquote class="thanks-message" lang="am" dir="ltr"><p>{AMHARIC}</p></blockquote>' in html
    assert not ISO_DATE.search(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("message, status, words", [
    ("", 400, "Please write your message."),
    ("ሀ" * 501, 400, "at most 500 characters"),
    ("Thank you! https://example.org/me", 400, "without web addresses"),
    ("Thank you www.example.org", 400, "without web addresses"),
    ("<script>alert(1)</script> thanks", 400, "without the signs &lt; and &gt;"),
])
def test_bad_messages_come_back_with_the_reason_and_her_words(client, world, message, status, words):
    login(client, _english(world.mother))
    response = post_thanks(client, world.volunteer_key, message=message)
    html = text_of(response)
    assert response.status_code == status and words in html
    assert 'id="message-error"' in html
    if message:
        assert str(__import__("markupsafe").escape(message)) in html  # what she typed, kept (and escaped)
    assert "<script>alert" not in html
    assert count() == 0


def test_a_mentor_who_is_not_hers_is_not_found_and_her_words_are_kept(client, world):
    login(client, _english(world.mother))
    response = post_thanks(client, "v999999")
    assert response.status_code == 404
    assert "cannot find this mentor mother among yours" in text_of(response) and AMHARIC in text_of(response)


def test_thanking_herself_is_refused_with_her_words_kept(client, world):
    login(client, _english(world.mother))
    response = post_thanks(client, "other", outside_name="Meseret", outside_email="meseret@example.org")
    assert response.status_code == 400 and "You cannot thank yourself" in text_of(response)
    assert AMHARIC in text_of(response) and 'value="Meseret"' in text_of(response)


def test_the_fourth_in_a_day_is_throttled_with_her_words_kept(client, world):
    login(client, _english(world.mother))
    for _n in range(3):
        assert post_thanks(client, world.volunteer_key).status_code == 302
    response = post_thanks(client, world.facilitator_key, message="Fourth, still kept")
    assert response.status_code == 429
    assert "Fourth, still kept" in text_of(response) and "3 thank-you messages a day" in text_of(response)
    assert count() == 3


# ---- the mentor answers, staff review, the tree ---------------------------------------------------------

def test_the_mentor_answers_on_her_page(client, world):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, language="am",
                                 message=AMHARIC)
    login(client, _english(world.volunteer_user))
    home = text_of(client.get("/"))
    assert "1 thank-you message to you waits for your answer." in home
    html = text_of(client.get("/thanks/mine"))
    assert AMHARIC in html and 'name="answer" value="agree"' in html
    assert client.post(f"/thanks/{dedication.id}/answer", data={"answer": "agree"}).status_code == 302
    assert client.post(f"/thanks/{dedication.id}/answer", data={"answer": "maybe"}).status_code == 400
    _db.session.refresh(dedication)
    assert dedication.consent == "agreed"


def test_staff_review_the_queue(client, world):
    first = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, message="First one")
    second = make_dedication(world.mother, world.facilitator, group=world.group, message="Second one")
    login(client, world.staff)
    html = text_of(client.get("/thanks/review"))
    assert "2 messages wait for review." in html and "First one" in html and "Rahat mornings" in html
    assert "Meseret Tadesse" in html  # staff see who wrote it
    assert client.post(f"/thanks/{first.id}/review", data={"decision": "approve"}).status_code == 302
    assert client.post(f"/thanks/{second.id}/review", data={"decision": "reject"}).status_code == 302
    again = client.post(f"/thanks/{second.id}/review", data={"decision": "approve"})
    assert again.status_code == 400 and "already reviewed" in text_of(again)
    assert "Nothing waits for review." in text_of(client.get("/thanks/review"))
    assert "0 messages wait for review." in text_of(client.get("/"))


def test_the_tree_shows_only_what_both_allowed_in_its_own_language_and_direction(client, world, db):
    shown = make_dedication(world.mother, world.facilitator, group=world.group, language="ar",
                            message="شكراً يا أمل", consent="agreed", review="approved")
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, message="Not agreed",
                    consent="waiting", review="approved")
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, message="Rejected",
                    consent="agreed", review="rejected")
    client.post("/language", data={"lang": "he"})
    with assert_max_queries(db.engine, 7):
        response = client.get("/thanks/")
    html = text_of(response)
    assert '<html lang="he" dir="rtl">' in html
    assert '<blockquote class="thanks-message" lang="ar" dir="rtl"><p>شكراً يا أمل</p></blockquote>' in html
    assert "Not agreed" not in html and "Rejected" not in html
    assert html.count('<use href="#leaf"') == 1
    assert "<bdi>Huda</bdi>" in html and "<bdi>Amal</bdi>" in html  # her first name only, in the Hebrew sentence
    assert "Abu-Rabia" not in html
    assert f'<option value="{world.group.id}"' in html
    assert shown.id


def test_the_tree_filters_by_group_and_year(client, world):
    make_dedication(world.mother, world.facilitator, group=world.group, message="Group one", consent="agreed",
                    review="approved")
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, message="Visit one",
                    consent="agreed", review="approved")
    html = text_of(client.get(f"/thanks/?group={world.group.id}"))
    assert "Group one" in html and "Visit one" not in html and html.count('<use href="#leaf"') == 1
    assert "1 leaf so far, of the 500 we hope for." in html
    assert "No leaves here yet" in text_of(client.get("/thanks/?year=1999"))
    assert client.get("/thanks/?group=abc&year=x").status_code == 200


def test_the_counter_uses_the_goal_staff_set(client, world):
    login(client, world.staff)
    response = client.post("/thanks/settings", data={"goal": "0"})
    assert response.status_code == 400 and "from 1 to 100,000" in text_of(response)
    assert client.post("/thanks/settings", data={"goal": "abc"}).status_code == 400
    assert client.post("/thanks/settings", data={"goal": "1200"}).status_code == 302
    assert 'value="1200"' in text_of(client.get("/thanks/settings"))
    assert "0 leaves so far, of the 1,200 we hope for." in text_of(client.get("/thanks/"))


def test_coordinators_see_counts_per_group_and_volunteer(client, world):
    make_dedication(world.mother, world.facilitator, group=world.group, consent="agreed", review="approved")
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    login(client, world.coordinator)
    html = text_of(client.get("/thanks/counts"))
    assert re.search(rf'href="/groups/{world.group.id}"><bdi>Rahat mornings</bdi></a></th><td>1</td><td>1</td>', html)
    assert re.search(rf'href="/visits/volunteers/{world.volunteer.id}"><bdi>Yael Cohen</bdi></a></th><td>1</td><td>0</td>',
                     html)
    assert "Thanks by group and volunteer" in text_of(client.get("/"))


# ---- the certificate -------------------------------------------------------------------------------------

def test_her_certificate_prints_on_a4_or_a5_with_the_fonts_and_directions(client, world):
    amharic = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, language="am",
                              message=AMHARIC)
    arabic = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, language="ar",
                             message="شكراً لك", signed_as="")
    login(client, world.volunteer_user)  # her interface is Hebrew
    html = text_of(client.get(f"/thanks/certificate?d={amharic.id}&d={arabic.id}&size=a5"))
    assert '<html lang="he" dir="rtl">' in html
    assert "print.css" in html and "print-a5.css" in html and 'class="certificate print-a5"' in html
    assert f'lang="am" dir="ltr"><p>{AMHARIC}</p>' in html and 'lang="ar" dir="rtl"><p>شكراً لك</p>' in html
    assert "<bdi>Yael Cohen</bdi>" in html
    only_one = text_of(client.get(f"/thanks/certificate?d={arabic.id}"))
    assert "print-a4.css" in only_one and AMHARIC not in only_one
    assert not ISO_DATE.search(re.sub(r"<[^>]+>", " ", html))


def test_the_fonts_it_names_are_there(app):
    from pathlib import Path

    css = (Path(app.static_folder) / "print.css").read_text()
    for name in re.findall(r'url\("(fonts/[^"]+)"\)', css):
        assert (Path(app.static_folder) / name).is_file(), name
    assert "Ethiopic" in css and "Arabic" in css and "Hebrew" in css


def test_no_one_else_prints_her_certificate(client, world):
    dedication = make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    login(client, world.facilitator)
    assert client.get(f"/thanks/certificate?d={dedication.id}").status_code == 404


# ---- her home page and the audit log -----------------------------------------------------------------------

def test_a_mother_is_offered_to_thank_on_her_home_page(client, world):
    login(client, _english(world.mother))
    assert 'href="/thanks/write"' in text_of(client.get("/"))


def test_every_thanks_action_reads_as_a_sentence(app, client, world, db):
    login(client, _english(world.mother))
    post_thanks(client, world.volunteer_key)
    dedication = db.session.scalar(select(Dedication))
    client.post("/logout")
    login(client, world.volunteer_user)
    client.post(f"/thanks/{dedication.id}/answer", data={"answer": "decline"})
    client.post(f"/thanks/{dedication.id}/answer", data={"answer": "agree"})
    client.post("/logout")
    login(client, world.staff)
    client.post(f"/thanks/{dedication.id}/review", data={"decision": "approve"})
    client.post("/thanks/settings", data={"goal": "600"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("dedication.%")
                                                         | (AuditEvent.action == "thanks.goal_changed"))
                                .order_by(AuditEvent.id)).all()
    with app.test_request_context(), force_locale("en"):
        sentences = [re.sub(r"<[^>]+>", "", str(describe(e, names_for(events)))) for e in events]
    assert sentences == [
        "Meseret Tadesse wrote a thank-you message to Yael Cohen.",
        "Yael Cohen chose to keep a thank-you message to her private.",
        "Yael Cohen agreed that a thank-you message to her may go on the tree.",
        "Sara Staff approved a thank-you message to Yael Cohen for the tree.",
        "Sara Staff changed the number of leaves the tree of thanks hopes for.",
    ]
    assert {e.action for e in events} <= set(all_kinds())


def test_staff_home_counts_what_waits_for_review_and_for_her_answer_in_one_statement(client, world, db):
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer, consent="agreed")
    login(client, _english(world.staff))
    client.get("/")
    with count_queries(db.engine) as counted:
        html = text_of(client.get("/"))
    about_thanks = [s for s in counted.statements if "dedications" in s]
    assert len(about_thanks) == 1
    assert "2 messages wait for review." in html


def test_the_review_count_is_for_staff_only(client, world, db):
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    login(client, _english(world.volunteer_user))
    with count_queries(db.engine) as counted:
        html = text_of(client.get("/"))
    assert "wait for review" not in html and "waits for review" not in html
    assert not any("review" in s for s in counted.statements if "dedications" in s)
