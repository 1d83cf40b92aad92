"""Sentence splitting for translation, with no model downloads and no truncation.

Blocks are cut at line breaks, lines into sentences with a blank spaCy pipeline +
sentencizer (cached per language), and a sentence longer than the model accepts
is cut again at clause boundaries (, ; : and dashes), then between words, and as
a last resort between characters. Cuts never fall inside LaTeX, inline code or a
URL (:data:`notelingo.protect.zones.NO_CUT_RE`, the zones protection masks), so protection sees
them whole; money ("$20. The next") is prose there as in protection, and may be cut.

Invariant: ``"".join(p.text + p.sep for p in pieces)`` is the block text without
its leading whitespace. Nothing is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

from ..protect.zones import NO_CUT_RE

TokenCounter = Callable[[str], int]

_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
_CLAUSE_CUT = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–-]\s)")
_WORD_CUT = re.compile(r"\s+")


@dataclass(frozen=True)
class Piece:
    """One unit sent to the model and the whitespace that followed it in the source."""

    text: str
    sep: str = ""


@lru_cache(maxsize=None)
def sentencizer(lang: str):
    """A blank spaCy pipeline with a sentencizer; languages spaCy lacks use the multi-language one."""
    from ..nlp.spacy_loader import import_spacy

    spacy = import_spacy()

    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError):  # spaCy raises ImportError for unknown language codes
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


#: Languages whose sentences are split without importing spaCy once its rules are cached
#: (:mod:`notelingo.nlp.tokenrules`; tests hold the splits to spaCy's on real text).
FAST_LANGS = frozenset({"en", "ru"})


@lru_cache(maxsize=None)
def fast_sentencizer(lang: str):
    """(spaCy's tokenizer of ``lang`` without spaCy, the sentencizer's punctuation), from rules read
    out of spaCy on the first run and cached; None for languages outside :data:`FAST_LANGS`."""
    if lang not in FAST_LANGS:
        return None
    from pathlib import Path

    from ..fileio import cache_root
    from ..nlp.tokenrules import Tokenizer, cached, fingerprint, rules_of

    def build() -> dict:
        nlp = sentencizer(lang)
        return {**rules_of(nlp.tokenizer), "punct_chars": sorted(nlp.get_pipe("sentencizer").punct_chars)}

    code = [Path(__file__), Path(__file__).parent.parent / "nlp" / "tokenrules.py"]
    table = cached(Path(cache_root()) / "spacy-rules" / f"sentences-{lang}-{fingerprint(code)}.json", build)
    return Tokenizer(table), frozenset(table["punct_chars"])


def sentence_bounds(line: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``line`` as spaCy's blank pipeline + sentencizer cuts it."""
    fast = fast_sentencizer(lang)
    if fast is None:
        nlp = sentencizer(lang)
        nlp.max_length = max(nlp.max_length, len(line) + 1)
        return [(s.start_char, s.end_char) for s in nlp(line).sents]
    tokenize, punct_chars = fast
    tokens = tokenize(line)
    starts = _sentence_starts([word for word, _ in tokens], punct_chars)
    ends = [*starts[1:], len(tokens)]
    return [(tokens[start][1], tokens[end - 1][1] + len(tokens[end - 1][0])) for start, end in zip(starts, ends)]


def _sentence_starts(words: list[str], punct_chars: frozenset) -> list[int]:
    """spaCy's ``Sentencizer.predict``: a sentence starts at the first token after sentence-final
    punctuation that is not punctuation itself."""
    if not words:
        return []
    starts, seen_period = [0], False
    for i, word in enumerate(words):
        in_punct_chars = word in punct_chars
        if seen_period and not in_punct_chars and not _is_punct(word):
            starts.append(i)
            seen_period = False
        elif in_punct_chars:
            seen_period = True
    return starts


def _is_punct(text: str) -> bool:
    """spaCy's ``is_punct`` lexical attribute."""
    return all(unicodedata.category(char).startswith("P") for char in text)


def split_sentences(line: str, lang: str) -> list[Piece]:
    """Sentences of one line (no line breaks inside), each with the whitespace after it."""
    bounds = [(start, end) for start, end in sentence_bounds(line, lang) if line[start:end].strip()]
    bounds = _merge_false_ends(line, _merge_cuts_inside_zones(line, bounds))
    pieces = []
    for i, (start, end) in enumerate(bounds):
        nxt = bounds[i + 1][0] if i + 1 < len(bounds) else len(line)
        text = line[start:end]
        stripped = text.rstrip()
        pieces.append(Piece(stripped, text[len(stripped):] + line[end:nxt]))
    return pieces


