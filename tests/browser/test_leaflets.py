"""Leaflets as staff and mothers use them, and the right-to-left layout at 360 px."""
from pathlib import Path

import pytest

from groups_app.leaflets import services
from groups_app.leaflets.importer import import_leaflets, parse
from tests.browser.test_groups import sign_in, sign_out
from tests.conftest import make_user

LEAFLETS = Path(__file__).resolve().parents[2] / "library" / "leaflets"


def test_staff_write_translate_publish_and_see_the_arabic_go_out_of_date(visitor, db):
    page = visitor.page
    staff = make_user("staff", email="staff@example.org", language="en")
    mother = make_user("mother", email="huda@example.org", language="ar")

    sign_in(visitor, staff)
    visitor.go("/leaflets/new")
    page.get_by_label("Title").fill("Night feeds")  # no short name typed: made from the title
    page.get_by_label("Breastfeeding").check()
    page.get_by_role("button", name="Save").click()
    visitor.check()
    assert page.url.endswith("/leaflets/night-feeds/en/edit")
    page.get_by_label("Title").fill("Night feeds")
    page.get_by_label("Text (Markdown)").fill("Babies feed at night.\n\n- Rest when you can.\n\n## Sources\n- https://example.org")
    page.get_by_role("button", name="Publish").click()
    visitor.check()
    visitor.go("/leaflets/night-feeds/ar/edit")
    page.get_by_label("Title").fill("الرضاعة الليلية")
    page.get_by_label("Text (Markdown)").fill("يرضع الأطفال في الليل.\n\n- ارتاحي متى استطعت.\n\n## المصادر\n- https://example.org")
    page.get_by_role("button", name="Publish").click()
    visitor.check()
    visitor.go("/leaflets/board")
    assert "published" in page.locator("tr", has_text="Night feeds").inner_text()
    sign_out(visitor)

    sign_in(visitor, mother)
    visitor.go("/leaflets/")
    page.get_by_role("link", name="الرضاعة الليلية").click()
    visitor.check()
    article = page.locator("article.leaflet")
    assert article.get_attribute("dir") == "rtl"
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    visitor.screenshot("leaflet-ar")
    response = page.request.post(visitor.base + "/leaflets/night-feeds/ar/edit",
                                 form={"title": "x", "body": "y", "action": "publish"})
    assert response.status in (400, 403)  # no CSRF token and not staff: refused either way
    assert visitor.go("/leaflets/night-feeds/ar/edit").status == 403
    sign_out(visitor)

    sign_in(visitor, staff)
    visitor.go("/leaflets/night-feeds/en/edit")
    page.get_by_label("Text (Markdown)").fill("Babies feed at night, often.\n\n## Sources\n- https://example.org")
    page.get_by_role("button", name="Publish").click()
    visitor.check()
    visitor.go("/leaflets/board")
    row = page.locator("tr", has_text="Night feeds")
    assert "out of date" in row.inner_text()
    visitor.screenshot("board-en")


