"""Where notelingo's decoded positions go (issue 26): first pass, filler rows, loop retries, forced alignment.

Runs notelingo's engine (``engines.notelingo_engine``: protection on, cache off) once on the
benchmark's first ``--count`` sentences (``workload.sample_sentences``) with the bench model
(``build_model.py``, random weights at opus-mt size, CTranslate2 int8) and sorts every position
CTranslate2 decoded (hypothesis length before notelingo cuts an output; a beam-search row counts
once, as in ``bench/run.py``'s ``decoded_tokens``) by the call it came from:

- ``first``: the first decoding of each text (real rows)
- ``retry``: the second decoding of a looping output, against repetition (``no_repeat_ngram_size``)
- ``forced``: the greedy pass along a beam output that gives its alignment (``target_prefix``)
- ``filler``: the rows ``ct2.padded_rows`` adds to pad a chunk to its length bucket's top

Decoded positions are deterministic, so they can be counted on a busy machine; the wall time
printed beside them is not a benchmark. The outputs' hash lets two code versions be compared.

Usage: ``python bench/beam_breakdown.py [--count 128] [--beams 4] [--json]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def kind(kwargs: dict) -> str:
    """The category of a recorded ``translate_batch`` call."""
    if kwargs.get("target_prefix") is not None:
        return "forced"
    if kwargs.get("no_repeat_ngram_size"):
        return "retry"
    return "first"


def replay_seconds(model, calls: list) -> float:
    """Wall time of ``calls`` queued at once on ``model`` (nothing else running): their own compute."""
    import engines

    started = time.perf_counter()
    pending = [model.translate_batch(source, *args, **{**kwargs, "asynchronous": True,
                                                      "callback": engines.fresh_callback(kwargs.get("callback"))})
               for source, args, kwargs in calls]
    for futures in pending:
        for future in futures:
            future.result()
    return round(time.perf_counter() - started, 2)


def breakdown(count: int, beams: int) -> dict:
    import engines
    from build_model import build_model
    from workload import sample_sentences

    from notelingo.mt import ct2

    fillers: dict[int, int] = {}  # id of a padded row list -> how many rows padded_rows added
    original = ct2.padded_rows

    def counted_padded_rows(rows):
        padded = original(rows)
        fillers[id(padded)] = len(padded) - len(rows)
        return padded

    ct2.padded_rows = counted_padded_rows
    engines.count_ct2_calls()
    model_dir = build_model("ru-en")
    engines.convert_for_notelingo(str(model_dir), "ru-en")
    sentences = sample_sentences("ru", 256)[:count]
    runner = engines.notelingo_engine(str(model_dir), beams)
    runner(sample_sentences("ru", 4, seed=99))
    for counted in engines.COUNTED:
        counted.reset()
    fillers.clear()
    started = time.perf_counter()
    outputs = runner(sentences)
    took = time.perf_counter() - started
    positions: Counter = Counter()
    rows: Counter = Counter()
    calls: Counter = Counter()
    counting = engines.COUNTED[-1]
    total = counting.decoded
    model = counting.inner
    for source, args, kwargs in counting.calls:
        category = kind(kwargs)
        extra = fillers.get(id(source), 0)
        results = model.translate_batch(source, *args, **{**kwargs, "asynchronous": False,
                                                          "callback": engines.fresh_callback(kwargs.get("callback"))})
        lengths = [len(r.hypotheses[0]) for r in results]
        calls[category] += 1
        positions[category] += sum(lengths[:len(lengths) - extra])
        rows[category] += len(lengths) - extra
        positions[f"filler ({category})"] += sum(lengths[len(lengths) - extra:])
        rows[f"filler ({category})"] += extra
    seconds = {category: replay_seconds(model, [c for c in counting.calls if kind(c[2]) == category])
               for category in calls}
    return {"sentences": count, "beams": beams, "decoded_tokens": total, "replayed_tokens": sum(positions.values()),
            "positions": dict(positions), "rows": dict(rows), "calls": dict(calls), "replay_s": seconds,
            "report": runner.report,
            "wall_s": round(took, 2), "sent_per_s": round(count / took, 2),
            "outputs_sha256": hashlib.sha256("\n".join(outputs).encode()).hexdigest()[:16]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=128)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = breakdown(args.count, args.beams)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['sentences']} sentences, beam {result['beams']}: {result['decoded_tokens']:,} decoded positions "
          f"(replayed {result['replayed_tokens']:,}), {result['wall_s']} s, {result['sent_per_s']} sent/s, "
          f"outputs {result['outputs_sha256']}")
    print("| category | calls | rows | positions | replay s |\n|---|---:|---:|---:|---:|")
    for category, positions in sorted(result["positions"].items()):
        print(f"| {category} | {result['calls'].get(category, '')} | {result['rows'][category]:,} | {positions:,} "
              f"| {result['replay_s'].get(category, '')} |")
    print(json.dumps(result["report"]))


if __name__ == "__main__":
    main()
