"""QR codes on paper: what core/qr.py makes decodes back to the URL, and the printed pages carry one
to the program's public address (never the Host a request names)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from groups_app.core.qr import make, print_size_mm, qr_svg
from tests.conftest import add_members, login, make_group, make_mother, make_user, past_meeting

ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
URLS = ["http://localhost:5000/l/1/am", "https://groups.example.org/l/12345/he",
        "https://mother-to-mother.example.org.il/groups/987", "https://groups.example.org/l/7/ar?x=%D8%A7"]


def decode_png(path) -> list[str]:
    """What zbarimg (Debian's zbar-tools) reads in an image: one line per code found."""
    if not shutil.which(ZBARIMG):
        pytest.fail("zbarimg not found: apt-get install zbar-tools (or run .ci/run)")
    done = subprocess.run([ZBARIMG, "--raw", "-q", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path (relative moves and horizontal runs), as (x, y)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, numbers in re.findall(r"([MmHhVv])([-\d. ]+)", path.replace("m", " m").replace("h", " h")):
        values = [float(v) for v in numbers.split()]
        if command in "Mm":
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        elif command == "h":
            for i in range(int(values[0])):
                dark.add((int(x) + i, int(y - 0.5)))
            x += values[0]
        else:  # pragma: no cover - segno writes only these
            raise AssertionError(command)
    return dark


@pytest.mark.parametrize("url", URLS)
def test_the_code_decodes_back_to_the_url(tmp_path, url):
    png = tmp_path / "code.png"
    make(url).save(png, kind="png", scale=4, border=4)
    assert decode_png(png) == [url]


@pytest.mark.parametrize("url", URLS)
def test_the_svg_draws_exactly_the_code_that_decodes(url):
    code = make(url)
    expected = {(x + 4, y + 4) for y, row in enumerate(code.matrix) for x, dark in enumerate(row) if dark}
    assert svg_modules(str(qr_svg(url, title="QR"))) == expected


def test_error_correction_m_regular_code_and_a_print_size_of_25_to_30_mm():
    for url in URLS:
        code = make(url)
        assert code.error == "M" and not code.is_micro
        assert 25 <= print_size_mm(code) <= 30
    svg = str(qr_svg(URLS[0], title="QR"))
    width = re.search(r'width="([\d.]+)mm"', svg).group(1)
    assert re.search(rf'height="{width}mm"', svg) and 'viewBox="0 0 37 37"' in svg  # 4 modules of quiet zone


def test_the_svg_goes_inline_through_the_content_security_policy():
    svg = str(qr_svg("https://groups.example.org/l/1/am", title='Code "here" & <there>'))
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "<?xml" not in svg and "data:" not in svg and "style=" not in svg and "<script" not in svg.lower()
    assert "xmlns" not in svg  # HTML parses inline SVG into its namespace itself
    assert 'role="img"' in svg and 'aria-label="Code &#34;here&#34; &amp; &lt;there&gt;"' in svg
    assert "<title>Code \"here\" &amp; &lt;there&gt;</title>" in svg
    assert 'stroke="#000"' in svg and 'fill="#fff"' in svg  # black on white, for cheap printers


# ---- the printed pages ---------------------------------------------------------------------------

def _leaflet_in_amharic(staff):
    from groups_app.leaflets import services

    leaflet = services.save_leaflet(None, "good-latch", ["breastfeeding"], [], "en", by=staff)
    for code, title in (("en", "A good latch"), ("am", "ጥሩ አያያዝ")):
        services.save_text(leaflet, code, title, f"Text in {code}.\n\n## Sources\n- https://example.org",
                           None, "publish", by=staff)
    return leaflet


def _svg_in(html: str) -> str:
    return re.search(r"<svg .*?</svg>", html, re.S).group(0)


@pytest.fixture
def public_address(app):
    before = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = "https://groups.example.org"
    yield "https://groups.example.org"
    app.config["PUBLIC_URL"] = before


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_a_printed_leaflet_carries_a_code_to_its_short_link_at_the_public_address(client, public_address, size):
    leaflet = _leaflet_in_amharic(make_user("staff"))
    response = client.get(f"/leaflets/good-latch/am/print?size={size}", headers={"Host": "127.0.0.1:8080"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "127.0.0.1" not in html
    short_link = f"{public_address}/l/{leaflet.id}/am"
    svg = _svg_in(html)
    assert svg_modules(svg) == {(x + 4, y + 4) for y, row in enumerate(make(short_link).matrix)
                                for x, dark in enumerate(row) if dark}
    assert f'<span dir="ltr">{short_link}</span>' in html  # the same link, written out
    assert '<figure class="qr-code">' in html and "<figcaption>" in html
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_leaflet_not_published_in_that_language_prints_no_code(client):
    _leaflet_in_amharic(make_user("staff"))
    assert client.get("/leaflets/good-latch/ar/print?size=a5").status_code == 404


def test_the_sign_in_sheet_carries_a_code_to_the_groups_short_link(client, public_address):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    meeting = past_meeting(group)
    login(client, facilitator)
    html = client.get(f"/meetings/{meeting.id}/sheet").get_data(as_text=True)  # asked of http://localhost
    link = f"{public_address}/g/{group.id}"  # the group's short link
    assert svg_modules(_svg_in(html)) == {(x + 4, y + 4) for y, row in enumerate(make(link).matrix)
                                          for x, dark in enumerate(row) if dark}
    assert "http://localhost" not in html
    client.post("/logout")
    landing = client.get(f"/g/{group.id}", follow_redirects=True)  # a mother's phone, not signed in
    assert landing.status_code == 200 and landing.request.path == f"/groups/{group.id}"


def test_only_the_groups_facilitators_print_its_sheet(client):
    facilitator, other, mother = make_user("facilitator"), make_user("facilitator"), make_mother()
    group = make_group(facilitator)
    add_members(group, mother)
    meeting = past_meeting(group)
    assert client.get(f"/meetings/{meeting.id}/sheet").status_code in (302, 401)  # a visitor is sent to log in
    for person in (mother, other):
        login(client, person)
        assert client.get(f"/meetings/{meeting.id}/sheet").status_code == 403
        client.post("/logout")
