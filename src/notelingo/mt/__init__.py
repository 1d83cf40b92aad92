"""Translation stage: Marian models behind a small ``Translator`` protocol.

This package only re-exports; the parts live in their modules::

    options     DecodingOptions, TranslateOptions, DEVICES, length buckets
    backends    the lazy backend table (BACKENDS), Translator, choose_backend, load_translator, check_options
    signature   ModelSignature: what ``Translator.signature`` returns
    marian      the Marian tokenizer side both backends share (MarianTokens)
    hf, ct2     the transformers and CTranslate2 backends (imported only when chosen)
    engine      translate_notes; cache, segment, fill, models, weights, ray_exec: its parts

Importing it loads neither torch nor ctranslate2.
"""

from __future__ import annotations

from .backends import (
    BACKENDS,
    Translator,
    backend_installed,
    cache_root,
    check_options,
    choose_backend,
    cpu_count,
    load_translator,
)
from .options import (
    DEVICES,
    DecodingOptions,
    TranslateOptions,
    bucket_chunks,
    check_device,
    length_bucket,
    shape_chunks,
)
from .signature import ModelSignature

__all__ = [
    "BACKENDS", "DEVICES", "DecodingOptions", "ModelSignature", "TranslateOptions", "Translator", "backend_installed",
    "bucket_chunks", "cache_root", "check_device", "check_options", "choose_backend", "cpu_count", "length_bucket",
    "load_translator", "shape_chunks",
]
