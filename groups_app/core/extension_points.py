"""Named places where one feature adds to another's pages, with contributions kept per app.

A feature declares a point (`meeting_panel = ExtensionPoint("groups.meeting_panel", ...)`) and
calls it where its page is built; another feature connects a function to it in its `init_app`.
What is connected lives in `app.extensions`, so two apps in one process share nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Flask, current_app

_KEY = "groups_app.extension_points"


class ExtensionPoint:
    def __init__(self, name: str, contract: str):
        self.name = name
        self.contract = contract  # what a connected function takes and returns

    def connect(self, app: Flask, contribution: Callable[..., Any]) -> None:
        contributions = app.extensions.setdefault(_KEY, {}).setdefault(self.name, [])
        if contribution not in contributions:
            contributions.append(contribution)

    def contributions(self, app: Flask | None = None) -> tuple[Callable[..., Any], ...]:
        app = app or current_app
        return tuple(app.extensions.get(_KEY, {}).get(self.name, ()))

    def collect(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every contribution in the order connected; keep what is not None or empty."""
        return [result for contribution in self.contributions() if (result := contribution(*args, **kwargs))]

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}>"


def same_for_a_role(contribution: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a menu contribution, or a card of "Your work" on her home page, whose links and words
    depend only on her roles (and the language): they are then made once per roles and language,
    not on every request (core.web.menu_links, main.home.her_work_cards). Nothing that counts or
    names anything of hers may be marked."""
    contribution.same_for_a_role = True  # type: ignore[attr-defined]
    return contribution


class NavLink(NamedTuple):
    weight: int  # the menu is sorted by weight: 10 home, 20-40 everyone's, 50-80 by role
    label: str
    url: str


# Points of the page shell (the menu, the home page), which every feature may add to.
nav_links = ExtensionPoint("shell.nav", "links(user) -> list[NavLink]: menu items for her, or for a visitor")
home_section = ExtensionPoint("home.section", "section(user) -> Markup | None: a section on her home page")
work_card = ExtensionPoint("home.work_card", "card(user) -> Markup | None: an <li> in 'Your work' on the home page")
# Starter content in the library/ folder: each feature imports its own part.
starter_content = ExtensionPoint(
    "content.starter", "import_part(folder: Path) -> list[str]: lines of report; problems start with 'not imported'"
)
