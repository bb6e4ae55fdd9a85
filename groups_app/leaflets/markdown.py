"""Leaflet bodies are Markdown: raw HTML and unsafe links are refused, and rendering never lets
HTML through, so no script can reach a reader's page. A web address in the text becomes a link
that shows only the site's name (who.int), so a source fits on a phone's line and on paper."""
from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from ..core.errors import DomainError


class _Inspector(MarkdownIt):
    """Sees every link as written: none left as plain text for looking unsafe (so that it can be
    refused with a message) and none re-encoded (so that its scheme is judged as decoded)."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        return True

    def normalizeLink(self, url: str) -> str:  # noqa: N802
        return url


_inspect = _Inspector("commonmark", {"html": True})
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:")
# What a browser drops from an address before reading its scheme: C0 controls and spaces at the
# ends, tabs and line breaks anywhere ("java\tscript:" is javascript:).
_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")
UNSAFE_LINK = _l("Links must start with https://, http://, mailto: or tel:.")
SCHEME_RELATIVE = _l("Write web addresses in full, starting with https:// (an address that starts with // is not "
                     "accepted).")
NO_PICTURES = _l("Leaflets cannot show pictures: please remove the part that starts with ![ (the leaflet's "
                 "text is read on small phones and printed).")
URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}»”’"
# MDA's number, in Western or Arabic-Indic digits.
EMERGENCY_NUMBER = re.compile(r"(?<![0-9\u0660-\u0669])(?:101|\u0661\u0660\u0661)(?![0-9\u0660-\u0669])")


def site_name(url: str) -> str:
    """The host of a web address without "www.": https://www.who.int/news/... -> who.int."""
    host = urlsplit(url).hostname or url
    try:
        host = host.encode("ascii").decode("idna")  # xn--... back to the letters people know
    except UnicodeError:
        pass
    return host.removeprefix("www.")


def _cut(address: str) -> str:
    """A web address found in running text, without the punctuation that ends the sentence."""
    while address and address[-1] in _TRAILING:
        if address[-1] == ")" and address.count("(") >= address.count(")"):
            break  # a bracket that belongs to the address, as in Wikipedia's
        address = address[:-1]
    return address


def _link(state: StateCore, href: str, level: int) -> list[Token]:
    link_open = Token("link_open", "a", 1, attrs={"href": state.md.normalizeLink(href)}, level=level)
    text = Token("text", "", 0, content=site_name(href), level=level + 1)
    return [link_open, text, Token("link_close", "a", -1, level=level)]


def _short_links(state: StateCore) -> None:
    """Bare web addresses become links, and a link whose words are its own address shows the site."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, out, i = block.children, [], 0
        while i < len(children):
            token = children[i]
            if token.type == "link_open":
                end = next(j for j in range(i, len(children)) if children[j].type == "link_close")
                inner = children[i + 1:end]
                href = token.attrGet("href") or ""
                words = "".join(t.content for t in inner if t.type == "text").strip()
                if href.lower().startswith(("http://", "https://")) and all(t.type == "text" for t in inner) \
                        and state.md.normalizeLink(words) == href:
                    inner = [Token("text", "", 0, content=site_name(words), level=token.level + 1)]
                out += [token, *inner, children[end]]
                i = end + 1
                continue
            if token.type == "text" and URL.search(token.content):
                start = 0
                for match in URL.finditer(token.content):
                    address = _cut(match.group(0))
                    if not state.md.validateLink(address):
                        continue
                    before = token.content[start:match.start()]
                    if before:
                        out.append(Token("text", "", 0, content=before, level=token.level))
                    out += _link(state, address, token.level)
                    start = match.start() + len(address)
                if token.content[start:]:
                    out.append(Token("text", "", 0, content=token.content[start:], level=token.level))
            else:
                out.append(token)
            i += 1
        block.children = out


class _Renderer(MarkdownIt):
    """What was saved before a rule was tightened still renders safely: a link the rules refuse
    stays text, and no picture is fetched."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's name
        return super().validateLink(url) and link_problem(url) is None


