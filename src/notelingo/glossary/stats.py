"""Term usage in translated notes: how often each term occurred and how it was rendered.

Reads ``Note.terms`` (schema ``TermUse``). When the glossary has the entry, a term
is *consistent* when every use got a rendering the glossary allows: its target form,
in the number of the source ("datasets" for "датасетах"), with a capital at a
sentence start, or "target (original)" for a gloss; a keep-term, its source
surface unchanged, or the entry's own spelling when the surface is in another script.
Without the entry, when all uses got the same rendering.

A keep-term whose rendering is still in the source script (Cyrillic «видеокартах»
copied into English for the entry GPU) is never consistent, glossary or not: keep
means the term's own spelling, and a variant in another script is a rendering.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..alphabet import CYRILLIC_RE
from .model import Glossary


@dataclass
class TermStats:
    """Usage of one glossary entry across notes."""

    entry: str
    count: int = 0
    surfaces: Counter = field(default_factory=Counter)
    renderings: dict[str, Counter] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)
    #: Uses rendered otherwise than the glossary allows; None when the glossary lacks the entry.
    off: int | None = None
    #: Keep-term renderings left in the source script (e.g. Cyrillic in English text).
    source_script: Counter = field(default_factory=Counter)

    @property
    def consistent(self) -> bool:
        if self.source_script:
            return False
        if self.off is not None:
            return self.off == 0
        for lang, counter in self.renderings.items():
            forms = {form.casefold() for form in counter}
            if len(forms) > 1:
                return False
            if lang in self.expected and forms and forms != {self.expected[lang].casefold()}:
                return False
        return True

    def to_dict(self) -> dict:
        data = {"entry": self.entry, "count": self.count, "surfaces": dict(self.surfaces.most_common()),
                "renderings": {lang: dict(c.most_common()) for lang, c in sorted(self.renderings.items())},
                "expected": dict(sorted(self.expected.items())), "consistent": self.consistent}
        if self.source_script:
            data["source_script"] = dict(self.source_script.most_common())
        return data


def term_stats(notes: list, glossary: Glossary | None = None) -> list[TermStats]:
    """Per-entry usage over ``notes``, most frequent first."""
    entries = {e.en.casefold(): e for e in glossary.entries} if glossary is not None else {}
    stats: dict[str, TermStats] = {}
    for note in notes:
        for use in note.terms:
            item = stats.setdefault(use.entry, TermStats(use.entry))
            item.count += 1
            item.surfaces[use.surface] += 1
            for lang, form in (use.rendering or {}).items():
                if lang != use.lang:
                    item.renderings.setdefault(lang, Counter())[form] += 1
                    if use.policy == "keep" and _left_in_cyrillic(form, lang):
                        item.source_script[form] += 1
            entry = entries.get(use.entry.casefold())
            if entry is not None:
                item.off = (item.off or 0) + (not _allowed(entry, use))
    for item in stats.values():
        entry = entries.get(item.entry.casefold())
        if entry is not None:
            item.expected = {lang: entry.target(lang) for lang in item.renderings}
    return sorted(stats.values(), key=lambda s: (-s.count, s.entry.casefold()))


def _left_in_cyrillic(form: str, lang: str) -> bool:
    """A rendering into a language not written in Cyrillic that still has Cyrillic letters."""
    return lang != "ru" and bool(CYRILLIC_RE.search(form))


def _allowed(entry, use) -> bool:
    """Every rendering of one use is one the glossary allows (see the module docstring)."""
    from .inflect import accepted_renderings, in_source_script, keep_spelling

    for lang, form in (use.rendering or {}).items():
        if lang == use.lang or not form:
            continue
        if entry.policy == "keep" or use.policy == "keep":
            if in_source_script(form, entry) or form not in (use.surface, entry.en, keep_spelling(use.surface, entry)):
                return False
            continue
        bare = form.removesuffix(f" ({use.surface})")
        if bare.casefold() not in accepted_renderings(entry, lang):
            return False
    return True


def format_stats_line(item: TermStats) -> str:
    """One report line, e.g.

    "fine-tuning: 3 uses; ru: дообучение ×2, файнтюнинг ×1; inconsistent (glossary ru: дообучение)".
    """
    parts = [f"{item.entry}: {item.count} use{'s' if item.count != 1 else ''}"]
    for lang, counter in sorted(item.renderings.items()):
        parts.append(f"{lang}: " + ", ".join(f"{form} ×{n}" for form, n in counter.most_common()))
    status = "consistent" if item.consistent else "inconsistent"
    if not item.consistent and item.expected:
        status += " (glossary " + ", ".join(f"{lang}: {form}" for lang, form in sorted(item.expected.items())) + ")"
    if item.source_script:
        left = ", ".join(item.source_script)
        status += f"; keep term left in the source script ({left}): render it as the entry spells it"
    return "; ".join(parts + [status])
