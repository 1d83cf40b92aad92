"""Time glossary term finding per sentence with the shipped glossary (not a test).

    .venv/bin/python bench/glossary_speed.py [--sentences 2000]

Sentences are the Russian and English lines of the sample text dumps
(tests/fixtures/corpus/text), each language found in its own language. The
matchers are built before timing (one ``find`` per language), as in a long
translate run. This was a wall-clock bound in tests/test_glossary_matcher.py
(under 20 ms a sentence); the test now checks that a sentence builds and hashes
nothing and analyses no word twice.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from notelingo.alphabet import CYRILLIC_RE  # noqa: E402
from notelingo.glossary import load_glossary  # noqa: E402


def sample_sentences(count: int) -> list[tuple[str, str]]:
    """(line, language) pairs from the sample dumps, repeated up to ``count``."""
    lines = []
    for path in sorted((REPO / "tests" / "fixtures" / "corpus" / "text").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= 4:
                lines.append((line, "ru" if CYRILLIC_RE.search(line) else "en"))
    return list(itertools.islice(itertools.cycle(lines), count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    args = parser.parse_args()
    glossary = load_glossary()
    started = time.perf_counter()
    glossary.find("warm up", "ru"), glossary.find("warm up", "en")
    print(f"{'first find (matchers built)':<28} {time.perf_counter() - started:6.2f} s")
    sentences = sample_sentences(args.sentences)
    started = time.perf_counter()
    found = sum(len(glossary.find(text, lang)) for text, lang in sentences)
    seconds = time.perf_counter() - started
    print(f"{len(sentences)} sentences, {found} terms: {1000 * seconds / len(sentences):.2f} ms a sentence")


if __name__ == "__main__":
    main()
