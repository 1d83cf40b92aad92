"""Glossary data: entries and term matches, the bottom of the glossary package (imports nothing of it).

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

The modules that read, check, edit or match a glossary (:mod:`.yamlio`, :mod:`.lint`,
:mod:`.edit`, :mod:`.matcher`, :mod:`.user`) take any :class:`GlossaryLike` and build new
ones with :func:`dataclasses.replace`, so they never import :class:`.model.Glossary`, whose
``load``/``add``/``save``/``find`` call them: the import graph has no circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

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


class GlossaryLike(Protocol):
    """What the glossary's stages read from a glossary (:class:`.model.Glossary` is one)."""

    entries: list[Entry]
    path: str
    removed: list[str]
    sources: tuple[str, ...]

    @property
    def hash(self) -> str: ...

    def get(self, term: str) -> Entry | None: ...
