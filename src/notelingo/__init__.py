"""notelingo: messy multilingual ML notes -> clean, aligned bilingual notes and digests.

Importing this package is cheap: no heavy libraries, no I/O. The public names below
are plain functions of :mod:`notelingo.api`, loaded on first use (``notelingo.ingest``
imports :mod:`notelingo.api`, which is light too; torch, spaCy and the models load only
when a function runs)::

    import notelingo
    notes = notelingo.ingest("ChatExport/result.json")
    notes = notelingo.translate(notes, to=("en", "ru"))
    notelingo.digest(notes, "digest.html")

Every name in ``__all__`` has a docstring with an example: ``help(notelingo.translate)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__

#: public name -> module that defines it (imported on first access). The stages are packages
#: named as nouns (``readers``, ``notes``, ``mt``, ``writers``, ...), so no verb is shadowed by one.
_LAZY = {
    "ingest": "notelingo.api",
    "translate": "notelingo.api",
    "export": "notelingo.api",
    "digest": "notelingo.api",
    "read_notes": "notelingo.api",
    "write_notes": "notelingo.api",
    "Notes": "notelingo.api",
    "Glossary": "notelingo.glossary.model",
    "Note": "notelingo.schema",
}

__all__ = ["Glossary", "Note", "Notes", "digest", "export", "ingest", "read_notes", "translate", "write_notes"]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .api import Notes, digest, export, ingest, read_notes, translate, write_notes
    from .glossary.model import Glossary
    from .schema import Note


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'notelingo' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
