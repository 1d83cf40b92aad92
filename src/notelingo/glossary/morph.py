"""The process's one pymorphy3 analyzer of Russian.

Loading its dictionaries takes ~50 ms; the glossary matcher (lemmas) and the term
renderer (inflection) share it instead of loading them twice.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def russian_analyzer():
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")
