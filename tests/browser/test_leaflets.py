"""Leaflets as staff and mothers use them, and the right-to-left layout at 360 px."""
import pytest

from tests.browser.test_groups import sign_in, sign_out
from tests.conftest import make_user


def test_staff_write_translate_publish_and_see_the_arabic_go_out_of_date(visitor, db):
    page = visitor.page
    staff = make_user("staff", email="staff@example.org", language="en")
    mother = make_user("mother", email="huda@example.org", language="ar")

    sign_in(visitor, staff)
    visitor.go("/leaflets/new")
    page.get_by_label("Short name (Latin letters and dashes)").fill("night-feeds")
    page.get_by_label("Breastfeeding").check()
    page.get_by_role("button", name="Save").click()
    visitor.check()
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
    assert "published" in page.locator("tr", has_text="night-feeds").inner_text()
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
    row = page.locator("tr", has_text="night-feeds")
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
