"""Normalize: reader ``Post`` objects -> clean ``Note`` objects, one per post or paper.

Steps, in order (each a general rule, none tuned to one sample):

1. clean every block (``normalize_text``; code and formulas untouched) and drop
   whole-line chrome and export artefacts (footers, buttons, counters);
2. drop site chrome shared by documents of one site: the short lines that several
   documents from one folder share at their top or bottom;
3. split splittable posts into notes (see :mod:`notelingo.notes.sections`), drop
   paragraphs a document repeats, turn "Forwarded from" headers into
   ``source.forwarded_from`` and link-preview cards into ``link_preview`` blocks;
4. keep notes repeated across documents once, recording the other copies in ``also_in``.

Blocks keep their text under the key ``"und"``: the detect stage re-keys them.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .._version import __version__
from ..protect.zones import MARKDOWN_LINK_RE, TITLE_LINK_RE
from ..schema import UNTRANSLATED_KINDS, Block, Note, Post, RawBlock, Ref, Signature, Source
from .cards import attach_preview_urls, extract_cards
from .chat_copies import (
    FOOTER,
    find_tandems,
    looks_like_repeated_dump,
    split_at_footers,
    split_repeated_dump,
    strip_post_headers,
    tail_card,
)
from .refs import classify_url, dedupe_refs, find_refs
from .sections import is_title_like, mark_structure, section_title_block, split_sections, title_block
from .textclean import (
    fingerprint,
    forwarded_from,
    is_artefact_line,
    is_post_footer,
    is_tags_only,
    normalize_text,
    strip_edge_chrome,
)

__all__ = ["NormalizeResult", "normalize_posts", "normalize_text"]

_SITE_KINDS = ("text", "markdown", "html")
_CHROME_MAX_CHARS = 160
_CHROME_MAX_BLOCKS = 8
_CHROME_NEIGHBOURS = 10
_MIN_REPEAT_KEY = 20
_MIN_DUPLICATE_KEY = 30
_NEAR_DUPLICATE = 0.8
_TITLE_MAX = 120
_DECORATION = frozenset({"So", "Sk"})  # emoji and pictographs (🔐, ❌, ⚠), not letters or quotes


@dataclass
class NormalizeResult:
    notes: list[Note] = field(default_factory=list)
    duplicates_dropped: int = 0
    paragraphs_dropped: int = 0


def normalize_posts(posts: list[Post]) -> NormalizeResult:
    """Clean, split and deduplicate the posts of every input into notes."""
    result = NormalizeResult()
    cleaned = [clean_blocks(post.blocks, keep_footers=post.splittable) for post in posts]
    posts = [_without_edge_chrome(post, cleaned, index) for index, post in enumerate(posts)]
    _drop_shared_chrome(posts, cleaned)
    notes: list[Note] = []
    for post, blocks in zip(posts, cleaned):
        notes.extend(_notes_of_post(post, blocks, result))
    result.notes = _drop_duplicate_notes(notes, result)
    return result


def _without_edge_chrome(post: Post, cleaned: list[list[RawBlock]], index: int) -> Post:
    """A copied page's reader chrome (head and tail) goes; the feed name and date it showed are kept."""
    if not (post.splittable and post.source.kind in ("text", "markdown")):
        return post
    cleaned[index], meta = strip_edge_chrome(cleaned[index])
    if meta.channel and not post.source.channel:
        post = replace(post, source=post.source.model_copy(update={"channel": meta.channel}))
    return replace(post, date=post.date or meta.date)


def clean_blocks(blocks: list[RawBlock], keep_footers: bool = False) -> list[RawBlock]:
    """Normalised copies of the blocks; empty blocks and artefact lines left out.

    ``keep_footers``: post footers (view counters, time stamps) of a document that
    may be a copied chat page are kept as ``FOOTER`` blocks: they mark where posts end.
    """
    out = []
    for block in blocks:
        text = block.text if block.kind in UNTRANSLATED_KINDS else normalize_text(block.text)
        if not text.strip():
            continue
        if keep_footers and block.kind == "paragraph" and is_post_footer(text):
            out.append(RawBlock(FOOTER, text))
        elif block.kind in UNTRANSLATED_KINDS or not is_artefact_line(text):
            out.append(RawBlock(block.kind, text, dict(block.attrs)))
    return out


# --------------------------------------------------------------------------
# Chrome shared by documents of one site
# --------------------------------------------------------------------------


