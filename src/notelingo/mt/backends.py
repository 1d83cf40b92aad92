"""The backend table: name -> lazily imported ``Translator`` class, and loading one.

Backends are picked by name from :data:`BACKENDS`, a table of modules imported
only when chosen (as sacrebleu picks tokenizers), so importing this module loads
neither torch nor ctranslate2::

    transformers  notelingo.mt.hf   the reference path (MarianMTModel)
    ctranslate2   notelingo.mt.ct2  the fast path (extra notelingo[fast])

``auto`` picks ctranslate2 when it is installed. Every backend translates whole
sentences it is given and never truncates them: the engine splits text that is
too long for the model before it gets here (see :mod:`.segment`).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import BackendError, UsageError
from ..fileio import cache_root
from .options import DecodingOptions, TranslateOptions, check_decoding, check_device

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from .signature import ModelSignature

#: backend name -> "module:class"; modules are imported only when chosen.
BACKENDS = {
    "transformers": "notelingo.mt.hf:HFTranslator",
    "ctranslate2": "notelingo.mt.ct2:CT2Translator",
}
_BACKEND_PACKAGES = {
    "transformers": ("transformers", "pip install notelingo"),
    "ctranslate2": ("ctranslate2", "pip install 'notelingo[fast]'"),
}


@runtime_checkable
class Translator(Protocol):
    """One loaded model for one language pair (or a pivot chain of them).

    Optional: ``translate_aligned(texts, want)`` (translations with the model's alignment) and
    ``submit(texts, want=None)`` (queue the work, return a function that waits for the result:
    the engine queues its next batch before it collects one).
    """

    @property
    def signature(self) -> ModelSignature:
        """What produced the output: model id@revision, backend, compute type, decoding options."""

    def translate_batch(self, texts: list[str]) -> list[str]:
        """Translate each text; same length and order as ``texts``."""

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Source-side token count of each text (with ``</s>``)."""

    @property
    def max_source_tokens(self) -> int:
        """Longest input (in tokens) the model is given; longer sentences are split first."""




def backend_installed(name: str) -> bool:
    return importlib.util.find_spec(_BACKEND_PACKAGES[name][0]) is not None


def choose_backend(name: str) -> str:
    """Resolve ``auto`` and check the chosen backend's package is installed."""
    if name == "auto":
        return "ctranslate2" if backend_installed("ctranslate2") else "transformers"
    if name not in BACKENDS:
        raise UsageError(f"{name!r}: choose auto, {', '.join(BACKENDS)}", option="backend")
    if not backend_installed(name):
        package, fix = _BACKEND_PACKAGES[name]
        raise BackendError(f"backend {name!r} needs the {package} package, which is not installed; run: {fix}")
    return name


def load_translator(
    backend: str, model, device: str = "auto", decoding: DecodingOptions | None = None, cache_dir: str | None = None
) -> Translator:
    """Load ``model`` (a :class:`notelingo.mt.models.ResolvedModel`) with the named backend."""
    check_device(device)
    name = choose_backend(backend)
    module_name, class_name = BACKENDS[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(model, device=device, decoding=decoding or DecodingOptions(), cache_dir=cache_root(cache_dir))


def check_options(options: TranslateOptions) -> None:
    """Fail before any model is fetched: unknown backend or device, missing backend package, bad numbers."""
    check_device(options.device)
    choose_backend(options.backend)
    check_decoding(options.decoding)
