"""What a digest holds, independent of its format: selected notes, groups, counts.

The view model both renderers (:mod:`.html`, :mod:`.markdown`) read; which renderer
runs is :mod:`.digest`'s business, so this module imports neither.

Date filters compare the day part of ``Note.date`` (ISO 8601) with inclusive
``since``/``until`` bounds. Notes without a usable date are kept only when no
date filter is given: a filter asks for a period, and an undated note cannot be
shown to fall inside it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from ..errors import UsageError
from ..schema import UNTRANSLATED_KINDS, Block, Note, Signature
from .grouping import GROUP_BY_CHOICES, Group, group_notes, note_day, source_label
from .terms import GlossaryRow, glossary_rows

DEFAULT_TITLE = "notelingo digest"


@dataclass(frozen=True)
class DigestOptions:
    """How to build a digest. ``langs`` None: every language the notes have, most used first."""

    group_by: str = "paper"
    since: date | None = None
    until: date | None = None
    title: str = DEFAULT_TITLE
    langs: tuple[str, ...] | None = None


@dataclass
class Digest:
    """The notes of a digest, grouped, with what the header and the appendices show."""

    title: str
    langs: tuple[str, ...]
    groups: list[Group]
    notes: list[Note]
    by_lang: Counter = field(default_factory=Counter)
    by_source: Counter = field(default_factory=Counter)
    glossary: list[GlossaryRow] = field(default_factory=list)
    signatures: list[tuple[Signature, int]] = field(default_factory=list)
    text: str = ""  # the rendered page, once rendered by write_digest (or notelingo.digest)
    #: True when the reader asked for ``langs`` (--langs): notes lacking one of them say so.
    langs_requested: bool = False


@dataclass(frozen=True)
class MetaItem:
    """One piece of a note's source line: plain text, a link (``href``) or a date (``day``)."""

    text: str
    href: str | None = None
    day: str | None = None


def note_meta_items(note: Note) -> list[MetaItem]:
    """Source, author, date, forwarded-from, link and origin language, in display order (unescaped)."""
    from .safety import safe_href

    items = [MetaItem(source_label(note))]
    if note.source.author and not _same_text(note.source.author, items[0].text):
        items.append(MetaItem(note.source.author))
    if note.date:
        items.append(MetaItem(note_day(note) or note.date, day=note.date))
    if note.source.forwarded_from and not _same_text(note.source.forwarded_from, items[0].text):
        items.append(MetaItem("forwarded from " + note.source.forwarded_from))
    href = safe_href(note.source.url)
    if href:
        items.append(MetaItem("source", href=href))
    items.append(MetaItem(f"origin {note.lang}"))
    return items


def _same_text(a: str, b: str) -> bool:
    """Equal but for spacing and case."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def title_block(note: Note) -> Block | None:
    """The translatable block whose original text is the note's title (spacing and case aside).

    Titles are not translated themselves; this block's translations stand in for
    the title in the other languages.
    """
    if not note.title or not note.title.strip():
        return None
    for block in note.blocks:
        if block.kind not in UNTRANSLATED_KINDS and _same_text(block.original(note.lang), note.title):
            return block
    return None


def repeats_title(note: Note, block: Block) -> bool:
    """The note's first block says just what its title says: shown once, as the title."""
    first = next((b for b in note.blocks if b.original(note.lang).strip()), None)
    return block is first and block is title_block(note)


def title_langs(note: Note, langs: Sequence[str]) -> tuple[Block | None, list[str]]:
    """The title block and the languages of ``langs`` it has text in (empty when none)."""
    block = title_block(note)
    if block is None:
        return None, []
    return block, [lang for lang in langs if block.text.get(lang, "").strip()]


def plural(count: int, word: str) -> str:
    """'1 note', '2 notes'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def filter_by_date(notes: Sequence[Note], since: date | None, until: date | None) -> list[Note]:
    """Notes whose day lies in [since, until]; undated notes only when neither is given."""
    if since is None and until is None:
        return list(notes)
    low = since.isoformat() if since else "0000-00-00"
    high = until.isoformat() if until else "9999-99-99"
    kept = []
    for note in notes:
        day = note_day(note)
        if day is not None and low <= day <= high:
            kept.append(note)
    return kept


def digest_langs(notes: Sequence[Note]) -> tuple[str, ...]:
    """Languages found in the notes' translatable blocks, most blocks first, then by code."""
    counts: Counter = Counter()
    for note in notes:
        for block in note.blocks:
            if block.kind not in UNTRANSLATED_KINDS:
                counts.update(lang for lang, text in block.text.items() if text)
        counts.setdefault(note.lang, 0)
    return tuple(sorted(counts, key=lambda lang: (-counts[lang], lang))) or ("und",)


def distinct_signatures(notes: Sequence[Note]) -> list[tuple[Signature, int]]:
    """Each distinct signature with the number of notes that carry it, most common first."""
    counts: Counter = Counter()
    first: dict[str, Signature] = {}
    for note in notes:
        key = json.dumps(note.signature.model_dump(), sort_keys=True, ensure_ascii=False)
        counts[key] += 1
        first.setdefault(key, note.signature)
    return [(first[key], counts[key]) for key in sorted(counts, key=lambda k: (-counts[k], k))]


def build_digest(notes: Sequence[Note], options: DigestOptions = DigestOptions()) -> Digest:
    """Select, group and count ``notes`` for rendering."""
    if options.group_by not in GROUP_BY_CHOICES:
        raise UsageError(f"{options.group_by!r}: choose one of {', '.join(GROUP_BY_CHOICES)}", option="group_by")
    if options.since and options.until and options.since > options.until:
        raise UsageError(f"{options.since} is after {{option:until}} {options.until}; swap them", option="since")
    selected = filter_by_date(notes, options.since, options.until)
    return Digest(
        title=options.title.strip() or DEFAULT_TITLE,
        langs=options.langs or digest_langs(selected),
        langs_requested=bool(options.langs),
        groups=group_notes(selected, options.group_by),
        notes=selected,
        by_lang=Counter(note.lang for note in selected),
        by_source=Counter(source_label(note) for note in selected),
        glossary=glossary_rows(selected),
        signatures=distinct_signatures(selected),
    )
