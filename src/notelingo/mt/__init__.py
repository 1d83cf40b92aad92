"""Translation stage: Marian models behind a small ``Translator`` protocol.

This package only re-exports; the parts live in their modules::

    options     DecodingOptions, TranslateOptions, DEVICES, cpu_count, length buckets
    backends    the lazy backend table (BACKENDS), Translator, choose_backend, load_translator, check_options
    signature   ModelSignature (one model: ``Translator.signature``, cache keys), ChainSignature (a pair's
                models: block keys, block records, the note's signature)
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
    load_translator,
)
from .options import (
    DEVICES,
    DecodingOptions,
    TranslateOptions,
    bucket_chunks,
    check_device,
    cpu_count,
    length_bucket,
    shape_chunks,
)
from .signature import ChainSignature, ModelSignature

__all__ = [
    "BACKENDS", "ChainSignature", "DEVICES", "DecodingOptions", "ModelSignature", "TranslateOptions", "Translator",
    "backend_installed", "bucket_chunks", "cache_root", "check_device", "check_options", "choose_backend", "cpu_count",
    "length_bucket", "load_translator", "shape_chunks",
]
