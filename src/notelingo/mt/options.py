"""What a translation run can be told: decoding settings, ``TranslateOptions``, devices, cores.

Also the length buckets both backends batch by: a decoding cap depends on the
bucket of a source's length, never on its batch mates. The checks that need the
backend table (is the backend known and installed?) are :func:`.backends.check_options`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from ..errors import UsageError

DEVICES = ("auto", "cpu", "cuda")


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
        """The cap for a source of ``source_tokens``, the same alone or beside others.

        Greedy search: the source's own length. A batch decodes up to its longest member's
        cap and each output is cut at its own, which is exactly what the source decodes to
        alone (a greedy output's first n tokens do not depend on how long it goes on).
        Beam search keeps no such prefix, so there the cap comes from the length bucket and
        a batch never crosses a bucket (see :func:`length_bucket`).
        """
        tokens = source_tokens if self.beams == 1 else length_bucket(source_tokens)
        return max(1, min(model_limit, int(tokens * self.length_ratio) + self.length_extra))

    def as_dict(self) -> dict:
        source = "src" if self.beams == 1 else "bucket(src)"
        fields = {"beams": self.beams, "max_new_tokens": f"{self.length_ratio:g}*{source}+{self.length_extra}"}
        # CTranslate2 pads every chunk to its length bucket's top and cuts greedy loops as they start
        # (ct2.padded_rows, ct2.StreamStop): outputs changed, so entries made before are not read back
        fields["batch"] = "bucket-top"
        if self.beams > 1:  # a looping output is decoded again greedily (checks.RETRY_BEAMS), no longer with beams
            fields["retry"] = "greedy"
        return fields


def length_bucket(tokens: int) -> int:
    """``tokens`` rounded up to a fixed bucket boundary (steps of 8 up to 64, 16 up to 128, then 32).

    A beam search batch decodes up to the cap of its longest source; batching only sources
    of one bucket makes that cap each source's own, so a translation never depends on its
    batch mates (padding was measured not to change the output on either backend).
    """
    step = 8 if tokens <= 64 else 16 if tokens <= 128 else 32
    return max(step, -(-tokens // step) * step)


def bucket_chunks(lengths: list[int], size: int, *, beams: int) -> list[list[int]]:
    """Indices of ``lengths`` sorted by length and cut into chunks of at most ``size``: what each
    backend decodes in one call, to one cap. With beam search a chunk never crosses a length bucket
    (see :meth:`DecodingOptions.max_new_tokens`)."""
    groups: dict[int, list[int]] = {}
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        groups.setdefault(length_bucket(lengths[index]) if beams > 1 else 0, []).append(index)
    return [group[start:start + size] for group in groups.values() for start in range(0, len(group), size)]


def shape_chunks(lengths: list[int], size: int, alone: list[bool] | None = None,
                 beams: int = 4) -> list[list[int]]:
    """Indices of ``lengths`` in chunks of at most ``size``, shortest first: for beam search, sources
    of one token length (no padding); greedy, any lengths (its output does not depend on padding);
    a source in ``alone`` gets a chunk of its own. What makes a translation and its alignment
    independent of the batch (see :func:`.ct2.length_chunks`)."""
    groups: dict[int, list[int]] = {}
    chunks: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        if alone is not None and alone[index]:
            chunks.append([index])
        else:
            groups.setdefault(lengths[index] if beams > 1 else 0, []).append(index)
    for group in groups.values():
        chunks.extend(group[start:start + size] for start in range(0, len(group), max(1, size)))
    return sorted(chunks, key=lambda chunk: lengths[chunk[0]])


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
    #: Translate only blocks in these languages (``langs``); empty: every language.
    source_langs: tuple[str, ...] = ()
    #: None: the model runs in this process; "local" or a cluster address: on Ray actors (see ray_exec).
    ray: Optional[str] = None
    ray_actors: Optional[int] = None


def check_device(device: str) -> None:
    if device not in DEVICES:
        raise UsageError(f"{device!r}: choose {', '.join(DEVICES)}", option="device")


def check_decoding(decoding: DecodingOptions) -> None:
    """Beams and batch size of at least 1."""
    for name in ("beams", "batch_size"):
        value = getattr(decoding, name)
        if value < 1:
            raise UsageError(f"{value}: must be at least 1", option=name)
