"""Self-checks on every translated sentence: degenerate output is flagged, never passed off.

Pure functions of (source sentence, translation, languages). Each failed check is a flag
``check:<reason>`` on the sentence and its block (:class:`notelingo.schema.SentenceCheck`):

    check:loop          a unit (a few characters or words) repeated three times or more in a
                        row over more text than the source repeats anything (opus-mt models loop
                        on some inputs: Opus-MT issues #49, #89, CTranslate2 #836)
    check:too-short     much shorter than the source: content was dropped
    check:too-long      much longer than the source: the model ran on (hallucination)
    check:untranslated  the source came back unchanged, or still in the source's script
    check:low-score     the model's own mean log-probability per token is very low (only where a
                        backend returns it)

The thresholds were chosen on the development half of real parallel text (the Hugging
Face course, English and Russian, both directions) and give no flag on its held-out half
(see tests/test_checks.py). Before a sentence is flagged for a loop, the runner decodes it
once more with :data:`RETRY_NO_REPEAT_NGRAM` and :data:`RETRY_REPETITION_PENALTY`, greedily
(:data:`RETRY_BEAMS`), and keeps the output with the shorter loop (:func:`loop_extent`).
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from ..alphabet import CYRILLIC_RE, LATIN_RE, UKRAINIAN_RE

LOOP = "check:loop"
TOO_SHORT = "check:too-short"
TOO_LONG = "check:too-long"
UNTRANSLATED = "check:untranslated"
LOW_SCORE = "check:low-score"
#: Every check flag, in the order the summary names them, with its word there.
REASONS = {LOOP: "loops", TOO_SHORT: "too short", TOO_LONG: "too long", UNTRANSLATED: "untranslated",
           LOW_SCORE: "low score"}

#: The second decoding of an output that loops (CTranslate2 ``translate_batch`` and transformers
#: ``generate`` take both): no 3-gram twice, and tokens already written made less likely.
RETRY_NO_REPEAT_NGRAM = 3
RETRY_REPETITION_PENALTY = 1.2
#: ... greedily, whatever the run's beams: the retry's job is to break a loop (the two settings
#: above do that), and a greedy decoding stops a row the moment it loops again and gives its
#: alignment in the same pass. A beam retry cost as much as the first decoding again for every
#: looping output (measured on the benchmark's random-weight model, where every output loops:
#: beam 4 at 128 sentences decoded 2,905 positions twice); with real weights loops are rare,
#: so the saving is in proportion to how often a model loops on a user's text.
RETRY_BEAMS = 1

#: A loop covers at least this many characters (a unit of 1 to 30 characters, 3 times or more).
LOOP_MIN_CHARS = 12
#: Length ratios (letters and digits of the output over those of the source) outside these
#: bounds are outliers, for sources of at least SHORTEST_CHECKED letters and digits.
MIN_RATIO, MAX_RATIO = 0.3, 3.0
SHORTEST_CHECKED = 20
#: Mean log-probability per output token under which a translation is flagged.
MIN_SCORE = -3.5

_REPEAT = re.compile(r"(.{1,30}?)\1{2,}", re.DOTALL)
_SCRIPTS = {"ru": CYRILLIC_RE, "uk": UKRAINIAN_RE, "en": LATIN_RE}


@functools.lru_cache(maxsize=4096)
def loop_extent(text: str) -> int:
    """Characters covered by the longest run of one unit repeated three times or more in a row
    (units of 1 to 30 characters holding a letter: ``"willwillwill"`` -> 12; ``"-----"`` -> 0).

    Remembered for the last few thousand texts: a run asks it of each output and source when the
    batch comes back, again when a retry is weighed against the first output, and again in the
    sentence checks (issue 26: 2,933 calls on 445 texts, a fifth of the CLI's own Python time)."""
    return _loop_extent(text)


def _loop_extent(text: str) -> int:
    longest = 0
    for match in _REPEAT.finditer(text):
        if any(c.isalpha() for c in match.group(1)):
            longest = max(longest, match.end() - match.start())
    return longest


def loops(source: str, output: str) -> bool:
    """True when ``output`` repeats itself over at least :data:`LOOP_MIN_CHARS` characters and
    more than the source does (a source that repeats itself may be translated the same way)."""
    return _loops(source, loop_extent(output))


def loops_so_far(source: str, partial: str) -> bool:
    """:func:`loops` of an output still being decoded (``ct2.StreamStop``): each partial output is
    seen once, so it is not remembered (it would push out the texts asked for again)."""
    return _loops(source, _loop_extent(partial))


def _loops(source: str, extent: int) -> bool:
    return extent >= LOOP_MIN_CHARS and extent > 2 * loop_extent(source)


def _content(text: str) -> int:
    return sum(map(str.isalnum, text))


def length_outlier(source: str, output: str) -> Optional[str]:
    """:data:`TOO_SHORT`, :data:`TOO_LONG` or None, from the ratio of letters and digits."""
    src, out = _content(source), _content(output)
    if src < SHORTEST_CHECKED:
        return TOO_LONG if out > MAX_RATIO * SHORTEST_CHECKED else None
    if out < MIN_RATIO * src:
        return TOO_SHORT
    return TOO_LONG if out > MAX_RATIO * src else None


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def untranslated(source: str, output: str, src: str, tgt: str) -> bool:
    """True when the output is the source again (ignoring case, spaces and punctuation) though
    the source has words to translate, or when it holds no letter of the target's script at
    all (``ru`` -> ``en`` output all in Cyrillic; Russian text keeps many English terms, so only
    a complete absence counts). Names and terms kept as they are (two words or fewer, or
    capitalised words only) are not copies."""
    script = _SCRIPTS.get(src)
    if script is None or _SCRIPTS.get(tgt) is None or _SCRIPTS[tgt].pattern == script.pattern:
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", source) if script.search(w)]
    if len(words) < 3 or not any(w.islower() for w in words):
        return False
    if _normal(source) == _normal(output):
        return True
    letters = [c for c in output if c.isalpha()]
    return len(letters) >= SHORTEST_CHECKED and not any(_SCRIPTS[tgt].match(c) for c in letters)


def check_sentence(source: str, output: str, src: str, tgt: str, score: Optional[float] = None) -> list[str]:
    """The ``check:`` flags of one translated sentence (empty: nothing to review).

    ``score``: the model's mean log-probability per output token, where the backend gave one."""
    if not source.strip():
        return []
    flags = []
    if loops(source, output):
        flags.append(LOOP)
    outlier = length_outlier(source, output)
    if outlier is not None and not (outlier == TOO_LONG and flags):
        flags.append(outlier)
    if untranslated(source, output, src, tgt):
        flags.append(UNTRANSLATED)
    if score is not None and score < MIN_SCORE:
        flags.append(LOW_SCORE)
    return flags


def summary(counts) -> str:
    """'3 sentence(s) flagged for review (loops 2, too short 1)' from a Counter of flags and the
    number of flagged sentences under the key ``"sentences"``; empty when none."""
    flagged = counts.get("sentences", 0)
    if not flagged:
        return ""
    parts = ", ".join(f"{word} {counts[flag]}" for flag, word in REASONS.items() if counts.get(flag))
    return f"{flagged} sentence(s) flagged for review ({parts})"