def _drop_shared_chrome(posts: list[Post], cleaned: list[list[RawBlock]]) -> None:
    groups: dict[tuple[str, str], list[int]] = {}
    for index, post in enumerate(posts):
        if post.splittable and post.source.kind in _SITE_KINDS:
            key = (post.source.kind, os.path.dirname(os.path.abspath(post.source.path)))
            groups.setdefault(key, []).append(index)
    for members in groups.values():
        heads = {i: 0 for i in members}
        tails = {i: 0 for i in members}
        for pos, a in enumerate(members):
            for b in members[pos + 1:pos + 1 + _CHROME_NEIGHBOURS]:
                _widen(heads, a, b, _shared_run(cleaned[a], cleaned[b]))
                _widen(tails, a, b, _shared_run(cleaned[a][::-1], cleaned[b][::-1]))
        for i in members:
            cleaned[i] = cleaned[i][heads[i]:len(cleaned[i]) - tails[i]]


def _widen(edges: dict[int, int], a: int, b: int, run: int) -> None:
    edges[a] = max(edges[a], run)
    edges[b] = max(edges[b], run)


def _shared_run(first: list[RawBlock], second: list[RawBlock]) -> int:
    """Length of the common run at the start of both, if it is all short lines (chrome).

    Years and counters differ between pages of one site, so digits are ignored. A
    shared run that reaches real prose is repeated content, not chrome.
    """
    run = 0
    for a, b in zip(first, second):
        if _chrome_key(a) != _chrome_key(b) or a.kind in UNTRANSLATED_KINDS or a.kind == "heading":
            # Code, formulas and MDX markup (<FrameworkSwitchCourse {fw} />) are content, not chrome;
            # so is a heading two chapters share ("# Введение" opening chapter0/1.mdx and chapter1/1.mdx).
            break
        if len(a.text) > _CHROME_MAX_CHARS or run >= _CHROME_MAX_BLOCKS:
            return 0
        run += 1
    if run == min(len(first), len(second)):
        return 0  # one document is nothing but the other's edge: keep it
    return run


def _chrome_key(block: RawBlock) -> str:
    return "".join(ch for ch in fingerprint(block.text) if not ch.isdigit())


# --------------------------------------------------------------------------
# One post -> notes
# --------------------------------------------------------------------------


def _notes_of_post(post: Post, blocks: list[RawBlock], result: NormalizeResult) -> list[Note]:
    pages = split_at_footers(blocks) if post.splittable else None
    if pages is not None:
        return _notes_of_page_copy(post, pages, result)
    blocks = [block for block in blocks if block.kind != FOOTER]
    repeated_dump = False
    if post.splittable:
        tandems = find_tandems(blocks)
        repeated_dump = looks_like_repeated_dump(blocks, tandems)
        if repeated_dump:
            split = split_repeated_dump(blocks, tandems)
            sections = split.posts
            result.paragraphs_dropped += split.repeats_dropped
        else:
            # A page, or a dump whose front matter names it (a Jekyll post), is one article:
            # its headings cut only between separate papers.
            sections = split_sections(blocks, strict=post.source.kind == "html", titled=post.title is not None)
    else:
        sections = [blocks]
    deduped = _drop_repeated_paragraphs(sections, result)
    # A whole section repeated leaves only its heading behind: that is a duplicate note.
    stubs = [
        i
        for i, s in enumerate(deduped)
        if len(s) < len(sections[i]) and all(b.kind == "heading" or is_title_like(b) for b in s)
    ]
    result.duplicates_dropped += len(stubs)
    sections = [s for i, s in enumerate(deduped) if i not in stubs]
    notes = []
    for index, section in enumerate(sections):
        if not repeated_dump:
            section = extract_cards(section)
            if post.source.kind in ("text", "markdown"):
                section = mark_structure(section, first_is_title=len(sections) > 1 or post.title is None)
        note = _build_note(post, section, index, len(sections))
        if note is not None:
            notes.append(note)
    return notes


def _notes_of_page_copy(post: Post, pages: list[list[RawBlock]], result: NormalizeResult) -> list[Note]:
    """A copied chat page: one note per footer-closed post, the channel's name as metadata."""
    pages, channel = strip_post_headers(pages)
    if channel and not post.source.channel:
        post = replace(post, source=post.source.model_copy(update={"channel": channel}))
    pages = _drop_repeated_paragraphs([tail_card(page) for page in pages], result)
    notes = []
    for index, page in enumerate(pages):
        note = _build_note(post, mark_structure(page, first_is_title=True), index, len(pages)) if page else None
        if note is not None:
            notes.append(note)
    return notes


