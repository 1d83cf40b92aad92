"""Glossary checks: duplicates, conflicting renderings, shadowing variants, empty fields.

Each problem names its line (when the entry came from a file) and its entry, so
``notelingo glossary lint`` output can be clicked through in an editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from .entry import LANGS, Entry, GlossaryLike


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one entry."""

    line: int | None
    entry: str
    message: str

    def format(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.entry!r}: {self.message}"


def lint_glossary(glossary: GlossaryLike, shadowing: bool = True) -> list[Problem]:
    """Every problem of ``glossary``, in file order. ``shadowing`` needs spaCy (slower)."""
    problems = _duplicates(glossary) + _empty_fields(glossary) + _conflicting_renderings(glossary)
    if shadowing:
        problems += _shadowing(glossary)
    return sorted(problems, key=lambda p: (p.line or 0, p.entry, p.message))


def _where(entry: Entry) -> str:
    return f"line {entry.line}" if entry.line else f"entry {entry.en!r}"


def _duplicates(glossary: GlossaryLike) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Entry] = {}
    for entry in glossary.entries:
        first = seen.setdefault(entry.en.casefold(), entry)
        if first is not entry:
            problems.append(Problem(entry.line, entry.en, f"duplicate term (also on {_where(first)}); merge the two "
                                                          "entries"))
    return problems


def _empty_fields(glossary: GlossaryLike) -> list[Problem]:
    problems = []
    for entry in glossary.entries:
        if entry.policy != "keep" and not entry.ru:
            problems.append(Problem(entry.line, entry.en, f"policy {entry.policy!r} but no Russian form; add 'ru: "
                                                          "[...]' or set 'policy: keep'"))
        if entry.policy == "keep" and entry.ru:
            problems.append(Problem(entry.line, entry.en, "policy 'keep' never renders 'ru'; move those forms to "
                                                          "'variants: ru:'"))
        for lang in LANGS:
            forms = entry.forms(lang)  # exact: acronyms differ by case ("LLaMA", "Llama")
            for form in sorted({f for f in forms if forms.count(f) > 1}):
                problems.append(Problem(entry.line, entry.en, f"{lang} form {form!r} is listed twice; keep one"))
        all_forms = {f.casefold() for lang in LANGS for f in entry.forms(lang)}
        for form in entry.generic:
            if form.casefold() not in all_forms:
                fix = "add it to 'ru' or 'variants', or remove it from 'generic'"
                message = f"generic form {form!r} is none of the entry's forms; {fix}"
                problems.append(Problem(entry.line, entry.en, message))
    return problems


def _conflicting_renderings(glossary: GlossaryLike) -> list[Problem]:
    """Two entries rendered the same way in Russian cannot be told apart on the way back."""
    problems: list[Problem] = []
    owner: dict[str, Entry] = {}
    for entry in glossary.entries:
        if entry.policy == "keep" or not entry.ru:
            continue
        first = owner.setdefault(entry.ru[0].casefold(), entry)
        if first is not entry and first.en.casefold() != entry.en.casefold():
            message = (f"Russian rendering {entry.ru[0]!r} is also the rendering of {first.en!r} ({_where(first)}); "
                       "choose a distinct rendering")
            problems.append(Problem(entry.line, entry.en, message))
    return problems


def _shadowing(glossary: GlossaryLike) -> list[Problem]:
    """Forms of two entries that match exactly the same text (after lemmas and stems)."""
    from .matcher import match_keys, pattern_surfaces

    problems: list[Problem] = []
    owner: dict[tuple[str, ...], tuple[Entry, str]] = {}
    for entry in glossary.entries:
        keys_seen: set[tuple[str, ...]] = set()
        for lang in LANGS:
            for form in entry.matched_forms(lang):
                for surface in pattern_surfaces(form):
                    keys = match_keys(surface, "ru")
                    if not keys or keys in keys_seen:
                        continue
                    keys_seen.add(keys)
                    first, first_form = owner.setdefault(keys, (entry, form))
                    if first is not entry:
                        message = (f"form {form!r} matches the same text as {first_form!r} of {first.en!r} "
                                   f"({_where(first)}); remove or change one of them")
                        problems.append(Problem(entry.line, entry.en, message))
    return problems
