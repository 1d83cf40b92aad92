"""Where glossary terms stand in a block's text, and the glossary appendix.

In the text a term was found in, its span comes from ``TermUse.start/end``
(checked against ``surface``; when offsets are stale the first occurrence of the
surface is used). In the other languages' text the term's rendering is looked up
by exact match, since translations carry no offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..protect.zones import Span, leftmost_first, resolve_overlaps
from ..schema import Block, Note, TermUse


def _term_span(term: TermUse, text: str, start: int, end: int, hint: str) -> Span:
    """A term at ``start:end`` of ``text``; ``hint`` is its form in the other language(s)."""
    surface = text[start:end]
    return Span(start, end, surface, "term", surface, entry=term.entry, policy=term.policy, hint=hint)


@dataclass
class GlossaryRow:
    """One glossary entry used in a digest: its forms per language and how many notes use it."""

    entry: str
    policy: str
    forms: dict[str, set[str]] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)

    def shown_forms(self, lang: str) -> str:
        """The forms of ``lang``, comma-separated; "Attention" (a sentence start) folds into "attention"."""
        by_key: dict[str, str] = {}
        for form in sorted(self.forms.get(lang, ()), key=lambda f: (f.casefold(), not f.islower(), f)):
            by_key.setdefault(form.casefold(), form)
        return ", ".join(by_key.values())


def _other_forms(term: TermUse, lang: str) -> str:
    forms = [form for code, form in sorted((term.rendering or {}).items()) if code != lang and form]
    if not forms and term.entry != term.surface:
        forms = [term.entry]
    return " / ".join(dict.fromkeys(forms))


def _original_span(term: TermUse, text: str) -> Span | None:
    start, end = term.start, term.end
    if not (0 <= start < end <= len(text) and text[start:end] == term.surface):
        start = text.find(term.surface) if term.surface else -1
        if start < 0:
            return None
        end = start + len(term.surface)
    return _term_span(term, text, start, end, _other_forms(term, term.lang))


def _rendered_spans(term: TermUse, text: str, lang: str) -> list[Span]:
    form = (term.rendering or {}).get(lang)
    if not form:
        return []
    spans, start = [], text.find(form)
    while start >= 0:
        spans.append(_term_span(term, text, start, start + len(form), term.surface))
        start = text.find(form, start + len(form))
    return spans


def term_spans(note: Note, block: Block, lang: str) -> list[Span]:
    """Non-overlapping term spans in ``block.text[lang]``, sorted by start."""
    text = block.text.get(lang, "")
    candidates: list[Span] = []
    searched: set[str] = set()
    for term in note.terms:
        if term.block != block.id or not text:
            continue
        if term.lang == lang:
            span = _original_span(term, text)
            candidates.extend([span] if span else [])
            continue
        # Every occurrence of a rendering is found once: a long block repeats the same term hundreds of times,
        # and searching the whole text again for each use made spans (and time, memory) grow as uses squared.
        # Of equal spans the first term's wins anyway, so later terms with the same rendering add nothing.
        form = (term.rendering or {}).get(lang)
        if form and form not in searched:
            searched.add(form)
            candidates.extend(_rendered_spans(term, text, lang))
    return _drop_overlaps(candidates, len(text))


def _drop_overlaps(spans: Sequence[Span], size: int) -> list[Span]:
    """Leftmost first, the longest of those starting together (the spans' one overlap rule)."""
    kept = resolve_overlaps([(s.start, s.end, i) for i, s in enumerate(spans)], size,
                            rank=leftmost_first, longest_first=False)
    return [spans[cand[2]] for cand in kept]


def split_by_spans(text: str, spans: Sequence[Span]) -> list[tuple[str, Span | None]]:
    """``text`` cut into pieces, each with the span it belongs to (None for plain text)."""
    pieces, cursor = [], 0
    for span in spans:
        if span.start > cursor:
            pieces.append((text[cursor:span.start], None))
        pieces.append((text[span.start:span.end], span))
        cursor = span.end
    if cursor < len(text):
        pieces.append((text[cursor:], None))
    return pieces


def glossary_rows(notes: Iterable[Note]) -> list[GlossaryRow]:
    """Every glossary entry the notes use, sorted by entry (case-insensitive)."""
    rows: dict[str, GlossaryRow] = {}
    for note in notes:
        for term in note.terms:
            row = rows.setdefault(term.entry, GlossaryRow(entry=term.entry, policy=term.policy))
            row.forms.setdefault(term.lang, set()).add(term.surface)
            for lang, form in (term.rendering or {}).items():
                if form:
                    row.forms.setdefault(lang, set()).add(form)
            row.notes.add(note.id)
    return [rows[key] for key in sorted(rows, key=lambda k: (k.casefold(), k))]
