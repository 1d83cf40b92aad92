"""The glossary: :class:`Glossary` (entries plus load/add/save/find) and the functions that load one.

Invariants
----------
* The entries keep the invariants stated in :mod:`.entry`.
* ``Glossary.hash`` depends on the entries' content only (not on file layout,
  comments or entry order).

This module sits at the top of the glossary package's import graph: it uses the
matcher, the YAML reader and writer, the editor and the user overlay, and none of
them imports it (they take a :class:`.entry.GlossaryLike`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import cast

from ..errors import GlossaryError, InputError
from .edit import add_entry, make_entry
from .entry import LANGS, POLICIES, Entry, Policy, TermMatch
from .user import difference, overlay, user_glossary_path
from .yamlio import default_glossary_path, parse_entries, save_glossary


@dataclass
class Glossary:
    """An ordered list of entries read from (or to be written to) ``path``.

    Example::

        g = notelingo.Glossary.load()                      # the shipped ML glossary
        [(m.surface, m.entry.en) for m in g.find("Мы зафайнтюнили BERT на датасете", "ru")]
        # -> [('зафайнтюнили', 'fine-tuning'), ('BERT', 'BERT'), ('датасете', 'dataset')]
        g.add("sparse autoencoder", ru=["разреженный автоэнкодер"], variants=["SAE"])
        g.save("my.yaml")  # -> 'my.yaml'
    """

    entries: list[Entry]
    path: str = "<memory>"
    #: Shipped terms a user glossary takes away (only in a user glossary file; see :mod:`.user`).
    removed: list[str] = field(default_factory=list)
    #: The files this glossary was read from, base first (the shipped file and the user's overlay).
    sources: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: str | None = None) -> "Glossary":
        """Read and validate a glossary YAML file (``None``: the shipped ``glossaries/ml.yaml``).

        Example: ``g = notelingo.Glossary.load("my.yaml")``; a bad file raises ``GlossaryError`` naming the line.
        """
        return load_glossary(None if path is None else str(path))

    def add(self, en: str, ru: list[str] | tuple[str, ...] | str = (), variants: list[str] | tuple[str, ...] = (),
            policy: str = "translate", note: str | None = None, domain: str | None = None,
            generic: list[str] | tuple[str, ...] = ()) -> Entry:
        """Add an entry in place (checked like ``notelingo glossary add``: duplicates and conflicts are refused).

        Variants are sorted into languages by script. Example:
        ``g.add("sparse autoencoder", ru=["разреженный автоэнкодер"], variants=["SAE"], policy="translate")``.
        """
        renderings = [ru] if isinstance(ru, str) else list(ru)
        entry = make_entry(en, renderings, list(variants), policy, note, domain, list(generic))
        self.entries = add_entry(self, entry).entries
        return entry

    def save(self, path: str | None = None) -> str:
        """Write the glossary as YAML, atomically (default: the file it was read from); returns the path.

        Example: ``notelingo.Glossary.load().save("my.yaml")`` copies the shipped glossary to edit it.
        """
        return save_glossary(self, None if path is None else str(path))

    @property
    def hash(self) -> str:
        """Short stable hash of the content: sha256 hex of the sorted canonical entries, first 12.
        Worked out once per list of entries (every translated note is signed with it)."""
        return self._memo("_hash", self._content_hash)

    def _content_hash(self) -> str:
        canonical = sorted((e.to_dict() for e in self.entries), key=lambda d: d["en"].casefold())
        blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]

    def _memo(self, name: str, build):
        """``build()``, kept until the entries change: entries are frozen, so an edit replaces the list
        (:meth:`add`) or an entry in it, and either is seen (about 20 us for 800 entries)."""
        identity = tuple(map(id, self.entries))
        cached = self.__dict__.get(name)
        if cached is not None and cached[0] is self.entries and cached[1] == identity:
            return cached[2]
        value = build()
        self.__dict__[name] = (self.entries, identity, value)
        return value

    def get(self, term: str) -> Entry | None:
        """The entry whose canonical English is ``term`` (case-insensitive), else None."""
        key = term.strip().casefold()
        return next((e for e in self.entries if e.en.casefold() == key), None)

    def lookup(self, term: str) -> Entry | None:
        """Like :meth:`get`, but also finds an entry by any of its Russian forms or variants."""
        found = self.get(term)
        if found is not None:
            return found
        key = term.strip().casefold()
        for entry in self.entries:
            if any(form.casefold() == key for lang in LANGS for form in entry.forms(lang)):
                return entry
        return None

    def find(self, text: str, lang: str) -> list[TermMatch]:
        """Glossary terms in ``text`` (see :func:`notelingo.glossary.matcher.find_terms`), found with the
        spaCy-free matcher of :mod:`notelingo.glossary.fastfind` (the same answers, tested; spaCy
        builds its table once per glossary content and is not imported again)."""
        from .fastfind import fast_find

        return fast_find(self, text, lang)

    def render(self, entry: Entry, surface: str, text: str, start: int, tgt: str) -> str | None:
        """What the term found as ``surface`` at ``start`` of ``text`` becomes in ``tgt`` (None: the model
        translates it); protect calls it for each term :meth:`find` gave (see :func:`.inflect.render_in_text`)."""
        from .inflect import render_in_text

        return render_in_text(entry, surface, text, start, tgt)

    def agree(self, rendering: str, source: str, start: int, output: str | None = None,
              position: int | None = None, end: int | None = None) -> tuple[str, str]:
        """A term's nominative Russian ``rendering`` in the case and number its context calls for, and how
        that was chosen; protect calls it once the model has written ``output``, the term's placeholder at
        ``output[position:end]`` (see :mod:`.agree`)."""
        from .agree import agree_rendering
        from .inflect import is_plural_russian

        return agree_rendering(rendering, is_plural_russian(rendering), source, start, output, position, end)

    def in_context(self, rendering: str, words: list[str], output: str, position: int, source: str, start: int):
        """What the model's own ``words`` for a term (aligned to it, the first at ``output[position:]``) make of
        its nominative Russian ``rendering``: a :class:`.context.Reading` (kept or re-inflected), or None.
        The other Russian forms of the rendering's entries are read as the term too («файнтюнинга»)."""
        from .context import read_in_context

        key = rendering.casefold()
        others = tuple(form for form in self._russian_forms().get(key, ()) if form.casefold() != key)
        return read_in_context(rendering, words, output, position, source, start, others)

    def _russian_forms(self) -> dict[str, tuple[str, ...]]:
        """{casefolded Russian rendering: the Russian forms of its entries}, built once per list of entries
        (in_context is asked for every term a translation reads back; a scan of all entries each time)."""
        return self._memo("_forms_index", self._build_forms_index)

    def _build_forms_index(self) -> dict[str, tuple[str, ...]]:
        index: dict[str, dict[str, None]] = {}
        for entry in self.entries:
            for rendering in entry.ru:
                index.setdefault(rendering.casefold(), {}).update(dict.fromkeys(entry.forms("ru")))
        return {key: tuple(found) for key, found in index.items()}

    def __len__(self) -> int:
        return len(self.entries)


