"""The library's pages: the catalogue, a book, my books, the facilitator's desk, reports."""
from __future__ import annotations

import functools
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.models import User
from ..core.errors import DomainError
from ..core.forms import refused, submit
from ..core.http import page_number
from ..core.i18n import LANGUAGES, in_her_language
from ..core.input import record_id
from ..core.permissions import ANYONE, SIGNED_IN, allow, ensure, owner, role
from ..core.security import no_store
from ..core.timeutil import today
from ..extensions import db
from ..groups.models import Group
from ..groups.permissions import can_facilitate
from ..groups.services.attendance import members_of
from .catalogue_rows import book_cards, drop_downs
from .forms import BookForm, CheckinForm, CheckoutForm, CopyForm, LostForm, RulesForm
from .models import Book, Hold, Loan
from .services import circulation, lists, reports
from .services.catalogue import SUBJECTS, BookFields, save_book, search

FACILITATORS = owner("the group's facilitators", "facilitator", "coordinator", "admin")


def _group(group_id: int) -> Group:
    return db.session.get(Group, group_id) or abort(404)


def _posted_group() -> Group:
    """The group chosen in the form; a value that is not an id asks her to choose one (400)."""
    group_id = request.form.get("group_id", type=record_id)
    if group_id is None:
        raise DomainError(_("Please choose a group."), field="group_id")
    return _group(group_id)


@allow(ANYONE)
def catalogue():
    args = request.args
    group_id, group_name = args.get("group", type=record_id), args.get("group_name", "").strip()
    # Her groups in the drop-down (and a group an old link names); any other group she finds by its name.
    groups = lists.filter_groups(current_user, group_id)
    # The cards and the language and subject drop-downs are written in Python (catalogue_rows.py).
    shown = dict(args=args, group_options=[(g.id, g.name) for g in groups], group_name=group_name,
                 drop_downs=drop_downs(in_her_language(SUBJECTS), args.get("language"), args.get("subject"),
                                       str(get_locale())))
    if not any(args.get(key, "").strip() for key in ("q", "language", "subject", "group", "group_name", "available")):
        front = lists.catalogue(current_user, page_number(), groups=[g for g in groups if g.borrows])
        sections = bool(front.her_groups)
        hers = book_cards(front.at_her_libraries, _lines(front.her_counts, _at_hers), 3, "        ") if sections else ""
        return render_template("library/catalogue.html", front=front, pagination=front.rest, hers=hers,
                               cards=book_cards(front.rest.items, _lines(front.counts, _everywhere),
                                                3 if sections else 2, "    "),
                               **shown)  # no search terms: what she can borrow first
    pagination = search(args.get("q", ""), args.get("language") if args.get("language") in LANGUAGES else None,
                        args.get("subject") if args.get("subject") in SUBJECTS else None, group_id,
                        bool(args.get("available")), page=page_number(), group_name=group_name)
    return render_template("library/catalogue.html", front=None, pagination=pagination,
                           cards=book_cards(pagination.items, _lines(pagination.copy_counts, _everywhere), 2, "    "),
                           **shown)


# What each book's card says about its copies, per book id: written once per count and language
# (a page shows 20 to 60 books, from a handful of different counts), not a macro and two ngettext per card.
def _lines(counts: dict[int, tuple[int, int]], line) -> dict[int, Markup]:
    locale = str(get_locale())
    return {book_id: line(total, shelf, locale) for book_id, (total, shelf) in counts.items()}


@functools.lru_cache(maxsize=1024)
def _everywhere(total: int, shelf: int, locale: str) -> Markup:
    """Copies in every library: for a visitor, search results and the rest of the catalogue."""
    if not total:
        text = _("No library has a copy yet.")
    else:
        copies = ngettext("%(num)s copy in the groups' libraries.", "%(num)s copies in the groups' libraries.", total)
        if shelf:
            now = ngettext("%(num)s is on the shelf now.", "%(num)s are on the shelf now.", shelf)
        else:
            now = ngettext("It is out at the moment.", "All are out at the moment.", total)
        text = f"{copies} {now}"
    return Markup(text)  # nosec B704  # translators' text and numbers, as the template wrote them


@functools.lru_cache(maxsize=1024)
def _at_hers(total: int, shelf: int, locale: str) -> Markup:
    """Copies at her groups' libraries: what she can borrow at her meetings."""
    if shelf:
        text = ngettext("%(num)s copy on the shelf: you can borrow it at your meeting.",
                        "%(num)s copies on the shelf: you can borrow one at your meeting.", shelf)
    else:
        text = ngettext("The copy is out: you can place a hold.", "All %(num)s copies are out: you can place a hold.",
                        total)
    return Markup(text)  # nosec B704  # translators' text and numbers, as the template wrote them


@allow(ANYONE)
def book(book_id: int):
    item = db.session.get(Book, book_id) or abort(404)
    page = lists.book_page(item, current_user)
    copy_form = CopyForm()
    copy_form.group_id.choices = [(g.id, g.name) for g in page.copy_groups]
    return render_template("library/book.html", book=item, copies=page.copies, subjects=SUBJECTS, copy_form=copy_form,
                           hold_groups=page.hold_groups, can_edit=page.can_edit)


