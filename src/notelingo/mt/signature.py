"""What produced a translation: the signature of one loaded model (``Translator.signature``).

It feeds the translation cache's keys (:func:`.cache.cache_key`, whose bytes must
not change: an old cache stays valid) and the note's
:class:`notelingo.schema.Signature`, whose ``describe()`` both digest renderers show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .options import DecodingOptions


@dataclass(frozen=True)
class ModelSignature:
    """One model for one pair as a backend runs it. ``model`` is the model's label
    (``id@revision``); ``device`` is recorded but decides nothing in the output."""

    pair: str
    model: str
    backend: str
    compute_type: str
    device: str
    decoding: DecodingOptions

    def cache_fields(self) -> dict:
        """The parts that change the output, as the cache key has always hashed them."""
        return {"models": {self.pair: self.model}, "backend": self.backend, "compute_type": self.compute_type,
                "decoding": self.decoding.as_dict()}

    def as_dict(self) -> dict:
        """The plain-dict form (``cache_fields`` and the device), as JSON would hold it."""
        return {**self.cache_fields(), "device": self.device}


def chain_fields(chain: Sequence[ModelSignature]) -> dict:
    """The note-signature fields of a pair translated by ``chain`` (one model, or two pivoting
    through English): the models joined by `` -> ``, the first one's backend, compute type and
    decoding. Block records keep this dict as JSON; :func:`.engine.sign` copies it into the note."""
    first = chain[0]
    return {"model": " -> ".join(signature.model for signature in chain), "backend": first.backend,
            "compute_type": first.compute_type, "decoding": first.decoding.as_dict()}
