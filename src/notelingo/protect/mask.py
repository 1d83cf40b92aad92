"""Protected spans: what must come out of translation exactly as it went in.

URLs, emails, @mentions, #hashtags, inline code, LaTeX, arXiv ids, DOIs, glossary
terms and (by default) acronyms / model names (their shapes: :mod:`notelingo.protect.shapes`)
are found as :class:`Span` s. A
segment is masked, translated, restored and *verified*; when a span is missing or
altered it is put back into the output from the model's alignment, or, as a last
resort, the segment is translated again as the pieces between its spans and the
span renderings are spliced back. That translation flow is
:func:`notelingo.protect.repair.translate_protected`; this module finds, masks and verifies.
So every span is present on any model, even one that returns noise or nothing.

Verification is boundary-aware (:func:`intact_spans`): a span counts only where it
stands as a whole token, with the same kind of boundary on each side as in the
source, so "(WWMtwork" does not hold "WWM". Splicing copies the punctuation at the
pieces' edges from the source and puts a space wherever a translation would touch
a span's word character.

Placeholders
------------
A masked span becomes ``<prefix><index>``, e.g. ``XQ0``: two distinct Latin
capitals and a fixed-width number. Marian opus-mt models copy short alphanumeric
codes (product codes, model names such as ``A4``, ``T5``) far more reliably than
brackets, underscores or rare Unicode, which their SentencePiece vocabularies map
to pieces the model drops or to ``<unk>``. The prefix is chosen per segment so it
occurs nowhere in the text (case-insensitively); with a fixed width the index never
swallows a digit that follows, so mask -> restore is the identity on any text.
Acronyms and keep-terms that look like acronyms stay *visible*: the model copies
them as readily as a placeholder and keeps the sentence's meaning.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from ..errors import TranslationError
from .shapes import (
    NAME_RUN_RE,
    PART_RE,
    acronym_candidates,
    blank_out,
    is_acronym_part,
    latex_run_candidates,
    trim_trailing,
)
from .zones import ZONE_DETECTORS, Span, resolve_overlaps

FLAG_ALIGNED = "protect:aligned"
FLAG_FALLBACK_SPLICE = "protect:fallback-splice"
FLAG_EMPTY_KEPT_SOURCE = "protect:empty-output-kept-source"

TranslateBatch = Callable[[list[str], str, str], list[str]]


@dataclass
class SegmentRequest:
    text: str
    src: str
    tgt: str
    note_key: str = ""  # segments of one note share gloss first-use; "" = a note of its own


@dataclass
class SegmentResult:
    text: str
    flags: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)  # found in the source
    masked_again: bool = False  # open terms found no usable words: masked and translated again (protect.incontext)


# ----- detection -------------------------------------------------------------

# Zone patterns, the detector table and the overlap rule live in notelingo.protect.zones.


def _regex_candidates(pattern: re.Pattern, text: str, kind: str, trim: bool = False) -> list[tuple]:
    found = []
    for m in pattern.finditer(text):
        s = trim_trailing(m.group()) if trim else m.group()
        if s:
            found.append((m.start(), m.start() + len(s), kind, None))
    return found


# ----- glossary terms and overlap resolution --------------------------------

def _term_candidates(text: str, src: str, glossary) -> list[tuple]:
    if glossary is None:
        return []
    return [(m.start, m.end, "term", m) for m in glossary.find(text, lang=src)]


def _term_span(text: str, cand: tuple, tgt: str, glossary) -> Optional[Span]:
    """The span of a glossary match, rendered by the glossary that found it; a gloss term's rendering
    is its target alone (see :func:`gloss_first_uses`). None: nothing to enforce in this language."""
    start, end, _, match = cand
    entry, surface = match.entry, text[start:end]
    rendering = glossary.render(entry, surface, text, start, tgt)
    if rendering is None:
        return None
    return Span(start, end, surface, "term", rendering, entry=entry.en, policy=entry.policy)


def gloss_first_uses(spans: list[Span], glossed: set[str]) -> list[Span]:
    """``spans`` with each gloss term whose entry is not in ``glossed`` rendered "target (surface)",
    the entry then added to ``glossed`` (the other spans are the same objects).

    The masked text does not depend on it (a placeholder stands for either rendering, and
    the prefix, free of letters either rendering holds, is the same), so segments can be
    masked in any order and glossed afterwards in reading order."""
    out = []
    for span in spans:
        if span.kind == "term" and span.policy == "gloss" and span.entry not in glossed:
            glossed.add(span.entry)
            span = replace(span, rendering=f"{span.rendering} ({span.text})")
        out.append(span)
    return out


def find_protected_spans(
    text: str,
    src: str,
    tgt: str,
    glossary=None,
    keep_acronyms: bool = True,
    glossed: set[str] | None = None,
    *,
    gloss: bool = True,
) -> list[Span]:
    """Sorted, non-overlapping spans of ``text`` that translation must not touch.

    ``glossary`` is anything with ``find(text, lang) -> [TermMatch]`` and ``render(entry, surface,
    text, start, tgt) -> str | None`` (:class:`notelingo.glossary.Glossary`: protect renders no term
    itself, so it needs nothing from the glossary package). ``glossed``
    holds the entries already glossed in this note; it is updated in place, so a
    gloss term gets "target (surface)" only on its first use. ``gloss=False`` leaves
    that to a later :func:`gloss_first_uses` (``glossed`` is then not used).
    """
    glossed = set() if glossed is None else glossed
    candidates = []
    for pattern, kind, trim in ZONE_DETECTORS:
        candidates += _regex_candidates(pattern, text, kind, trim)
    # Bare formulas are looked for outside the spans found so far so they cannot swallow them.
    candidates += latex_run_candidates(blank_out(text, candidates))
    candidates += _term_candidates(text, src, glossary)
    if keep_acronyms:
        candidates += acronym_candidates(text)
    spans = []
    for cand in resolve_overlaps(candidates, len(text)):
        if cand[2] == "term":
            span = _term_span(text, cand, tgt, glossary)
        else:
            span = Span(cand[0], cand[1], text[cand[0]:cand[1]], cand[2], text[cand[0]:cand[1]])
        if span is not None:
            spans.append(span)
    return gloss_first_uses(spans, glossed) if gloss else spans


# ----- mask and restore ------------------------------------------------------

_PREFIX_LETTERS = "XQZJKVWY"  # rare in English, absent from Russian


@dataclass(frozen=True)
class MaskTable:
    """How a segment was masked: placeholder ``prefix + index`` (fixed width) -> span."""

    prefix: str
    width: int
    masked: tuple[Span, ...]

    def placeholder(self, index: int) -> str:
        return f"{self.prefix}{index:0{self.width}d}"

    @property
    def pattern(self) -> re.Pattern:
        # Lenient on case and one space after the prefix: models write "Xq0" or "XQ 0".
        return re.compile(re.escape(self.prefix) + r"\s?(\d{%d})" % self.width, re.I)


def is_visible(span: Span) -> bool:
    """Spans left in the text for the model: acronyms and acronym-shaped keep-terms."""
    if span.kind == "acronym":
        return True
    return span.kind == "term" and span.policy == "keep" and bool(
        NAME_RUN_RE.fullmatch(span.text)) and any(is_acronym_part(p) for p in PART_RE.findall(span.text))


def _choose_prefix(texts: list[str]) -> str:
    """The first prefix of distinct letters found in none of ``texts`` (case-insensitive).

    Distinct letters give the prefix no border with itself, so no occurrence of it
    can start in the text and end inside a placeholder.
    """
    haystack = "\x00".join(texts).upper()
    for length in range(2, len(_PREFIX_LETTERS) + 1):
        for letters in itertools.permutations(_PREFIX_LETTERS, length):
            if "".join(letters) not in haystack:
                return "".join(letters)
    raise TranslationError("cannot choose a placeholder prefix: the text contains every candidate")


def mask(text: str, spans: list[Span]) -> tuple[str, MaskTable]:
    """Replace every non-visible span by a placeholder; ``restore`` inverts it."""
    hidden = [s for s in spans if not is_visible(s)]
    prefix = _choose_prefix([text] + [s.rendering for s in spans])
    table = MaskTable(prefix, len(str(max(len(hidden) - 1, 0))), tuple(hidden))
    out, pos = [], 0
    for index, span in enumerate(hidden):
        out.append(text[pos:span.start])
        out.append(table.placeholder(index))
        pos = span.end
    out.append(text[pos:])
    return "".join(out), table


def restore(masked_text: str, table: MaskTable) -> str:
    """Put each span's rendering where its placeholder is; unknown indices stay as they are."""
    def put_back(m: re.Match) -> str:
        index = int(m.group(1))
        return table.masked[index].rendering if index < len(table.masked) else m.group()

    return table.pattern.sub(put_back, masked_text) if table.masked else masked_text