@allow(role("mother"))
def hold(book_id: int):
    item = db.session.get(Book, book_id) or abort(404)
    try:
        placed = circulation.place_hold(item, _posted_group(), current_user)
    except DomainError as error:
        return refused(error, back=url_for("library.book", book_id=item.id))
    if placed.status == "ready":
        flash(_("A copy is set aside for you. Collect it at your next meeting."), "success")
    else:
        flash(_("You are number %(position)s in the queue for this book.", position=format_number(placed.position)), "success")
    return redirect(url_for("library.mine"))


@allow(role("staff"))
def edit_book(book_id: int | None):
    item = (db.session.get(Book, book_id) or abort(404)) if book_id else None
    form = BookForm(obj=item) if request.method == "GET" else BookForm()
    if request.method == "GET" and item is not None:
        form.subjects.data = item.subject_list

    def _save():
        fields = BookFields(title=form.title.data, authors=form.authors.data or "", language=form.language.data,
                            isbn=form.isbn.data, publisher=form.publisher.data or "", year=form.year.data,
                            subjects=form.subjects.data or [], summary=form.summary.data or "", source=form.source.data)
        return save_book(item, fields, by=current_user)

    done, status, saved = submit(form, _save)
    if done:
        flash(_("The book is saved."), "success")
        return redirect(url_for("library.book", book_id=saved.id))
    return render_template("library/book_form.html", form=form, book=item), status


@allow(FACILITATORS)
def add_copy(book_id: int):
    item = db.session.get(Book, book_id) or abort(404)
    form = CopyForm()
    try:
        group = _posted_group()
        ensure(can_facilitate(current_user, group))
        circulation.add_copy(item, group, form.code.data or "", form.condition.data or "", by=current_user)
    except DomainError as error:
        return refused(error, back=url_for("library.book", book_id=item.id))
    flash(_("The copy is added to the library."), "success")
    return redirect(url_for("library.book", book_id=item.id))


@allow(SIGNED_IN)
def mine():
    no_store()
    return render_template("library/mine.html", loans=lists.my_loans(current_user), holds=lists.my_holds(current_user))


@allow(owner("the mother who placed the hold"))
def hold_action(hold_id: int, action: str):
    item = db.session.get(Hold, hold_id) or abort(404)
    ensure(item.user_id == current_user.id)
    try:
        if action == "pause":
            circulation.pause_hold(item, current_user, True)
        elif action == "resume":
            circulation.pause_hold(item, current_user, False)
        elif action == "cancel":
            circulation.cancel_hold(item, current_user)
        else:
            abort(404)
    except DomainError as error:
        return refused(error, back=url_for("library.mine"))
    flash(_("Saved."), "success")
    return redirect(url_for("library.mine"))


@allow(owner("the mother who borrowed it"))
def renew(loan_id: int):
    loan = db.session.get(Loan, loan_id) or abort(404)
    ensure(loan.user_id == current_user.id)
    try:
        circulation.renew(loan, current_user)
    except DomainError as error:
        return refused(error, back=url_for("library.mine"))
    flash(_("Renewed: the new due date is %(date)s.", date=format_date(loan.due_day, "full")), "success")
    return redirect(url_for("library.mine"))


@allow(FACILITATORS)
def desk(group_id: int):
    """The facilitator's desk at the meeting: lend, take back, lost or damaged, and the lists."""
    group = _group(group_id)
    ensure(can_facilitate(current_user, group))
    no_store()
    members = members_of(group)
    rules = circulation.rules(group.id)
    forms = {"checkout": CheckoutForm(prefix="out"), "checkin": CheckinForm(prefix="in"), "lost": LostForm(prefix="lost"),
             "rules": RulesForm(prefix="rules", obj=rules)}
    forms["checkout"].mother.choices = [(m.id, m.name) for m in members]
    status = 200
    action = request.form.get("action")
    if request.method == "POST" and action in forms:
        form = forms[action]
        done, status, message = submit(form, lambda: _desk_action(action, form, group))
        if done:
            flash(message, "success")
            return redirect(url_for("library.desk", group_id=group.id))
    return render_template("library/desk.html", group=group, forms=forms, loans=lists.desk_loans(group),
                           holds=lists.desk_holds(group)), status


def _desk_action(action: str, form, group: Group) -> str:
    if action == "checkout":
        mother = db.session.get(User, form.mother.data) or abort(404)
        loan = circulation.checkout(form.code.data, group, mother, by=current_user, override=form.override.data)
        return _("Lent to %(name)s until %(date)s.", name=mother.name, date=format_date(loan.due_day, "full"))
    if action == "checkin":
        circulation.checkin(form.code.data, group, by=current_user)
        return _("Taken back.")
    if action == "rules":
        circulation.set_rules(group, form.loan_days.data, form.max_loans.data, form.hold_days.data, by=current_user)
        return _("Saved.")
    circulation.mark_lost(form.code.data, group, by=current_user, damaged_note=form.damaged.data or "")
    return _("Saved.")


@allow(role("coordinator", "admin"))
def library_reports():
    since = today().replace(day=1) - timedelta(days=180)
    return render_template("library/reports.html", per_month=reports.loans_per_month(since),
                           most=reports.most_borrowed(), by_language=reports.titles_by_language(),
                           lost=reports.copies_lost())
