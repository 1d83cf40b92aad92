"""bench/report.py and bench/run.py's bookkeeping: when a ratio target is judged, how a CPU share is read.
No timing here: the figures are made up, the rules are what is tested."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import report  # noqa: E402
import run  # noqa: E402


def cell(rate: float, spread: float, passes: int = 3, others: float = 0.05, tokens: float = 100.0) -> dict:
    return {"sent_per_s": rate, "spread": spread, "times_s": [1.0] * passes, "decoded_tok_per_s": tokens,
            "cpu": [{"idle": 0.0, "steal": 0.0, "own": 1 - others, "others": others}] * passes}


@pytest.mark.parametrize("a, b, holds", [
    (cell(26, 0.05), cell(20, 0.05), True),         # 1.3, steady
    (cell(25, 0.05), cell(20, 0.05), False),        # 1.25, steady
    (cell(26, 0.05, passes=1), cell(20, 0.05, passes=1), None),  # one pass: no spread to judge by
    (cell(26, 0.40), cell(20, 0.05), None),         # 1.3 inside the range 0.93-1.37
    (cell(40, 0.40), cell(20, 0.05), True),         # 2.0: the whole range 1.43-2.1 is above 1.3
    (cell(20, 0.40), cell(20, 0.20), False),        # 1.0: the whole range 0.71-1.2 is below 1.3
    (cell(40, 0.05, others=0.5), cell(20, 0.05), None),  # a busy machine: not judged
])
def test_ratio_check(a, b, holds):
    results = {"x": {"greedy": a}, "y": {"greedy": b}}
    assert report._ratio_check(results, "x", "y", "greedy", 1.3)["holds"] is holds


def test_ratio_check_reports_the_decoded_tokens_ratio():
    results = {"x": {"greedy": cell(40, 0.05, tokens=300)}, "y": {"greedy": cell(20, 0.05, tokens=200)}}
    assert report._ratio_check(results, "x", "y", "greedy", 1.3)["tokens_ratio"] == pytest.approx(1.5)


@pytest.mark.parametrize("before, after, own, expected", [
    # user nice system idle iowait irq softirq steal
    ([0] * 8, [50, 0, 10, 30, 0, 0, 0, 10], 40, {"idle": 0.3, "steal": 0.1, "own": 0.4, "others": 0.2}),
    ([0] * 8, [0] * 8, 0, {"idle": None, "steal": None, "own": None, "others": None}),
])
def test_cpu_share(before, after, own, expected):
    share = run.cpu_share(before, after, own)
    assert share.keys() == expected.keys()
    for key, value in expected.items():
        assert share[key] == (None if value is None else pytest.approx(value))


def test_summarize_takes_the_best_pass_and_its_decoded_tokens():
    passes = [{"time_s": t, "decoded_tokens": d, "empty_outputs": 0, "cpu": {}} for t, d in ((2.0, 90), (1.0, 100),
                                                                                              (1.5, 95))]
    out = run.summarize(passes, {"peak_rss_mib": 10.0, "model_s": 0.8, "model_calls": 3}, {"load_s": 0.1}, 50)
    assert (out["best_s"], out["decoded_tokens"], out["sent_per_s"], out["spread"]) == (1.0, 100, 50.0, 1.0)
    assert out["overhead_strict"] == pytest.approx((1.5 - 0.8) / 1.5)  # the replay is of the last pass
