"""What produced a translation, written once (as sacrebleu's ``Signature``).

:class:`ModelSignature` is one loaded model (``Translator.signature``); :class:`ChainSignature`
is what translates one pair: its models in order (one, or two pivoting through English).
Every key and every recorded form of a signature comes from these two:

* :meth:`ModelSignature.cache_key` and :meth:`~ModelSignature.alignment_key`: the translation
  cache's keys (``tests/test_cache.py`` pins their bytes: an old cache stays valid);
* :meth:`ChainSignature.plan_fields`: what decides a pair's output before any model is loaded
  (part of a block record's key, :func:`.cache.block_key`);
* :meth:`ChainSignature.record`: the signature a block record keeps (JSON);
* :func:`sign_note`: the note's :class:`notelingo.schema.Signature`, filled from the records
  of the pairs it was translated in (``describe()`` of it is what both digest renderers show).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Optional

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..schema import Signature
    from .options import DecodingOptions


@dataclass(frozen=True)
class ModelSignature:
    """One model for one pair as a backend runs it. ``model`` is the model's label
    (``id@revision``); ``device`` is recorded but decides nothing in the output.
    ``compute_type`` is None in a planned signature (no model loaded yet): it has no cache key."""

    pair: str
    model: str
    backend: str
    compute_type: Optional[str]
    device: str
    decoding: DecodingOptions

    def cache_key(self, text: str) -> str:
        """sha256 of the model input and the parts of the signature that change the output."""
        if self.compute_type is None:
            raise ValueError(f"{self.model}: a planned signature (model not loaded) has no cache key")
        fields = {"models": {self.pair: self.model}, "backend": self.backend, "compute_type": self.compute_type,
                  "decoding": self.decoding.as_dict()}
        blob = json.dumps([text, fields], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def alignment_key(self, text: str) -> str:
        """The cache key of a model input's alignment (kept in the translations table as JSON text)."""
        return self.cache_key("\x00alignment\x00" + text)


@dataclass(frozen=True)
class ChainSignature:
    """The models that translate one pair, in order: one, or two pivoting through English.
    The first model's backend, compute type and decoding stand for the chain (a run uses one of each)."""

    hops: tuple[ModelSignature, ...]

    @classmethod
    def planned(cls, models: Iterable, backend: str, device: str, decoding: DecodingOptions) -> ChainSignature:
        """The chain as asked for, before loading: the resolved models (:class:`.models.ResolvedModel`),
        the chosen backend and the device as given (``auto`` stays ``auto``); no compute type yet."""
        return cls(tuple(ModelSignature(model.pair, model.label, backend, None, device, decoding) for model in models))

    @property
    def first(self) -> ModelSignature:
        return self.hops[0]

    def plan_fields(self) -> dict:
        """What decides the pair's output, as a block record's key has always hashed it
        (a planned chain: known before any model is loaded)."""
        return {"models": [hop.model for hop in self.hops], "backend": self.first.backend,
                "device": self.first.device, "decoding": self.first.decoding.as_dict()}

    def record(self) -> dict:
        """The signature a block record keeps as JSON: the models joined by `` -> ``, the first
        one's backend, compute type and decoding (what :func:`sign_note` reads back)."""
        return {"model": " -> ".join(hop.model for hop in self.hops), "backend": self.first.backend,
                "compute_type": self.first.compute_type, "decoding": self.first.decoding.as_dict()}


def sign_note(signature: Signature, records: Mapping[tuple[str, str], dict], glossary_hash: Optional[str],
              version: str) -> None:
    """Fill a note's signature from the :meth:`ChainSignature.record` of each pair it was translated in:
    the model per pair; backend, compute type and decoding of the last pair (in sorted order)."""
    signature.notelingo = version
    for (src, tgt), record in sorted(records.items()):
        signature.models[f"{src}-{tgt}"] = record["model"]
        signature.backend = record["backend"]
        signature.compute_type = record["compute_type"]
        signature.decoding = dict(record["decoding"])
    signature.glossary_hash = glossary_hash
