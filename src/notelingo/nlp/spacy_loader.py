"""Importing spaCy for notelingo's blank pipelines (sentencizer, lemmatizer), shared by stages."""

from __future__ import annotations

import sys


def import_spacy():
    """``spacy``, imported without loading torch when nothing has loaded torch yet.

    thinc (spaCy's ML layer) tries ``import torch`` when it is imported, only to
    learn whether torch is there. notelingo's blank pipelines (tokenizer,
    sentencizer, pymorphy3 lemmatizer) never use it, and on the CTranslate2 path
    that import alone cost 1.4-2.2 s and ~200 MiB per run. While spaCy is first
    imported, torch is marked unavailable; it stays importable afterwards (the
    transformers backend imports it normally). The trade-off: thinc in this
    process believes torch is absent, so a torch-based spaCy pipeline (spacy-
    transformers) loaded later in the same process would not work.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" raise ImportError
    try:
        import spacy
    finally:
        if sys.modules.get("torch", False) is None:
            del sys.modules["torch"]
    return spacy
