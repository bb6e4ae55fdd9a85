"""`make bench` reports shares taken within a round, between figures measured moments apart, so that
a machine that grows busier or quieter during the run moves none of them (bench/run.py)."""
from __future__ import annotations

import pytest

from bench.run import Target, report, round_order, summary, time_in_process
from groups_app.bench.pages import Page

FACTS = {"status": 200, "queries": 3, "bytes": 4000, "gzip_bytes": 1500, "inprocess_ms": 2.0, "statements": ["SELECT 1"]}


def run(rps: float, p99: float = 30.0, not_2xx: int = 0, status: int = 200) -> dict:
    return {"rps": rps, "p50_ms": p99 / 2, "p99_ms": p99, "requests": int(rps * 3), "not_2xx": not_2xx,
            "statuses": "200" if not not_2xx else "200 500", "errors": 0, "timeouts": 0, "warm_status": status}


def targets() -> list[Target]:
    listed = [Target("bare", "bare", None, "http://127.0.0.1:1/")]
    for name in ("home", "group page"):
        listed += [Target("page", name, scale, f"http://127.0.0.1:2/{name}") for scale in ("small", "large")]
    listed += [Target("signed_in_reference", "signed_in_reference", scale, "http://127.0.0.1:3/groups/")
               for scale in ("small", "large")]
    return listed


def test_each_page_is_driven_at_both_scales_back_to_back_in_alternating_order():
    first, second = round_order(targets(), 0), round_order(targets(), 1)

    assert [(t.name, t.scale) for t in first] == [
        ("bare", None), ("home", "small"), ("home", "large"), ("group page", "small"), ("group page", "large"),
        ("signed_in_reference", "small"), ("signed_in_reference", "large")]
    assert [(t.name, t.scale) for t in second] == [
        ("bare", None), ("home", "large"), ("home", "small"), ("group page", "large"), ("group page", "small"),
        ("signed_in_reference", "large"), ("signed_in_reference", "small")]


def test_shares_are_taken_within_each_round_and_the_median_reported():
    # The machine runs twice as fast in the second round and three times as fast in the third:
    # within each round the page at large scale does 0.9 of small, a tenth of the bare app, and
    # half of the signed-in yardstick. Pooling the rounds' req/s first would mix the machine's speeds.
    speed = [1, 2, 3]
    measured = {
        ("bare", "bare", None): [run(1000 * s) for s in (1, 2, 3, 3)],
        ("page", "home", "small"): [run(100 * s) for s in speed[:2]] + [run(100 * 3 * 0.5)],  # a stall in round 3
        ("page", "home", "large"): [run(90 * s) for s in speed],
        ("signed_in_reference", "signed_in_reference", "small"): [run(200 * s) for s in speed],
        ("signed_in_reference", "signed_in_reference", "large"): [run(180 * s) for s in speed],
        ("reference", "reference", "small"): [run(500 * s) for s in speed],
        ("reference", "reference", "large"): [run(500 * s) for s in speed],
    }
    facts = {scale: {"home": dict(FACTS)} for scale in ("small", "large")}

    data = report([Page("home", "mother", "/")], facts, measured, {})

    home = data["pages"][0]
    small, large = home["scales"]["small"], home["scales"]["large"]
    # bare per round: (1000 + 2000) / 2, (2000 + 3000) / 2, 3000; small's shares 0.067, 0.08, 0.05
    assert small["ratio_to_bare"] == pytest.approx(0.067, abs=0.001)
    assert large["ratio_to_bare"] == pytest.approx(0.072, abs=0.001)
    assert small["ratio_to_signed_in_reference"] == 0.5  # rounds 0.5, 0.5, 0.25
    assert large["ratio_to_signed_in_reference"] == 0.5
    assert home["large_small"] == 0.9  # rounds 0.9, 0.9, 1.8: the stall in round 3 is outvoted
    assert home["large_small_range"] == [0.9, 1.8]
    assert home["large_small_1req"] == 1.0
    assert small["rps"] == 150 and small["rounds_rps"] == [100, 200, 150]  # the median of the rounds
    assert "statements" not in small and small["queries"] == 3
    assert data["rounds"] == 3 and data["bare_flask"]["rounds_rps"] == [1000, 2000, 3000, 3000]
    assert data["signed_in_reference"]["small"]["ratio_to_bare"] == 0.16  # rounds 0.133, 0.16, 0.2


def test_a_round_with_errors_is_not_hidden_by_the_median():
    runs = [run(500), run(480, not_2xx=12), run(510), {"warm_status": 500}]

    result = summary(runs)

    assert result["not_2xx"] == 12 and result["warm_status"] == 500
    assert result["statuses"] == "200 200 500"
    assert result["rps"] == 500


class Timed:
    """A scale's app in-process whose requests take what the machine's moment says: the clock moves
    on with every request asked, at either scale."""

    def __init__(self, scale: str, clock: list, asked: list, cost: float):
        self.scale, self.clock, self.asked, self.cost = scale, clock, asked, cost
        self.engine = self

    def wall_ms(self, name: str) -> float:
        self.asked.append((name, self.scale))
        self.clock[0] += 1
        return self.cost * self.clock[0]  # the machine grows slower request by request

    def dispose(self) -> None:
        self.asked.append(("disposed", self.scale))


def test_one_request_in_process_is_timed_at_both_scales_in_turn():
    clock, asked = [0], []
    apps = {"small": Timed("small", clock, asked, 1.0), "large": Timed("large", clock, asked, 1.1)}
    facts = {scale: {"home": {}, "group page": {}} for scale in apps}

    time_in_process([Page("home", "mother", "/"), Page("group page", "mother", "/groups/1")], apps, facts, times=3)

    assert asked[:6] == [("home", "small"), ("home", "large"), ("home", "large"), ("home", "small"),
                         ("home", "small"), ("home", "large")]
    assert asked[-2:] == [("disposed", "small"), ("disposed", "large")]
    # home small at moments 1, 4, 5, large at 2, 3, 6: medians 4 and 3 * 1.1; timed one scale after the
    # other (small at 1-3, large at 4-6), the machine's slowing would have read as large costing 2.75 times small.
    assert facts["small"]["home"]["inprocess_ms"] == 4.0
    assert facts["large"]["home"]["inprocess_ms"] == pytest.approx(3.3)
    assert facts["small"]["group page"]["inprocess_ms"] == 10.0  # moments 7, 10, 11