# ----- boundary-aware verification ------------------------------------------

#: What may follow a URL, email or DOI without becoming part of it (what detection trims).
_CLOSING_PUNCT = set(".,;:!?'\"»)]}…”’")
_GREEDY_KINDS = {"url", "email", "doi"}


def boundary_kind(ch: str) -> str:
    """The boundary kind a neighbouring character makes: space (or the text edge), word, punct."""
    if not ch or ch.isspace():
        return "space"
    return "word" if ch.isalnum() or ch == "_" else "punct"


def span_boundaries(source: str, span: Span) -> tuple[str, str, str]:
    """(left, right) boundary kinds of ``span`` in the source, and the character after it."""
    after = source[span.end:span.end + 1]
    return boundary_kind(source[span.start - 1:span.start]), boundary_kind(after), after


def _fits(span: Span, wanted: tuple[str, str, str], output: str, start: int) -> bool:
    """Does the occurrence of ``span.rendering`` at ``start`` keep the span a whole token?

    A side that was a word boundary in the source (space, edge or punctuation) must
    not touch a word character: "WWMtwork" is another token. A side glued to a word
    in the source (a Russian case ending: "BERTом") may become anything. A URL, email
    or DOI may be followed only by what cannot extend it (or by what followed it in the source).
    """
    end = start + len(span.rendering)
    left, right = output[start - 1:start], output[end:end + 1]
    if wanted[0] != "word" and boundary_kind(left) == "word":
        return False
    if wanted[1] != "word" and boundary_kind(right) == "word":
        return False
    extends = boundary_kind(right) == "punct" and right not in _CLOSING_PUNCT and right != wanted[2]
    return not (span.kind in _GREEDY_KINDS and extends)


