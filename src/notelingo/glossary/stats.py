"""Term usage in translated notes: how often each term occurred and how it was rendered.

Reads ``Note.terms`` (schema ``TermUse``). A term is *consistent* when, in every
target language, all its uses got the same rendering and, when the glossary has
the entry, that rendering is the glossary's target form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .model import Glossary


@dataclass
class TermStats:
    """Usage of one glossary entry across notes."""

    entry: str
    count: int = 0
    surfaces: Counter = field(default_factory=Counter)
    renderings: dict[str, Counter] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        for lang, counter in self.renderings.items():
            forms = {form.casefold() for form in counter}
            if len(forms) > 1:
                return False
            if lang in self.expected and forms and forms != {self.expected[lang].casefold()}:
                return False
        return True

    def to_dict(self) -> dict:
        return {"entry": self.entry, "count": self.count, "surfaces": dict(self.surfaces.most_common()),
                "renderings": {lang: dict(c.most_common()) for lang, c in sorted(self.renderings.items())},
                "expected": dict(sorted(self.expected.items())), "consistent": self.consistent}


def term_stats(notes: list, glossary: Glossary | None = None) -> list[TermStats]:
    """Per-entry usage over ``notes``, most frequent first."""
    stats: dict[str, TermStats] = {}
    for note in notes:
        for use in note.terms:
            item = stats.setdefault(use.entry, TermStats(use.entry))
            item.count += 1
            item.surfaces[use.surface] += 1
            for lang, form in (use.rendering or {}).items():
                if lang != use.lang:
                    item.renderings.setdefault(lang, Counter())[form] += 1
    if glossary is not None:
        for item in stats.values():
            entry = glossary.get(item.entry)
            if entry is not None:
                item.expected = {lang: entry.target(lang) for lang in item.renderings}
    return sorted(stats.values(), key=lambda s: (-s.count, s.entry.casefold()))


def format_stats_line(item: TermStats) -> str:
    """One report line: "fine-tuning: 3 uses; ru: дообучение ×2, файнтюнинг ×1; inconsistent (glossary ru: дообучение)"."""
    parts = [f"{item.entry}: {item.count} use{'s' if item.count != 1 else ''}"]
    for lang, counter in sorted(item.renderings.items()):
        parts.append(f"{lang}: " + ", ".join(f"{form} ×{n}" for form, n in counter.most_common()))
    status = "consistent" if item.consistent else "inconsistent"
    if not item.consistent and item.expected:
        status += " (glossary " + ", ".join(f"{lang}: {form}" for lang, form in sorted(item.expected.items())) + ")"
    return "; ".join(parts + [status])
