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


class _Hypothesis:
    def __init__(self, length: int) -> None:
        self.hypotheses = [["x"] * length]


class _Future:
    def __init__(self, length: int) -> None:
        self.value = _Hypothesis(length)

    def result(self):
        return self.value

    def done(self) -> bool:
        return True


class _Model:
    """Stands in for a ctranslate2.Translator: each row decodes as many positions as its source has tokens."""

    def translate_batch(self, source, **kwargs):
        rows = [len(tokens) for tokens in source]
        return [_Future(n) for n in rows] if kwargs.get("asynchronous") else [_Hypothesis(n) for n in rows]


@pytest.mark.parametrize("collect, expected", [
    ([], 0),            # nothing collected yet: nothing counted until asked for the total
    ([0], 9),           # one row collected: its whole call (the filler row too) is counted once
    ([0, 1, 2], 9),     # every row collected: still counted once
])
def test_counting_counts_a_call_once_when_any_row_is_collected(collect, expected):
    import engines

    counted = engines.CountingCT2(_Model())
    results = counted.translate_batch([["a"] * 2, ["b"] * 3, ["filler"] * 4], asynchronous=True)
    for i in collect:
        results[i].result()
    assert counted._decoded == expected
    assert counted.decoded == 9  # asking for the total counts the calls nobody collected


def test_ray_actor_counts_reach_the_driver_through_the_tally_folder(tmp_path, monkeypatch):
    import engines

    monkeypatch.setenv(engines.TALLY_ENV, str(tmp_path))
    first, second = engines.CountingCT2(_Model()), engines.CountingCT2(_Model())
    first.translate_batch([["a"] * 5])
    second.translate_batch([["a"] * 2, ["b"]], asynchronous=True)[1].result()
    assert engines.tallied(str(tmp_path)) == 5 + 3
