"""The Marian tokenizer side both backends share: token counts, limits, alignments, the signature.

:class:`MarianTokens` is the base of :class:`.hf.HFTranslator` (tokenizing with
transformers' ``MarianTokenizer``) and :class:`.ct2.CT2Translator` (with
:class:`.spm.MarianSpm`, sentencepiece and ``vocab.json`` only), so the CTranslate2
backend never imports the transformers backend. transformers itself is imported only
inside the functions that need it.
"""

from __future__ import annotations

from ..errors import ModelError, TranslationError
from .options import DecodingOptions
from .signature import ModelSignature
from .spm import SPIECE_UNDERLINE


def quiet_transformers() -> None:
    """No per-tensor "Loading weights" bars: notelingo draws its own progress."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def load_tokenizer(path: str):
    """The Marian sentencepiece tokenizer of a model folder (shared with the CTranslate2 backend)."""
    from transformers import MarianTokenizer

    try:
        return MarianTokenizer.from_pretrained(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"{path}: the Marian tokenizer cannot be loaded ({exc}); the folder needs source.spm, target.spm and "
            "vocab.json"
        ) from None


def position_limit(path: str, tokenizer) -> int:
    """How many positions the model has (source and target alike)."""
    import json
    from pathlib import Path

    config = json.loads((Path(path) / "config.json").read_text(encoding="utf-8"))
    limits = [config.get("max_position_embeddings") or 512, tokenizer.model_max_length]
    return int(min(limit for limit in limits if isinstance(limit, int) and limit > 0))


def source_ranges(processor, texts: list[str]) -> list[list[tuple[int, int]] | None]:
    """Character range of each model input token of each text: a leading ``>>xx<<`` code,
    the sentencepiece pieces, then ``</s>`` (empty, at the end). None without offset support."""
    codes = [text.find("<<") + 2 if text.startswith(">>") and "<<" in text else 0 for text in texts]
    try:
        mappings = processor.encode([text[code:] for text, code in zip(texts, codes)], return_type="offset_mapping")
    except (TypeError, ValueError, KeyError):  # a sentencepiece without offset mappings
        return [None] * len(texts)
    return [[(0, code)] * bool(code) + [(a + code, b + code) for a, b in mapping["offsets"]] + [(len(text), len(text))]
            for text, code, mapping in zip(texts, codes, mappings)]


def target_ranges(processor, pieces: list[str], special: set[str]) -> tuple[str, list[tuple[int, int]]] | None:
    """(text, character range of each piece in it) for output pieces, decoded as the backends do:
    special pieces left out (empty ranges), ``▁`` as a space, the text stripped."""
    kept = [i for i, piece in enumerate(pieces) if piece not in special]
    if not kept:
        return "", [(0, 0)] * len(pieces)
    try:
        decoded = processor.decode([pieces[i] for i in kept], return_type="offset_mapping")
    except (TypeError, ValueError, KeyError):
        return None
    full = decoded["text"].replace(SPIECE_UNDERLINE, " ")
    text = full.strip()
    lead = len(full) - len(full.lstrip())
    ranges = [(0, 0)] * len(pieces)
    for i, (a, b) in zip(kept, decoded["offsets"]):
        ranges[i] = (min(max(a - lead, 0), len(text)), min(max(b - lead, 0), len(text)))
    return text, ranges


class MarianTokens:
    """What both backends share: the tokenizer, token counting and limits, the signature.

    Subclasses set ``backend``, ``device`` and ``compute_type``.
    """

    backend = ""
    device = "cpu"
    compute_type = ""

    #: Texts whose token counts are remembered: each text is counted by segmenting,
    #: batching and the backend; the bound keeps a long run's memory flat.
    TOKEN_CACHE_SIZE = 20_000

    def __init__(self, model, decoding: DecodingOptions | None = None) -> None:
        self.resolved = model
        self.decoding = decoding or DecodingOptions()
        self.tokenizer = self.load_tokenizer(model.path)
        self.limit = position_limit(model.path, self.tokenizer)
        self._token_cache: dict[str, list] = {}

    def load_tokenizer(self, path: str):
        return load_tokenizer(path)

    def encode(self, texts: list[str]) -> list[list]:
        """Model input ids (or pieces) of each text, ``</s>`` included; uncached."""
        return self.tokenizer(list(texts))["input_ids"]

    def cached_tokens(self, texts: list[str]) -> list[list]:
        """:meth:`encode`, each distinct text encoded once while it stays in the bounded cache."""
        if len(self._token_cache) > self.TOKEN_CACHE_SIZE:
            self._token_cache.clear()
        missing = [text for text in dict.fromkeys(texts) if text not in self._token_cache]
        if missing:
            self._token_cache.update(zip(missing, self.encode(missing)))
        return [self._token_cache[text] for text in texts]

    @property
    def signature(self) -> ModelSignature:
        return ModelSignature(self.resolved.pair, self.resolved.label, self.backend, self.compute_type, self.device,
                              self.decoding)

    @property
    def max_source_tokens(self) -> int:
        # Half the positions: the translation (often longer than the source) must fit the rest.
        return max(8, self.limit // 2)

    def token_lengths(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.cached_tokens(texts)]

    def source_processor(self):
        """The sentencepiece model that cuts source text."""
        return self.tokenizer.spm_source

    def target_processor(self):
        """The sentencepiece model that joins output pieces (the source one unless the vocabularies are separate)."""
        return self.tokenizer.spm_target if self.tokenizer.separate_vocabs else self.tokenizer.spm_source

    def special_pieces(self) -> set[str]:
        return {self.tokenizer.eos_token, self.tokenizer.pad_token, self.tokenizer.unk_token}

    def alignment(self, source: list | None, pieces: list[str], text_out: str, weights: list[list[float]]):
        """The :class:`notelingo.protect.repair.Alignment` of one translation (``source``: the input's token
        ranges from :func:`source_ranges`), or None when the pieces cannot be mapped back to
        characters (then protect falls back to splicing)."""
        from ..protect.alignment import Alignment

        decoded = target_ranges(self.target_processor(), pieces, self.special_pieces())
        if source is None or decoded is None or decoded[0] != text_out:
            return None
        rows = [row[:len(source)] for row in weights[:len(pieces)]]
        if len(rows) != len(pieces) or any(len(row) != len(source) for row in rows):
            return None
        return Alignment.of(source, decoded[1], rows)

    def check_lengths(self, lengths: list[int], texts: list[str]) -> None:
        for length, text in zip(lengths, texts):
            if length > self.limit:
                raise TranslationError(
                    f"a segment of {length} tokens exceeds the model's limit of {self.limit} and would be truncated: "
                    f"{text[:60]!r}..."
                )
