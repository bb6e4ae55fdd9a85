"""Calendar feeds: a group's, a mother's personal secret feed, one meeting; and her feed settings."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...core.forms import submit
from ...core.permissions import ANYONE, SIGNED_IN, allow, ensure, owner
from ...core.security import no_store
from ...core.timeutil import utcnow
from .. import calendar as feeds
from .. import calendar_versions as versions
from ..forms import CalendarForm
from ..hooks import feed_events
from ..permissions import can_facilitate, is_member_of
from .common import get_group, get_meeting


def _ics(body: bytes, filename: str, private: bool) -> Response:
    response = Response(body, mimetype="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response


def _conditional(read_version, build, filename: str, private: bool, read_again=None) -> Response:
    """304 when her calendar program already has this version (nginx's gzip turns an ETag weak,
    hence the weak comparison); otherwise the body, built or kept (calendar_versions.feed_body),
    which reads the version again after building it (`read_again`, from the database itself)."""
    version = read_version()
    if request.if_none_match.contains_weak(version):
        response = Response(status=304)
        if private:
            response.headers["Cache-Control"] = "no-store"
    else:
        body, version = versions.feed_body(version, build, read_again or read_version)
        response = _ics(body, filename, private)
    if version is not None:
        response.set_etag(version)
    return response


@allow(ANYONE)
def group_calendar(group_id: int):
    """Public: a home's address appears only to members, and a feed reader is nobody's member."""
    group, now = get_group(group_id), utcnow()
    return _conditional(lambda: versions.group_feed_version(group, now), lambda: feeds.build_calendar(
        feeds.meetings_of_group(group, now), None, group.language_list, group.name), f"group-{group.id}.ics", False)


@allow(ANYONE)
def personal_calendar(token: str):
    """The secret address is the key: no sign-in, since calendar programs cannot sign in."""
    feed = feeds.feed_owner(token)
    if feed is None or not feed.user.active:
        abort(404)
    user, now = feed.user, utcnow()
    with force_locale(user.language):  # written in her language, whatever the calendar program asks for
        extra = feed_events.collect(user)  # each feature's part; FeedEvents make their events only for a body
        name = _("My Mother to Mother groups")
    return _conditional(lambda: versions.personal_feed_version(feed, name, extra, now), lambda: feeds.build_calendar(
        feeds.meetings_of_member(user, now), user, user.read_languages, name, feed.reminder, versions.events_of(extra),
        member=True),
        "my-groups.ics", True, read_again=lambda: versions.personal_feed_version(feed, name, extra, now, kept=False))


@allow(owner("members and facilitators of the group"))
def meeting_calendar(meeting_id: int):
    meeting = get_meeting(meeting_id)
    ensure(is_member_of(current_user, meeting.group) or can_facilitate(current_user, meeting.group))
    feed = feeds.existing_feed(current_user)
    body = feeds.build_calendar([meeting], current_user, current_user.read_languages, meeting.group.name,
                                feed.reminder if feed else "1d")
    response = _ics(body, f"meeting-{meeting.id}.ics", private=True)
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


@allow(SIGNED_IN)
def calendar_settings():
    no_store()
    feed = feeds.feed_of(current_user)  # her address at once; the first save keeps it, a GET writes nothing
    form = CalendarForm(reminder=feed.reminder) if request.method == "GET" else CalendarForm()

    def _save():
        reset = request.form.get("action") == "reset"
        feeds.set_reminder(current_user, form.reminder.data, new_address=reset)
        if reset:
            flash(_("Your calendar has a new address. The old one no longer works: subscribe again with the new one."), "success")
        else:
            flash(_("Saved."), "success")

    done, status, _result = submit(form, _save)
    if done:
        return redirect(url_for("groups.calendar_settings"))
    url = url_for("groups.personal_calendar", token=feed.token, _external=True)
    return render_template("groups/calendar_settings.html", form=form, feed_url=url,
                           webcal_url="webcal://" + url.split("://", 1)[1]), status
