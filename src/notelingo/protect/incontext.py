"""Glossary terms the model translates in context, English→Russian, read back from the alignment.

A translate or gloss term bound for Russian is not masked in the model's first pass ("open"): the
model writes it in the case its sentence needs. For each open term :func:`settle` reads the output
words the alignment ties to it (target tokens putting at least half their attention on the term's
source tokens, and the most on one of them) and asks the glossary
(:meth:`notelingo.glossary.Glossary.in_context`, :mod:`notelingo.glossary.context`):

- a form of the glossary's target → kept as written (``kept``);
- another Russian noun → replaced by the target in that noun's case and number (``re-inflected``);
- the English term copied → replaced by the target in the case its governor calls for (``governed``
  or ``nominative``, :mod:`notelingo.glossary.agree`).

When the alignment is flat (a random-weight model: the mean of each target token's largest weight
under :data:`FLAT`), nothing is aligned to a term, or the words are no Russian noun, :func:`settle`
gives up and protect masks the term and asks the model again: the placeholder is restored in the
form its governor calls for, as for a model without an alignment.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..alphabet import CYRILLIC_RE
from .alignment import PLACEMENT_LEVELS, Alignment, strongest
from .mask import mask

#: An alignment whose target tokens put on average less than this on their strongest source token
#: is flat: it ties no words to a term (random weights give ~1/length; opus-mt's alignment head is sharp).
FLAT = 0.3
#: A target token belongs to a term when at least this share of its attention is on the term.
SHARE = 0.5
#: At most this many words more than the target has may stand for a term.
EXTRA_WORDS = 2
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)  # the words the glossary reads (glossary.context)


def apply_edits(raw: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """``raw`` with non-overlapping (start, end, replacement) edits, and where each raw offset went."""
    out, where, cursor = [], [0] * (len(raw) + 1), 0
    length = 0
    for start, end, replacement in sorted(edits) + [(len(raw), len(raw), "")]:
        for offset in range(cursor, start + 1):
            where[offset] = length + offset - cursor
        out.append(raw[cursor:start])
        length += start - cursor
        out.append(replacement)
        length += len(replacement)
        for offset in range(start + 1, end + 1):
            where[offset] = length
        cursor = end
    return "".join(out), where


def is_flat(alignment: Alignment) -> bool:
    rows = [max(row) for row in alignment.weights if row]
    return not rows or sum(rows) / len(rows) < FLAT


def _word_range(raw: str, start: int, end: int) -> tuple[int, int]:
    """The token's letters and digits widened to whole words (its spaces and punctuation left out)."""
    while start < end and not raw[start].isalnum():
        start += 1
    while end > start and not raw[end - 1].isalnum():
        end -= 1
    while start > 0 and (raw[start - 1].isalnum() or raw[start - 1] == "-"):
        start -= 1
    while end < len(raw) and (raw[end].isalnum() or raw[end] == "-"):
        end += 1
    return start, end


def aligned_region(raw: str, alignment: Alignment, tokens: list[int]) -> tuple[int, int] | None:
    """The stretch of ``raw`` whose target tokens belong to the source ``tokens``; None when none does."""
    found = []
    for t, row in enumerate(alignment.weights[:len(alignment.target)]):
        share = round(sum(row[s] for s in tokens) * PLACEMENT_LEVELS)
        if share >= SHARE * PLACEMENT_LEVELS and strongest(row) in tokens:
            a, b = alignment.target[t]
            if b <= len(raw) and any(c.isalnum() for c in raw[a:b]):
                found.append(_word_range(raw, a, b))
    if not found:
        return None
    return min(a for a, _ in found), max(b for _, b in found)


def _reading(plan, index: int, raw: str, region: tuple[int, int]):
    """(start, end, word, choice) for open span ``index`` whose words stand at ``region``; None: unusable."""
    span, base = plan.spans[index], plan.bases[index]
    start, end = region
    text = raw[start:end]
    if not CYRILLIC_RE.search(text) and text.casefold() == span.text.casefold():
        form, choice = plan.agree(base, plan.request.text, span.start, raw[:start] + raw[end:], start, start)
        return start, end, form, choice  # the model copied the English term
    words = list(_WORD.finditer(text))
    if not words or len(words) > len(base.split(" ")) + EXTRA_WORDS:
        return None
    found = plan.read(base, [w.group() for w in words], raw, start + words[0].start(), plan.request.text, span.start)
    if found is None:
        return None
    return start + words[found.start].start(), start + words[found.end - 1].end(), found.rendering, found.choice


def settle(plan, raw: str, alignment: Alignment | None, ranges: list[tuple[int, int]]) -> tuple[str, Alignment] | None:
    """``raw`` (the model's output for ``plan``) with each open term in the form chosen from its aligned
    words, the spans' renderings updated, and the alignment moved with the text; None when any open
    term finds no usable words (the plan is then masked and translated again)."""
    if alignment is None or is_flat(alignment) or any(len(row) < len(alignment.source) for row in alignment.weights):
        return None
    edits, swapped = [], {}
    for index in sorted(plan.open):
        span = plan.spans[index]
        start, end = ranges[index]
        tokens = [s for s, (a, b) in enumerate(alignment.source) if a < end and start < b]
        region = aligned_region(raw, alignment, tokens) if tokens else None
        found = _reading(plan, index, raw, region) if region else None
        if found is None or any(a < found[1] and found[0] < b for a, b, _ in edits):
            return None
        a, b, form, choice = found
        glossed = span.policy == "gloss" and span.rendering.endswith(f" ({span.text})")
        rendering = f"{form} ({span.text})" if glossed else form
        edits.append((a, b, rendering))
        swapped[index] = replace(span, rendering=rendering, choice=choice)
    text, where = apply_edits(raw, edits)
    plan.spans = [swapped.get(i, s) for i, s in enumerate(plan.spans)]
    plan.bases = {i: b for i, b in plan.bases.items() if i not in swapped}
    moved = [(where[min(a, len(raw))], where[min(b, len(raw))]) for a, b in alignment.target]
    return text, Alignment(alignment.source, moved, alignment.weights)


def input_ranges(plan) -> list[tuple[int, int]]:
    """Each span's character range in the text the model was given (the masked text's core)."""
    hidden = {id(span): index for index, span in enumerate(plan.table.masked)}
    offset = len(plan.masked) - len(plan.masked.lstrip())
    ranges, shift = [], 0
    for span in plan.spans:
        start = span.start + shift
        size = len(plan.table.placeholder(hidden[id(span)])) if id(span) in hidden else span.end - span.start
        shift += size - (span.end - span.start)
        ranges.append((start - offset, start + size - offset))
    return ranges


def settle_open(plans: list, first: dict, alignments: dict) -> tuple[dict, dict]:
    """(plan id -> output and alignment with its open terms settled, plan id -> plan masked again)."""
    settled, again = {}, {}
    for plan in plans:
        if plan.open:
            core = plan.masked.strip()
            done = settle(plan, first[core], alignments.get(core), input_ranges(plan))
            if done is None:
                plan.open, plan.again = set(), True
                plan.masked, plan.table = mask(plan.request.text, plan.spans)
                again[id(plan)] = plan
            else:
                settled[id(plan)] = done
    return settled, again
