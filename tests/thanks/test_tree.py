"""The tree drawing: from data alone, the same bytes for the same leaves, readable at 500, small."""
from __future__ import annotations

import math
import re
from xml.etree import ElementTree

import pytest

from groups_app.thanks.tree import CROWN, HEIGHT, WIDTH, draw_tree, leaf_size, place_leaves

SVG = "{http://www.w3.org/2000/svg}"


def leaves_in(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'translate\(([\d.]+) ([\d.]+)\)', svg)]


def test_the_same_leaves_draw_the_same_bytes_in_any_order(app):
    ids = [5, 17, 3, 99, 42]
    assert draw_tree(ids, 500, "en") == draw_tree(list(reversed(ids)), 500, "en") == draw_tree(ids + [5], 500, "en")
    assert draw_tree(ids, 500, "en") != draw_tree(ids[:-1], 500, "en")


def test_a_new_leaf_leaves_the_others_where_they_were(app):
    before = {leaf.id: (leaf.x, leaf.y) for leaf in place_leaves(range(1, 40), 500)}
    after = {leaf.id: (leaf.x, leaf.y) for leaf in place_leaves(range(1, 41), 500)}
    assert all(after[key] == spot for key, spot in before.items())
    assert after[40] not in before.values()


def test_leaves_are_placed_by_their_id_not_by_chance(app):
    first = place_leaves([1, 2, 3], 500)
    assert first == place_leaves([1, 2, 3], 500)
    assert [leaf.id for leaf in first] == [1, 2, 3]
    assert len({(leaf.x, leaf.y) for leaf in first}) == 3


def test_a_tree_of_500_leaves_is_small_and_readable(app):
    svg = draw_tree(range(1, 501), 500, "he")
    assert len(svg.encode()) < 150_000
    spots = leaves_in(svg)
    assert len(spots) == 500 and len(set(spots)) == 500
    # Every leaf is on the crown, inside the picture, and none sits on another.
    cx, cy, rx, ry = CROWN
    assert all(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0001 for x, y in spots)
    assert all(0 < x < WIDTH and 0 < y < HEIGHT for x, y in spots)
    closest = min(math.dist(a, b) for i, a in enumerate(spots) for b in spots[i + 1:])
    assert closest >= 8  # a leaf is about 17 units long: neighbours overlap by their tips at most
    assert leaf_size(500) >= 12


def test_more_leaves_than_the_goal_still_fit(app):
    svg = draw_tree(range(1, 801), 500, "en")
    assert len(leaves_in(svg)) == 800
    assert len(svg.encode()) < 150_000 * 800 / 500


def test_the_drawing_is_one_image_with_a_title_and_a_description_in_her_language(app):
    svg = draw_tree([1, 2, 3], 500, "en")
    root = ElementTree.fromstring(svg)  # well-formed, standalone SVG
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "tree-title tree-desc"
    assert root.find(f"{SVG}title").text == "Tree of thanks"
    assert root.find(f"{SVG}desc").text.startswith("3 leaves of the 500 the program hopes for.")
    assert draw_tree([1], 1500, "en").count("1 leaf of the 1,500") == 1
    assert "1 500" in draw_tree([1], 1500, "ru").replace("\xa0", " ")  # numbers in the reader's way


@pytest.mark.parametrize("locale, starts_right", [("en", False), ("he", True), ("ar", True), ("am", False)])
def test_the_way_to_the_goal_runs_from_where_her_lines_start(app, locale, starts_right):
    svg = draw_tree(range(1, 126), 500, locale)  # a quarter of the way
    bar = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    (_x0, total), (x, done) = bar
    assert float(done) == pytest.approx(float(total) / 4)
    assert (float(x) > 100) is starts_right


def test_an_empty_tree_has_no_leaves_and_no_progress(app):
    svg = draw_tree([], 500, "en")
    assert leaves_in(svg) == []
    assert svg.count("<rect") == 1
    ElementTree.fromstring(svg)