MAIN_PAGES = ["/", "/groups/", "/leaflets/", "/login", "/register", "/account/profile", "/planner", "/coordinator/"]


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_layout_mirrors_and_nothing_spills_at_360px(visitor, db, lang):
    page = visitor.page
    person = make_user("mother", "facilitator", "coordinator", email=f"all-{lang}@example.org", language=lang)
    sign_in(visitor, person)
    for path in MAIN_PAGES:
        visitor.go(path)
        assert visitor.html_dir == "rtl"
        # The brand (start of the header) sits on the right; body text is aligned to the right.
        brand = page.locator(".brand").bounding_box()
        assert brand["x"] + brand["width"] > 360 - 40, (path, brand)
        assert page.locator("main").evaluate("e => getComputedStyle(e).direction") == "rtl"
        align = page.locator("main h1").evaluate("e => getComputedStyle(e).textAlign")
        assert align in ("start", "right"), (path, align)
        spills = page.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            const out = [];
            if (document.documentElement.scrollWidth > width + 1) out.push('page ' + document.documentElement.scrollWidth);
            for (const el of document.querySelectorAll('main *, header *, footer *')) {
                if (el.closest('.table-scroll')) continue;
                const r = el.getBoundingClientRect();
                if (r.width && (r.right > width + 1 || r.left < -1)) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '-' + Math.round(r.right));
                if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && el.children.length === 0
                    && !['INPUT','SELECT','TEXTAREA'].includes(el.tagName)) out.push('text ' + el.tagName + ' ' + el.textContent.slice(0, 30));
            }
            return out;
        }""")
        assert spills == [], (lang, path, spills[:5])
        visitor.screenshot(f"page-{lang}{path.replace('/', '_')}")


def _title(slug: str, lang: str) -> str:
    return parse(LEAFLETS / slug / f"{lang}.md")[0]["title"]


def _main_button(page):
    return page.locator("main form button[type=submit]")


def test_staff_finds_the_board_from_her_home_page_and_starts_a_leaflet_without_a_short_name(visitor, db):
    """Links and forms only: home page card -> board (titles, a draft) -> New leaflet -> its text."""
    page = visitor.page
    import_leaflets(LEAFLETS)
    staff = make_user("staff", email="miriam@example.org", language="he")
    services.save_leaflet(None, "", ["newborn"], [], "en", by=staff, title="Colic and crying")  # a draft

    sign_in(visitor, staff)
    visitor.screenshot("home-staff-he")
    page.locator(".card a[href='/leaflets/board']").click()
    visitor.check()
    assert visitor.html_dir == "rtl"
    table = page.locator("table.board tbody")
    assert _title("good-latch", "he") in table.inner_text()  # titles in her language
    assert "good-latch" not in table.inner_text() and "colic-and-crying" not in table.inner_text()
    draft = page.locator("tr", has_text="Colic and crying")
    assert draft.locator("td.state-draft").inner_text() == "טיוטה"  # "draft", in Hebrew
    assert draft.locator("td.state-missing").count() == 5
    visitor.screenshot("leaflets-board-he")

    page.locator("main a[href='/leaflets/new']").click()
    visitor.check()
    assert page.locator("#source_language").input_value() == "he"
    page.locator("#title").fill("בכי של תינוקות")
    visitor.screenshot("leaflet-new-he")
    _main_button(page).click()
    visitor.check()
    assert "/leaflets/leaflet-" in page.url and page.url.endswith("/he/edit")
    assert page.locator("#title").input_value() == "בכי של תינוקות"
    page.locator("#body").fill("תינוקות בוכים.\n\n## מקורות\n- https://www.who.int/health-topics/breastfeeding")
    page.locator("main button[value=draft]").click()
    visitor.check()

    page.locator("nav a[href='/leaflets/']").click()
    page.locator("main a[href='/leaflets/board']").click()
    visitor.check()
    mine = page.locator("tr", has_text="בכי של תינוקות")
    assert mine.locator("td.state-draft").count() == 1
    page.locator(".language-switcher button[value=ar]").click()
    visitor.check()
    assert visitor.html_dir == "rtl" and page.locator("td.state-draft").first.inner_text() == "مسودة"
    assert _title("good-latch", "ar") in page.locator("table.board tbody").inner_text()
    visitor.screenshot("leaflets-board-ar")


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_a_starter_leaflet_on_a_phone_short_source_links_one_peer_note(visitor, db, lang):
    page = visitor.page
    import_leaflets(LEAFLETS)
    sign_in(visitor, make_user("mother", email=f"reader-{lang}@example.org", language=lang))
    page.locator("nav a[href='/leaflets/']").click()
    visitor.check()
    page.locator("main a[href*='/leaflets/good-latch']").click()
    visitor.check()
    article = page.locator("article.leaflet")
    assert article.get_attribute("lang") == lang and article.get_attribute("dir") == "rtl"
    assert page.locator("p.notice").count() == 0
    links = article.locator("a[href^='http']")
    assert links.count() >= 5
    for i in range(links.count()):
        link = links.nth(i)
        assert "/" not in link.inner_text() and not link.inner_text().startswith("www.")
        assert link.evaluate("e => e.getClientRects().length") == 1, link.inner_text()  # on one line
    assert page.locator(".peer-note").count() == 0 and page.locator(".footnote").count() == 0
    visitor.screenshot(f"leaflet-{lang}-good-latch")
    page.locator("main a[href$='/print?size=a5']").click()
    visitor.check()
    assert page.locator("html").get_attribute("lang") == lang
    names = page.locator("article a[href^='http']").all_inner_texts()
    assert names and all("/" not in name and not name.startswith("www.") for name in names), names
    visitor.screenshot(f"leaflet-{lang}-print-a5")
    page.go_back()

    # The same leaflet in the other right-to-left language: a notice, and the text reads right to left.
    other = "ar" if lang == "he" else "he"
    page.locator(f".chips a[lang={other}]").click()
    visitor.check()
    assert page.locator("p.notice").count() == 1
    article = page.locator("article.leaflet")
    assert article.get_attribute("lang") == other
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    visitor.screenshot(f"leaflet-{lang}-reading-{other}")
    page.locator("p.notice a").click()
    visitor.check()
    assert page.locator("article.leaflet").get_attribute("lang") == lang


def test_arabic_inside_an_english_page_reads_right_to_left(visitor, db):
    page = visitor.page
    import_leaflets(LEAFLETS)
    sign_in(visitor, make_user("mother", email="english-reader@example.org", language="en"))
    page.locator("nav a[href='/leaflets/']").click()
    page.locator("main a[href*='/leaflets/safe-sleep']").click()
    page.locator(".chips a[lang=ar]").click()
    visitor.check()
    assert visitor.html_dir == "ltr"
    assert "Arabic" in page.locator("p.notice").inner_text()
    article = page.locator("article.leaflet")
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    heading = article.locator("h1").bounding_box()
    assert heading["x"] + heading["width"] > 360 - 40  # starts on the right
    visitor.screenshot("leaflet-en-reading-ar")
