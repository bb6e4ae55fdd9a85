"""Browser tests: the app served on localhost, Debian's Chromium driven by Playwright, axe-core
checking every page visited. They share the test database with the rest of the suite."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_test_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERIOUS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(_session_app, tmp_path_factory):
    """The app the browser talks to: the same database as the other tests, CSRF on."""
    app = make_test_app(
        _session_app.config["SQLALCHEMY_DATABASE_URI"],
        str(tmp_path_factory.mktemp("live-instance")),
        WTF_CSRF_ENABLED=True,
    )
    app.config["OUTBOX_DIR"] = str(tmp_path_factory.mktemp("live-outbox"))
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The live app served by a thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def live_outbox(live_app):
    """The mail the live app wrote during this test (the folder is emptied first)."""
    folder = Path(live_app.config["OUTBOX_DIR"])
    for old in folder.glob("*.eml"):
        old.unlink()
    return folder


def deliver_live_mail(live_app):
    """Send what the live app queued, as `flask mail send` would: to its outbox folder."""
    from groups_app.core.mail import deliver_due

    with live_app.app_context():
        return deliver_due()


def emailed_path(live_app, to: str, marker: str) -> str:
    """Deliver the live app's mail and return the path of the link containing `marker` in the
    last message to `to`: what she opens from her mailbox."""
    from groups_app.core.mail import outbox_messages

    deliver_live_mail(live_app)
    body = [m for m in outbox_messages(live_app.config["OUTBOX_DIR"]) if m.to == to][-1].body
    link = next(line for line in body.splitlines() if marker in line).strip()
    return link[len(live_app.config["PUBLIC_URL"]):]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-core (or run .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


class Visitor:
    """A person on a phone: a 360 px wide page, with axe-core run on every page she sees."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base = base_url
        self.checked: list[str] = []

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        self.check()
        return response

    def check(self):
        """No serious or critical accessibility violation on the page as it is now."""
        from axe_playwright_python.sync_playwright import Axe

        # A click that submits a form returns before the next page has loaded; axe run on the page
        # between the two finds no document (a failure seen once in CI under load).
        self.page.wait_for_load_state()
        results = Axe().run(self.page)
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v.get("impact") in SERIOUS
        ]
        where = self.page.url
        assert bad == [], f"axe on {where} ({self.page.locator('html').get_attribute('lang')}): {bad}"
        self.checked.append(where)

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def choose_language(self, code: str):
        self.page.locator(f'.language-switcher button[value="{code}"]').click()
        self.check()

    @property
    def html_dir(self) -> str:
        return self.page.locator("html").get_attribute("dir")


@pytest.fixture
def visitor(app, browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="he-IL")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Visitor(page, live_server)
    context.close()
