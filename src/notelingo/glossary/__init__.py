"""The ML terminology glossary: data model, file formats, matcher, lint, mining, stats.

::

    from notelingo.glossary import load_glossary
    g = load_glossary()                  # the shipped glossaries/ml.yaml
    g.find("Мы зафайнтюнили модель", "ru")  # -> [TermMatch(3, 15, 'зафайнтюнили', Entry(en='fine-tuning', ...))]

Nothing heavy is imported here: spaCy loads on the first ``find``.
"""

from __future__ import annotations

from ..errors import GlossaryError
from .entry import POLICIES, Entry, TermMatch
from .model import Glossary, load_glossary, parse_glossary
from .yamlio import default_glossary_path, dump_glossary, save_glossary

__all__ = [
    "POLICIES",
    "Entry",
    "Glossary",
    "GlossaryError",
    "TermMatch",
    "default_glossary_path",
    "dump_glossary",
    "load_glossary",
    "parse_glossary",
    "save_glossary",
]
