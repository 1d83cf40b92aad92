"""The splice fallback: a segment translated piece by piece around its spans.

The last resort of :mod:`notelingo.protect.repair`, when a lost span cannot be put back from
the model's alignment: the text between the spans is translated on its own (without the
punctuation and spaces at its edges, copied from the source) and joined around the
spans' renderings, with the spaces their boundaries need.
"""

from __future__ import annotations

from .mask import Span, boundary_kind


def has_words(text: str) -> bool:
    return any(c.isalpha() for c in text)


def pieces(text: str, spans: list[Span]) -> list[tuple[bool, str]]:
    """The text cut at its spans: (is_span, source text or rendering), in order."""
    out, pos = [], 0
    for span in spans:
        if span.start > pos:
            out.append((False, text[pos:span.start]))
        out.append((True, span.rendering))
        pos = span.end
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def word_edges(text: str) -> tuple[str, str, str]:
    """(leading non-word characters, the rest up to its last letter or digit, trailing ones).

    The pieces around a span are translated without the punctuation and spaces at
    their edges, which are copied from the source: a model that drops the ")" after
    "(WWM" cannot glue the next word to the span.
    """
    first = next((i for i, ch in enumerate(text) if ch.isalnum()), None)
    if first is None:
        return text, "", ""
    last = max(i for i, ch in enumerate(text) if ch.isalnum())
    return text[:first], text[first:last + 1], text[last + 1:]


def join_spaced(parts: list[tuple[bool, str]]) -> str:
    """Join (translated, text) parts; a space goes between a translation and a word character it would touch."""
    out = ""
    previous_translated = False
    for translated, text in parts:
        if not text:
            continue
        if out and (translated or previous_translated) and boundary_kind(out[-1]) == boundary_kind(text[0]) == "word":
            out += " "
        out += text
        previous_translated = translated
    return out


def splice_cores(text: str, spans: list[Span]) -> list[str]:
    """The pieces of ``text`` the fallback sends to the model."""
    return [word_edges(piece)[1] for is_span, piece in pieces(text, spans) if not is_span and has_words(piece)]


def splice(text: str, spans: list[Span], translations: dict[str, str]) -> tuple[str, bool]:
    """(the spliced output, whether a piece the model left empty kept its source text)."""
    parts: list[tuple[bool, str]] = []
    kept_source = False
    for is_span, piece in pieces(text, spans):
        lead, core, trail = word_edges(piece)
        if is_span or not has_words(core):
            parts.append((False, piece))  # renderings, and pieces of only spaces, punctuation, digits
        elif translations[core].strip():
            parts += [(False, lead), (True, translations[core].strip()), (False, trail)]
        else:
            parts.append((False, piece))
            kept_source = True
    return join_spaced(parts), kept_source