def _drop_repeated_paragraphs(sections: list[list[RawBlock]], result: NormalizeResult) -> list[list[RawBlock]]:
    """A paragraph seen earlier in the same document is dropped (export repeats); one seen in
    another context (``_context``: a Markdown section, an MDX ``{#if …}``/``{:else}`` branch) is no repeat."""
    seen: set[tuple[str, str]] = set()
    out = []
    for section in sections:
        kept = []
        for block in section:
            key = (block.attrs.get("_context", ""), fingerprint(block.text))
            repeatable = block.kind in ("paragraph", "list_item", "quote", "link_preview") and not forwarded_from(
                block.text
            )
            if repeatable and len(key[1]) >= _MIN_REPEAT_KEY:
                if key in seen:
                    result.paragraphs_dropped += 1
                    continue
                seen.add(key)
            kept.append(block)
        out.append(kept)
    return out


def _build_note(post: Post, section: list[RawBlock], index: int, count: int) -> Note | None:
    forwarded = next((name for b in section if (name := forwarded_from(b.text))), None)
    section = [b for b in section if not forwarded_from(b.text)]
    if not section:
        return None
    attach_preview_urls(section)
    source = post.source.model_copy(update={"forwarded_from": forwarded}) if forwarded else post.source
    blocks = [_to_block(i, raw) for i, raw in enumerate(section)]
    body = "\n".join(raw.text for raw in section)
    untitled = count == 1 or _is_untitled_lead(section, index)
    # A reader's title (front matter, <title>, JSON-LD) gets the blocks' cleanup: one line, no controls or bidi marks.
    given = " ".join(normalize_text(post.title).split()) if post.title else ""
    title = given if given and untitled else _title_of(section, count > 1)
    return Note(
        id=_note_id(source, index, body),
        lang="und",
        lang_confidence=0.0,
        title=title,
        date=post.date,
        source=source,
        refs=_refs_of(post, section, body, count),
        blocks=blocks,
        signature=Signature(notelingo=__version__),
    )


def _is_untitled_lead(section: list[RawBlock], index: int) -> bool:
    """The part of a document before its first section heading: it goes under the document's title."""
    return index == 0 and section_title_block(section) is None


def _to_block(index: int, raw: RawBlock) -> Block:
    attrs = {key: str(value) for key, value in raw.attrs.items() if not key.startswith("_")}
    return Block(id=f"b{index}", kind=raw.kind, lang=None, text={"und": raw.text}, attrs=attrs)


def _title_of(section: list[RawBlock], several: bool = False) -> str:
    first = title_block(section, several)
    # A block opening with a line of hashtags ("#тактика\nРынок облигаций …") is named by the line after.
    lines = [line for line in first.text.strip()[:4 * _TITLE_MAX].split("\n") if line.strip()]
    named = next((line for line in lines if not is_tags_only(line)), lines[0] if lines else "")
    # Only the head of a huge one-line block can become the title: strip links from that.
    line = _unwrapped(_without_links(named.strip()))
    if len(line) <= _TITLE_MAX:
        return line
    cut = line[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—-") + "…"


def _unwrapped(line: str) -> str:
    """'🔐 Why SSD encryption fails 🔐' -> 'Why SSD encryption fails': emoji on both ends of a
    title are a channel's decoration (one at the end only, '… встретимся 🙌', is kept)."""
    def edge(chars) -> int:
        count = 0
        for ch in chars:
            if not (ch.isspace() or unicodedata.category(ch) in _DECORATION or ch in "\u200d\ufe0f"):
                break
            count += 1
        return count

    lead, trail = edge(line), edge(reversed(line))
    core = line[lead:len(line) - trail]
    decorated = line[:lead].strip() and line[len(line) - trail:].strip()
    return core if decorated and any(ch.isalnum() for ch in core) else line


def _without_links(line: str) -> str:
    """'LoRA (arxiv.org/abs/2106.09685)' -> 'LoRA': a title names the paper, the ref is in refs.
    A Markdown link keeps its text: 'my project [microgpt](https://…)' -> 'my project microgpt'."""
    stripped = TITLE_LINK_RE.sub("", MARKDOWN_LINK_RE.sub(r"\g<text>", line))
    stripped = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", stripped)
    stripped = re.sub(r"\s{2,}", " ", stripped).strip(" ,;:—–-")
    return stripped if len(stripped) >= 3 else line


def _note_id(source: Source, index: int, body: str) -> str:
    if source.kind.startswith("telegram") and source.channel and source.message_id is not None:
        # One message, one id, whichever export (JSON or HTML) it was read from.
        identity = "\x1f".join(("telegram", " ".join(source.channel.split()), str(source.message_id)))
        return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]
    identity = "\x1f".join(str(part) for part in (
        source.kind, source.channel, source.message_id, source.url,
        os.path.basename(source.path), index, body,
    ))
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]


