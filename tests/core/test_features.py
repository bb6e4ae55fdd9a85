"""Features plug themselves in: the factory lists them, each wires itself, and apps share nothing."""
from __future__ import annotations

import ast
from pathlib import Path

from groups_app import FEATURES, accounts, core, create_app, groups, main
from groups_app.core.extension_points import ExtensionPoint, home_section, nav_links
from groups_app.core.notify import notify, text_channel
from groups_app.groups.hooks import feed_events, meeting_panel
from groups_app.texts.models import OutgoingText
from groups_app.texts.outbox import queue_text
from tests.conftest import make_user

PACKAGE = Path(__file__).resolve().parents[2] / "groups_app"


def _app(base, **features):
    config = {key: base.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "OUTBOX_DIR")}
    config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return create_app(config, **features)


def test_two_apps_with_different_features_share_no_extension_point(app):
    small = _app(app, features=(core, accounts, main, groups))
    full = _app(app)
    assert meeting_panel.contributions(small) == () and feed_events.contributions(small) == ()
    assert len(meeting_panel.contributions(full)) == 1 and len(feed_events.contributions(full)) == 1
    assert "library.catalogue" not in small.view_functions and "library.catalogue" in full.view_functions
    assert "library" not in small.cli.commands and "library" in full.cli.commands

    # Connecting in one app leaves the other untouched, and connecting twice counts once.
    point = ExtensionPoint("test.point", "anything")
    point.connect(small, len)
    point.connect(small, len)
    assert point.contributions(small) == (len,) and point.contributions(full) == ()

    # The small app still serves its pages, with no link to a feature it lacks.
    with small.app_context():
        html = small.test_client().get("/").get_data(as_text=True)
    assert "/groups/" in html and "/library/" not in html and "/leaflets/" not in html
    with small.app_context():
        assert len(nav_links.contributions()) == 3 and len(home_section.contributions()) == 3


def test_the_factory_lists_the_features_and_imports_nothing_inside_a_function():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert not [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)], node.name
    assert [f.__name__.rsplit(".", 1)[-1] for f in FEATURES] == ["core", "accounts", "main", "groups", "library",
                                                                   "leaflets", "visits", "thanks", "texts"]
    assert all(callable(getattr(feature, "init_app", None)) for feature in FEATURES)


def test_no_module_keeps_a_list_of_plugins():
    """Contributions live in app.extensions: a module-level list would be shared by every app."""
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.List) and not node.value.elts:
                raise AssertionError(f"{path}: a module-level empty list {ast.unparse(node.target)}")
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and not node.value.elts:
                raise AssertionError(f"{path}: a module-level empty list {ast.unparse(node.targets[0])}")


def test_each_feature_reads_its_url_rules_in_one_screenful():
    for blueprint in PACKAGE.glob("*/blueprint.py"):
        assert len(blueprint.read_text().splitlines()) <= 50, blueprint


def test_a_notice_with_a_text_message_goes_to_the_texts_feature_only_where_the_app_has_it(app, db):
    """core.notify knows no feature: the texts feature connects its outbox to `text_channel`."""
    assert text_channel.contributions(app) == (queue_text,)
    small = _app(app, features=(core, accounts, main, groups))
    assert text_channel.contributions(small) == ()
    mother = make_user(phone="+972502345678", contact_by_email=False, contact_by_sms=True)
    with small.app_context():
        notify(mother, "Hello", "accounts/email/welcome.txt", text="texts/texts/stop_confirmed.txt",
               text_kind="stop_confirmed", link="https://groups.example.org/")
        assert db.session.query(OutgoingText).count() == 0
    notify(mother, "Hello", "accounts/email/welcome.txt", text="texts/texts/stop_confirmed.txt",
           text_kind="stop_confirmed", link="https://groups.example.org/")
    assert db.session.query(OutgoingText).count() == 1
