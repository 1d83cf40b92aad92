"""The reference backend: transformers ``MarianMTModel`` + ``MarianTokenizer``.

Safetensors only (``use_safetensors=True``), never remote code. Decoding options
are passed explicitly: opus-mt's generation config would otherwise decode with 4
beams up to 512 tokens whatever the caller wanted.

``translate_aligned`` also returns the alignment protect repairs lost spans from
(:class:`notelingo.repair.Alignment`): the cross-attention of the last decoder layer,
head 0, opus-mt's guided-alignment head. ``sdpa`` attention cannot return weights, so
those batches run with ``eager`` attention; the others keep ``sdpa``.
"""

from __future__ import annotations

import os

from ..errors import ModelError, TranslationError
from . import DecodingOptions, bucket_chunks, cpu_count

SPIECE_UNDERLINE = "▁"


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


def torch_threads(cores: int) -> int:
    """Intra-op threads for torch: half the cores.

    Measured on 2 shared cores: a tiny model generated a batch in 0.34 s with one
    thread and 17 s with two (OpenMP workers spin while the other core is busy).
    """
    return max(1, cores // 2)


def explicit_generation_config(config):
    """Token ids from the model, nothing else: opus-mt's saved config (4 beams, max_length 512) is not used."""
    from transformers import GenerationConfig

    pad = config.pad_token_id
    return GenerationConfig(decoder_start_token_id=config.decoder_start_token_id, eos_token_id=config.eos_token_id,
                            pad_token_id=pad, bad_words_ids=[[pad]] if pad is not None else None, do_sample=False)


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
    def signature(self) -> dict:
        return {"models": {self.resolved.pair: self.resolved.label}, "backend": self.backend,
                "compute_type": self.compute_type, "device": self.device, "decoding": self.decoding.as_dict()}

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
        """The :class:`notelingo.repair.Alignment` of one translation (``source``: the input's token
        ranges from :func:`source_ranges`), or None when the pieces cannot be mapped back to
        characters (then protect falls back to splicing)."""
        from ..alignment import Alignment

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


class HFTranslator(MarianTokens):
    """Translate with transformers on CPU (float32) or CUDA (float16)."""

    backend = "transformers"

    def __init__(
        self, model, device: str = "auto", decoding: DecodingOptions | None = None, cache_dir: str | None = None
    ) -> None:
        import torch
        from transformers import MarianMTModel

        super().__init__(model, decoding)
        self.device = "cuda" if device == "cuda" or (device == "auto" and torch.cuda.is_available()) else "cpu"
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        self.compute_type = str(dtype).removeprefix("torch.")
        if self.device == "cpu" and "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(torch_threads(cpu_count()))
        quiet_transformers()
        try:
            self.model = MarianMTModel.from_pretrained(model.path, use_safetensors=True, dtype=dtype,
                                                       trust_remote_code=False)
        except (OSError, ValueError) as exc:
            raise ModelError(f"{model.path}: the model cannot be loaded ({exc})") from None
        self.model.to(self.device).eval()
        # Replace opus-mt's saved defaults (beams 4, max_length 512) so they cannot leak into decoding.
        self.model.generation_config = explicit_generation_config(self.model.config)

    def translate_batch(self, texts: list[str]) -> list[str]:
        out = [""] * len(texts)
        # chunks never cross a length bucket, so each text decodes up to its own cap (see length_bucket)
        for chunk in bucket_chunks(self.token_lengths(texts), max(1, self.decoding.batch_size)):
            for index, text in zip(chunk, self._translate_chunk([texts[i] for i in chunk])):
                out[index] = text
        return out

    def translate_aligned(self, texts: list[str], want: list[bool]) -> list[tuple[str, object]]:
        """(translation, Alignment or None) per text; alignments only for the texts in ``want``."""
        out: list[tuple[str, object]] = [("", None)] * len(texts)
        # see translate_batch
        for indices in bucket_chunks(self.token_lengths(texts), max(1, self.decoding.batch_size)):
            chunk, wanted = [texts[i] for i in indices], [want[i] for i in indices]
            if any(wanted):
                results = self._aligned_chunk(chunk, wanted)
            else:
                results = [(text, None) for text in self._translate_chunk(chunk)]
            for index, result in zip(indices, results):
                out[index] = result
        return out

    def _aligned_chunk(self, texts: list[str], want: list[bool]) -> list[tuple[str, object]]:
        import torch

        encoded = self.tokenizer(texts, return_tensors="pt", padding=True)
        lengths = encoded["attention_mask"].sum(dim=1).tolist()
        self.check_lengths(lengths, texts)
        previous = self.model.config._attn_implementation
        self.model.set_attn_implementation("eager")  # sdpa returns no attention weights
        try:
            with torch.inference_mode():
                generated = self.model.generate(
                    **encoded.to(self.device), num_beams=self.decoding.beams, do_sample=False,
                    max_new_tokens=self.decoding.max_new_tokens(max(lengths), self.limit),
                    output_attentions=True, return_dict_in_generate=True,
                )
        finally:
            self.model.set_attn_implementation(previous)
        outputs = self.tokenizer.batch_decode(generated.sequences, skip_special_tokens=True)
        mask = encoded["attention_mask"].tolist()
        sources = source_ranges(self.source_processor(), texts)
        return [(text_out, self._alignment_of(generated, row, sources[row], mask[row], text_out) if want[row] else None)
                for row, text_out in enumerate(outputs)]

    def _alignment_of(self, generated, row: int, source: list | None, mask: list[int], text_out: str):
        """Row ``row``'s alignment from ``generate``'s cross-attentions (last layer, head 0)."""
        ids = generated.sequences[row, 1:].tolist()  # after the decoder start token
        stop = {self.tokenizer.eos_token_id, self.tokenizer.pad_token_id}
        count = next((i for i, token in enumerate(ids) if token in stop), len(ids))
        beams = getattr(generated, "beam_indices", None)
        columns = [i for i, keep in enumerate(mask) if keep]
        weights = []
        for step in range(min(count, len(generated.cross_attentions))):
            source_row = int(beams[row, step]) if beams is not None else row
            if source_row < 0:
                break
            weights.append(generated.cross_attentions[step][-1][source_row, 0, -1, columns].tolist())
        pieces = self.tokenizer.convert_ids_to_tokens(ids[:len(weights)])
        if source is not None and len(source) != len(columns):
            return None
        return self.alignment(source, pieces, text_out, weights)

    def _translate_chunk(self, texts: list[str]) -> list[str]:
        import torch

        if not texts:
            return []
        encoded = self.tokenizer(texts, return_tensors="pt", padding=True)
        lengths = encoded["attention_mask"].sum(dim=1).tolist()
        self.check_lengths(lengths, texts)
        max_new = self.decoding.max_new_tokens(max(lengths), self.limit)
        with torch.inference_mode():
            generated = self.model.generate(
                **encoded.to(self.device), num_beams=self.decoding.beams, max_new_tokens=max_new, do_sample=False,
            )
        return self.tokenizer.batch_decode(generated, skip_special_tokens=True)
