"""Reading leaflets (anyone) and writing them (staff)."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.forms import submit
from ..core.i18n import LANGUAGES
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
                           subject=subject, subjects=services.SUBJECTS)


@allow(ANYONE)
def leaflet(slug: str):
    item = _leaflet(slug)
    wanted = request.args.get("lang")
    languages = [wanted] if wanted in LANGUAGES else _reader_languages()
    translation, fallback = services.version_for(item, languages)
    if translation is None:
        abort(404)
    return render_template("leaflets/leaflet.html", leaflet=item, t=translation, revision=translation.published,
                           fallback=fallback and not wanted, body=markdown.render(translation.published.body),
                           out_of_date=services.is_out_of_date(item, translation),
                           others=[x for x in item.translations if services.visible(x) and x.id != translation.id],
                           custom_when_to_call=when_to_call(translation.language))


@allow(ANYONE)
def print_view(slug: str, lang: str):
    item = _leaflet(slug)
    translation = item.translation(lang)
    if not services.visible(translation):
        abort(404)
    size = "a5" if request.args.get("size") == "a5" else "a4"
    return render_template("leaflets/print.html", leaflet=item, t=translation, size=size,
                           body=markdown.render(translation.published.body),
                           out_of_date=services.is_out_of_date(item, translation),
                           custom_when_to_call=when_to_call(lang))


@allow(ANYONE)
def pdf(slug: str, lang: str):
    translation = _leaflet(slug).translation(lang)
    if not services.visible(translation) or not translation.published.pdf_name:
        abort(404)
    path = files.pdf_path(translation.published.pdf_name) or abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{slug}-{lang}.pdf")
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
    return render_template("leaflets/board.html", board=services.board(), labels=services.STATUS_LABELS)


@allow(STAFF)
def settings(slug: str | None):
    item = _leaflet(slug) if slug else None
    form = LeafletForm(obj=item) if request.method == "GET" else LeafletForm()
    if request.method == "GET" and item is not None:
        form.subjects.data, form.topic_ids.data = item.subject_list, [t.id for t in item.topics]
    form.topic_ids.choices = topic_choices(current_user.read_languages)

    def _save():
        return services.save_leaflet(item, form.slug.data, form.subjects.data or [], form.topic_ids.data or [],
                                     form.source_language.data, by=current_user)

    done, status, saved = submit(form, _save)
    if done:
        flash(_("Saved."), "success")
        return redirect(url_for("leaflets.edit", slug=saved.slug, lang=saved.source_language))
    return render_template("leaflets/settings.html", form=form, leaflet=item), status


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
                           source=source, state=services.status(item, translation), labels=services.STATUS_LABELS), status


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
    return render_template("leaflets/history.html", translation=translation, revisions=revisions, slug=slug)
