"""Issue 25, side by side: what batch invariance and the self-checks cost.

On the benchmark's sentences (``workload.sample_sentences``) and its opus-mt-sized
model (``build_model.py``, CTranslate2 int8), greedy and beam 4, each design decodes
the same sentences in the same batches of 64, round after round (interleaved, so a
busy machine slows every design alike):

- ``before``: the chunks before issue 25 (length-sorted, mixed lengths greedy, within a length
  bucket for beam search), padded to their longest member, greedy rows decoded to the chunk's cap
- ``bucket top, no loop stop``: today's chunks (one length bucket, padded to its top by a filler row;
  beam alignments from a forced greedy pass), greedy rows stopped at their own cap only
- ``now``: the same, greedy rows also stopped where a loop is certain (``ct2.StreamStop``): what runs
- ``alone``: every text in a chunk of its own, padded to its bucket's top (the upper bound of the cost)

Then the self-checks: ``check_sentence`` on every (source, output) pair, in microseconds
per sentence. The retry of a looping output (the runner's, not timed here) costs one more
decoding of that sentence; the random-weight model loops on almost everything.

Usage: ``python bench/invariance_speed.py [--count 64] [--rounds 2]`` (prints Markdown rows).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def before_chunks(lengths: list[int], workers: int, beams: int, alone=None) -> list[list[int]]:
    """ct2.length_chunks as it was before issue 25 (chunks may pad within a bucket)."""
    from notelingo.mt import ct2
    from notelingo.mt.options import length_bucket

    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    share = math.ceil(sum(lengths) / (2 * max(1, workers)) / math.sqrt(max(1, beams)))
    budget = max(max(lengths, default=1), ct2.CHUNK_TOKENS, share)
    chunks: list[list[int]] = []
    for index in order:
        same = chunks and (beams == 1 or length_bucket(lengths[chunks[-1][0]]) == length_bucket(lengths[index]))
        if same and (len(chunks[-1]) + 1) * lengths[index] <= budget:
            chunks[-1].append(index)
        else:
            chunks.append([index])
    return chunks[::-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from build_model import build_model
    from workload import sample_sentences

    from notelingo.glossary import load_glossary
    from notelingo.mt import DecodingOptions, ct2, load_translator
    from notelingo.mt.checks import check_sentence
    from notelingo.mt.models import resolve_pair
    from notelingo.protect.mask import find_protected_spans

    folder = build_model("ru-en")
    (model,) = resolve_pair("ru", "en", {"ru-en": str(folder)})
    sentences = sample_sentences("ru", args.count)
    glossary = load_glossary(None)
    want = [bool(find_protected_spans(s, "ru", "en", glossary, True, gloss=False)) for s in sentences]
    now, padded, stop = ct2.length_chunks, ct2.padded_rows, ct2.StreamStop

    class CapStop(stop):  # the rows' own caps and the fillers only: no loop check
        def __call__(self, step) -> bool:
            if self.prefix is not None:  # a forced pass (beam search's alignments): as it runs
                return super().__call__(step)
            tokens = self.tokens.setdefault(step.batch_id, [])
            tokens.append(step.token)
            return step.batch_id >= len(self.sources) or len(tokens) >= self.caps[step.batch_id]

    designs = {  # name: (chunks, padding, greedy callback)
        "before": (lambda lengths, workers, beams: before_chunks(lengths, workers, beams), lambda rows: rows,
                   lambda *a, **k: None),
        "bucket top, no loop stop": (now, padded, CapStop),
        "now": (now, padded, stop),
        "alone": (lambda lengths, workers, beams: [[i] for i in range(len(lengths))], padded, stop),
    }
    print(f"{args.count} sentences, {sum(want)} holding protected spans; median of {args.rounds} round(s)")
    print("| decoding | design | sent/s | vs before |\n|---|---|---|---|")
    for beams in (1, 4):
        translator = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=beams), "/tmp/notelingo-bench")
        translator.translate_batch(sentences[:8])  # warm-up
        rates: dict[str, list[float]] = {name: [] for name in designs}
        outputs = []
        for _ in range(args.rounds):
            for name, (chunking, padding, callback) in designs.items():
                ct2.length_chunks, ct2.padded_rows, ct2.StreamStop = chunking, padding, callback
                started = time.perf_counter()
                for start in range(0, len(sentences), 64):
                    batch = sentences[start:start + 64]
                    outputs = translator.translate_aligned(batch, want[start:start + 64])
                rates[name].append(len(sentences) / (time.perf_counter() - started))
        ct2.length_chunks, ct2.padded_rows, ct2.StreamStop = now, padded, stop
        base = statistics.median(rates["before"])
        for name, values in rates.items():
            rate = statistics.median(values)
            print(f"| {'greedy' if beams == 1 else 'beam 4'} | {name} | {rate:.2f} | x{rate / base:.2f} |")
        started = time.perf_counter()
        for source, (output, _) in zip(sentences, outputs):
            check_sentence(source, output, "ru", "en")
        per = (time.perf_counter() - started) / len(sentences) * 1e6
        print(f"| {'greedy' if beams == 1 else 'beam 4'} | self-checks alone | {per:.0f} µs/sentence | |")


if __name__ == "__main__":
    main()
