"""The tree (anyone), writing and answering thanks (mothers, mentors), review and counts (staff, coordinators)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..core.errors import DomainError
from ..core.forms import refused, submit
from ..core.http import page_number
from ..core.input import record_id, record_ids, year_number
from ..core.permissions import ANYONE, SIGNED_IN, allow, owner, role
from ..core.security import no_store
from ..core.timeutil import today
from ..extensions import db
from .forms import DedicationForm, GoalForm
from .models import Dedication
from .services import moderation, reading, writing
from .services.mentors import mentors_of
from .tree import draw_tree

MOTHERS = role("mother")
STAFF = role("staff")
COORDINATORS = role("coordinator")


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=year_number if name == "year" else record_id)


@allow(ANYONE)
def tree():
    filters = reading.Filters(group_id=_int_arg("group"), year=_int_arg("year"))
    goal = moderation.goal()
    drawing = Markup(draw_tree(reading.shown_ids(filters), goal, str(get_locale())))  # nosec B704  # draw_tree escapes its text; the rest is numbers and constants
    groups, years = reading.filter_options()
    return render_template("thanks/tree.html", drawing=drawing, goal=goal, filters=filters, groups=groups,
                           years=[(year, str(year)) for year in years],
                           pagination=reading.shown_page(filters, page_number()))


@allow(MOTHERS)
def write():
    mentors = mentors_of(current_user)
    form = DedicationForm.for_writer(current_user, mentors)
    done, status, _sent = submit(form, lambda: writing.write_dedication(form.fields(), by=current_user))
    if done:
        flash(_("Thank you. She can read your message now; it goes on the tree of thanks when she agrees and "
                "the program has read it."), "success")
        return redirect(url_for("thanks.mine"))
    no_store()
    return render_template("thanks/write.html", form=form, mentors=mentors), status


@allow(SIGNED_IN)
def mine():
    writing.claim_by_email(current_user)
    return render_template("thanks/mine.html", received=reading.received(current_user),
                           written=reading.written(current_user), is_mother=current_user.has_role("mother"))


def _dedication(dedication_id: int) -> Dedication:
    return db.session.get(Dedication, dedication_id) or abort(404)


@allow(owner("the mother the message thanks"))
def answer(dedication_id: int):
    dedication = _dedication(dedication_id)
    if not moderation.is_mentor_of(current_user, dedication):
        abort(404)
    choice = request.form.get("answer")
    if choice not in ("agree", "decline"):
        abort(400)
    moderation.answer(dedication, choice == "agree", by=current_user)
    flash(_("Thank you: it may go on the tree once the program has read it.") if choice == "agree"
          else _("It stays private: only you and the mother who wrote it see it."), "success")
    return redirect(url_for("thanks.mine"))


@allow(owner("the mother who wrote the message"))
def withdraw(dedication_id: int):
    dedication = _dedication(dedication_id)
    if dedication.writer_id != current_user.id:
        abort(404)
    writing.withdraw(dedication, by=current_user)
    flash(_("Your message was taken back and deleted."), "success")
    return redirect(url_for("thanks.mine"))


@allow(owner("the mother the messages thank"))
def certificate():
    chosen = record_ids(request.args.getlist("d"))
    items = reading.for_certificate(current_user, chosen) or abort(404)
    size = "a5" if request.args.get("size") == "a5" else "a4"
    no_store()
    return render_template("thanks/certificate.html", items=items, size=size, mentor=current_user, today=today())


@allow(STAFF)
def review():
    waiting, total = moderation.review_queue(by=current_user)
    return render_template("thanks/review.html", waiting=waiting, total=total)


@allow(STAFF)
def decide(dedication_id: int):
    dedication = _dedication(dedication_id)
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        abort(400)
    try:
        moderation.review(dedication, decision == "approve", by=current_user)
    except DomainError as error:
        db.session.rollback()
        return refused(error, back=url_for("thanks.review"))
    flash(_("Approved: it goes on the tree once the mother it thanks agrees.") if decision == "approve"
          else _("Kept off the tree. The mother who wrote it was told kindly."), "success")
    return redirect(url_for("thanks.review"))


@allow(STAFF)
def settings():
    form = GoalForm(data={"goal": moderation.goal()}) if request.method == "GET" else GoalForm()
    done, status, _saved = submit(form, lambda: moderation.set_goal(form.goal.data, by=current_user))
    if done:
        flash(_("Saved."), "success")
        return redirect(url_for("thanks.review"))
    return render_template("thanks/settings.html", form=form), status


@allow(COORDINATORS)
def counts():
    groups, volunteers = reading.counts(by=current_user)
    no_store()
    return render_template("thanks/counts.html", groups=groups, volunteers=volunteers)
