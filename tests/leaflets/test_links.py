"""Links in a leaflet's text: only https, http, mailto, tel or this site, however the address is
written; scheme-relative addresses and pictures refused with their own message (issue 14)."""
import re
from html import unescape

import pytest
from flask_babel import force_locale

from groups_app.core.errors import DomainError
from groups_app.leaflets import markdown, services
from tests.conftest import login, make_mother, make_user

UNSAFE, FULL, PICTURE = markdown.UNSAFE_LINK, markdown.SCHEME_RELATIVE, markdown.NO_PICTURES

BAD = [
    ("[our site](//evil.example)", FULL),
    ("[our site](//evil.example/leaflets)", FULL),
    ("[our site](/\\evil.example)", FULL),  # browsers read /\ as //
    ("[our site]( //evil.example )", FULL),
    ("[our site](<//evil.example>)", FULL),
    ("[our site][1]\n\n[1]: //evil.example", FULL),  # reference-style
    ("[our site][1]\n\n[1]: javascript:alert(1)", UNSAFE),
    ("An unused definition\n\n[1]: javascript:alert(1)", UNSAFE),
    ("<javascript:alert(1)>", UNSAFE),  # autolink
    ("<JaVaScRiPt:alert(1)>", UNSAFE),
    ("[x](JaVaScRiPt:alert(1))", UNSAFE),
    ("[x](jav&#x61;script:alert(1))", UNSAFE),  # entity-encoded
    ("[x](&#106;&#97;&#118;&#97;script:alert(1))", UNSAFE),
    ("[x](<java\tscript:alert(1)>)", UNSAFE),  # a tab, which browsers drop
    ("[x](java\tscript:alert(1))", UNSAFE),
    ("[x](jav&#x09;ascript:alert(1))", UNSAFE),
    ("[x](   javascript:alert(1))", UNSAFE),  # leading spaces
    ("[x](\x01javascript:alert(1))", UNSAFE),  # a control character
    ("[x](&#x20;javascript:alert(1))", UNSAFE),
    ("[x](vbscript:msgbox(1))", UNSAFE),
    ("[x](data:text/html,<b>hi</b>)", UNSAFE),
    ("[x](file:///etc/passwd)", UNSAFE),
    ("[x](www.who.int)", UNSAFE),  # not a full address
    ("![a baby](https://evil.example/track.png)", PICTURE),
    ("![a baby](http://evil.example/track.png)", PICTURE),
    ("![a baby](//evil.example/track.png)", PICTURE),
    ("![a baby](/static/baby.png)", PICTURE),
    ("![a baby][p]\n\n[p]: https://evil.example/track.png", PICTURE),
    ("![a baby](javascript:alert(1))", UNSAFE),
]
GOOD = {
    "[WHO](https://www.who.int/health-topics/breastfeeding)": 'href="https://www.who.int/health-topics/breastfeeding"',
    "[La Leche](http://llli.org)": 'href="http://llli.org"',
    "<https://www.health.gov.il>": 'href="https://www.health.gov.il"',
    "[WHO][who]\n\n[who]: https://www.who.int": 'href="https://www.who.int"',
    "[write to us](mailto:groups@example.org)": 'href="mailto:groups@example.org"',
    "[call MDA](tel:101)": 'href="tel:101"',
    "[all leaflets](/leaflets)": 'href="/leaflets"',
    "[sources](#sources)": 'href="#sources"',
    "Sources: https://www.who.int/news.": '<a href="https://www.who.int/news">who.int</a>',
    "[UPPER](HTTPS://WHO.INT)": 'href="HTTPS://WHO.INT"',
}


def _message(message) -> str:
    with force_locale("en"):
        return str(message)


@pytest.mark.parametrize("text, message", BAD)
def test_each_bad_link_is_refused_by_the_rules_with_its_message(app, text, message):
    with pytest.raises(DomainError) as error:
        markdown.problems(f"Some text.\n\n{text}\n")
    assert error.value.field == "body" and _message(error.value.message) == _message(message)


@pytest.mark.parametrize("text, message", BAD)
def test_each_bad_link_is_refused_by_the_service_and_nothing_saved(app, text, message):
    staff = make_user("staff")
    leaflet = services.save_leaflet(None, "good-latch", [], [], "en", by=staff)
    with pytest.raises(DomainError) as error:
        services.save_text(leaflet, "en", "A good latch", text, None, "publish", by=staff)
    assert _message(error.value.message) == _message(message)
    assert leaflet.translation("en") is None


def test_each_bad_link_is_refused_by_the_form_keeping_what_she_typed(app, client):
    staff = make_user("staff")
    services.save_leaflet(None, "good-latch", [], [], "en", by=staff)
    login(client, staff)
    for text, message in BAD:
        body = f"My careful text.\n\n{text}"
        response = client.post("/leaflets/good-latch/en/edit", data={"title": "My title", "body": body,
                                                                      "action": "publish"})
        assert response.status_code == 400, text
        html = response.get_data(as_text=True)
        assert _message(message) in unescape(html), text
        assert 'value="My title"' in html and "My careful text." in html, text
        assert re.sub(r"[\x00-\x08]", "", text)[:8] in unescape(html), text  # her link too (less control characters)


@pytest.mark.parametrize("text, link", GOOD.items())
def test_good_links_are_accepted_and_rendered(app, text, link):
    markdown.problems(text)
    assert link in str(markdown.render(text))


def test_good_links_reach_the_reader(app, client):
    staff = make_user("staff")
    leaflet = services.save_leaflet(None, "good-latch", [], [], "en", by=staff)
    services.save_text(leaflet, "en", "A good latch", "\n\n".join(GOOD), None, "publish", by=staff)
    login(client, make_mother(language="en"))
    html = client.get("/leaflets/good-latch").get_data(as_text=True)
    assert all(link in html for link in GOOD.values())


def test_text_saved_before_the_rule_still_renders_safely():
    html = str(markdown.render("[x](//evil.example) and ![p](https://evil.example/p.png)"))
    assert 'href="//evil.example"' not in html and "<img" not in html
