"""Leaflet bodies are Markdown: raw HTML and unsafe links are refused, and rendering never lets
HTML through, so no script can reach a reader's page. A web address in the text becomes a link
that shows only the site's name (who.int), so a source fits on a phone's line and on paper."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from ..core.errors import DomainError

_inspect = MarkdownIt("commonmark", {"html": True})
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")
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


_render = MarkdownIt("commonmark", {"html": False, "linkify": False})
_render.core.ruler.push("short_links", _short_links)


def problems(text: str) -> None:
    """Raise DomainError for raw HTML or a link that is not http(s), mailto, tel or on-site."""
    for token in _inspect.parse(text):
        if token.type == "html_block":
            raise DomainError(_l("The text holds HTML. Please use Markdown only (no tags like <p> or <script>)."), field="body")
        for child in token.children or []:
            if child.type == "html_inline":
                raise DomainError(_l("The text holds HTML. Please use Markdown only (no tags like <p> or <script>)."),
                                  field="body")
            if child.type in ("link_open", "image"):
                target = (child.attrGet("href") or child.attrGet("src") or "").strip().lower()
                if not target.startswith(SAFE_SCHEMES):
                    raise DomainError(_l("Links must start with https://, http://, mailto: or tel:."), field="body")
    # markdown-it leaves a link it finds unsafe as plain text; catch those too.
    lowered = text.lower().replace(" ", "")
    for scheme in ("javascript:", "vbscript:", "data:"):
        if f"]({scheme}" in lowered or f"]:{scheme}" in lowered:
            raise DomainError(_l("Links must start with https://, http://, mailto: or tel:."), field="body")


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


def render(text: str) -> Markup:
    """Safe HTML for a leaflet body (raw HTML in the text comes out escaped)."""
    return Markup(_render.render(text))  # noqa: S704 - markdown-it escapes all HTML when html=False
