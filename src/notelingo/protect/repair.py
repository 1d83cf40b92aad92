"""Putting protected spans back into a translation that lost them.

:func:`notelingo.protect.mask.translate_protected` sends each masked segment to the model
once. An output that fails verification is repaired, cheapest first:

1. **In place** (``protect:aligned``): placeholders are restored (one the model glued
   to a word gets the space its boundary needs; duplicates and placeholder debris are
   dropped), and each span still missing is put next to the target token that
   attends most to the span's source tokens, on the side its source neighbours say.
   The attention is the model's alignment: opus-mt models are trained with guided
   alignment on the last decoder layer's cross-attention, head 0 (their cards say
   "transformer-align"; it is the head CTranslate2's converter keeps). Backends
   return it only for the segments that hold spans.
2. **Splice** (``protect:fallback-splice``), the last resort when nothing can be
   placed (no alignment, e.g. a cached or pivoted output, or an empty output): the
   pieces between the spans are translated on their own and joined around the spans
   (:mod:`notelingo.protect.splice`).

Both keep the guarantee: every span comes out whole, on any model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from ..alphabet import CYRILLIC_RE
from ..errors import TranslationError
from .alignment import Alignment, strongest
from .incontext import apply_edits, input_ranges, settle_open
from .mask import (
    FLAG_ALIGNED,
    FLAG_EMPTY_KEPT_SOURCE,
    FLAG_FALLBACK_SPLICE,
    MaskTable,
    SegmentRequest,
    SegmentResult,
    Span,
    TranslateBatch,
    boundary_kind,
    find_protected_spans,
    gloss_first_uses,
    is_visible,
    mask,
    match_spans,
    restore,
    span_boundaries,
)
from .splice import has_words, splice, splice_cores

_OPENING = set("([{«„“‘\"'")
_CLOSING = set(".,;:!?)]}»…”’\"'")


@dataclass
class Plan:
    """One segment on its way through the model: its spans, masked text and result."""

    request: SegmentRequest
    spans: list[Span]
    masked: str
    table: MaskTable
    output: str | None = None
    flags: list[str] = field(default_factory=list)
    bases: dict[int, str] = field(default_factory=dict)  # span index -> nominative Russian rendering
    agree: Callable | None = None  # the glossary's agree (see :func:`_agree`)
    open: set[int] = field(default_factory=set)  # bases left unmasked for the model (:mod:`.incontext`)
    read: Callable | None = None  # the glossary's in_context (see :func:`.incontext.settle`)
    again: bool = False  # the open terms were masked and the segment translated again


def _agreeing_bases(request: SegmentRequest, spans: list[Span], glossary) -> dict[int, str]:
    """The Russian translate/gloss term renderings that take the case of the sentence, by span index
    (none when the glossary cannot inflect: it has no ``agree``)."""
    if request.tgt != "ru" or request.src == "ru" or not hasattr(glossary, "agree"):
        return {}
    return {i: s.rendering for i, s in enumerate(spans)
            if s.kind == "term" and s.policy in ("translate", "gloss") and CYRILLIC_RE.search(s.rendering)}


def _agree(plan: Plan, raw: str | None) -> None:
    """Each agreeing term in the case and number the glossary's ``agree`` chooses from the Russian
    words before its placeholder in ``raw`` (the model's output), else from the English source."""
    if not plan.bases or plan.agree is None:
        return
    hidden = {(s.start, s.end): i for i, s in enumerate(plan.table.masked)}
    swapped = {}
    for index, base in plan.bases.items():
        span = plan.spans[index]
        found = re.search(re.escape(plan.table.placeholder(hidden[span.start, span.end])), raw, re.IGNORECASE) \
            if raw is not None and (span.start, span.end) in hidden else None
        position = found.start() if found else None
        rendering, choice = plan.agree(base, plan.request.text, span.start,
                                       raw if position is not None else None, position, found.end() if found else None)
        glossed = span.rendering == f"{span.rendering.split(' (', 1)[0]} ({span.text})" and span.policy == "gloss"
        swapped[id(span)] = replace(span, rendering=f"{rendering} ({span.text})" if glossed else rendering,
                                    choice=choice)
    plan.spans = [swapped.get(id(s), s) for s in plan.spans]
    plan.table = replace(plan.table, masked=tuple(swapped.get(id(s), s) for s in plan.table.masked))


def _edges(text: str) -> tuple[str, str, str]:
    """(leading whitespace, core, trailing whitespace): models drop the outer whitespace."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core):]


def _without_spans(plan: Plan) -> str:
    text = plan.table.pattern.sub(" ", plan.masked) if plan.table.masked else plan.masked
    for span in plan.spans:
        if is_visible(span):
            text = text.replace(span.text, " ")
    return text


def _checked(outputs: list, texts: list[str], src: str, tgt: str) -> list:
    if len(outputs) != len(texts):
        raise TranslationError(
            f"{src}->{tgt}: the translate function returned {len(outputs)} texts for "
            f"{len(texts)} segments; it must return exactly one per input, in order")
    return outputs


def _needs_model(plan: Plan) -> bool:
    return bool(plan.request.text.strip()) and has_words(_without_spans(plan))


def _translate_unique(translate_batch: TranslateBatch, texts: list[str], src: str, tgt: str) -> dict[str, str]:
    """One call of ``translate_batch`` for the distinct ``texts``; text -> translation."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return {}
    outputs = _checked(translate_batch(unique, src, tgt), unique, src, tgt)
    return {text: out or "" for text, out in zip(unique, outputs)}


def _model_inputs(plans: list[Plan]) -> dict[str, bool]:
    """What the model is asked for ``plans``: each distinct masked core -> whether it holds spans."""
    return {_edges(p.masked)[1]: bool(p.spans) for p in plans}


def _translate_aligned(translate_batch, plans: list[Plan], src: str, tgt: str,
                       fresh: bool = False) -> tuple[dict, dict]:
    """One model call for ``plans``, with the alignment of those holding spans when ``translate_batch``
    offers ``aligned(texts, src, tgt, want, fresh) -> (outputs, alignments)``."""
    cores = _model_inputs(plans)
    unique = list(cores)
    aligned = getattr(translate_batch, "aligned", None)
    if aligned is None or not unique or not any(cores.values()):
        return _translate_unique(translate_batch, unique, src, tgt), {}
    outputs, alignments = aligned(unique, src, tgt, [cores[text] for text in unique], fresh=fresh)
    _checked(outputs, unique, src, tgt)
    _checked(alignments, unique, src, tgt)
    found = {t: a for t, a in zip(unique, alignments) if a is not None}
    return {t: out or "" for t, out in zip(unique, outputs)}, found


# ----- verification of the first output --------------------------------------


def _placeholders_intact(translated: str, table: MaskTable) -> bool:
    """Each placeholder exactly once and no leftover fragment of the prefix."""
    indices = [int(i) for i in table.pattern.findall(translated)]
    if sorted(indices) != list(range(len(table.masked))):
        return False
    return table.prefix.upper() not in table.pattern.sub("", translated).upper()


def _all_intact(source: str, output: str, spans: list[Span]) -> bool:
    return all(pos is not None for pos in match_spans(source, output, spans))


def _accept_masked_output(plan: Plan, translated: str) -> bool:
    """Restore ``translated`` into ``plan.output`` if it passes verification."""
    lead, _, trail = _edges(plan.request.text)
    translated = translated.strip()
    if not plan.spans:
        if not translated:
            plan.output = plan.request.text
            plan.flags.append(FLAG_EMPTY_KEPT_SOURCE)
        else:
            plan.output = lead + translated + trail
        return True
    if not _placeholders_intact(translated, plan.table):
        return False
    output = lead + restore(translated, plan.table) + trail
    if not _all_intact(plan.request.text, output, plan.spans):
        return False
    plan.output = output
    return True


# ----- repair in place ---------------------------------------------------------


def _deletion(raw: str, start: int, end: int) -> tuple[int, int, str]:
    """Delete raw[start:end], and one space after it when it stood between two spaces."""
    if (start == 0 or raw[start - 1].isspace()) and raw[end:end + 1] == " ":
        end += 1
    return start, end, ""


def _restore_spaced(plan: Plan, raw: str) -> tuple[str, list[int]]:
    """Placeholders restored (first occurrence each, spaced where the model glued them),
    duplicates and leftover prefix fragments removed; with the offset map of :func:`.incontext.apply_edits`."""
    table, edits, seen = plan.table, [], set()
    for m in table.pattern.finditer(raw) if table.masked else ():
        index = int(m.group(1))
        if index >= len(table.masked) or index in seen:
            edits.append(_deletion(raw, m.start(), m.end()))
            continue
        seen.add(index)
        left, right, _ = span_boundaries(plan.request.text, table.masked[index])
        before = " " if left != "word" and boundary_kind(raw[m.start() - 1:m.start()]) == "word" else ""
        after = " " if right != "word" and boundary_kind(raw[m.end():m.end() + 1]) == "word" else ""
        edits.append((m.start(), m.end(), before + table.masked[index].rendering + after))
    taken = [(s, e) for s, e, _ in edits]
    for m in re.finditer(re.escape(table.prefix) + r"\s?\d*", raw, re.IGNORECASE):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            edits.append(_deletion(raw, m.start(), m.end()))
    return apply_edits(raw, edits)


def _neighbour(alignment: Alignment, text: str, tokens: range, blocked: set[int]) -> int | None:
    """The nearest source token in ``tokens`` (in order) that holds a word and no span."""
    for s in tokens:
        start, end = alignment.source[s]
        if s not in blocked and any(c.isalnum() for c in text[start:end]):
            return s
    return None


def _token_place(alignment: Alignment, text: str, tokens: list[int], blocked: set[int], rows: int) -> tuple[int, str]:
    """(target token, "before" | "after") for a span whose source tokens are ``tokens``."""
    weights = alignment.weights
    best = strongest([sum(weights[t][s] for s in tokens) for t in range(rows)])
    left = _neighbour(alignment, text, range(min(tokens) - 1, -1, -1), blocked)
    right = _neighbour(alignment, text, range(max(tokens) + 1, len(alignment.source)), blocked)
    if left is None or right is None:
        return best, "before" if left is None and right is not None else "after"
    to_left = abs(best - strongest([weights[t][left] for t in range(rows)]))
    to_right = abs(best - strongest([weights[t][right] for t in range(rows)]))
    if to_left != to_right:
        return best, "after" if to_left < to_right else "before"
    return best, "after" if strongest([weights[best][left], weights[best][right]]) == 0 else "before"


def _char_place(raw: str, token_range: tuple[int, int], side: str) -> int:
    """An offset in ``raw`` at a word boundary before or after the target token."""
    start, end = token_range
    if side == "after":
        while end < len(raw) and raw[end].isalnum():
            end += 1
        return end
    while start < end and raw[start].isspace():
        start += 1
    while start > 0 and raw[start - 1].isalnum():
        start -= 1
    return start


def place_spans(plan: Plan, raw: str, alignment: Alignment, missing: list[int]) -> list[tuple[int, int]] | None:
    """(offset in ``raw``, span index) for each missing span, from the alignment; None when impossible."""
    rows = min(len(alignment.target), len(alignment.weights))
    if rows == 0 or any(end > len(raw) or len(row) < len(alignment.source) for (_, end), row in
                        zip(alignment.target, alignment.weights)):
        return None
    source_text = _edges(plan.masked)[1]
    span_tokens = [[s for s, (a, b) in enumerate(alignment.source) if a < end and start < b]
                   for start, end in input_ranges(plan)]
    blocked = {s for tokens in span_tokens for s in tokens}
    places = []
    for index in missing:
        if not span_tokens[index]:
            return None
        token, side = _token_place(alignment, source_text, span_tokens[index], blocked, rows)
        places.append((_char_place(raw, alignment.target[token], side), index))
    return places


def _insert(text: str, places: list[tuple[int, int]], spans: list[Span]) -> str:
    """Insert the spans' renderings at their offsets, with the spaces their neighbours need."""
    by_offset: dict[int, list[int]] = {}
    for offset, index in places:
        by_offset.setdefault(offset, []).append(index)
    for offset in sorted(by_offset, reverse=True):
        insert = " ".join(spans[i].rendering for i in sorted(by_offset[offset]))
        before, after = text[offset - 1:offset], text[offset:offset + 1]
        if before and not before.isspace() and before not in _OPENING:
            insert = " " + insert
        if after and not after.isspace() and after not in _CLOSING:
            insert += " "
        text = text[:offset] + insert + text[offset:]
    return text


def repair_in_place(plan: Plan, translated: str, alignment: Alignment | None) -> bool:
    """Repair the model's output without another model call; False when the spans cannot all be placed."""
    raw = translated.strip()
    if not raw:
        return False
    shift = len(translated) - len(translated.lstrip())
    lead, _, trail = _edges(plan.request.text)
    text, where = _restore_spaced(plan, raw)
    found = match_spans(plan.request.text, lead + text + trail, plan.spans)
    missing = [index for index, pos in enumerate(found) if pos is None]
    if missing:
        if alignment is None:
            return False
        if shift:
            alignment = Alignment(alignment.source, [(a - shift, b - shift) for a, b in alignment.target],
                                  alignment.weights)
        places = place_spans(plan, raw, alignment, missing)
        if places is None:
            return False
        text = _insert(text, [(where[offset], index) for offset, index in places], plan.spans)
    output = lead + text.strip() + trail
    if not _all_intact(plan.request.text, output, plan.spans) or plan.table.prefix.upper() in output.upper():
        return False
    plan.output = output
    plan.flags.append(FLAG_ALIGNED)
    return True


# ----- the splice fallback (see :mod:`notelingo.protect.splice`) -----------------------


def _splice_cores(plan: Plan) -> list[str]:
    return splice_cores(plan.request.text, plan.spans)


def _splice(plan: Plan, translations: dict[str, str]) -> None:
    _agree(plan, None)
    plan.output, kept_source = splice(plan.request.text, plan.spans, translations)
    if kept_source and FLAG_EMPTY_KEPT_SOURCE not in plan.flags:
        plan.flags.append(FLAG_EMPTY_KEPT_SOURCE)
    plan.flags.append(FLAG_FALLBACK_SPLICE)


def _repaired(plans: list[Plan], first: dict, alignments: dict, settled: dict | None = None) -> tuple[list, list]:
    """(plans still failing that had no alignment, plans failing even with one); ``settled``: plan id ->
    its output and alignment with the open terms in place (:func:`.incontext.settle_open`)."""
    unaligned: list[Plan] = []
    failed: list[Plan] = []
    for plan in plans:
        core = _edges(plan.masked)[1]
        raw, alignment = (settled or {}).get(id(plan), (first[core], alignments.get(core)))
        _agree(plan, raw)
        if _accept_masked_output(plan, raw) or repair_in_place(plan, raw, alignment):
            continue
        (unaligned if core not in alignments else failed).append(plan)
    return unaligned, failed


def translate_pair(plans: list[Plan], src: str, tgt: str, translate_batch: TranslateBatch) -> None:
    """Every masked segment in one model call; a cached output that cannot be repaired without
    its alignment is asked for again with it; the pieces of what still fails in a last call."""
    for plan in plans:
        if not _needs_model(plan):
            _agree(plan, None)
            plan.output = restore(plan.masked, plan.table)  # nothing for the model to do
    pending = [p for p in plans if p.output is None]
    first, alignments = _translate_aligned(translate_batch, pending, src, tgt)
    settled, again = settle_open(pending, first, alignments)
    unaligned, failed = _repaired([p for p in pending if id(p) not in again], first, alignments, settled)
    if again:  # open terms with no usable words: masked, and translated again
        more = _repaired(list(again.values()), *_translate_aligned(translate_batch, list(again.values()), src, tgt))
        unaligned, failed = unaligned + more[0], failed + more[1]
    if unaligned and hasattr(translate_batch, "aligned"):
        unaligned, still = _repaired(unaligned, *_translate_aligned(translate_batch, unaligned, src, tgt, fresh=True))
        failed += still
    failed += unaligned
    second = _translate_unique(translate_batch, [core for p in failed for core in _splice_cores(p)], src, tgt)
    for plan in failed:
        _splice(plan, second)


# ----- the entry point ---------------------------------------------------------


def repair_kind(result: SegmentResult) -> str | None:
    """How a segment's spans were kept: "none" (the model kept them), "aligned" (put back into
    its output), "spliced" (pieces translated again); None for a segment without spans."""
    if not result.spans:
        return None
    if FLAG_FALLBACK_SPLICE in result.flags:
        return "spliced"
    return "aligned" if FLAG_ALIGNED in result.flags else "none"


def _mask_all(requests: list[SegmentRequest], glossary, keep_acronyms: bool, translate_batch) -> list[Plan]:
    """A plan per request: spans found and masked, then glossed in reading order.

    Masking does not depend on glossing (:func:`~notelingo.protect.mask.gloss_first_uses`), so
    when ``translate_batch`` offers ``head_start(texts, src, tgt, want)``, ``head_size(src, tgt)``
    and ``token_lengths(texts, src, tgt)``, each pair's segments are masked shortest first and
    the first ``head_size`` that need the model go to ``head_start`` at once: the model starts
    on the batch it would have begun with while the rest are masked. While ``head_start`` answers
    true, the next ``head_size`` go to it too, so the model is not left idle once the first is done."""
    order = list(range(len(requests)))
    start = getattr(translate_batch, "head_start", None)
    heads: dict[tuple[str, str], list[Plan] | None] = {}
    sizes: dict[tuple[str, str], int] = {}
    if start is not None:
        by_pair: dict[tuple[str, str], list[int]] = {}
        for i, req in enumerate(requests):
            by_pair.setdefault((req.src, req.tgt), []).append(i)
        lengths: dict[int, int] = {}
        for (src, tgt), indices in by_pair.items():
            lengths.update(zip(indices, translate_batch.token_lengths([requests[i].text for i in indices], src, tgt)))
        order.sort(key=lengths.__getitem__)
    plans: list = [None] * len(requests)
    for i in order:
        req = requests[i]
        spans = find_protected_spans(req.text, req.src, req.tgt, glossary, keep_acronyms, gloss=False)
        bases = _agreeing_bases(req, spans, glossary)
        opened = set(bases) if bases and hasattr(glossary, "in_context") and _aligns(translate_batch, req) else set()
        plans[i] = plan = Plan(req, spans, *mask(req.text, [s for k, s in enumerate(spans) if k not in opened]),
                               bases=bases, agree=glossary.agree if bases else None, open=opened,
                               read=glossary.in_context if opened else None)
        if start is None or not _needs_model(plan):
            continue
        pair = (req.src, req.tgt)
        if pair not in sizes:
            sizes[pair] = translate_batch.head_size(*pair)
        head = heads.setdefault(pair, [])
        if head is not None and len(head) < sizes[pair]:
            head.append(plan)
            if len(head) == sizes[pair]:
                cores = _model_inputs(head)
                # a true answer asks for the pair's next batch too (the model would finish this one first)
                heads[pair] = [] if start(list(cores), req.src, req.tgt, list(cores.values())) else None
    glossed_by_note: dict[tuple[str, str], set[str]] = {}
    for plan in plans:
        req = plan.request
        glossed = glossed_by_note.setdefault((req.note_key, req.tgt), set()) if req.note_key else set()
        _gloss(plan, glossed)
    return plans


def _aligns(translate_batch, req: SegmentRequest) -> bool:
    """Will the model's output come with its alignment (:mod:`.incontext` reads open terms from it)?"""
    aligns = getattr(translate_batch, "aligns", lambda src, tgt: True)
    return hasattr(translate_batch, "aligned") and aligns(req.src, req.tgt)


def _gloss(plan: Plan, glossed: set[str]) -> None:
    spans = gloss_first_uses(plan.spans, glossed)
    swapped = {id(old): new for old, new in zip(plan.spans, spans) if old is not new}
    if swapped:
        plan.spans = spans
        plan.table = replace(plan.table, masked=tuple(swapped.get(id(s), s) for s in plan.table.masked))


def translate_protected(
    requests: list[SegmentRequest],
    translate_batch: TranslateBatch,
    glossary=None,
    keep_acronyms: bool = True,
) -> list[SegmentResult]:
    """Translate segments so that every protected span comes out exactly as its rendering.

    ``translate_batch(texts, src, tgt)`` returns one translation per text, in order;
    it is called at most twice per (src, tgt). When it also has a method
    ``aligned(texts, src, tgt, want, fresh=False) -> (outputs, alignments)`` the
    first call goes there, asking for the :class:`notelingo.protect.repair.Alignment` of the
    texts that hold spans, and lost spans are put back from it; an output that came
    without one (a cache hit) and cannot be repaired is asked for again with
    ``fresh=True`` (see :mod:`notelingo.protect.repair`).
    Gloss terms get "target (surface)" on their first use within a ``note_key`` (per
    target language). A ``translate_batch`` with ``head_start`` gets a head start (see
    :func:`_mask_all`).
    """
    plans = _mask_all(requests, glossary, keep_acronyms, translate_batch)
    by_pair: dict[tuple[str, str], list[Plan]] = {}
    for plan in plans:
        if plan.request.text.strip():
            by_pair.setdefault((plan.request.src, plan.request.tgt), []).append(plan)
        else:
            plan.output = plan.request.text
    for (src, tgt), group in by_pair.items():
        translate_pair(group, src, tgt, translate_batch)
    return [SegmentResult(p.output, p.flags, p.spans, p.again) for p in plans]
