"""QR codes on paper, as Chromium draws them: a printed leaflet's code and a sign-in sheet's code,
photographed from the screen and read back by zbarimg to the right link."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from groups_app.leaflets import services
from groups_app.leaflets.importer import import_leaflets
from tests.browser.conftest import ARTIFACTS, Visitor
from tests.browser.test_groups import sign_in
from tests.conftest import make_group, make_user

LEAFLETS = Path(__file__).resolve().parents[2] / "library" / "leaflets"
ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
A4 = {"width": 794, "height": 1123}  # 210 x 297 mm at 96 CSS pixels to the inch
A5 = {"width": 559, "height": 794}  # 148 x 210 mm


@pytest.fixture
def sharp_visitor(app, browser, live_server):
    """A phone of today: 360 px wide, three device pixels to a CSS pixel (as the photos are taken)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=3, locale="he-IL")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Visitor(page, live_server)
    context.close()


def decode(path: Path) -> list[str]:
    if not Path(ZBARIMG).exists():
        pytest.fail("zbarimg not found: apt-get install zbar-tools (or run .ci/run)")
    done = subprocess.run([ZBARIMG, "--raw", "-q", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


def photograph(visitor: Visitor, name: str) -> tuple[list[str], list[str]]:
    """Screenshots of the whole page and of its code, and what zbarimg reads in each."""
    visitor.screenshot(name)
    visitor.page.locator("figure.qr-code svg").screenshot(path=str(ARTIFACTS / f"{name}-code.png"))
    visitor.page.locator(":has(> figure.qr-code)").screenshot(path=str(ARTIFACTS / f"{name}-corner.png"))  # to look at
    return decode(ARTIFACTS / f"{name}.png"), decode(ARTIFACTS / f"{name}-code.png")


def on_paper(visitor: Visitor, size: dict, name: str) -> tuple[list[str], list[str]]:
    """The page as it prints: print media, a page-wide viewport."""
    page = visitor.page
    page.set_viewport_size(size)
    page.emulate_media(media="print")
    try:
        return photograph(visitor, name)
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 360, "height": 740})


def code_corner(visitor: Visitor) -> str:
    """Which side of the page the code sits on."""
    page = visitor.page
    box = page.locator("figure.qr-code svg").bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # on the page, not off its edge
    return "left" if box["x"] + box["width"] / 2 < width / 2 else "right"


@pytest.mark.parametrize("lang", ["am", "ar"])
def test_a_printed_leaflet_code_reads_back_as_its_short_link(sharp_visitor, live_app, db, lang):
    visitor, page = sharp_visitor, sharp_visitor.page
    import_leaflets(LEAFLETS)
    leaflet = services.get_leaflet("good-latch")
    assert services.visible(leaflet.translation(lang))  # the starter leaflet is published in this language
    short_link = f"{live_app.config['PUBLIC_URL']}/l/{leaflet.id}/{lang}"

    # From the home page, in her language: the leaflets, one leaflet, "Print on A5".
    visitor.go("/")
    visitor.choose_language(lang)
    page.locator("nav a[href='/leaflets/']").click()
    visitor.check()
    page.locator("main a[href*='/leaflets/good-latch']").click()
    visitor.check()
    assert page.locator("article.leaflet").get_attribute("lang") == lang
    page.locator("main a[href$='/print?size=a5']").click()
    visitor.check()
    assert page.locator("html").get_attribute("lang") == lang
    svg = page.locator("figure.qr-code svg")
    assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
    assert page.locator(".print-footer span[dir=ltr]").inner_text() == short_link

    whole, code = photograph(visitor, f"qr-leaflet-{lang}-a5-phone")
    assert code == [short_link] and whole == [short_link]
    # In Arabic (right to left) the code sits at the left, the end of the line; in Amharic at the right.
    assert code_corner(visitor) == ("left" if lang == "ar" else "right")

    whole, code = on_paper(visitor, A5, f"qr-leaflet-{lang}-a5-print")
    assert code == [short_link] and whole == [short_link]

    page.go_back()
    page.locator(f"main a[href$='/good-latch/{lang}/print']").click()
    visitor.check()
    assert page.locator("body").get_attribute("class") == "print-a4"
    whole, code = on_paper(visitor, A4, f"qr-leaflet-{lang}-a4-print")
    assert code == [short_link] and whole == [short_link]


@pytest.mark.parametrize("lang", ["en", "he"])
def test_a_sign_in_sheet_code_reads_back_as_the_groups_page(sharp_visitor, live_app, db, lang):
    visitor, page = sharp_visitor, sharp_visitor.page
    facilitator = make_user("facilitator", email=f"sheet-{lang}@example.org", language=lang)
    group = make_group(facilitator, name="Rahat mornings")
    group_link = f"{live_app.config['PUBLIC_URL']}/g/{group.id}"  # the group's short link, to its page

    # Signed in, through the menu: the groups, her group, its next meeting, the printable sheet.
    sign_in(visitor, facilitator)
    page.locator("nav a[href='/groups/']").click()
    visitor.check()
    page.get_by_role("link", name="Rahat mornings").click()
    visitor.check()
    page.locator(".meeting-list a").first.click()
    visitor.check()
    page.locator("main a[href$='/sheet']").click()
    visitor.check()
    assert visitor.html_dir == ("rtl" if lang == "he" else "ltr")

    whole, code = photograph(visitor, f"qr-sheet-{lang}-phone")
    assert code == [group_link] and whole == [group_link]
    assert code_corner(visitor) == ("left" if lang == "he" else "right")
    whole, code = on_paper(visitor, A4, f"qr-sheet-{lang}-a4-print")
    assert code == [group_link] and whole == [group_link]
    # On paper the table still takes the page's width beside nothing: the code sits above it.
    code_box = page.locator("figure.qr-code").bounding_box()
    table_box = page.locator("table.sheet-table").bounding_box()
    assert code_box["y"] + code_box["height"] <= table_box["y"]
