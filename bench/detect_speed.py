"""Lines per second of notelingo's language detector vs raw langdetect on the sample lines.

Run from the repository root: ``python bench/detect_speed.py [--engine auto|lingua]``.
Reads tests/fixtures/detect/lines.tsv (every text line of the sample corpus, labelled).
Model loading is done before timing (one warm-up pass), as in a long ingest run.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from notelingo.detect.core import DetectOptions, detect_notes, detect_text
from notelingo.detect.engines import _langdetect_scores
from notelingo.schema import Block, Note, Signature, Source

LINES = Path("tests/fixtures/detect/lines.tsv")


def read_rows() -> list[tuple[str, str, str]]:
    rows = LINES.read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(row.split("\t", 2)) for row in rows]  # type: ignore[misc]


def notes_of(rows) -> tuple[list[Note], list[list[str]]]:
    """One hand-built note per group (a text dump, a Telegram message), one block per line."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for group, label, text in rows:
        groups[group].append((label, text))
    notes = []
    for group, items in groups.items():
        blocks = [
            Block(id=f"b{i}", kind="paragraph", lang=None, text={"und": text}) for i, (_, text) in enumerate(items)
        ]
        source = Source(kind="text", path=group)
        notes.append(Note(id=group, lang="und", lang_confidence=0.0, title=items[0][1], source=source,
                          blocks=blocks, signature=Signature(notelingo="bench")))
    return notes, [[label for label, _ in items] for items in groups.values()]


def timed(label: str, count: int, run) -> float:
    run()  # warm-up: loads profiles / models
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {count / seconds:>9.0f} lines/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="auto", choices=["auto", "lingua"])
    engine = parser.parse_args().engine
    rows = read_rows()
    notes, labels = notes_of(rows)
    print(f"{len(rows)} lines in {len(notes)} notes")
    tagged = timed(f"detect_notes (engine={engine}, note context)", len(rows),
                   lambda: detect_notes(notes, DetectOptions(engine=engine)))
    right = sum(b.lang == want for note, want_list in zip(tagged, labels) for b, want in zip(note.blocks, want_list))
    print(f"  accuracy {right}/{len(rows)} = {right / len(rows):.4f}")
    found = timed(f"detect_text (engine={engine}, no context)", len(rows),
                  lambda: [detect_text(text, engine=engine)[0] for _, _, text in rows])
    right = sum(lang == label for lang, (_, label, _) in zip(found, rows))
    print(f"  accuracy {right}/{len(rows)} = {right / len(rows):.4f}")
    raw = timed(
        "raw langdetect (seed 0)",
        len(rows),
        lambda: [max(_langdetect_scores(t), key=lambda p: p[1], default=("und", 0))[0] for _, _, t in rows],
    )
    right = sum(lang == label for lang, (_, label, _) in zip(raw, rows))
    print(f"  accuracy {right}/{len(rows)} = {right / len(rows):.4f}")


if __name__ == "__main__":
    main()
