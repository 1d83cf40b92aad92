"""Translation stage: Marian models behind a small ``Translator`` protocol.

Backends are picked by name from :data:`BACKENDS`, a table of lazily imported
modules (as sacrebleu picks tokenizers), so importing this package loads neither
torch nor ctranslate2::

    transformers  notelingo.translate.hf   the reference path (MarianMTModel)
    ctranslate2   notelingo.translate.ct2  the fast path (extra notelingo[fast])

``auto`` picks ctranslate2 when it is installed. Every backend translates whole
sentences it is given and never truncates them: the engine splits text that is
too long for the model before it gets here (see :mod:`.segment`).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from dataclasses import dataclass, field
from typing import Optional, Protocol, runtime_checkable

from ..errors import BackendError, UsageError

#: backend name -> "module:class"; modules are imported only when chosen.
BACKENDS = {
    "transformers": "notelingo.translate.hf:HFTranslator",
    "ctranslate2": "notelingo.translate.ct2:CT2Translator",
}
_BACKEND_PACKAGES = {
    "transformers": ("transformers", "pip install notelingo"),
    "ctranslate2": ("ctranslate2", "pip install 'notelingo[fast]'"),
}
DEVICES = ("auto", "cpu", "cuda")


@runtime_checkable
class Translator(Protocol):
    """One loaded model for one language pair (or a pivot chain of them)."""

    @property
    def signature(self) -> dict:
        """What produced the output: model id@revision, backend, compute type, decoding options."""

    def translate_batch(self, texts: list[str]) -> list[str]:
        """Translate each text; same length and order as ``texts``."""

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Source-side token count of each text (with ``</s>``)."""

    @property
    def max_source_tokens(self) -> int:
        """Longest input (in tokens) the model is given; longer sentences are split first."""


@dataclass(frozen=True)
class DecodingOptions:
    """Decoding settings, passed to the model explicitly (opus-mt's own config says beams 4, max_length 512).

    Random or degenerate models may never emit ``</s>``; output length is capped at
    ``length_ratio`` x source tokens + ``length_extra`` (at most the model's limit).
    The input is never truncated.
    """

    beams: int = 4
    batch_size: int = 32
    length_ratio: float = 2.0
    length_extra: int = 10

    def max_new_tokens(self, source_tokens: int, model_limit: int) -> int:
        """The cap for a source of ``source_tokens``, taken from its length bucket: every
        source of a bucket gets the same cap alone or beside others (see :func:`length_bucket`)."""
        return max(1, min(model_limit, int(length_bucket(source_tokens) * self.length_ratio) + self.length_extra))

    def as_dict(self) -> dict:
        return {"beams": self.beams, "max_new_tokens": f"{self.length_ratio:g}*bucket(src)+{self.length_extra}"}


def length_bucket(tokens: int) -> int:
    """``tokens`` rounded up to a fixed bucket boundary (steps of 8 up to 64, 16 up to 128, then 32).

    A batch decodes up to the cap of its longest source; batching only sources of one
    bucket makes that cap each source's own, so a translation never depends on its batch
    mates (padding was measured not to change the output on either backend).
    """
    step = 8 if tokens <= 64 else 16 if tokens <= 128 else 32
    return max(step, -(-tokens // step) * step)


def bucket_chunks(lengths: list[int], size: int) -> list[list[int]]:
    """Indices of ``lengths`` sorted by length and cut into chunks of at most ``size`` that never
    cross a length bucket: what each backend decodes in one call (one cap per call)."""
    groups: dict[int, list[int]] = {}
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        groups.setdefault(length_bucket(lengths[index]), []).append(index)
    return [group[start:start + size] for group in groups.values() for start in range(0, len(group), size)]


@dataclass
class TranslateOptions:
    """Everything ``notelingo translate`` can be told (see the CLI for the meaning of each)."""

    to: tuple[str, ...] = ("en", "ru")
    models: dict[str, str] = field(default_factory=dict)
    glossary: Optional[str] = None  # a YAML path, or a loaded notelingo.Glossary (None: the shipped one)
    backend: str = "auto"
    device: str = "auto"
    decoding: DecodingOptions = field(default_factory=DecodingOptions)
    use_cache: bool = True
    keep_acronyms: bool = True
    cache_dir: Optional[str] = None
    #: Translate only blocks in these languages (``--langs``); empty: every language.
    source_langs: tuple[str, ...] = ()
    #: None: the model runs in this process; "local" or a cluster address: on Ray actors (see ray_exec).
    ray: Optional[str] = None
    ray_actors: Optional[int] = None


def cache_root(explicit: str | None = None) -> str:
    """notelingo's own cache folder (converted models, translation cache); not created here."""
    if explicit:
        return explicit
    if os.environ.get("NOTELINGO_CACHE_DIR"):
        return os.environ["NOTELINGO_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "notelingo")


def cpu_count() -> int:
    """Cores this process may use (respects affinity masks and containers' CPU sets).

    ``NOTELINGO_THREADS`` caps it: a Ray actor is given the CPUs it reserved this way.
    """
    if os.environ.get("NOTELINGO_THREADS", "").isdigit() and int(os.environ["NOTELINGO_THREADS"]) > 0:
        return int(os.environ["NOTELINGO_THREADS"])
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def backend_installed(name: str) -> bool:
    return importlib.util.find_spec(_BACKEND_PACKAGES[name][0]) is not None


def choose_backend(name: str) -> str:
    """Resolve ``auto`` and check the chosen backend's package is installed."""
    if name == "auto":
        return "ctranslate2" if backend_installed("ctranslate2") else "transformers"
    if name not in BACKENDS:
        raise UsageError(f"--backend {name!r}: choose auto, {', '.join(BACKENDS)}")
    if not backend_installed(name):
        package, fix = _BACKEND_PACKAGES[name]
        raise BackendError(f"backend {name!r} needs the {package} package, which is not installed; run: {fix}")
    return name


def load_translator(
    backend: str, model, device: str = "auto", decoding: DecodingOptions | None = None, cache_dir: str | None = None
) -> Translator:
    """Load ``model`` (a :class:`notelingo.translate.models.ResolvedModel`) with the named backend."""
    if device not in DEVICES:
        raise UsageError(f"--device {device!r}: choose {', '.join(DEVICES)}")
    name = choose_backend(backend)
    module_name, class_name = BACKENDS[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(model, device=device, decoding=decoding or DecodingOptions(), cache_dir=cache_root(cache_dir))


def check_options(options: TranslateOptions) -> None:
    """Fail before any model is fetched: unknown backend or device, missing backend package, bad numbers."""
    if options.device not in DEVICES:
        raise UsageError(f"--device {options.device!r}: choose {', '.join(DEVICES)}")
    choose_backend(options.backend)
    if options.decoding.beams < 1 or options.decoding.batch_size < 1:
        raise UsageError("--beams and --batch-size must be at least 1")


from .._callable import make_callable  # noqa: E402

make_callable(__name__)  # notelingo.translate(...) is notelingo.api.translate(...)