def _merge_cuts_inside_zones(line: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo sentence cuts that fall inside a formula, code span or URL."""
    zones = [m.span() for m in NO_CUT_RE.finditer(line)]
    merged: list[tuple[int, int]] = []
    for start, end in bounds:
        if merged and any(z0 < start < z1 for z0, z1 in zones):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


#: Abbreviations that never close a sentence, whatever follows them ("e.g. BERT", "т.е. модель").
_NEVER_FINAL = re.compile(
    r"(?:^|[\s(\[«\"])(?:e\.\s?g|i\.\s?e|cf|vs|viz|approx|incl|resp|напр|т\.\s?е|т\.\s?к|т\.\s?н|англ)\.$",
    re.IGNORECASE,
)


def _merge_false_ends(line: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo cuts after a period that ends no sentence.

    A period with no space after it is inside a name or a number ("DeepLearning.AI",
    "Node.js", "3.5"); one followed by a lower-case word is an abbreviation ("e.g. the",
    "et al. show"); "e.g.", "i.e.", "cf.", "т.е." never close a sentence.
    """
    merged: list[tuple[int, int]] = []
    for start, end in bounds:
        if merged and _is_false_end(line, merged[-1], start):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _is_false_end(line: str, previous: tuple[int, int], start: int) -> bool:
    before = line[previous[0]:previous[1]].rstrip()
    if not before.endswith("."):
        return False
    gap = line[previous[0] + len(before):start]
    if not gap:
        return True
    first = line[start:start + 1]
    return first.isalpha() and first.islower() or bool(_NEVER_FINAL.search(before))


def split_block(
    text: str, lang: str, max_tokens: Optional[int] = None, count_tokens: Optional[TokenCounter] = None
) -> list[Piece]:
    """All translation units of a block, in order; long sentences cut to fit ``max_tokens``."""
    pieces: list[Piece] = []
    body = text.lstrip()
    position = 0
    for match in list(_LINE_BREAK.finditer(body)) + [None]:
        end = match.start() if match else len(body)
        line, brk = body[position:end], (match.group() if match else "")
        position = match.end() if match else len(body)
        line_pieces = split_sentences(line, lang) if line.strip() else []
        if max_tokens and count_tokens:
            line_pieces = [part for piece in line_pieces for part in fit_piece(piece, max_tokens, count_tokens)]
        if line_pieces:
            last = line_pieces[-1]
            line_pieces[-1] = Piece(last.text, last.sep + brk)
            pieces.extend(line_pieces)
        elif pieces:
            pieces[-1] = Piece(pieces[-1].text, pieces[-1].sep + line + brk)
    return pieces


def fit_piece(piece: Piece, max_tokens: int, count: TokenCounter) -> list[Piece]:
    """``piece`` as is when it fits, else cut at clauses, then words, then characters."""
    if count(piece.text) <= max_tokens:
        return [piece]
    for cutter in (_CLAUSE_CUT, _WORD_CUT):
        units = _cut(piece.text, cutter)
        if len(units) > 1:
            parts = [part for unit in units for part in fit_piece(unit, max_tokens, count)]
            packed = _pack(parts, max_tokens, count)
            return packed[:-1] + [Piece(packed[-1].text, packed[-1].sep + piece.sep)]
    chars = _cut_characters(piece.text, max_tokens, count)
    return chars[:-1] + [Piece(chars[-1].text, piece.sep)]


def _cut(text: str, pattern: re.Pattern) -> list[Piece]:
    zones = [m.span() for m in NO_CUT_RE.finditer(text)]
    units, start = [], 0
    for match in pattern.finditer(text):
        if match.start() == 0 or any(z0 < match.start() < z1 for z0, z1 in zones):
            continue
        units.append(Piece(text[start:match.start()], match.group()))
        start = match.end()
    units.append(Piece(text[start:], ""))
    return [u for u in units if u.text] or [Piece(text, "")]


def _pack(units: list[Piece], max_tokens: int, count: TokenCounter) -> list[Piece]:
    """Join neighbouring units greedily while the joined text still fits."""
    packed = [units[0]]
    for unit in units[1:]:
        joined = packed[-1].text + packed[-1].sep + unit.text
        if count(joined) <= max_tokens:
            packed[-1] = Piece(joined, unit.sep)
        else:
            packed.append(unit)
    return packed


def _cut_characters(text: str, max_tokens: int, count: TokenCounter) -> list[Piece]:
    """Longest prefixes that fit, found by bisection (a word longer than the model's limit)."""
    pieces = []
    while text:
        low, high = 1, len(text)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if count(text[:mid]) <= max_tokens else (low, mid - 1)
        pieces.append(Piece(text[:low], ""))
        text = text[low:]
    return pieces


def join_translations(pieces: list[Piece], translations: list[str]) -> str:
    """The translated block: each translation followed by its source separator (line breaks kept)."""
    parts = []
    for piece, translation in zip(pieces, translations):
        sep = piece.sep if "\n" in piece.sep or not piece.sep else " "
        parts.append(translation.strip() + sep)
    return "".join(parts).rstrip()