def load_glossary(path: str | None = None, check: bool = True) -> Glossary:
    """Read and validate a glossary file (``None``: the shipped one with the user glossary over it).

    With ``check`` (the default) duplicate canonical terms are refused too;
    ``lint`` reads with ``check=False`` to report every problem at once.
    """
    from ..fileio import read_text

    if path is None:  # the shipped glossary with the user's edits laid over it
        return load_default_glossary(check)
    try:
        text = read_text(path)
    except InputError as exc:
        raise GlossaryError(f"{path}: {exc.message}", path=str(path)) from None
    glossary = parse_glossary(text, str(path))
    if check:
        _refuse_duplicates(glossary)
    return glossary


def _refuse_duplicates(glossary: Glossary) -> None:
    seen: dict[str, Entry] = {}
    for entry in glossary.entries:
        first = seen.setdefault(entry.en.casefold(), entry)
        if first is not entry:
            where = f"{glossary.path}:{entry.line}"
            message = f"{where}: duplicate term {entry.en!r} (also on line {first.line}); merge the two entries"
            raise GlossaryError(message, path=glossary.path, line=entry.line, term=entry.en)


def parse_glossary(text: str, path: str = "<text>") -> Glossary:
    """Parse YAML glossary text; errors name ``path:line`` and the fix."""
    entries, removed = parse_entries(text, path)
    return Glossary(entries, path, removed=removed, sources=(path,))


def load_default_glossary(check: bool = True) -> Glossary:
    """The shipped glossary, with the user glossary (:mod:`.user`) over it when that file exists."""
    shipped = load_glossary(default_glossary_path(), check=check)
    path = user_glossary_path()
    if not os.path.exists(path):
        return shipped
    return cast(Glossary, overlay(shipped, load_glossary(path, check=check)))  # overlay keeps the user's type


def save_user_glossary(edited: Glossary) -> str:
    """Write what ``edited`` changes against the shipped glossary into the user glossary; returns its path."""
    from pathlib import Path

    path = user_glossary_path()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return save_glossary(difference(load_glossary(default_glossary_path()), edited, path))


__all__ = [
    "LANGS", "POLICIES", "Entry", "Glossary", "Policy", "TermMatch", "load_default_glossary", "load_glossary",
    "parse_glossary", "save_user_glossary",
]
