"""The program figures as a coordinator reads them on her phone: from her home page to the figures,
a year chosen, the charts drawn (their own styles allowed, no script), in English and in Arabic."""
from tests.browser.test_groups import sign_in
from tests.conftest import make_user, today
from tests.visits import bulk


def _charts_drawn(page) -> list[int]:
    return page.eval_on_selector_all(".figure-chart img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_a_coordinator_reads_the_program_figures(visitor, db):
    page = visitor.page
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    bulk.generate_program(400, 6000, today=today(), seed=7)
    coordinator = make_user("coordinator", email="dina@example.org", language="en")

    sign_in(visitor, coordinator)
    page.get_by_role("link", name="Figures").click()
    visitor.check()
    assert page.locator("h1").inner_text() == "Program figures"
    assert _charts_drawn(page) == [420, 420, 420]
    assert page.get_by_role("table", name="Referrals per month").is_visible()
    visitor.screenshot("visit-figures-en")

    page.get_by_label("Year").select_option(str(today().year))
    page.get_by_role("button", name="Show").click()
    visitor.check()
    assert f"year={today().year}" in page.url
    assert page.get_by_role("table", name="Mothers served, by locality").locator("thead th").count() == 2

    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    assert _charts_drawn(page) == [420, 420, 420]
    visitor.screenshot("visit-figures-ar")
    page.locator(".figure-chart").first.screenshot(path="test-artifacts/visit-figures-chart-ar.png")
    assert refused == []
