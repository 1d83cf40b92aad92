"""Editing a glossary: add, edit, remove. Every edit is checked before it is accepted.

An edit is refused (``GlossaryError``) when it introduces a problem the glossary
did not have before: a duplicate term, a conflicting rendering, a form that
shadows another entry, an empty field. Problems already in the file are left to
``lint`` so an old flaw does not block an unrelated fix.
"""

from __future__ import annotations

from dataclasses import replace

from ..alphabet import CYRILLIC_RE
from ..errors import GlossaryError
from .entry import POLICIES, Entry, GlossaryLike
from .lint import lint_glossary
from .yamlio import text_problem


def split_variants(variants: list[str]) -> dict[str, list[str]]:
    """Sort variants into languages by script: Cyrillic -> "ru", anything else -> "en"."""
    out: dict[str, list[str]] = {}
    for variant in variants:
        out.setdefault("ru" if CYRILLIC_RE.search(variant) else "en", []).append(variant)
    return out


def make_entry(en: str, ru: list[str], variants: list[str], policy: str, note: str | None = None,
               domain: str | None = None, generic: list[str] | None = None) -> Entry:
    """A validated entry from command-line values."""
    if policy not in POLICIES:
        raise GlossaryError(f"policy {policy!r} is unknown; use keep, translate or gloss")
    entry = Entry(en=en, ru=list(ru), variants=split_variants(variants), policy=policy, note=note or None,
                  domain=domain or None, generic=list(generic or []))
    check_entry_text(entry)
    return entry


def check_entry_text(entry: Entry) -> None:
    """Refuse values the file format cannot hold (empty, padded, multi-line, '|')."""
    values = [("en", entry.en)] + [("ru", v) for v in entry.ru]
    values += [(f"variants.{lang}", v) for lang, forms in entry.variants.items() for v in forms]
    values += [("generic", v) for v in entry.generic]
    values += [(key, getattr(entry, key)) for key in ("note", "domain") if getattr(entry, key) is not None]
    for key, value in values:
        problem = text_problem(value, key)
        if problem:
            raise GlossaryError(f"{entry.en!r}: {key!r} {problem}")


def _with_entries(glossary: GlossaryLike, entries: list[Entry]) -> GlossaryLike:
    """A glossary of ``entries`` at ``glossary``'s path (no removals, no sources: an edited glossary)."""
    return replace(glossary, entries=entries, removed=[], sources=())


def _checked(before: GlossaryLike, after: GlossaryLike, term: str) -> GlossaryLike:
    old = {(p.entry, p.message) for p in lint_glossary(before)}
    new = [p for p in lint_glossary(after) if (p.entry, p.message) not in old]
    if new:
        problem = f"{new[0].entry!r}: {new[0].message}"
        raise GlossaryError(f"{before.path}: refused to change {term!r}: {problem}", path=before.path, term=term,
                            problem=problem)
    return after


def add_entry(glossary: GlossaryLike, entry: Entry) -> GlossaryLike:
    """A copy of ``glossary`` with ``entry`` appended; refuses duplicates and conflicts."""
    existing = glossary.get(entry.en)
    if existing is not None:
        where = f" (line {existing.line})" if existing.line else ""
        raise GlossaryError(f"{glossary.path}: term {entry.en!r} already exists{where}; "
                            "change it with 'notelingo glossary edit'", path=glossary.path, term=entry.en)
    return _checked(glossary, _with_entries(glossary, glossary.entries + [entry]), entry.en)


def edit_entry(glossary: GlossaryLike, term: str, **changes) -> GlossaryLike:
    """A copy of ``glossary`` with the fields in ``changes`` replaced on entry ``term``."""
    old = _require(glossary, term)
    if "variants" in changes and isinstance(changes["variants"], list):
        changes["variants"] = split_variants(changes["variants"])
    added, dropped = changes.pop("add_variants", None) or [], changes.pop("remove_variants", None) or []
    if added or dropped:
        changes["variants"] = changed_variants(old, added, dropped)
    if changes.get("policy") is not None and changes["policy"] not in POLICIES:
        raise GlossaryError(f"policy {changes['policy']!r} is unknown; use keep, translate or gloss")
    for key in ("note", "domain"):
        if changes.get(key) == "":
            changes[key] = None  # an empty option clears the field
    new = replace(old, **changes)
    check_entry_text(new)
    if new.en.casefold() != old.en.casefold() and glossary.get(new.en) is not None:
        raise GlossaryError(f"{glossary.path}: cannot rename {old.en!r} to {new.en!r}: that term already exists",
                            path=glossary.path, term=new.en)
    entries = [new if e is old else e for e in glossary.entries]
    return _checked(glossary, _with_entries(glossary, entries), term)


def changed_variants(entry: Entry, added: list[str], dropped: list[str]) -> dict[str, list[str]]:
    """``entry``'s variants with ``added`` appended (once each) and ``dropped`` taken out."""
    variants = {lang: list(forms) for lang, forms in entry.variants.items()}
    for form in dropped:
        lang = "ru" if CYRILLIC_RE.search(form) else "en"
        if form not in variants.get(lang, []):
            have = ", ".join(f for forms in variants.values() for f in forms) or "none"
            raise GlossaryError(f"{entry.en!r}: no variant {form!r} to remove (its variants: {have})")
        variants[lang].remove(form)
    for lang, forms in split_variants(added).items():
        variants.setdefault(lang, [])
        variants[lang] += [form for form in dict.fromkeys(forms) if form not in variants[lang]]
    return {lang: forms for lang, forms in variants.items() if forms}


def remove_entry(glossary: GlossaryLike, term: str) -> GlossaryLike:
    """A copy of ``glossary`` without entry ``term``."""
    old = _require(glossary, term)
    return _with_entries(glossary, [e for e in glossary.entries if e is not old])


def _require(glossary: GlossaryLike, term: str) -> Entry:
    entry = glossary.get(term)
    if entry is None:
        raise GlossaryError(f"{glossary.path}: no entry {term!r}; see 'notelingo glossary list' "
                            "(terms are canonical English)", path=glossary.path, term=term)
    return entry


def merge_entries(glossary: GlossaryLike, entries: list[Entry]) -> tuple[GlossaryLike, list[str], list[str]]:
    """Add the entries that fit: returns (glossary, terms already present, one line per refused entry)."""
    existing, refused = [], []
    for entry in entries:
        if glossary.get(entry.en) is not None:
            existing.append(entry.en)
            continue
        try:
            glossary = add_entry(glossary, entry)
        except GlossaryError as exc:
            refused.append(f"{exc.term!r}: {exc.problem}" if exc.problem else str(exc))
    return glossary, existing, refused
