"""The topic bank, kept by staff in the six languages."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.forms import submit
from ...core.permissions import allow, role
from ...extensions import db
from ..forms import TopicForm
from ..models import Topic
from ..services.topics import all_topics, save_topic

STAFF = role("staff", "admin")


@allow(role("staff", "admin", "facilitator", "coordinator"))
def topics():
    return render_template("groups/topics.html", topics=all_topics(), reader_languages=current_user.read_languages,
                           can_edit=current_user.has_role("staff", "admin"))


@allow(STAFF)
def edit_topic(topic_id: int | None):
    topic = db.session.get(Topic, topic_id) if topic_id else None
    if topic_id and topic is None:
        return render_template("errors/404.html"), 404
    form = TopicForm.for_topic(topic) if request.method == "GET" else TopicForm()
    done, status, saved = submit(form, lambda: save_topic(topic, form.slug.data, form.texts(), by=current_user))
    if done:
        flash(_("The topic %(slug)s is saved.", slug=saved.slug), "success")
        return redirect(url_for("groups.topics"))
    return render_template("groups/topic_form.html", form=form, topic=topic), status
