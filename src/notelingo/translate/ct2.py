"""The fast backend: CTranslate2 (extra ``notelingo[fast]``).

The Marian model is converted once (int8 on CPU, float16 on CUDA) into
``<cache>/ct2/<model>-<revision>-<quantization>`` and reused by later runs. The
converter writes ``add_source_eos=false``, so ``</s>`` is appended here: the
Marian tokenizer's ``encode`` already adds it.

Threads: on this kind of CPU one more intra-op thread gains nothing while a
second worker doubles throughput (measured: inter 2 x intra 1 ≈ 59 sent/s, one
worker with 2 threads ≈ 30), so workers get one thread each up to 4 cores.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..errors import ModelError
from . import DecodingOptions, cpu_count
from .hf import MarianTokens


def plan_threads(cores: int, device: str) -> tuple[int, int]:
    """(inter_threads, intra_threads) for ``cores`` CPU cores."""
    if device == "cuda":
        return 1, min(4, cores)
    intra = 1 if cores <= 4 else 2
    return max(1, cores // intra), intra


def converted_folder(cache_dir: str, model, quantization: str) -> Path:
    """Where the converted model lives: keyed by model id, revision and quantization."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model.model_id).name if os.path.isabs(model.model_id) else model.model_id)
    key = hashlib.sha256(f"{model.model_id}\n{model.revision}\n{quantization}".encode()).hexdigest()[:10]
    return Path(cache_dir) / "ct2" / f"{name}-{model.revision[:12]}-{quantization}-{key}"


def convert_once(model, quantization: str, cache_dir: str) -> Path:
    """Convert the Marian folder unless a finished conversion exists; safe when two runs race."""
    target = converted_folder(cache_dir, model, quantization)
    if (target / "model.bin").is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    from .hf import quiet_transformers

    quiet_transformers()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        TransformersConverter(model.path, trust_remote_code=False).convert(str(staging / "model"), quantization=quantization, force=True)
        os.replace(staging / "model", target)
    except OSError:
        if not (target / "model.bin").is_file():  # the other run did not win the race: a real failure
            raise
    except (ValueError, RuntimeError, KeyError) as exc:
        raise ModelError(f"{model.path}: CTranslate2 could not convert the model ({exc}); use --backend transformers") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class CT2Translator(MarianTokens):
    """Translate with a CTranslate2 conversion of a Marian model."""

    backend = "ctranslate2"

    def __init__(self, model, device: str = "auto", decoding: DecodingOptions | None = None, cache_dir: str | None = None) -> None:
        import ctranslate2

        super().__init__(model, decoding)
        self.device = "cuda" if device == "cuda" or (device == "auto" and ctranslate2.get_cuda_device_count() > 0) else "cpu"
        quantization = "float16" if self.device == "cuda" else "int8"
        folder = convert_once(model, quantization, cache_dir or tempfile.gettempdir())
        self.inter_threads, self.intra_threads = plan_threads(cpu_count(), self.device)
        self.translator = ctranslate2.Translator(str(folder), device=self.device, compute_type=quantization,
                                                 inter_threads=self.inter_threads, intra_threads=self.intra_threads)
        self.compute_type = self.translator.compute_type

    def translate_batch(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        tokens = [self.tokenizer.convert_ids_to_tokens(self.tokenizer.encode(text)) for text in texts]
        lengths = [len(t) for t in tokens]
        self.check_lengths(lengths, texts)
        # Split the batch into about one sub-batch per worker so every worker has work.
        per_worker = max(max(lengths), math.ceil(sum(lengths) / self.inter_threads))
        results = self.translator.translate_batch(
            tokens, beam_size=self.decoding.beams, max_decoding_length=self.decoding.max_new_tokens(max(lengths), self.limit),
            max_batch_size=per_worker, batch_type="tokens",
        )
        return [self._detokenize(result.hypotheses[0]) for result in results]

    def _detokenize(self, pieces: list[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(pieces)
        return self.tokenizer.decode(ids, skip_special_tokens=True)
