"""The user glossary: the user's own edits, laid over the shipped glossary.

The shipped ``glossaries/ml.yaml`` lives inside the installed package and is
never written. ``glossary add/edit/remove/import`` without ``--glossary`` write
to ``$XDG_CONFIG_HOME/notelingo/glossary.yaml`` (``~/.config/...`` when the
variable is unset). That file is an ordinary glossary file holding only what
differs from the shipped one: new entries, changed entries (same ``en``), and a
top-level ``removed: [term, ...]`` list of shipped terms taken away.

Wherever the glossary is loaded without a path (translate, find, stats, digest
terms), the overlay is applied: a user entry replaces the shipped entry with the
same term in place, new terms follow the shipped ones, removed terms are gone.
:func:`.model.load_default_glossary` and :func:`.model.save_user_glossary` read and write it.
"""

from __future__ import annotations

import os
from dataclasses import replace

from .entry import GlossaryLike


def user_glossary_path() -> str:
    """Where the user glossary lives (it may not exist yet)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "notelingo", "glossary.yaml")


def overlay(shipped: GlossaryLike, user: GlossaryLike) -> GlossaryLike:
    """``shipped`` with ``user``'s entries and removals applied (see the module docstring)."""
    replacing = {entry.en.casefold(): entry for entry in user.entries}
    removed = {term.casefold() for term in user.removed}
    entries = [replacing.pop(e.en.casefold(), e) for e in shipped.entries if e.en.casefold() not in removed]
    entries += [entry for entry in user.entries if entry.en.casefold() in replacing]
    return replace(user, entries=entries, removed=[], sources=(shipped.path, user.path))


def difference(shipped: GlossaryLike, edited: GlossaryLike, path: str) -> GlossaryLike:
    """The user glossary that turns ``shipped`` into ``edited``: new or changed entries, removed terms."""
    base = {entry.en.casefold(): entry for entry in shipped.entries}
    kept = {entry.en.casefold() for entry in edited.entries}
    entries = [entry for entry in edited.entries if base.get(entry.en.casefold()) != entry]
    removed = [entry.en for entry in shipped.entries if entry.en.casefold() not in kept]
    return replace(edited, entries=entries, path=path, removed=removed, sources=(path,))


def glossary_files(explicit: str | None = None) -> list[tuple[str, str]]:
    """(role, path) of every file a command reads: the --glossary file, or the shipped one and the user's."""
    from .yamlio import default_glossary_path

    if explicit:
        return [("glossary", explicit)]
    return [("shipped", default_glossary_path()), ("user", user_glossary_path())]
