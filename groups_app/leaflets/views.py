"""Reading leaflets (anyone) and writing them (staff)."""
from __future__ import annotations

import io
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.forms import submit
from ..core.i18n import LANGUAGE_LABELS, LANGUAGES, in_her_language
from ..core.permissions import ANYONE, allow, role
from ..extensions import db
from ..groups.services.topics import topic_choices
from . import files, markdown, services
from .forms import LeafletForm, TextForm
from .models import LeafletRevision

STAFF = role("staff")


def _reader_languages() -> list[str]:
    if current_user.is_authenticated:
        return current_user.read_languages
    return [str(get_locale())]


def _leaflet(slug: str):
    return services.get_leaflet(slug) or abort(404)


def when_to_call(language: str):
    """The 'when to call a professional' text: a file in instance/when-to-call/<lang>.md if a
    program wrote its own, else the project's translated text."""
    path = Path(current_app.instance_path) / "when-to-call" / f"{language}.md"
    return markdown.render(path.read_text(encoding="utf-8")) if path.is_file() else None


@allow(ANYONE)
def index():
    subject = request.args.get("subject") if request.args.get("subject") in services.SUBJECTS else None
    return render_template("leaflets/index.html", items=services.browse(_reader_languages(), subject),
                           subject=subject, subjects=in_her_language(services.SUBJECTS),
                           language_names=in_her_language(LANGUAGE_LABELS))


@allow(ANYONE)
def leaflet(slug: str):
    wanted = request.args.get("lang")
    languages = [wanted] if wanted in LANGUAGES else _reader_languages()
    interface = str(get_locale())
    page = services.reading(slug, languages, interface) or abort(404)
    body = page.shown.body
    # The page around the leaflet is in her interface language, and so is its when-to-call box.
    return render_template("leaflets/leaflet.html", leaflet=page, t=page.shown, revision=page.shown,
                           notice=page.notice, interface=interface, language_names=in_her_language(LANGUAGE_LABELS),
                           body=markdown.render(body), peer_note_in_text=markdown.has_peer_note(body),
                           out_of_date=page.out_of_date, others=page.others,
                           custom_when_to_call=when_to_call(interface))


@allow(ANYONE)
def print_view(slug: str, lang: str):
    item = _leaflet(slug)
    translation = item.translation(lang)
    if not services.visible(translation):
        abort(404)
    size = "a5" if request.args.get("size") == "a5" else "a4"
    body = translation.published.body
    # Paper goes to a mother who reads the leaflet's language: all of it, dates too, is in it.
    with force_locale(lang):
        return render_template("leaflets/print.html", leaflet=item, t=translation, size=size,
                               body=markdown.render(body), peer_note_in_text=markdown.has_peer_note(body),
                               out_of_date=services.is_out_of_date(item, translation),
                               custom_when_to_call=when_to_call(lang))


@allow(ANYONE)
def pdf(slug: str, lang: str):
    """The PDF edition, from the database (any app server has it); its sha256 is its ETag, so a
    phone that has it already gets a 304 and the bytes are not even read."""
    translation = _leaflet(slug).translation(lang)
    if not services.visible(translation):
        abort(404)
    stored = files.read_pdf(translation.published.pdf_file_id) or abort(404)
    if request.if_none_match.contains(stored.sha256):
        response = current_app.response_class(status=304)
    else:
        response = send_file(io.BytesIO(stored.data), mimetype="application/pdf", as_attachment=True,
                             download_name=f"{slug}-{lang}.pdf", last_modified=stored.created_at, conditional=True)
    response.set_etag(stored.sha256)
    response.cache_control.no_cache = True  # asked again each time: a withdrawn version stops at once
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@allow(ANYONE)
def share(leaflet_id: int, lang: str):
    from .models import Leaflet

    item = db.session.get(Leaflet, leaflet_id) or abort(404)
    return redirect(url_for("leaflets.leaflet", slug=item.slug, lang=lang if lang in LANGUAGES else None))


# ---- staff -------------------------------------------------------------------------------------

@allow(STAFF)
def board():
    return render_template("leaflets/board.html", board=services.board(current_user.read_languages),
                           labels=services.STATUS_LABELS)


def _leaflet_form(item) -> LeafletForm:
    """A new leaflet starts from its title, in her language by default; an existing one's titles
    are changed with its texts, so its form has no title."""
    form = LeafletForm(obj=item) if request.method == "GET" else LeafletForm()
    form.topic_ids.choices = topic_choices(current_user.read_languages)
    if item is None:
        if request.method == "GET":
            form.source_language.data = str(get_locale())
        return form
    del form.title
    form.slug.description = _("It is part of the leaflet's web address. Short links and printed leaflets "
                              "keep working when you change it.")
    if request.method == "GET":
        form.subjects.data, form.topic_ids.data = item.subject_list, [t.id for t in item.topics]
    return form


@allow(STAFF)
def settings(slug: str | None):
    item = _leaflet(slug) if slug else None
    form = _leaflet_form(item)

    def _save():
        return services.save_leaflet(item, form.slug.data, form.subjects.data or [], form.topic_ids.data or [],
                                     form.source_language.data, by=current_user,
                                     title=form.title.data if item is None else None)

    done, status, saved = submit(form, _save)
    if done:
        flash(_("Saved."), "success")
        return redirect(url_for("leaflets.edit", slug=saved.slug, lang=saved.source_language))
    title = services.title_for(item, current_user.read_languages) if item else None
    return render_template("leaflets/settings.html", form=form, leaflet=item, title=title), status


@allow(STAFF)
def edit(slug: str, lang: str):
    item = _leaflet(slug)
    if lang not in LANGUAGES:
        abort(404)
    translation = item.translation(lang)
    form = TextForm(obj=translation) if request.method == "GET" else TextForm()

    def _save():
        upload, data = form.pdf.data, None
        if upload and getattr(upload, "filename", ""):
            files.check_name(upload.filename)
            data = upload.read()
        return services.save_text(item, lang, form.title.data, form.body.data, data,
                                  request.form.get("action", "draft"), by=current_user)

    done, status, saved = submit(form, _save)
    if done:
        flash(_("Saved: %(state)s.", state=services.STATUS_LABELS[services.status(item, saved)]), "success")
        return redirect(url_for("leaflets.edit", slug=slug, lang=lang))
    source = item.source if lang != item.source_language else None
    return render_template("leaflets/edit.html", form=form, leaflet=item, lang=lang, translation=translation,
                           source=source, state=services.status(item, translation), labels=services.STATUS_LABELS,
                           title=services.title_for(item, current_user.read_languages)), status


@allow(STAFF)
def withdraw(slug: str, lang: str):
    translation = _leaflet(slug).translation(lang) or abort(404)
    services.withdraw(translation, by=current_user)
    flash(_("Withdrawn: readers no longer see this version."), "success")
    return redirect(url_for("leaflets.board"))


@allow(STAFF)
def history(slug: str, lang: str):
    translation = _leaflet(slug).translation(lang) or abort(404)
    revisions = db.session.scalars(db.select(LeafletRevision).where(LeafletRevision.translation_id == translation.id)
                                   .order_by(LeafletRevision.number.desc())).all()
    return render_template("leaflets/history.html", translation=translation, revisions=revisions, slug=slug,
                           title=services.title_for(translation.leaflet, [translation.language]))
