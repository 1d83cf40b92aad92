"""What every digest format decides the same way: columns, direction, titles, list markers, inline code.

* Columns are a note's own languages: its origin first, then the languages it was
  translated into (in the digest's language order). A Russian note translated
  into English shows ``ru | en`` whatever else the digest holds, so no column ever
  sits under another language's header.
* Right-to-left scripts (Persian, Arabic, Hebrew, Urdu...) get ``dir="rtl"``; every
  other text ``dir="auto"``, so a stray RTL quote is still laid out by its script.
* A title made only of hashtags (``#news #ml``) says nothing; the first line of
  text that is more than hashtags stands in for it.
* List items keep their marker: numbered runs are renumbered from their first
  number (``1. 1. 1.`` in the source reads 1, 2, 3), bullets become "•"; an item
  whose text starts with its own number or bullet gets no second one.
* Inline code (backtick spans, as the readers write it) is cut out of the text
  before glossary terms are marked, so a term inside code is never highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..schema import UNTRANSLATED_KINDS, Block, Note
from .terms import Span, split_by_spans, term_spans

#: ISO 639 codes of languages written right to left.
RTL_LANGS = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})
TITLE_CHARS = 90

_HASHTAGS_ONLY = re.compile(r"^[\s\W]*(?:#\w+[\s\W]*)+$", re.UNICODE)
_ORDERED = re.compile(r"^(\d{1,9})[.)]$")
#: A list item whose text starts with its own marker ("1. ...", "• ...", as Telegram posts write them).
_OWN_MARKER = re.compile(r"^\s*(?:\d{1,9}[.)]|[•◦▪▫‣·*+–—-])\s")
#: A backtick run, the shortest content, and a closing run of the same length (CommonMark code span).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def text_dir(lang: str | None) -> str:
    """'rtl' for right-to-left languages, else 'auto' (the text's first strong character decides)."""
    return "rtl" if (lang or "").lower() in RTL_LANGS else "auto"


def _has_text(block: Block, lang: str) -> bool:
    return bool(block.text.get(lang, "").strip())


def note_columns(note: Note, langs: Sequence[str]) -> list[str]:
    """The note's languages among ``langs``: its origin first, then its translations; never empty."""
    blocks = [b for b in note.blocks if b.kind not in UNTRANSLATED_KINDS]
    present = [lang for lang in langs if any(_has_text(b, lang) for b in blocks)]
    if note.lang in present:
        present.remove(note.lang)
        present.insert(0, note.lang)
    return present or [note.lang]


def translation_notice(note: Note, langs: Sequence[str], requested: bool) -> str:
    """What a note says about missing translations ('' when nothing is missing).

    With --langs: "not yet in fa, zh" for the asked-for languages some block lacks.
    Without: only a note that has no translation at all says "not yet translated"
    (when the digest holds other languages); a Russian note is not "missing"
    Persian because another note of the digest is Persian.
    """
    if not note.blocks:
        return ""
    if requested:
        have = note.languages()
        missing = [lang for lang in langs if lang not in have]
        return f"not yet in {', '.join(missing)}" if missing else ""
    if len(note_columns(note, langs)) < 2 and len(langs) > 1:
        return "not yet translated"
    return ""


def block_cells(block: Block, columns: Sequence[str]) -> list[str | None]:
    """Per column, the language shown there (None: the block has no text in it)."""
    return [lang if _has_text(block, lang) else None for lang in columns]


def is_hashtag_title(title: str) -> bool:
    """True for a title made only of hashtags and punctuation ('#news', '#ml #papers')."""
    return bool(_HASHTAGS_ONLY.match(title or ""))


def display_title(note: Note) -> str:
    """The note's title; for a missing or hashtag-only title, its first line of real text."""
    title = " ".join((note.title or "").split())
    if title and not is_hashtag_title(title):
        return title
    for block in note.blocks:
        if block.kind in UNTRANSLATED_KINDS:
            continue
        for line in block.original(note.lang).splitlines():
            line = " ".join(line.split())
            line = _CODE_SPAN.sub(lambda m: m.group(2).strip(), line)
            if line and not is_hashtag_title(line):
                return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"
    return title or "(untitled)"


def list_markers(note: Note) -> dict[str, str]:
    """Block id -> marker shown before a list item ('•', '◦', '3.'), numbered runs counted on."""
    markers: dict[str, str] = {}
    counters: dict[int, int] = {}
    for block in note.blocks:
        if block.kind != "list_item":
            counters.clear()
            continue
        if not block.attrs.get("marker") and _OWN_MARKER.match(block.original()):
            markers[block.id] = ""  # the text shows its marker itself
            continue
        depth_text = str(block.attrs.get("depth", "0"))
        depth = int(depth_text) if depth_text.isdigit() else 0
        counters = {d: n for d, n in counters.items() if d <= depth}
        ordered = _ORDERED.match(block.attrs.get("marker", "").strip())
        if ordered:
            number = counters[depth] + 1 if depth in counters else int(ordered.group(1))
            counters[depth] = number
            markers[block.id] = f"{number}."
        else:
            counters.pop(depth, None)
            markers[block.id] = "◦" if depth else "•"
    return markers


@dataclass(frozen=True)
class Piece:
    """A run of a block's text: plain (``kind='text'``), a glossary term, or inline code.

    For code, ``text`` is the code itself and ``raw`` the span as written, backticks included.
    """

    kind: str
    text: str
    span: Span | None = None
    raw: str = ""


def code_ranges(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of every backtick code span in ``text``."""
    ranges = []
    for match in _CODE_SPAN.finditer(text):
        code = match.group(2).replace("\n", " ")
        if code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        ranges.append((match.start(), match.end(), code))
    return ranges


def code_pieces(text: str) -> list[tuple[str, str | None]]:
    """``text`` as (raw piece, code) pairs: code is None for plain text, the code itself for a backtick span."""
    out: list[tuple[str, str | None]] = []
    cursor = 0
    for start, end, code in code_ranges(text):
        if start > cursor:
            out.append((text[cursor:start], None))
        out.append((text[start:end], code))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], None))
    return out


def inline_pieces(note: Note, block: Block, lang: str) -> list[Piece]:
    """``block.text[lang]`` cut into text, term and code pieces (terms inside code are dropped)."""
    text = block.text.get(lang, "")
    codes = code_ranges(text)
    spans = [s for s in term_spans(note, block, lang)
             if not any(s.start < end and start < s.end for start, end, _ in codes)]
    pieces: list[Piece] = []
    cursor = 0
    for start, end, code in [*codes, (len(text), len(text), None)]:
        segment_spans = [replace(s, start=s.start - cursor, end=s.end - cursor)
                         for s in spans if cursor <= s.start and s.end <= start]
        for piece, span in split_by_spans(text[cursor:start], segment_spans):
            pieces.append(Piece("term" if span else "text", piece, span))
        if code is not None:
            pieces.append(Piece("code", code, raw=text[start:end].replace("\n", " ")))
        cursor = end
    return [p for p in pieces if p.text or p.kind == "code"]


def group_label(group) -> str:
    """A group's heading: its title, or its first note's display title when that title says nothing."""
    title = " ".join((group.title or "").split())
    if title and not is_hashtag_title(title):
        return title
    return display_title(group.notes[0]) if group.notes else "(untitled)"
