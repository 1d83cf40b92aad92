"""The reference backend: transformers ``MarianMTModel`` + ``MarianTokenizer``.

Safetensors only (``use_safetensors=True``), never remote code. Decoding options
are passed explicitly: opus-mt's generation config would otherwise decode with 4
beams up to 512 tokens whatever the caller wanted.

``translate_aligned`` also returns the alignment protect repairs lost spans from
(:class:`notelingo.protect.repair.Alignment`): the cross-attention of the last decoder layer,
head 0, opus-mt's guided-alignment head. ``sdpa`` attention cannot return weights, so
those batches run with ``eager`` attention; the others keep ``sdpa``.
"""

from __future__ import annotations

import os

from ..errors import ModelError
from .marian import MarianTokens, quiet_transformers, source_ranges
from .options import DecodingOptions, cpu_count, shape_chunks


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

    def translate_batch(self, texts: list[str], retry: dict | None = None) -> list[str]:
        out = [""] * len(texts)
        # chunks of one token length: no padding, so each text decodes as it would alone (see shape_chunks)
        for chunk in shape_chunks(self.token_lengths(texts), max(1, self.decoding.batch_size),
                                  beams=self.decoding.beams):
            for index, text in zip(chunk, self._translate_chunk([texts[i] for i in chunk], retry)):
                out[index] = text
        return out

    def translate_again(self, texts: list[str], want: list[bool] | None = None) -> list:
        """What :meth:`translate_batch` (``want`` None) or :meth:`translate_aligned` gives, decoded
        against repetition (for outputs that looped: see :mod:`.checks`)."""
        import copy
        from dataclasses import replace

        from .checks import RETRY_BEAMS, RETRY_NO_REPEAT_NGRAM, RETRY_REPETITION_PENALTY

        retry = {"no_repeat_ngram_size": RETRY_NO_REPEAT_NGRAM, "repetition_penalty": RETRY_REPETITION_PENALTY}
        again = copy.copy(self)  # the same model and tokenizer, decoding with the retry's beams
        again.decoding = replace(self.decoding, beams=RETRY_BEAMS)
        if want is None:
            return again.translate_batch(texts, retry)
        return again.translate_aligned(texts, want, retry)

    def translate_aligned(self, texts: list[str], want: list[bool],
                          retry: dict | None = None) -> list[tuple[str, object]]:
        """(translation, Alignment or None) per text; alignments only for the texts in ``want``."""
        out: list[tuple[str, object]] = [("", None)] * len(texts)
        # see translate_batch; a text whose alignment is wanted decodes alone (its attention's last bits
        # would move with the number of rows)
        for indices in shape_chunks(self.token_lengths(texts), max(1, self.decoding.batch_size), want,
                                    self.decoding.beams):
            chunk, wanted = [texts[i] for i in indices], [want[i] for i in indices]
            if any(wanted):
                results = self._aligned_chunk(chunk, wanted, retry)
            else:
                results = [(text, None) for text in self._translate_chunk(chunk, retry)]
            for index, result in zip(indices, results):
                out[index] = result
        return out

    def _aligned_chunk(self, texts: list[str], want: list[bool], retry: dict | None = None) -> list[tuple[str, object]]:
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
                    output_attentions=True, return_dict_in_generate=True, **(retry or {}),
                )
        finally:
            self.model.set_attn_implementation(previous)
        sequences = self._own_caps(generated.sequences, lengths)
        outputs = self.tokenizer.batch_decode(sequences, skip_special_tokens=True)
        mask = encoded["attention_mask"].tolist()
        sources = source_ranges(self.source_processor(), texts)
        return [(text_out, self._alignment_of(generated, sequences[row], row, sources[row], mask[row], text_out)
                 if want[row] else None) for row, text_out in enumerate(outputs)]

    def _own_caps(self, sequences, lengths: list[int]) -> list[list[int]]:
        """Each row of ``generate``'s output (decoder start token first) cut at its own source's cap:
        the chunk decoded to its longest member's (see DecodingOptions.max_new_tokens)."""
        return [row[:1 + self.decoding.max_new_tokens(length, self.limit)]
                for row, length in zip(sequences.tolist(), lengths)]

    def _alignment_of(self, generated, sequence: list[int], row: int, source: list | None, mask: list[int],
                      text_out: str):
        """Row ``row``'s alignment from ``generate``'s cross-attentions (last layer, head 0)."""
        ids = sequence[1:]  # after the decoder start token
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

    def _translate_chunk(self, texts: list[str], retry: dict | None = None) -> list[str]:
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
                **(retry or {}),
            )
        return self.tokenizer.batch_decode(self._own_caps(generated, lengths), skip_special_tokens=True)