def _refs_of(post: Post, section: list[RawBlock], body: str, count: int) -> list[Ref]:
    """The post's links (all of them for a whole post; for one of several sections, those
    its text mentions), the links its blocks carry, and the refs in its text."""
    post_refs = [classify_url(ref.url) for ref in post.refs]
    if count > 1:
        post_refs = [ref for ref in post_refs if ref.id in body or ref.url in body]
    found = list(post_refs)
    for raw in section:
        for key in ("url", "href"):
            if raw.attrs.get(key):
                found.append(classify_url(raw.attrs[key]))
        found.extend(classify_url(link) for link in raw.attrs.get("_links", "").split("\n") if link)
        if raw.kind != "code":
            found.extend(find_refs(raw.text))
    return dedupe_refs(found)


# --------------------------------------------------------------------------
# Notes repeated across documents
# --------------------------------------------------------------------------


def _drop_duplicate_notes(notes: list[Note], result: NormalizeResult) -> list[Note]:
    """One note per text (or per Telegram message); the other copies go to ``also_in``.

    Two exports of one channel (JSON and HTML) give each message the same id: the
    richer copy (more links, a date with its time zone, more text) is kept, whichever came first.
    """
    kept: list[Note] = []
    by_id: dict[str, int] = {}
    by_key: dict[str, int] = {}
    by_title: dict[str, list[tuple[int, str]]] = {}
    for note in notes:
        key = fingerprint("\n".join(b.original() for b in note.blocks))
        twin = _twin_index(note, key, kept, by_id, by_key, by_title)
        if twin is None:
            by_id.setdefault(note.id, len(kept))
            if len(key) >= _MIN_DUPLICATE_KEY:
                by_key.setdefault(key, len(kept))
            by_title.setdefault(fingerprint(note.title), []).append((len(kept), key))
            kept.append(note)
            continue
        result.duplicates_dropped += 1
        if note.id == kept[twin].id and _richness(note) > _richness(kept[twin]):
            note, kept[twin] = kept[twin], note
        winner = kept[twin]
        for source in (note.source, *note.also_in):
            if source != winner.source and source not in winner.also_in:
                winner.also_in.append(source)
    return kept


def _twin_index(note: Note, key: str, kept: list[Note], by_id: dict[str, int], by_key: dict[str, int],
                by_title: dict[str, list[tuple[int, str]]]) -> int | None:
    twin = by_id.get(note.id)
    if twin is None and len(key) >= _MIN_DUPLICATE_KEY:
        twin = by_key.get(key)
    if twin is None and len(key) >= _MIN_DUPLICATE_KEY:
        twin = next((i for i, other in by_title.get(fingerprint(note.title), []) if _near(key, other)), None)
    if twin is not None and (kept[twin].source.path == note.source.path or _other_message(kept[twin], note)):
        return None  # two messages of one export (of any of its pages) are two posts, even with the same text
    return twin


def _other_message(a: Note, b: Note) -> bool:
    """Two messages of one chat (different ids): messages.html and messages2.html are one export."""
    sa, sb = a.source, b.source
    return (sa.kind.startswith("telegram") and sb.kind.startswith("telegram") and sa.channel == sb.channel
            and sa.message_id is not None and sb.message_id is not None and sa.message_id != sb.message_id)


def _richness(note: Note) -> tuple[int, int, int, int]:
    """What a copy of a message keeps: links, a date with its zone, text, metadata."""
    zoned = bool(note.date and re.search(r"(?:[+-]\d{2}:?\d{2}|Z)$", note.date))
    text = sum(len(b.original()) for b in note.blocks)
    fields = sum(value is not None for value in note.source.model_dump().values())
    return len(note.refs), int(zoned), text, fields


def _near(key: str, other: str) -> bool:
    """Near-identical texts (shingle overlap); shingles are built only for notes sharing a title."""
    return _jaccard(_shingles(key), _shingles(other)) >= _NEAR_DUPLICATE


@lru_cache(maxsize=256)
def _shingles(key: str) -> frozenset[tuple[str, ...]]:
    words = key.split()
    return frozenset(tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2)))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
