"""The benchmark's sentences: real sentences from the samples, real length distribution.

The Russian sample (a Telegram ML channel dump) has ~110 distinct sentences and
the benchmark needs 256 or 2,000, so sentences are drawn with replacement
(deterministic seed). A repeated draw would let an engine that translates
identical segments once (notelingo does, per run) skip work the baselines do, so
every repeat becomes a distinct variant: one word swapped for another word of
the same sample. Lengths stay those of real sentences; every string is unique.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

CORPUS_TEXT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus" / "text"
SAMPLES = {"ru": "004_579db69af2cfe4c6.txt", "en": "001_41bcbe830a1a4b01.txt"}
_PLAIN_WORD = re.compile(r"^[^\W\d_]{3,}$")  # letters only: swapping it in adds no sentence break


@lru_cache(maxsize=None)
def corpus_sentences(lang: str) -> tuple[str, ...]:
    """Distinct sentences of the sample in ``lang`` (spaCy blank pipeline + sentencizer)."""
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    text = (CORPUS_TEXT / SAMPLES[lang]).read_text(encoding="utf-8")
    sentences = []
    for line in text.splitlines():
        if line.strip():
            sentences.extend(s.text.strip() for s in nlp(line.strip()).sents if s.text.strip())
    return tuple(dict.fromkeys(sentences))


def _variant(sentence: str, words: list[str], rng: random.Random) -> str:
    tokens = sentence.split(" ")
    position = rng.randrange(len(tokens))
    if _PLAIN_WORD.match(tokens[position]):
        tokens[position] = rng.choice(words)
    else:  # keep URLs, numbers and punctuation-bearing tokens; add a word before them
        tokens.insert(position, rng.choice(words))
    return " ".join(tokens)


def sample_sentences(lang: str, count: int, seed: int = 0) -> list[str]:
    """``count`` distinct sentences drawn with replacement from the ``lang`` sample."""
    pool = corpus_sentences(lang)
    words = sorted({w for s in pool for w in s.split(" ") if _PLAIN_WORD.match(w)})
    rng = random.Random(seed)
    seen: set[str] = set()
    chosen = []
    while len(chosen) < count:
        sentence = rng.choice(pool)
        while sentence in seen:
            sentence = _variant(sentence, words, rng)
        seen.add(sentence)
        chosen.append(sentence)
    return chosen


def output_length(source_tokens: int) -> int:
    """Fixed target length for random weights (they never stop): 1.1 x the source length."""
    return max(1, int(source_tokens * 1.1))