_render = _Renderer("commonmark", {"html": False, "linkify": False}).disable("image")
_render.core.ruler.push("short_links", _short_links)


def link_problem(target: str):
    """The message for a link address that is not allowed, or None: http(s), mailto, tel, or a
    path on this site. `//host` (and `/\\host`, which browsers read the same) is another site's
    address with the page's scheme: it is refused, with a request to write https:// in full."""
    address = _CONTROLS.sub("", target or "").lower()
    if address.startswith(("//", "/\\", "\\")):
        return SCHEME_RELATIVE
    if _SCHEME.match(address):
        return None if address.startswith(("http://", "https://", "mailto:", "tel:")) else UNSAFE_LINK
    return None if address.startswith(("/", "#")) else UNSAFE_LINK


def problems(text: str) -> None:
    """Raise DomainError for raw HTML, a picture, or a link that is not http(s), mailto, tel or
    on-site: inline, reference-style or autolinked, however its address is written."""
    env: dict = {}
    for token in _inspect.parse(text, env):
        if token.type == "html_block":
            raise DomainError(_l("The text holds HTML. Please use Markdown only (no tags like <p> or <script>)."), field="body")
        for child in token.children or []:
            if child.type == "html_inline":
                raise DomainError(_l("The text holds HTML. Please use Markdown only (no tags like <p> or <script>)."),
                                  field="body")
            if child.type == "link_open":
                problem = link_problem(str(child.attrGet("href") or ""))
                if problem:
                    raise DomainError(problem, field="body")
            if child.type == "image":  # no picture store here, and none fetched from another site
                unsafe = link_problem(str(child.attrGet("src") or "")) == UNSAFE_LINK
                raise DomainError(UNSAFE_LINK if unsafe else NO_PICTURES, field="body")
    for reference in env.get("references", {}).values():  # definitions, used or not
        problem = link_problem(reference.get("href", ""))
        if problem:
            raise DomainError(problem, field="body")
    # What markdown-it does not take for a link (a control character inside the address) is
    # shown as text; refuse it all the same, read as a browser would read it.
    squeezed = _CONTROLS.sub("", html.unescape(text)).lower()
    for scheme in ("javascript:", "vbscript:", "data:", "file:"):
        if any(f"{opening}{scheme}" in squeezed for opening in ("](", "](<", "]:", "]:<", "<")):
            raise DomainError(UNSAFE_LINK, field="body")
    if "](//" in squeezed or "](<//" in squeezed:
        raise DomainError(SCHEME_RELATIVE, field="body")


# A published leaflet's text is read on every visit and never changes (an edit is a new revision):
# its HTML and its peer note are worked out once per text, not on every request (markdown-it took
# half of a leaflet page's time). Pure functions of the text; the cache keeps the latest 256 texts.
@functools.lru_cache(maxsize=256)
def has_peer_note(text: str) -> bool:
    """Whether the text carries its own "mother to mother, not medical advice, MDA 101" line:
    the last paragraph before its closing section (the sources), or its last paragraph, names
    MDA 101, as every starter leaflet does. The page then does not say it a second time."""
    tokens = _inspect.parse(text)
    paragraphs = [(i, tokens[i + 1].content) for i, t in enumerate(tokens)
                  if t.type == "paragraph_open" and t.level == 0]
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    candidates = paragraphs[-1:]
    if headings:
        candidates += [p for p in paragraphs if p[0] < headings[-1]][-1:]
    return any(EMERGENCY_NUMBER.search(content) for _i, content in candidates)


@functools.lru_cache(maxsize=256)
def render(text: str) -> Markup:
    """Safe HTML for a leaflet body (raw HTML in the text comes out escaped)."""
    return Markup(_render.render(text))  # noqa: S704  # nosec B704  # markdown-it escapes all HTML when html=False