def _occurrences(text: str, needle: str) -> list[int]:
    found, pos = [], text.find(needle)
    while needle and pos != -1:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def match_spans(source: str, output: str, spans: list[Span]) -> list[int | None]:
    """Where each span stands whole in ``output`` (a start offset), or None when it does not.

    Each occurrence serves one span and no two overlap. Longer renderings are matched
    first, and a shorter one is not looked for inside an occurrence of a longer one that
    stands whole, so "GPT" is not found in "GPT-3". Spans whose boundaries ask more (no glued side)
    choose before those that ask less.
    """
    used = bytearray(len(output))
    longer: list[tuple[int, int]] = []  # every occurrence of the renderings matched so far
    where: list[int | None] = [None] * len(spans)
    by_rendering: dict[str, list[int]] = {}
    for index, span in enumerate(spans):
        by_rendering.setdefault(span.rendering, []).append(index)
    for rendering in sorted(by_rendering, key=len, reverse=True):
        size = len(rendering)
        found = _occurrences(output, rendering)
        free = [p for p in found if not any(used[p:p + size]) and not any(a <= p and p + size <= b for a, b in longer)]
        wanted = {i: span_boundaries(source, spans[i]) for i in by_rendering[rendering]}
        for index in sorted(by_rendering[rendering], key=lambda i: wanted[i].count("word")):
            fitting = (p for p in free if not any(used[p:p + size]) and _fits(spans[index], wanted[index], output, p))
            pos = next(fitting, None)
            if pos is not None:
                used[pos:pos + size] = b"\x01" * size
                where[index] = pos
        # Only an occurrence that stands as a whole token of this rendering hides shorter
        # renderings inside it: "GPT-3_" (glued) may still hold a whole "GPT".
        longer.extend((p, p + size) for p in found
                      if any(_fits(spans[i], wanted[i], output, p) for i in by_rendering[rendering]))
    return where


def intact_spans(source: str, output: str, spans: list[Span]) -> tuple[int, int]:
    """(intact, total): how many of ``spans`` (found in ``source``) stand whole in ``output``.

    A span is intact when its rendering is present with the same boundary kind on
    each side as in the source: a word boundary stays one (punctuation may touch a
    span that touched punctuation), and each occurrence serves one span.
    """
    where = match_spans(source, output, spans)
    return sum(1 for pos in where if pos is not None), len(spans)
