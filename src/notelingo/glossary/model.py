"""Glossary data model: entries, the glossary, and term matches.

Invariants
----------
* ``Entry.en`` is the canonical English form, non-empty, unique in a glossary
  (compared case-insensitively).
* ``Entry.ru[0]`` is the preferred Russian rendering; ``ru`` may be empty only
  for ``keep`` entries (they are rendered as ``en`` in every language).
* ``Entry.variants`` maps a language ("en"/"ru") to surface forms that are
  recognised in text but never produced as a rendering.
* ``Entry.generic`` lists forms (renderings or variants, either language) that are
  everyday words too ("внимание", "статья", "train"): they are still rendered, but
  recognised in text only inside a hyphenated compound ("attention-based"), so
  "обратите внимание" is no glossary term.
* ``Glossary.hash`` depends on the entries' content only (not on file layout,
  comments or entry order).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal

Policy = Literal["keep", "translate", "gloss"]
POLICIES: tuple[str, ...] = ("keep", "translate", "gloss")
LANGS: tuple[str, ...] = ("en", "ru")


@dataclass(frozen=True)
class Entry:
    """One term: canonical English, Russian renderings, recognised variants, policy."""

    en: str
    ru: list[str] = field(default_factory=list)
    variants: dict[str, list[str]] = field(default_factory=dict)
    policy: Policy = "translate"
    note: str | None = None
    domain: str | None = None
    generic: list[str] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)

    def __hash__(self) -> int:  # lists inside: hash by the canonical key only
        return hash(self.en.casefold())

    def target(self, lang: str) -> str:
        """The rendering of this term in ``lang`` ("en" -> en, "ru" -> ru[0]; keep -> en)."""
        if lang == "en" or self.policy == "keep" or not self.ru:
            return self.en
        if lang == "ru":
            return self.ru[0]
        raise ValueError(f"glossary languages are 'en' and 'ru', not {lang!r}")

    def forms(self, lang: str) -> list[str]:
        """Every surface form recognised in ``lang``: renderings first, then variants."""
        base = [self.en] if lang == "en" else list(self.ru)
        return base + list(self.variants.get(lang, []))

    def matched_forms(self, lang: str) -> list[str]:
        """The forms recognised on their own: every form but the generic ones."""
        generic = {g.casefold() for g in self.generic}
        return [form for form in self.forms(lang) if form.casefold() not in generic]

    def generic_forms(self, lang: str) -> list[str]:
        """The forms of ``lang`` recognised only inside hyphenated compounds."""
        generic = {g.casefold() for g in self.generic}
        return [form for form in self.forms(lang) if form.casefold() in generic]

    def to_dict(self) -> dict:
        """Plain data in file order; empty optional fields are left out."""
        data: dict = {"en": self.en}
        if self.ru:
            data["ru"] = list(self.ru)
        variants = {lang: list(self.variants[lang]) for lang in LANGS if self.variants.get(lang)}
        if variants:
            data["variants"] = variants
        if self.generic:
            data["generic"] = list(self.generic)
        data["policy"] = self.policy
        if self.domain is not None:
            data["domain"] = self.domain
        if self.note is not None:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    entry: Entry


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
        from .yamlio import load_glossary

        return load_glossary(None if path is None else str(path))

    def add(self, en: str, ru: list[str] | str = (), variants: list[str] | tuple[str, ...] = (), policy: str = "translate",
            note: str | None = None, domain: str | None = None, generic: list[str] | tuple[str, ...] = ()) -> Entry:
        """Add an entry in place (checked like ``notelingo glossary add``: duplicates and conflicts are refused).

        Variants are sorted into languages by script. Example:
        ``g.add("sparse autoencoder", ru=["разреженный автоэнкодер"], variants=["SAE"], policy="translate")``.
        """
        from .edit import add_entry, make_entry

        entry = make_entry(en, [ru] if isinstance(ru, str) else list(ru), list(variants), policy, note, domain, list(generic))
        self.entries = add_entry(self, entry).entries
        return entry

    def save(self, path: str | None = None) -> str:
        """Write the glossary as YAML, atomically (default: the file it was read from); returns the path.

        Example: ``notelingo.Glossary.load().save("my.yaml")`` copies the shipped glossary to edit it.
        """
        from .yamlio import save_glossary

        return save_glossary(self, None if path is None else str(path))

    @property
    def hash(self) -> str:
        """Short stable hash of the content: sha256 hex of the sorted canonical entries, first 12."""
        canonical = sorted((e.to_dict() for e in self.entries), key=lambda d: d["en"].casefold())
        blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]

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
        """Glossary terms in ``text`` (see :func:`notelingo.glossary.matcher.find_terms`)."""
        from .matcher import find_terms

        return find_terms(self, text, lang)

    def __len__(self) -> int:
        return len(self.entries)
