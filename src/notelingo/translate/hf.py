"""The reference backend: transformers ``MarianMTModel`` + ``MarianTokenizer``.

Safetensors only (``use_safetensors=True``), never remote code. Decoding options
are passed explicitly: opus-mt's generation config would otherwise decode with 4
beams up to 512 tokens whatever the caller wanted.
"""

from __future__ import annotations

import os

from ..errors import ModelError, TranslationError
from . import DecodingOptions, cpu_count


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
        raise ModelError(f"{path}: the Marian tokenizer cannot be loaded ({exc}); the folder needs source.spm, target.spm and vocab.json") from None


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

    def check_lengths(self, lengths: list[int], texts: list[str]) -> None:
        for length, text in zip(lengths, texts):
            if length > self.limit:
                raise TranslationError(f"a segment of {length} tokens exceeds the model's limit of {self.limit} and would be truncated: {text[:60]!r}...")


class HFTranslator(MarianTokens):
    """Translate with transformers on CPU (float32) or CUDA (float16)."""

    backend = "transformers"

    def __init__(self, model, device: str = "auto", decoding: DecodingOptions | None = None, cache_dir: str | None = None) -> None:
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
            self.model = MarianMTModel.from_pretrained(model.path, use_safetensors=True, dtype=dtype, trust_remote_code=False)
        except (OSError, ValueError) as exc:
            raise ModelError(f"{model.path}: the model cannot be loaded ({exc})") from None
        self.model.to(self.device).eval()
        # Replace opus-mt's saved defaults (beams 4, max_length 512) so they cannot leak into decoding.
        self.model.generation_config = explicit_generation_config(self.model.config)

    def translate_batch(self, texts: list[str]) -> list[str]:
        out: list[str] = []
        size = max(1, self.decoding.batch_size)
        for start in range(0, len(texts), size):
            out.extend(self._translate_chunk(list(texts[start:start + size])))
        return out

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
