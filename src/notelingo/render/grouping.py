"""Group notes for a digest: by paper, by source, by date, or not at all.

Grouping by paper joins notes that share an arXiv id or a DOI in their refs, or
whose titles are near-identical (equal after Unicode normalisation, case folding
and dropping punctuation), whatever their source or language. Joins are
transitive (union-find), so a blog note citing a paper and a channel review that
carries the paper's title end up together even when only a third note links
them.

Cost is linear in the number of notes: every note is indexed by its keys (ref ids,
normalised title) and joined with the first note that had the same key; there is
no all-pairs comparison.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Literal, Sequence

from ..schema import Note, Ref

GroupBy = Literal["paper", "source", "date", "none"]
GROUP_BY_CHOICES: tuple[str, ...] = ("paper", "source", "date", "none")

#: Titles shorter than this (after normalising) are too generic to join notes on
#: ("UPD", "Новости"); a paper title is longer.
MIN_TITLE_KEY_CHARS = 16
MIN_TITLE_KEY_WORDS = 3
UNDATED = "undated"

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ARXIV_VERSION = re.compile(r"v\d+$", re.IGNORECASE)


@dataclass
class Group:
    """Notes shown together under one heading; ``refs`` are the paper ids they share."""

    key: str
    title: str
    notes: list[Note] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)


class _UnionFind:
    """Disjoint sets over 0..n-1 with path halving and union by size."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]


def normalize_title(title: str) -> str:
    """The key near-identical titles share: NFKC, case-folded, ё→е, punctuation dropped."""
    text = unicodedata.normalize("NFKC", title).casefold().replace("ё", "е")
    return " ".join(_NON_WORD.sub(" ", text).split())


def title_key(title: str) -> str | None:
    """A title's joining key, or None when the title is too short to be a paper's."""
    key = normalize_title(title)
    if len(key) < MIN_TITLE_KEY_CHARS or len(key.split()) < MIN_TITLE_KEY_WORDS:
        return None
    return key


def paper_ids(note: Note) -> list[str]:
    """The note's paper identifiers: 'arxiv:2010.01825', 'doi:10.1000/xyz' (URLs are not papers)."""
    ids = []
    for ref in note.refs:
        if ref.kind == "arxiv":
            ids.append("arxiv:" + _ARXIV_VERSION.sub("", ref.id.strip().lower()))
        elif ref.kind == "doi":
            ids.append("doi:" + ref.id.strip().lower())
    return list(dict.fromkeys(ids))


def paper_ref(paper_id: str) -> Ref:
    """'arxiv:2010.01825' back as a Ref (for links and labels)."""
    kind, _, ident = paper_id.partition(":")
    return Ref(kind=kind, id=ident, url="")


def _paper_keys(note: Note) -> list[str]:
    keys = paper_ids(note)
    key = title_key(note.title)
    if key:
        keys.append("title:" + key)
    return keys


def group_by_paper(notes: Sequence[Note]) -> list[Group]:
    """Join notes that share a paper id or a near-identical title; groups in order of first note."""
    sets = _UnionFind(len(notes))
    first_with_key: dict[str, int] = {}
    for index, note in enumerate(notes):
        for key in _paper_keys(note):
            owner = first_with_key.setdefault(key, index)
            if owner != index:
                sets.union(owner, index)
    members: dict[int, list[Note]] = {}
    for index, note in enumerate(notes):
        members.setdefault(sets.find(index), []).append(note)
    return [_paper_group(group_notes) for group_notes in members.values()]


def _paper_group(notes: list[Note]) -> Group:
    refs = list(dict.fromkeys(pid for note in notes for pid in paper_ids(note)))
    return Group(key="paper:" + notes[0].id, title=paper_title(notes), notes=notes, refs=refs)


def paper_title(notes: Sequence[Note]) -> str:
    """The title most notes of a group carry (by normalised form); ties go to the earliest note."""
    counts = Counter(normalize_title(note.title) for note in notes if note.title.strip())
    if not counts:
        return notes[0].title
    best = max(counts.values())
    for note in notes:
        if counts.get(normalize_title(note.title)) == best:
            return note.title
    return notes[0].title  # pragma: no cover - unreachable: some note has the best count


def source_label(note: Note) -> str:
    """A readable name for where a note came from: channel or site, else the input file's name.

    Only the file name: digests are shared, and a full path shows the folders of the
    machine that made them (``/home/alice/exports/...``).
    """
    source = note.source
    if source.channel:
        return source.channel
    if source.url:
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", source.url.strip(), flags=re.IGNORECASE)
        if host.split("/", 1)[0]:
            return host.split("/", 1)[0]
    return re.split(r"[/\\]", source.path.rstrip("/\\"))[-1] or source.path


def note_day(note: Note) -> str | None:
    """The note's date as YYYY-MM-DD, or None when it has none or it is not ISO 8601."""
    if not note.date:
        return None
    try:
        return date.fromisoformat(note.date.strip()[:10]).isoformat()
    except ValueError:
        return None


def _keyed_groups(notes: Iterable[Note], key_of, prefix: str) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for note in notes:
        key = key_of(note)
        groups.setdefault(key, Group(key=f"{prefix}:{key}", title=key)).notes.append(note)
    return groups


def group_notes(notes: Sequence[Note], by: str = "paper") -> list[Group]:
    """Group ``notes`` (kept in their given order inside each group).

    paper: groups in order of their first note; source: by label, case-insensitive;
    date: by day, oldest first, undated last; none: one group.
    """
    if by == "paper":
        return group_by_paper(notes)
    if by == "source":
        groups = _keyed_groups(notes, source_label, "source")
        return [groups[key] for key in sorted(groups, key=lambda k: (k.casefold(), k))]
    if by == "date":
        groups = _keyed_groups(notes, lambda n: note_day(n) or UNDATED, "date")
        return [groups[key] for key in sorted(groups, key=lambda k: (k == UNDATED, k))]
    if by == "none":
        return [Group(key="all", title="All notes", notes=list(notes))] if notes else []
    raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUP_BY_CHOICES)}")
