"""The outbox, the demo data and the library import, as the commands a newcomer runs."""
from sqlalchemy import func, select

from groups_app.accounts.models import User
from groups_app.core.mail import outbox_messages, send_mail
from groups_app.core.places import Locality
from tests.conftest import deliver_mail


def test_mail_without_server_goes_to_a_readable_outbox(app, db):
    send_mail("huda@example.org", "שלום", "مرحبا, body in Arabic and Hebrew: שלום")
    db.session.commit()
    assert outbox_messages() == []  # queued with the transaction, written by the sender
    deliver_mail()
    [message] = outbox_messages()
    assert message.to == "huda@example.org" and message.subject == "שלום"
    assert "مرحبا" in message.body


def test_outbox_command_lists_messages(app, db):
    send_mail("noa@example.org", "Reset your password", "body")
    db.session.commit()  # without MAIL_SERVER, `outbox list` sends what is queued to the folder first
    result = app.test_cli_runner().invoke(args=["outbox", "list"])
    assert result.exit_code == 0 and "noa@example.org" in result.output and "Reset your password" in result.output
    result = app.test_cli_runner().invoke(args=["outbox", "show"])
    assert "body" in result.output


def test_demo_loads_every_role_once(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    roles = set().union(*(u.role_names for u in db.session.scalars(select(User))))
    assert roles == {"mother", "facilitator", "volunteer", "coordinator", "staff", "admin"}
    languages = set(db.session.scalars(select(User.language)))
    assert languages == {"he", "ar", "ru", "am", "es"} | (languages & {"en"})
    count = db.session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "already" in again.output
    assert runner.invoke(args=["demo", "--once"]).exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == count


def test_demo_has_groups_with_a_past_and_a_future(app, db):
    from groups_app.groups.models import Attendance, Group, Meeting

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    groups = db.session.scalars(select(Group)).all()
    assert {g.locality.name_en for g in groups} == {"Beersheba", "Rahat", "Arad", "Dimona"}
    assert all(g.facilitator_ids for g in groups)
    assert db.session.scalar(select(func.count(Attendance.id))) > 10
    assert db.session.scalar(select(func.count(Meeting.id))) >= 4 * 14


def test_demo_never_runs_in_production(app, db):
    app.config["PRODUCTION"] = True
    try:
        result = app.test_cli_runner().invoke(args=["demo"])
    finally:
        app.config["PRODUCTION"] = False
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_content_import_is_idempotent(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "import"])
    assert result.exit_code == 0 and "0 added" in result.output
    rahat = db.session.scalar(select(Locality).where(Locality.name_en == "Rahat"))
    assert (rahat.name_he, rahat.name_ar) == ("רהט", "رهط")
    assert rahat.source.startswith("https://")
